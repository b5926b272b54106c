// Internet Protocol version 4: header, options, fragments.

import { field, protocol, columnProtocol, valueStrings, FT, BASE } from "../core/registry";
import { IP_PROTOCOLS, SET_NOT_SET, CHECKSUM_STATUS } from "../core/names";
import * as t from "../core/tree";
import { pinfo, frame, AddrKind } from "../core/pinfo";
import { net } from "../core/net";
import { dissectIpPayload } from "./ip";
import { addFragment, reassembledPtr, reassembledLen, reassembledFragments, reassembledParts, reassembledAt } from "./ipreasm";
import { announce, takeInjected, takenLength, KIND_IPV4 } from "./tcpreasm";
import { dissectData } from "./data";

export const HF_IP = protocol("ip", "Internet Protocol Version 4", "IPv4: the header that carries a packet across networks from one IP address to another.");
export const HF_VERSION = field("ip.version", "Version", FT.UINT8, BASE.DEC, "The IP version; 4 here.");
const HF_HDR_LEN = field("ip.hdr_len", "Header Length", FT.UINT8, BASE.DEC, "Length of the IP header in bytes: 20, or more when options are present.");
const HF_DSFIELD = field("ip.dsfield", "Differentiated Services Field", FT.UINT8, BASE.HEX, "The byte that marks the packet's traffic class (DSCP) and congestion state (ECN).");
const HF_DSCP = field("ip.dsfield.dscp", "Differentiated Services Codepoint", FT.UINT8, BASE.DEC, "The traffic class routers may use to prioritise the packet (46 is expedited forwarding, used for voice).", 0xfc);
const HF_ECN = field("ip.dsfield.ecn", "Explicit Congestion Notification", FT.UINT8, BASE.DEC, "Lets routers signal congestion without dropping packets: 3 means congestion was experienced.", 0x03);
const HF_LEN = field("ip.len", "Total Length", FT.UINT16, BASE.DEC, "Length of the whole IP packet, header and payload, in bytes.");
const HF_ID = field("ip.id", "Identification", FT.UINT16, BASE.HEX_DEC, "A number the sender gives each packet, so fragments of the same packet can be put back together.");
const HF_FLAGS = field("ip.flags", "Flags", FT.UINT8, BASE.HEX, "The three fragmentation flags.", 0xe0);
const HF_FLAG_RB = field("ip.flags.rb", "Reserved bit", FT.BOOLEAN, BASE.NONE, "A reserved bit that must be zero (the 'evil bit' of RFC 3514 when set).", 0x80);
const HF_FLAG_DF = field("ip.flags.df", "Don't fragment", FT.BOOLEAN, BASE.NONE, "Set when routers must not split this packet; used to discover the path's maximum packet size.", 0x40);
const HF_FLAG_MF = field("ip.flags.mf", "More fragments", FT.BOOLEAN, BASE.NONE, "Set on every fragment except the last one of a split packet.", 0x20);
const HF_FRAG_OFFSET = field("ip.frag_offset", "Fragment Offset", FT.UINT16, BASE.DEC, "Where this fragment's data belongs in the original packet, in units of 8 bytes.", 0x1fff);
const HF_TTL = field("ip.ttl", "Time to Live", FT.UINT8, BASE.DEC, "How many more routers the packet may cross; each router subtracts one and drops the packet at zero, which stops routing loops.");
export const HF_PROTO = field("ip.proto", "Protocol", FT.UINT8, BASE.DEC, "Which protocol the packet carries: 6 TCP, 17 UDP, 1 ICMP, 47 GRE ...");
const HF_CHECKSUM = field("ip.checksum", "Header Checksum", FT.UINT16, BASE.HEX, "A checksum of the header, so routers can detect corruption.");
const HF_CHECKSUM_STATUS = field("ip.checksum.status", "Header checksum status", FT.UINT8, BASE.NONE, "Whether the checksum was verified: 2 means it was not checked.");
export const HF_SRC = field("ip.src", "Source Address", FT.IPV4, BASE.NONE, "The IPv4 address of the host that sent the packet.");
export const HF_DST = field("ip.dst", "Destination Address", FT.IPV4, BASE.NONE, "The IPv4 address of the host the packet is for.");
export const HF_ADDR = field("ip.addr", "Source or Destination Address", FT.IPV4, BASE.NONE, "Either address of the packet; 'ip.addr == 10.0.0.1' finds traffic to or from that host.");
const HF_CUR_RT = field("ip.cur_rt", "Current Route", FT.IPV4, BASE.NONE, "With source routing, the next hop the packet is sent to now; the final destination is in the route option.");
const HF_OPTIONS = field("ip.options", "Options", FT.BYTES, BASE.NONE, "Optional header extensions (record route, timestamps, security labels ...), rarely used today.");
const HF_OPT_TYPE = field("ip.opt.type", "Type", FT.UINT8, BASE.DEC, "Which option this is.");
const HF_OPT_LEN = field("ip.opt.len", "Length", FT.UINT8, BASE.DEC, "Length of the option in bytes, including type and length.");
const HF_OPT_DATA = field("ip.opt.data", "Data", FT.BYTES, BASE.NONE, "The option's contents.");
const HF_REASSEMBLED_LEN = field("ip.reassembled.length", "Reassembled IPv4 length", FT.UINT32, BASE.DEC, "Length of the payload rebuilt from all fragments of the packet.");
const HF_FRAGMENT_COUNT = field("ip.fragment.count", "Fragment count", FT.UINT32, BASE.DEC, "How many fragments the packet was split into.");
const HF_REASSEMBLED = field("ip.reassembled.data", "Reassembled IPv4 data", FT.BYTES, BASE.NONE, "The payload rebuilt from all fragments.");
export const COL_IPV4 = columnProtocol("IPv4", HF_IP);
valueStrings(HF_PROTO, IP_PROTOCOLS);
valueStrings(HF_FLAG_RB, SET_NOT_SET);
valueStrings(HF_FLAG_DF, SET_NOT_SET);
valueStrings(HF_FLAG_MF, SET_NOT_SET);
valueStrings(HF_CHECKSUM_STATUS, CHECKSUM_STATUS);
valueStrings(HF_ECN, "0:Not ECN-Capable Transport|1:ECN-Capable Transport codepoint '01'|2:ECN-Capable Transport codepoint '10'|3:Congestion Experienced");
valueStrings(HF_DSCP, "0:Default|8:Class Selector 1|10:Assured Forwarding 11|12:Assured Forwarding 12|14:Assured Forwarding 13|16:Class Selector 2|18:Assured Forwarding 21|20:Assured Forwarding 22|22:Assured Forwarding 23|24:Class Selector 3|26:Assured Forwarding 31|28:Assured Forwarding 32|30:Assured Forwarding 33|32:Class Selector 4|34:Assured Forwarding 41|36:Assured Forwarding 42|38:Assured Forwarding 43|40:Class Selector 5|44:Voice Admit|46:Expedited Forwarding|48:Class Selector 6|56:Class Selector 7");
valueStrings(HF_OPT_TYPE, "0:End of Options List (EOL)|1:No-Operation (NOP)|7:Record Route|68:Time Stamp|130:Security|131:Loose Source Route|134:Commercial IP Security Option|136:Stream ID|137:Strict Source Route|148:Router Alert");

