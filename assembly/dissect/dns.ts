import { dissectData } from "./data";
export const DNS_UDP: i32 = 0;
export const DNS_TCP: i32 = 1;
export const MDNS: i32 = 2;
export const LLMNR: i32 = 3;
export function dissectDns(off: i32, end: i32, kind: i32): void {
  dissectData(off, end);
}
