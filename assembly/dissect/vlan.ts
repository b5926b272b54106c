// IEEE 802.1Q VLAN tags and 802.1ad service tags (QinQ).

import { field, protocol, columnProtocol, valueStrings, FT, BASE } from "../core/registry";
import { ETHERTYPES } from "../core/names";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";
import { dissectEthertype } from "./ethertype";
import { dissectLlc } from "./ethernet";

const HF_VLAN = protocol("vlan", "802.1Q Virtual LAN", "A VLAN tag: it puts the frame on one of several virtual networks sharing the same cables, with a priority.");
const HF_VLAN_PRIORITY = field("vlan.priority", "Priority", FT.UINT16, BASE.DEC, "The frame's priority class, 0 (best effort) to 7 (network control), used by switches to queue traffic.", 0xe000);
const HF_VLAN_DEI = field("vlan.dei", "DEI", FT.BOOLEAN, BASE.NONE, "Drop eligible indicator: set when a switch may drop this frame first under congestion.", 0x1000);
const HF_VLAN_ID = field("vlan.id", "ID", FT.UINT16, BASE.DEC, "The VLAN number (1 to 4094) that the frame belongs to.", 0x0fff);
const HF_VLAN_ETYPE = field("vlan.etype", "Type", FT.UINT16, BASE.HEX, "The EtherType of the payload inside the tag.");
const HF_VLAN_LEN = field("vlan.len", "Length", FT.UINT16, BASE.DEC, "The payload length, for 802.3-style frames inside the tag.");
const COL_VLAN = columnProtocol("802.1Q", HF_VLAN);

const HF_QINQ = protocol("ieee8021ad", "IEEE 802.1ad", "A service (outer) VLAN tag added by a provider, so a customer's own VLAN tags pass through unchanged (QinQ).");
const HF_QINQ_PRIORITY = field("ieee8021ad.priority", "Priority", FT.UINT16, BASE.DEC, "The frame's priority class in the provider network.", 0xe000);
const HF_QINQ_DEI = field("ieee8021ad.dei", "DEI", FT.UINT16, BASE.DEC, "Drop eligible indicator in the provider network.", 0x1000);
const HF_QINQ_ID = field("ieee8021ad.id", "ID", FT.UINT16, BASE.DEC, "The provider's service VLAN number.", 0x0fff);
const HF_QINQ_ETYPE = field("ieee8021ah.etype", "Type", FT.UINT16, BASE.HEX, "The EtherType of the payload inside the service tag.");
valueStrings(HF_VLAN_ETYPE, ETHERTYPES);
valueStrings(HF_QINQ_ETYPE, ETHERTYPES);
valueStrings(HF_VLAN_DEI, "1:Eligible|0:Ineligible");
valueStrings(HF_VLAN_PRIORITY, "0:Best Effort (default)|1:Background|2:Excellent Effort|3:Critical Applications|4:Video, < 100ms latency and jitter|5:Voice, < 10ms latency and jitter|6:Internetwork Control|7:Network Control");

/** An 802.1Q tag at off; returns the bytes the tag and its payload use, or -1. */
export function dissectVlan(off: i32, end: i32): i32 {
  pinfo.shimmed = true;
  const node = t.open(HF_VLAN, off, 4);
  if (!pinfo.inError && pinfo.colProto == 0) pinfo.colProto = COL_VLAN;
  const tci = t.get16(off);
  if (t.detail && !t.stopped) {
    const note = t.beginNote();
    t.pool.str("802.1Q Virtual LAN, PRI: ");
    t.pool.dec(tci >> 13);
    t.pool.str(", DEI: ");
    t.pool.dec((tci >> 12) & 1);
    t.pool.str(", ID: ");
    t.pool.dec(tci & 0xfff);
    t.endNote(node, note);
  }
  t.fbits(HF_VLAN_PRIORITY, off, 2, 0xe000);
  t.fbits(HF_VLAN_DEI, off, 2, 0x1000);
  t.fbits(HF_VLAN_ID, off, 2, 0x0fff);
  const type = t.get16(off + 2);
  if (t.stopped) {
    t.close(node);
    return -1;
  }
  if (type <= 1500) {
    t.f16(HF_VLAN_LEN, off + 2);
    t.close(node);
    const e = off + 4 + <i32>type < end ? off + 4 + <i32>type : end;
    dissectLlc(off + 4, e);
    return 4 + <i32>type;
  }
  t.f16(HF_VLAN_ETYPE, off + 2);
  t.close(node);
  const used = dissectEthertype(type, off + 4, end);
  return used < 0 ? -1 : 4 + used;
}

/** An 802.1ad service tag at off. */
export function dissectQinQ(off: i32, end: i32): i32 {
  const node = t.open(HF_QINQ, off, 4);
  const tci = t.get16(off);
  if (t.detail && !t.stopped) {
    const note = t.beginNote();
    t.pool.str("IEEE 802.1ad, ID: ");
    t.pool.dec(tci & 0xfff);
    t.endNote(node, note);
  }
  t.fbits(HF_QINQ_PRIORITY, off, 1, 0xe0);
  t.fbits(HF_QINQ_DEI, off, 1, 0x10);
  t.fbits(HF_QINQ_ID, off, 2, 0x0fff);
  const type = t.f16(HF_QINQ_ETYPE, off + 2);
  t.close(node);
  if (t.stopped) return -1;
  const used = dissectEthertype(type, off + 4, end);
  return used < 0 ? -1 : 4 + used;
}
