import { dissectData } from "./data";
export function looksLikeTls(off: i32, end: i32): bool {
  return false;
}
export function dissectTls(off: i32, end: i32): void {
  dissectData(off, end);
}
