// Internet Protocol version 6 and its extension headers (hop-by-hop,
// routing, fragment, destination options).

import { field, protocol, columnProtocol, valueStrings, FT, BASE } from "../core/registry";
import { IP_PROTOCOLS, SET_NOT_SET } from "../core/names";
import * as t from "../core/tree";
import { pinfo, frame, AddrKind } from "../core/pinfo";
import { net } from "../core/net";
import { dissectIpPayload } from "./ip";
import { addFragment, reassembledPtr, reassembledLen, reassembledFragments, reassembledParts, reassembledAt } from "./ipreasm";
import { announce, takeInjected, takenLength, KIND_IPV6 } from "./tcpreasm";
import { dissectData } from "./data";
import { HF_VERSION as HF_IP_VERSION } from "./ipv4";

export const HF_IPV6 = protocol("ipv6", "Internet Protocol Version 6", "IPv6: the newer Internet Protocol, with 128-bit addresses.");
const HF_VERSION = field("ipv6.version", "Version", FT.UINT8, BASE.DEC, "The IP version; 6 here.");
const HF_TCLASS = field("ipv6.tclass", "Traffic Class", FT.UINT32, BASE.HEX, "The packet's traffic class: DSCP priority and ECN congestion bits, as in IPv4.", 0x0ff00000);
const HF_TCLASS_DSCP = field("ipv6.tclass.dscp", "Differentiated Services Codepoint", FT.UINT32, BASE.DEC, "The traffic class routers may use to prioritise the packet.", 0x0fc00000);
const HF_TCLASS_ECN = field("ipv6.tclass.ecn", "Explicit Congestion Notification", FT.UINT32, BASE.DEC, "Lets routers signal congestion without dropping packets.", 0x00300000);
const HF_FLOW = field("ipv6.flow", "Flow Label", FT.UINT24, BASE.HEX, "A label the sender may give all packets of one flow, so routers can keep them on one path.", 0x0fffff);
const HF_PLEN = field("ipv6.plen", "Payload Length", FT.UINT16, BASE.DEC, "Length of everything after the 40-byte IPv6 header, in bytes.");
export const HF_NXT = field("ipv6.nxt", "Next Header", FT.UINT8, BASE.DEC, "What follows the header: an extension header, or the transport protocol (6 TCP, 17 UDP, 58 ICMPv6).");
const HF_HLIM = field("ipv6.hlim", "Hop Limit", FT.UINT8, BASE.DEC, "How many more routers the packet may cross (IPv6's time to live).");
export const HF_SRC = field("ipv6.src", "Source Address", FT.IPV6, BASE.NONE, "The IPv6 address of the host that sent the packet.");
export const HF_DST = field("ipv6.dst", "Destination Address", FT.IPV6, BASE.NONE, "The IPv6 address of the host the packet is for.");
export const HF_ADDR = field("ipv6.addr", "Source or Destination Address", FT.IPV6, BASE.NONE, "Either address of the packet.");
export const COL_IPV6 = columnProtocol("IPv6", HF_IPV6);

