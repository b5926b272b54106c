// Virtual eXtensible LAN: Ethernet frames tunnelled over UDP (port 4789).

import { field, protocol, columnProtocol, valueStrings, FT, BASE } from "../core/registry";
import { SET_NOT_SET } from "../core/names";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";
import { dissectEthernet } from "./ethernet";

const HF_VXLAN = protocol("vxlan", "Virtual eXtensible Local Area Network", "VXLAN carries Ethernet frames inside UDP, so virtual machines on different hosts can share one virtual network.");
const HF_FLAGS = field("vxlan.flags", "Flags", FT.UINT16, BASE.HEX, "Flag bits; bit I says the network identifier is valid.");
const HF_FLAG_I = field("vxlan.flag_i", "VXLAN Network ID (VNI)", FT.BOOLEAN, BASE.NONE, "The network identifier field is valid.", 0x0800);
const HF_VNI = field("vxlan.vni", "VXLAN Network Identifier (VNI)", FT.UINT24, BASE.DEC, "Which virtual network the frame belongs to.");
const HF_RESERVED = field("vxlan.reserved8", "Reserved", FT.UINT8, BASE.DEC, "Reserved; zero.");
const COL_VXLAN = columnProtocol("VXLAN", HF_VXLAN);
valueStrings(HF_FLAG_I, SET_NOT_SET);

export function dissectVxlan(off: i32, end: i32): void {
  pinfo.colProto = COL_VXLAN;
  // A tunnel: what it carries is not what the columns show.
  pinfo.complex = true;
  const node = t.open(HF_VXLAN, off, 8);
  t.f16(HF_FLAGS, off);
  if (t.detail) {
    t.openNode(t.lastNode());
    t.fbits(HF_FLAG_I, off, 2, 0x0800);
    t.close(t.currentParent());
  }
  t.f24(HF_VNI, off + 4);
  t.f8(HF_RESERVED, off + 7);
  t.close(node);
  if (t.stopped) return;
  dissectEthernet(off + 8, end, false);
}
