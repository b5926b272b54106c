import { dissectData } from "./data";
export function looksLikeHttp(off: i32, end: i32): bool {
  return false;
}
export function dissectHttp(off: i32, end: i32, overUdp: bool): void {
  dissectData(off, end);
}