const HF_HOPOPTS = protocol("ipv6.hopopts", "IPv6 Hop-by-Hop Option", "Options every router on the path must look at, such as the router alert used by multicast listener messages.");
const HF_HOPOPTS_NXT = field("ipv6.hopopts.nxt", "Next Header", FT.UINT8, BASE.DEC, "What follows this extension header.");
const HF_HOPOPTS_LEN = field("ipv6.hopopts.len", "Length", FT.UINT8, BASE.DEC, "Length of the header in 8-byte units, not counting the first 8 bytes.");
const HF_HOPOPTS_LEN_OCT = field("ipv6.hopopts.len_oct", "Length", FT.UINT16, BASE.DEC, "Length of the header in bytes.");
const HF_DSTOPTS = protocol("ipv6.dstopts", "Destination Options for IPv6", "Options for the destination host only.");
const HF_DSTOPTS_NXT = field("ipv6.dstopts.nxt", "Next Header", FT.UINT8, BASE.DEC, "What follows this extension header.");
const HF_DSTOPTS_LEN = field("ipv6.dstopts.len", "Length", FT.UINT8, BASE.DEC, "Length of the header in 8-byte units, not counting the first 8 bytes.");
const HF_DSTOPTS_LEN_OCT = field("ipv6.dstopts.len_oct", "Length", FT.UINT16, BASE.DEC, "Length of the header in bytes.");
const HF_OPT = field("ipv6.opt", "IPv6 Option", FT.NONE, BASE.NONE, "One option of a hop-by-hop or destination options header.");
const HF_OPT_TYPE = field("ipv6.opt.type", "Type", FT.UINT8, BASE.HEX, "Which option: 0 Pad1, 1 PadN, 5 router alert, 194 jumbo payload ...");
const HF_OPT_LENGTH = field("ipv6.opt.length", "Length", FT.UINT8, BASE.DEC, "Length of the option's data in bytes.");
const HF_OPT_ROUTER_ALERT = field("ipv6.opt.router_alert", "Router Alert", FT.UINT16, BASE.DEC, "Asks routers to look inside the packet (0 means a multicast listener message).");
const HF_OPT_PADN = field("ipv6.opt.padn", "PadN", FT.BYTES, BASE.NONE, "Padding bytes that keep the following fields aligned.");
const HF_ROUTING = protocol("ipv6.routing", "Routing Header for IPv6", "Lists addresses the packet must visit on its way (source routing, segment routing).");
const HF_ROUTING_NXT = field("ipv6.routing.nxt", "Next Header", FT.UINT8, BASE.DEC, "What follows this extension header.");
const HF_ROUTING_LEN = field("ipv6.routing.len", "Length", FT.UINT8, BASE.DEC, "Length of the header in 8-byte units, not counting the first 8 bytes.");
const HF_ROUTING_LEN_OCT = field("ipv6.routing.len_oct", "Length", FT.UINT16, BASE.DEC, "Length of the header in bytes.");
const HF_ROUTING_TYPE = field("ipv6.routing.type", "Type", FT.UINT8, BASE.DEC, "The kind of routing header: 0 source route (deprecated), 2 mobile IPv6, 4 segment routing.");
const HF_ROUTING_SEGLEFT = field("ipv6.routing.segleft", "Segments Left", FT.UINT8, BASE.DEC, "How many listed addresses the packet still has to visit.");
const HF_ROUTING_ADDR = field("ipv6.routing.src.addr", "Address", FT.IPV6, BASE.NONE, "An address the packet must pass through.");
const HF_FRAGHDR = protocol("ipv6.fraghdr", "Fragment Header for IPv6", "Marks a fragment of a packet the sender split because it was too big for the path.");
const HF_FRAG_NXT = field("ipv6.fraghdr.nxt", "Next header", FT.UINT8, BASE.DEC, "The protocol of the whole, reassembled payload.");
const HF_FRAG_OFFSET = field("ipv6.fraghdr.offset", "Offset", FT.UINT16, BASE.DEC, "Where this fragment belongs in the original payload, in 8-byte units.", 0xfff8);
const HF_FRAG_MORE = field("ipv6.fraghdr.more", "More Fragments", FT.BOOLEAN, BASE.NONE, "Set on every fragment except the last.", 0x0001);
const HF_FRAG_IDENT = field("ipv6.fraghdr.ident", "Identification", FT.UINT32, BASE.HEX, "The number shared by all fragments of one packet.");
const HF_REASSEMBLED_LEN = field("ipv6.reassembled.length", "Reassembled IPv6 length", FT.UINT32, BASE.DEC, "Length of the payload rebuilt from all fragments.");
const HF_FRAGMENT_COUNT = field("ipv6.fragment.count", "Fragment count", FT.UINT32, BASE.DEC, "How many fragments the payload was split into.");
const HF_REASSEMBLED = field("ipv6.reassembled.data", "Reassembled IPv6 data", FT.BYTES, BASE.NONE, "The payload rebuilt from all fragments.");
valueStrings(HF_NXT, IP_PROTOCOLS);
valueStrings(HF_HOPOPTS_NXT, IP_PROTOCOLS);
valueStrings(HF_DSTOPTS_NXT, IP_PROTOCOLS);
valueStrings(HF_ROUTING_NXT, IP_PROTOCOLS);
valueStrings(HF_FRAG_NXT, IP_PROTOCOLS);
valueStrings(HF_FRAG_MORE, "1:Yes|0:No");
valueStrings(HF_OPT_TYPE, "0x00:Pad1|0x01:PadN|0x04:Tunnel Encapsulation Limit|0x05:Router Alert|0xc2:Jumbo Payload|0xc9:Home Address");
valueStrings(HF_ROUTING_TYPE, "0:Source Route|2:Type 2 Routing|3:RPL Source Route|4:Segment Routing|5:CRH-16|6:CRH-32");
valueStrings(HF_OPT_ROUTER_ALERT, "0:MLD|1:RSVP|2:Active Networks");

