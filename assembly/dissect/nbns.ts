import { dissectData } from "./data";
export function dissectNbns(off: i32, end: i32): void {
  dissectData(off, end);
}
