import { dissectData } from "./data";
export function looksLikeSsh(off: i32, end: i32): bool {
  return false;
}
export function dissectSsh(off: i32, end: i32): void {
  dissectData(off, end);
}