const MAX_DEPTH = 8;

/** Returns the packet's total length (for Ethernet padding), or -1. */
export function dissectIpv4(off: i32, end: i32): i32 {
  if (pinfo.ipLayers++ > 0) pinfo.complex = true;
  if (net.depth >= MAX_DEPTH) {
    dissectData(off, end);
    return -1;
  }
  const node = t.open(HF_IP, off, 20);
  const vhl = t.get8(off);
  if (t.stopped) {
    t.close(node);
    return -1;
  }
  const version = vhl >> 4;
  const hlen = <i32>(vhl & 0xf) * 4;
  t.fval(HF_VERSION, off, 1, version);
  if (version != 4 || hlen < 20) {
    t.fval(HF_HDR_LEN, off, 1, <u64>hlen);
    t.close(node);
    pinfo.malformed = true;
    pinfo.complex = true;
    return -1;
  }
  const prev = t.enter(end);
  if (t.detail) {
    const hl = t.fval(HF_HDR_LEN, off, 1, <u64>hlen);
    const note = t.beginNote();
    t.pool.dec(<u64>hlen);
    t.pool.str(" bytes (");
    t.pool.dec(<u64>(hlen >> 2));
    t.pool.str(")");
    t.endNote(hl, note);
  }
  const ds = t.f8(HF_DSFIELD, off + 1);
  if (t.detail) {
    t.openNode(t.lastNode());
    t.fbits(HF_DSCP, off + 1, 1, 0xfc);
    t.fbits(HF_ECN, off + 1, 1, 0x03);
    t.close(t.currentParent());
  }
  const totalLen = <i32>t.f16(HF_LEN, off + 2);
  const id = t.f16(HF_ID, off + 4);
  const flagsOff = t.get16(off + 6);
  if (t.detail && !t.stopped) {
    t.fbits(HF_FLAGS, off + 6, 1, 0xe0);
    t.openNode(t.lastNode());
    t.fbits(HF_FLAG_RB, off + 6, 1, 0x80);
    t.fbits(HF_FLAG_DF, off + 6, 1, 0x40);
    t.fbits(HF_FLAG_MF, off + 6, 1, 0x20);
    t.close(t.currentParent());
    t.fbits(HF_FRAG_OFFSET, off + 6, 2, 0x1fff);
  }
  t.f8(HF_TTL, off + 8);
  const proto = t.f8(HF_PROTO, off + 9);
  t.f16(HF_CHECKSUM, off + 10);
  t.fgen(HF_CHECKSUM_STATUS, off + 10, 0, 2);
  const src = t.fipv4(HF_SRC, off + 12);
  t.hiddenCopy(HF_ADDR, off + 12, 4, src);
  // With a source route, the header holds the next hop; the destination is the route's last address.
  const finalDst = hlen > 20 && t.has(off, hlen) ? sourceRouteDestination(off + 20, off + hlen) : -1;
  let dst: u32;
  if (finalDst >= 0) {
    const via = t.fipv4(HF_CUR_RT, off + 16);
    dst = t.has(finalDst, 4) ? bswap<u32>(load<u32>(t.at(finalDst))) : via;
  } else {
    dst = t.fipv4(HF_DST, off + 16);
    t.hiddenCopy(HF_ADDR, off + 16, 4, dst);
  }
  if (t.stopped) {
    pinfo.complex = true;
    t.close(node);
    t.restore(prev);
    return -1;
  }
  if (t.detail) {
    const note = t.beginNote();
    t.pool.str("Internet Protocol Version 4, Src: ");
    t.pool.ipv4(src);
    t.pool.str(", Dst: ");
    t.pool.ipv4(dst);
    if (finalDst >= 0) {
      t.pool.str(", Via: ");
      t.pool.ipv4(bswap<u32>(load<u32>(t.at(off + 16))));
    }
    t.endNote(node, note);
  }
  if (!pinfo.inError) {
    pinfo.addrKind = AddrKind.IPV4;
    pinfo.src4 = src;
    pinfo.dst4 = dst;
    pinfo.ipProto = <i32>proto;
    pinfo.colProto = COL_IPV4;
  }
  net.src = t.at(off + 12);
  net.dst = t.at(finalDst >= 0 ? finalDst : off + 16);
  net.alen = 4;
  if (hlen > 20) options(off + 20, off + hlen, finalDst);
  t.setLength(node, hlen);
  t.close(node);
  if (t.stopped) {
    t.restore(prev);
    return totalLen;
  }
  // The payload ends where the total length says, not where the frame does.
  let payloadEnd = off + totalLen;
  if (totalLen < hlen) payloadEnd = end; // TSO and bogus lengths: use what was captured
  else if (payloadEnd > end) payloadEnd = end;
  t.restore(prev);
  const mf = (flagsOff & 0x2000) != 0;
  const fragOffset = <i32>(flagsOff & 0x1fff) * 8;
  net.depth++;
  if (mf || fragOffset != 0) fragment(off + hlen, payloadEnd, proto, id, fragOffset, !mf, ds);
  else {
    net.fragment = false;
    net.payloadLen = payloadEnd - off - hlen;
    dissectIpPayload(proto, off + hlen, payloadEnd);
  }
  net.depth--;
  return totalLen >= hlen ? totalLen : -1;
}

