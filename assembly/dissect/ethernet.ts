// Ethernet II and IEEE 802.3 frames, and the 802.2 LLC / SNAP header that
// 802.3 and 802.11 frames carry.

import { field, protocol, columnProtocol, valueStrings, FT, BASE } from "../core/registry";
import { ETHERTYPES, SET_NOT_SET } from "../core/names";
import * as t from "../core/tree";
import { pinfo, AddrKind } from "../core/pinfo";
import { dissectEthertype } from "./ethertype";
import { dissectData } from "./data";

export const HF_ETH = protocol("eth", "Ethernet", "The Ethernet header: which network card the frame is for, which sent it, and what it carries.");
const HF_ETH_DST = field("eth.dst", "Destination", FT.ETHER, BASE.NONE, "The hardware (MAC) address of the network card the frame is addressed to; ff:ff:ff:ff:ff:ff means everyone on the link.");
const HF_ETH_SRC = field("eth.src", "Source", FT.ETHER, BASE.NONE, "The hardware (MAC) address of the network card that sent the frame.");
const HF_ETH_ADDR = field("eth.addr", "Address", FT.ETHER, BASE.NONE, "Either hardware address of the frame, source or destination; handy in filters.");
const HF_ETH_DST_LG = field("eth.dst.lg", "LG bit", FT.BOOLEAN, BASE.NONE, "Set when the destination address was assigned locally rather than by the card's maker.", 0x020000);
const HF_ETH_DST_IG = field("eth.dst.ig", "IG bit", FT.BOOLEAN, BASE.NONE, "Set when the destination is a group (multicast or broadcast) rather than one card.", 0x010000);
const HF_ETH_SRC_LG = field("eth.src.lg", "LG bit", FT.BOOLEAN, BASE.NONE, "Set when the source address was assigned locally rather than by the card's maker.", 0x020000);
const HF_ETH_SRC_IG = field("eth.src.ig", "IG bit", FT.BOOLEAN, BASE.NONE, "Set when the source address is a group address, which a sender should never use.", 0x010000);
const HF_ETH_LG = field("eth.lg", "LG bit", FT.BOOLEAN, BASE.NONE, "The locally-administered bit of either address.", 0x020000);
const HF_ETH_IG = field("eth.ig", "IG bit", FT.BOOLEAN, BASE.NONE, "The group-address bit of either address.", 0x010000);
export const HF_ETH_TYPE = field("eth.type", "Type", FT.UINT16, BASE.HEX, "The EtherType: which protocol the frame carries (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP, 0x8100 VLAN tag ...).");
const HF_ETH_LEN = field("eth.len", "Length", FT.UINT16, BASE.DEC, "In an IEEE 802.3 frame, the length of the payload in bytes (values up to 1500 mean a length, not a type).");
const HF_ETH_PADDING = field("eth.padding", "Padding", FT.BYTES, BASE.NONE, "Zero bytes added to reach Ethernet's minimum frame size of 64 bytes; they carry nothing.");
const HF_ETH_TRAILER = field("eth.trailer", "Trailer", FT.BYTES, BASE.NONE, "Bytes after the payload that belong to no protocol, often the frame check sequence or equipment tags.");
export const COL_ETH = columnProtocol("Ethernet", HF_ETH);

