import { dissectData } from "./data";
export function dissectDhcp(off: i32, end: i32): void {
  dissectData(off, end);
}