const MAX_DEPTH = 8;
const MAX_EXTENSIONS = 16;

/** Returns the packet's total length, or -1. */
export function dissectIpv6(off: i32, end: i32): i32 {
  if (pinfo.ipLayers++ > 0) pinfo.complex = true;
  if (net.depth >= MAX_DEPTH) {
    dissectData(off, end);
    return -1;
  }
  const node = t.open(HF_IPV6, off, 40);
  const first = t.get32(off);
  if (t.stopped) {
    t.close(node);
    return -1;
  }
  const version = first >> 28;
  t.fval(HF_VERSION, off, 1, version);
  if (t.detail) t.hidden(t.fval(HF_IP_VERSION, off, 1, version));
  if (version != 6) {
    t.close(node);
    pinfo.malformed = true;
    pinfo.complex = true;
    return -1;
  }
  const prev = t.enter(end);
  if (t.detail) {
    t.fbits(HF_TCLASS, off, 4, 0x0ff00000);
    t.openNode(t.lastNode());
    t.fbits(HF_TCLASS_DSCP, off, 4, 0x0fc00000);
    t.fbits(HF_TCLASS_ECN, off, 4, 0x00300000);
    t.close(t.currentParent());
    t.fbits(HF_FLOW, off + 1, 3, 0x0fffff);
  }
  const plen = <i32>t.f16(HF_PLEN, off + 4);
  let nxt = t.f8(HF_NXT, off + 6);
  t.f8(HF_HLIM, off + 7);
  t.fbytes(HF_SRC, off + 8, 16);
  t.hiddenCopy(HF_ADDR, off + 8, 16, 0);
  t.fbytes(HF_DST, off + 24, 16);
  t.hiddenCopy(HF_ADDR, off + 24, 16, 0);
  if (t.stopped) {
    pinfo.complex = true;
    t.close(node);
    t.restore(prev);
    return -1;
  }
  if (t.detail) {
    const note = t.beginNote();
    t.pool.str("Internet Protocol Version 6, Src: ");
    t.pool.ipv6(t.at(off + 8));
    t.pool.str(", Dst: ");
    t.pool.ipv6(t.at(off + 24));
    t.endNote(node, note);
  }
  if (!pinfo.inError) {
    pinfo.addrKind = AddrKind.IPV6;
    pinfo.srcPtr = t.at(off + 8);
    pinfo.dstPtr = t.at(off + 24);
    pinfo.colProto = COL_IPV6;
  }
  net.src = t.at(off + 8);
  net.dst = t.at(off + 24);
  net.alen = 16;
  // plen 0 with a hop-by-hop jumbo option, or TSO: take what was captured.
  let payloadEnd = plen == 0 ? end : off + 40 + plen;
  if (payloadEnd > end) payloadEnd = end;
  let o = off + 40;
  t.restore(prev);
  const lim = t.enter(payloadEnd);
  let fragOffset = 0;
  let fragMore = false;
  let fragId: u32 = 0;
  let isFragment = false;
  for (let n = 0; n < MAX_EXTENSIONS; n++) {
    if (nxt == 0 || nxt == 60) {
      const next = options(nxt == 0, o);
      if (next < 0) break;
      nxt = t.get8(o);
      o = next;
    } else if (nxt == 43) {
      const next = routing(o);
      if (next < 0) break;
      nxt = t.get8(o);
      o = next;
    } else if (nxt == 44) {
      const fh = t.open(HF_FRAGHDR, o, 8);
      const fnxt = t.f8(HF_FRAG_NXT, o);
      const word = t.get16(o + 2);
      t.fbits(HF_FRAG_OFFSET, o + 2, 2, 0xfff8);
      t.fbits(HF_FRAG_MORE, o + 2, 2, 0x0001);
      fragId = t.f32(HF_FRAG_IDENT, o + 4);
      t.close(fh);
      if (t.stopped) break;
      fragOffset = <i32>(word & 0xfff8);
      fragMore = (word & 1) != 0;
      isFragment = fragOffset != 0 || fragMore;
      nxt = fnxt;
      o += 8;
      if (isFragment) break;
    } else break;
  }
  t.restore(lim);
  if (!pinfo.inError) pinfo.ipProto = <i32>nxt;
  t.close(node);
  if (t.stopped) {
    t.restore(prev);
    return plen + 40;
  }
  net.depth++;
  if (isFragment) fragment(o, payloadEnd, nxt, fragId, fragOffset, !fragMore);
  else {
    net.fragment = false;
    net.payloadLen = payloadEnd - o;
    dissectIpPayload(nxt, o, payloadEnd);
  }
  net.depth--;
  return plen + 40;
}