export const HF_LLC = protocol("llc", "Logical-Link Control", "The IEEE 802.2 LLC header, used by 802.3 and 802.11 frames to say what they carry.");
const HF_LLC_DSAP = field("llc.dsap", "DSAP", FT.UINT8, BASE.HEX, "Destination service access point: which protocol on the receiver should get the payload.");
const HF_LLC_SSAP = field("llc.ssap", "SSAP", FT.UINT8, BASE.HEX, "Source service access point: which protocol on the sender produced the payload.");
const HF_LLC_CONTROL = field("llc.control", "Control", FT.UINT16, BASE.HEX, "The LLC control field; 0x03 is an unnumbered information frame, the usual case.");
const HF_LLC_OUI = field("llc.oui", "Organization Code", FT.UINT24, BASE.HEX, "In a SNAP header, the organisation that defines the protocol number that follows (0 for EtherTypes).");
const HF_LLC_PID = field("llc.pid", "Protocol ID", FT.UINT16, BASE.HEX, "In a SNAP header, the protocol carried, defined by the organisation code.");
const HF_LLC_TYPE = field("llc.type", "Type", FT.UINT16, BASE.HEX, "In a SNAP header with organisation code 0, the EtherType of the payload.");
export const COL_LLC = columnProtocol("LLC", HF_LLC);
const HF_STP = protocol("stp", "Spanning Tree Protocol", "Switches exchange these messages to agree on a loop-free set of links.");
const COL_STP = columnProtocol("STP", HF_STP);
const HF_CDP = protocol("cdp", "Cisco Discovery Protocol", "Cisco devices announce their identity and capabilities to their neighbours with these messages.");
const COL_CDP = columnProtocol("CDP", HF_CDP);
valueStrings(HF_ETH_TYPE, ETHERTYPES);
valueStrings(HF_LLC_TYPE, ETHERTYPES);
for (let i = 0; i < 3; i++) {
  valueStrings([HF_ETH_DST_LG, HF_ETH_SRC_LG, HF_ETH_LG][i], "1:Locally administered address (this is NOT the factory default)|0:Globally unique address (factory default)");
  valueStrings([HF_ETH_DST_IG, HF_ETH_SRC_IG, HF_ETH_IG][i], "1:Group address (multicast/broadcast)|0:Individual address (unicast)");
}
valueStrings(HF_LLC_DSAP, "0x42:Spanning Tree BPDU|0xaa:SNAP|0x06:IP|0xe0:NetWare|0xf0:NetBIOS|0xfe:ISO Network Layer");
valueStrings(HF_LLC_SSAP, "0x42:Spanning Tree BPDU|0xaa:SNAP|0x06:IP|0xe0:NetWare|0xf0:NetBIOS|0xfe:ISO Network Layer");
valueStrings(HF_LLC_PID, "0x2000:CDP|0x2004:DTP|0x010b:PVSTP+|0x0003:VTP");

const ETH_HEADER = 14;
const MIN_FRAME = 60; // without the frame check sequence

/** A hardware address and, beneath it, its address and flag bits. */
function address(hf: u16, lgField: u16, igField: u16, off: i32): void {
  if (!t.fbytes(hf, off, 6) || !t.detail) return;
  const item = t.lastNode();
  t.openNode(item);
  t.fbytes(HF_ETH_ADDR, off, 6);
  t.fbits(lgField, off, 3, 0x020000);
  t.fbits(HF_ETH_LG, off, 3, 0x020000);
  t.hidden(t.lastNode());
  t.fbits(igField, off, 3, 0x010000);
  t.fbits(HF_ETH_IG, off, 3, 0x010000);
  t.hidden(t.lastNode());
  t.close(item);
}

