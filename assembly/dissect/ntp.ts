import { dissectData } from "./data";
export function dissectNtp(off: i32, end: i32): void {
  dissectData(off, end);
}