function fragment(off: i32, end: i32, proto: u32, id: u32, fragOffset: i32, last: bool, ds: u32): void {
  const whole = t.has(off, end - off);
  if (!pinfo.inError) pinfo.fragmented = true;
  if (frame.track && whole && !pinfo.inError) {
    if (addFragment(4, proto, id, net.src, net.dst, fragOffset, t.at(off), end - off, last, frame.number - 1, t.source == 0 ? off : -1)) {
      announce(KIND_IPV4, frame.number - 1, reassembledLen, end - off, reassembledParts, reassembledAt);
      reassembled(proto, off, reassembledPtr, reassembledLen, reassembledFragments);
      return;
    }
  } else if (!frame.track && !pinfo.inError) {
    // The detail pass of one packet: the host may have rebuilt the datagram this fragment completed.
    const datagram = takeInjected(KIND_IPV4);
    if (datagram != 0) {
      reassembled(proto, off, datagram, takenLength, 0);
      return;
    }
  }
  net.fragment = true;
  if (t.detail) {
    t.info.reset();
    t.info.str("Fragmented IP protocol (proto=");
    t.info.dec(proto);
    t.info.str(", off=");
    t.info.dec(<u64>fragOffset);
    t.info.str(", ID=");
    t.info.hexw(id, 4);
    t.info.str(")");
  }
  dissectData(off, end);
}