/** An Ethernet frame in [off, end). */
export function dissectEthernet(off: i32, end: i32, isLinkLayer: bool): void {
  const node = t.open(HF_ETH, off, ETH_HEADER);
  if (t.detail) {
    const note = t.beginNote();
    t.pool.str("Ethernet II");
    if (t.has(off, 12)) {
      t.pool.str(", Src: ");
      t.pool.mac(t.at(off + 6));
      t.pool.str(", Dst: ");
      t.pool.mac(t.at(off));
    }
    t.endNote(node, note);
  }
  address(HF_ETH_DST, HF_ETH_DST_LG, HF_ETH_DST_IG, off);
  address(HF_ETH_SRC, HF_ETH_SRC_LG, HF_ETH_SRC_IG, off + 6);
  if (t.has(off, 12) && !pinfo.inError) {
    pinfo.addrKind = AddrKind.MAC;
    pinfo.srcPtr = t.at(off + 6);
    pinfo.dstPtr = t.at(off);
    pinfo.colProto = COL_ETH;
  }
  const type = t.get16(off + 12);
  if (t.stopped) {
    t.close(node);
    return;
  }
  let payloadEnd = end;
  if (type <= 1500) {
    t.f16(HF_ETH_LEN, off + 12);
    t.close(node);
    // 802.3: the length field bounds the payload.
    const lenEnd = off + ETH_HEADER + <i32>type;
    if (lenEnd < payloadEnd) payloadEnd = lenEnd;
    dissectLlc(off + ETH_HEADER, payloadEnd);
  } else {
    t.f16(HF_ETH_TYPE, off + 12);
    t.close(node);
    const used = dissectEthertype(type, off + ETH_HEADER, end);
    if (used >= 0 && off + ETH_HEADER + used < end) payloadEnd = off + ETH_HEADER + used;
  }
  if (isLinkLayer && payloadEnd < end) trailer(off, payloadEnd, end);
}

/** Padding up to the minimum frame size, then trailer, as Wireshark shows them. */
function trailer(frameStart: i32, from: i32, end: i32): void {
  if (!t.detail) return;
  t.setStopped(false);
  t.setLimit(end);
  const padEnd = frameStart + MIN_FRAME < end ? frameStart + MIN_FRAME : end;
  if (from < padEnd) {
    t.rootParent();
    t.fbytes(HF_ETH_PADDING, from, padEnd - from);
    from = padEnd;
  }
  if (from < end && t.has(from, end - from)) {
    t.rootParent();
    t.fbytes(HF_ETH_TRAILER, from, end - from);
  }
}

/** 802.2 LLC, and SNAP when DSAP and SSAP are 0xaa. */
export function dissectLlc(off: i32, end: i32): void {
  const prev = t.enter(end);
  pinfo.shimmed = true;
  const node = t.open(HF_LLC, off, 3);
  if (!pinfo.inError) pinfo.colProto = COL_LLC;
  const dsap = t.f8(HF_LLC_DSAP, off);
  const ssap = t.f8(HF_LLC_SSAP, off + 1);
  const control = t.get8(off + 2);
  if (t.stopped) {
    t.close(node);
    t.restore(prev);
    return;
  }
  // Information and supervisory frames have a 2-byte control field.
  const controlLen = (control & 3) == 3 ? 1 : 2;
  if (controlLen == 1) t.fval(HF_LLC_CONTROL, off + 2, 1, control);
  else t.f16(HF_LLC_CONTROL, off + 2);
  let next = off + 2 + controlLen;
  if (dsap == 0xaa && ssap == 0xaa) {
    const oui = t.f24(HF_LLC_OUI, next);
    const pid = t.get16(next + 3);
    if (t.stopped) {
      t.close(node);
      t.restore(prev);
      return;
    }
    t.setLength(node, next + 5 - off);
    if (oui == 0 || oui == 0xf8) {
      t.f16(HF_LLC_TYPE, next + 3);
      t.close(node);
      t.restore(prev);
      dissectEthertype(pid, next + 5, end);
      return;
    }
    t.f16(HF_LLC_PID, next + 3);
    t.close(node);
    if (oui == 0x00000c && pid == 0x2000) {
      if (!pinfo.inError) pinfo.colProto = COL_CDP;
      const c = t.open(HF_CDP, next + 5, end - next - 5);
      t.close(c);
    } else dissectData(next + 5, end);
    t.restore(prev);
    return;
  }
  t.setLength(node, next - off);
  t.close(node);
  if (dsap == 0x42 && ssap == 0x42) {
    if (!pinfo.inError) pinfo.colProto = COL_STP;
    const s = t.open(HF_STP, next, end - next);
    t.close(s);
  } else dissectData(next, end);
  t.restore(prev);
}
