import { dissectData } from "./data";
export function looksLikeQuic(off: i32, end: i32): bool {
  return false;
}
export function dissectQuic(off: i32, end: i32): void {
  dissectData(off, end);
}
