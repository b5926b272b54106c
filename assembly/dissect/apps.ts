// Which application dissector reads a TCP or UDP payload: by well-known port
// (the lower port first, as Wireshark tries it), then by recognising the
// payload itself where a protocol can be told apart reliably.

import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";
import { dissectData } from "./data";
import { dissectVxlan } from "./vxlan";

export const PORT_VXLAN: u32 = 4789;

export function dissectUdpPayload(off: i32, end: i32, sport: u32, dport: u32): void {
  if (pinfo.inError) return;
  const low = sport < dport ? sport : dport;
  const high = sport < dport ? dport : sport;
  if (udpByPort(low, off, end, sport, dport)) return;
  if (high != low && udpByPort(high, off, end, sport, dport)) return;
  dissectData(off, end);
}

function udpByPort(port: u32, off: i32, end: i32, sport: u32, dport: u32): bool {
  switch (port) {
    case PORT_VXLAN:
      dissectVxlan(off, end);
      return true;
  }
  return false;
}

export function dissectTcpPayload(off: i32, end: i32, sport: u32, dport: u32): void {
  if (pinfo.inError) return;
  dissectData(off, end);
  if (t.stopped) return;
}