function fragment(off: i32, end: i32, nxt: u32, id: u32, fragOffset: i32, last: bool): void {
  const whole = t.has(off, end - off);
  if (!pinfo.inError) pinfo.fragmented = true;
  if (frame.track && whole && !pinfo.inError) {
    if (addFragment(16, nxt, id, net.src, net.dst, fragOffset, t.at(off), end - off, last, frame.number - 1, t.source == 0 ? off : -1)) {
      announce(KIND_IPV6, frame.number - 1, reassembledLen, end - off, reassembledParts, reassembledAt);
      reassembled(nxt, off, reassembledPtr, reassembledLen, reassembledFragments);
      return;
    }
  } else if (!frame.track && !pinfo.inError) {
    // The detail pass of one packet: the host may have rebuilt the datagram this fragment completed.
    const datagram = takeInjected(KIND_IPV6);
    if (datagram != 0) {
      reassembled(nxt, off, datagram, takenLength, 0);
      return;
    }
  }
  net.fragment = true;
  if (t.detail) {
    t.info.reset();
    t.info.str("IPv6 fragment (off=");
    t.info.dec(<u64>fragOffset);
    t.info.str(" more=");
    t.info.str(last ? "n" : "y");
    t.info.str(" ident=0x");
    t.info.hexw(id, 8);
    t.info.str(" nxt=");
    t.info.dec(nxt);
    t.info.str(")");
  }
  dissectData(off, end);
}

/** A hop-by-hop or destination options header at o; returns the offset after it, or -1. */
function options(hopByHop: bool, o: i32): i32 {
  const len = <i32>t.get8(o + 1);
  const size = (len + 1) * 8;
  const node = t.open(hopByHop ? HF_HOPOPTS : HF_DSTOPTS, o, size);
  t.f8(hopByHop ? HF_HOPOPTS_NXT : HF_DSTOPTS_NXT, o);
  t.f8(hopByHop ? HF_HOPOPTS_LEN : HF_DSTOPTS_LEN, o + 1);
  t.fgen(hopByHop ? HF_HOPOPTS_LEN_OCT : HF_DSTOPTS_LEN_OCT, o + 1, 1, <u64>size);
  if (!t.need(o, size)) {
    t.close(node);
    return -1;
  }
  let p = o + 2;
  const end = o + size;
  while (p < end && t.detail) {
    const type = <u32>load<u8>(t.at(p));
    if (type == 0) {
      const opt = t.open(HF_OPT, p, 1);
      t.f8(HF_OPT_TYPE, p);
      t.close(opt);
      p++;
      continue;
    }
    if (p + 2 > end) break;
    const olen = <i32>load<u8>(t.at(p + 1));
    if (p + 2 + olen > end) break;
    const opt = t.open(HF_OPT, p, 2 + olen);
    t.f8(HF_OPT_TYPE, p);
    t.f8(HF_OPT_LENGTH, p + 1);
    if (type == 5 && olen == 2) t.f16(HF_OPT_ROUTER_ALERT, p + 2);
    else if (type == 1 && olen > 0) t.fbytes(HF_OPT_PADN, p + 2, olen);
    t.close(opt);
    p += 2 + olen;
  }
  t.close(node);
  return end;
}

/** A routing header at o; returns the offset after it, or -1. */
function routing(o: i32): i32 {
  const len = <i32>t.get8(o + 1);
  const size = (len + 1) * 8;
  const node = t.open(HF_ROUTING, o, size);
  t.f8(HF_ROUTING_NXT, o);
  t.f8(HF_ROUTING_LEN, o + 1);
  t.fgen(HF_ROUTING_LEN_OCT, o + 1, 1, <u64>size);
  const type = t.f8(HF_ROUTING_TYPE, o + 2);
  t.f8(HF_ROUTING_SEGLEFT, o + 3);
  if (!t.need(o, size)) {
    t.close(node);
    return -1;
  }
  if (t.detail && type == 0) {
    for (let a = o + 8; a + 16 <= o + size; a += 16) t.fbytes(HF_ROUTING_ADDR, a, 16);
  }
  t.close(node);
  return o + size;
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