/**
 * The offset of the final destination in a loose or strict source route
 * option whose route is not finished, or -1.
 */
function sourceRouteDestination(off: i32, end: i32): i32 {
  let o = off;
  while (o < end) {
    const type = <u32>load<u8>(t.at(o));
    if (type == 0) break;
    if (type == 1) {
      o++;
      continue;
    }
    if (o + 2 > end) break;
    const len = <i32>load<u8>(t.at(o + 1));
    if (len < 2 || o + len > end) break;
    if ((type == 131 || type == 137) && len >= 7) {
      const ptr = <i32>load<u8>(t.at(o + 2));
      if (ptr <= len - 3) return o + 3 + ((len - 3) / 4 - 1) * 4;
    }
    o += len;
  }
  return -1;
}

function options(off: i32, end: i32, finalDst: i32): void {
  if (!t.detail) return;
  const opts = t.open(HF_OPTIONS, off, end - off);
  let o = off;
  while (o < end && !t.stopped) {
    const type = t.get8(o);
    if (type == 0 || type == 1) {
      t.f8(HF_OPT_TYPE, o);
      o++;
      if (type == 0) break;
      continue;
    }
    const len = <i32>t.get8(o + 1);
    if (len < 2 || o + len > end) break;
    t.f8(HF_OPT_TYPE, o);
    t.f8(HF_OPT_LEN, o + 1);
    if (finalDst >= o && finalDst < o + len) {
      const v = t.fipv4(HF_DST, finalDst);
      t.hiddenCopy(HF_ADDR, finalDst, 4, v);
    } else if (len > 2) t.fbytes(HF_OPT_DATA, o + 2, len - 2);
    o += len;
  }
  t.close(opts);
}

/** Dissects a datagram rebuilt from its fragments, as a data source of its own. */
function reassembled(proto: u32, off: i32, datagram: usize, length: i32, fragments: i32): void {
  if (fragments > 0) t.fgen(HF_FRAGMENT_COUNT, off, 0, <u64>fragments);
  t.fgen(HF_REASSEMBLED_LEN, off, 0, <u64>length);
  // Keep the addresses: the reassembled payload is a new data source.
  const src = net.src;
  const dst = net.dst;
  const saved = t.enterSource(datagram, length, HF_REASSEMBLED);
  net.src = src;
  net.dst = dst;
  net.fragment = false;
  net.payloadLen = length;
  dissectIpPayload(proto, 0, length);
  t.leaveSource(saved);
}
