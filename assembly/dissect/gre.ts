// Generic Routing Encapsulation: a packet of any EtherType tunnelled in IP,
// including PPTP's enhanced GRE (version 1) carrying PPP.

import { field, protocol, columnProtocol, valueStrings, FT, BASE } from "../core/registry";
import { ETHERTYPES, YES_NO } from "../core/names";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";
import { dissectEthertype } from "./ethertype";

const HF_GRE = protocol("gre", "Generic Routing Encapsulation", "GRE wraps one packet inside another to carry it through a tunnel (VPNs, PPTP, ERSPAN ...).");
const HF_FLAGS = field("gre.flags_and_version", "Flags and Version", FT.UINT16, BASE.HEX, "Which optional fields are present, and the GRE version (1 for PPTP).");
const HF_FLAG_CHECKSUM = field("gre.flags.checksum", "Checksum Bit", FT.BOOLEAN, BASE.NONE, "A checksum field is present.", 0x8000);
const HF_FLAG_ROUTING = field("gre.flags.routing", "Routing Bit", FT.BOOLEAN, BASE.NONE, "A routing field is present (obsolete).", 0x4000);
const HF_FLAG_KEY = field("gre.flags.key", "Key Bit", FT.BOOLEAN, BASE.NONE, "A key field is present.", 0x2000);
const HF_FLAG_SEQ = field("gre.flags.sequence_number", "Sequence Number Bit", FT.BOOLEAN, BASE.NONE, "A sequence number is present.", 0x1000);
const HF_FLAG_ACK = field("gre.flags.ack", "Acknowledgment", FT.BOOLEAN, BASE.NONE, "An acknowledgment number is present (PPTP).", 0x0080);
const HF_VERSION = field("gre.flags.version", "Version", FT.UINT16, BASE.DEC, "0 for GRE, 1 for PPTP's enhanced GRE.", 0x0007);
const HF_PROTO = field("gre.proto", "Protocol Type", FT.UINT16, BASE.HEX, "The EtherType of the tunnelled packet (0x0800 IPv4, 0x880b PPP, 0x6558 Ethernet ...).");
const HF_CHECKSUM = field("gre.checksum", "Checksum", FT.UINT16, BASE.HEX, "A checksum over the GRE header and payload.");
const HF_OFFSET = field("gre.offset", "Offset", FT.UINT16, BASE.DEC, "Offset field (used with routing).");
const HF_KEY = field("gre.key", "Key", FT.UINT32, BASE.HEX, "Identifies a flow within the tunnel.");
const HF_PAYLOAD_LEN = field("gre.key.payload_length", "Payload Length", FT.UINT16, BASE.DEC, "In PPTP, the length of the payload.");
const HF_CALL_ID = field("gre.key.call_id", "Call ID", FT.UINT16, BASE.DEC, "In PPTP, the call this packet belongs to.");
const HF_SEQ = field("gre.sequence_number", "Sequence Number", FT.UINT32, BASE.DEC, "Orders the packets of the tunnel.");
const HF_ACK = field("gre.ack_number", "Acknowledgment Number", FT.UINT32, BASE.DEC, "In PPTP, the highest sequence number received.");
const COL_GRE = columnProtocol("GRE", HF_GRE);
valueStrings(HF_PROTO, ETHERTYPES);
valueStrings(HF_FLAG_CHECKSUM, YES_NO);
valueStrings(HF_FLAG_ROUTING, YES_NO);
valueStrings(HF_FLAG_KEY, YES_NO);
valueStrings(HF_FLAG_SEQ, YES_NO);
valueStrings(HF_FLAG_ACK, YES_NO);

export function dissectGre(off: i32, end: i32): void {
  const prev = t.enter(end);
  if (!pinfo.inError) pinfo.colProto = COL_GRE;
  // A tunnel: what it carries is not what the columns show.
  pinfo.complex = true;
  const node = t.open(HF_GRE, off, 4);
  const flags = t.f16(HF_FLAGS, off);
  if (t.detail) {
    t.openNode(t.lastNode());
    t.fbits(HF_FLAG_CHECKSUM, off, 2, 0x8000);
    t.fbits(HF_FLAG_ROUTING, off, 2, 0x4000);
    t.fbits(HF_FLAG_KEY, off, 2, 0x2000);
    t.fbits(HF_FLAG_SEQ, off, 2, 0x1000);
    t.fbits(HF_FLAG_ACK, off, 2, 0x0080);
    t.fbits(HF_VERSION, off, 2, 0x0007);
    t.close(t.currentParent());
  }
  const proto = t.f16(HF_PROTO, off + 2);
  let o = off + 4;
  if ((flags & 0xc000) != 0) {
    t.f16(HF_CHECKSUM, o);
    t.f16(HF_OFFSET, o + 2);
    o += 4;
  }
  if ((flags & 0x2000) != 0) {
    if ((flags & 7) == 1) {
      t.f16(HF_PAYLOAD_LEN, o);
      t.f16(HF_CALL_ID, o + 2);
    } else t.f32(HF_KEY, o);
    o += 4;
  }
  if ((flags & 0x1000) != 0) {
    t.f32(HF_SEQ, o);
    o += 4;
  }
  if ((flags & 7) == 1 && (flags & 0x0080) != 0) {
    t.f32(HF_ACK, o);
    o += 4;
  }
  t.setLength(node, o - off);
  t.close(node);
  t.restore(prev);
  if (t.stopped || (flags & 0x4000) != 0) return;
  if (o < end) dissectEthertype(proto, o, end);
}
