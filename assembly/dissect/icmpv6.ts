// ICMP for IPv6: ping, errors, neighbour discovery (IPv6's ARP) and
// multicast listener discovery.

import { field, protocol, columnProtocol, valueStrings, FT, BASE } from "../core/registry";
import { CHECKSUM_STATUS } from "../core/names";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";
import { dissectIpv6 } from "./ipv6";
import { dissectData } from "./data";
import { Text } from "../core/text";

const savedInfo = new Text(4096);

const HF_ICMPV6 = protocol("icmpv6", "Internet Control Message Protocol v6", "ICMPv6: ping, error reports, and the neighbour and router discovery that IPv6 needs to work at all.");
export const HF_TYPE = field("icmpv6.type", "Type", FT.UINT8, BASE.DEC, "The kind of message: 128 echo request, 129 echo reply, 135 neighbour solicitation, 136 neighbour advertisement, 134 router advertisement, 1 unreachable ...");
export const HF_CODE = field("icmpv6.code", "Code", FT.UINT8, BASE.DEC, "Details of the type.");
const HF_CHECKSUM = field("icmpv6.checksum", "Checksum", FT.UINT16, BASE.HEX, "A checksum over the message and the IPv6 addresses.");
const HF_CHECKSUM_STATUS = field("icmpv6.checksum.status", "Checksum Status", FT.UINT8, BASE.NONE, "Whether the checksum was verified: 2 means it was not checked.");
const HF_ECHO_ID = field("icmpv6.echo.identifier", "Identifier", FT.UINT16, BASE.HEX, "Matches echo replies to the pinging program.");
const HF_ECHO_SEQ = field("icmpv6.echo.sequence_number", "Sequence", FT.UINT16, BASE.DEC, "Counts the pings of one run.");
const HF_MTU = field("icmpv6.mtu", "MTU", FT.UINT32, BASE.DEC, "In 'packet too big', the largest packet the next link accepts.");
const HF_RESERVED = field("icmpv6.reserved", "Reserved", FT.BYTES, BASE.NONE, "Reserved bytes.");
const HF_NS_TARGET = field("icmpv6.nd.ns.target_address", "Target Address", FT.IPV6, BASE.NONE, "The address whose owner is asked for its link-layer address.");
const HF_NA_FLAG = field("icmpv6.nd.na.flag", "Flags", FT.UINT32, BASE.HEX, "Router, solicited and override flags.");
const HF_NA_R = field("icmpv6.nd.na.flag.r", "Router", FT.BOOLEAN, BASE.NONE, "The sender is a router.", 0x80000000);
const HF_NA_S = field("icmpv6.nd.na.flag.s", "Solicited", FT.BOOLEAN, BASE.NONE, "This advertisement answers a solicitation.", 0x40000000);
const HF_NA_O = field("icmpv6.nd.na.flag.o", "Override", FT.BOOLEAN, BASE.NONE, "Receivers should replace what they had cached for this address.", 0x20000000);
const HF_NA_TARGET = field("icmpv6.nd.na.target_address", "Target Address", FT.IPV6, BASE.NONE, "The address this advertisement is about.");
const HF_RA_HOPLIMIT = field("icmpv6.nd.ra.cur_hop_limit", "Cur hop limit", FT.UINT8, BASE.DEC, "The hop limit hosts on this link should use.");
const HF_RA_FLAG = field("icmpv6.nd.ra.flag", "Flags", FT.UINT8, BASE.HEX, "How hosts should configure themselves (managed, other configuration ...).");
const HF_RA_LIFETIME = field("icmpv6.nd.ra.router_lifetime", "Router lifetime (s)", FT.UINT16, BASE.DEC, "How long the router may be used as default router; 0 means not a default router.");
const HF_RA_REACHABLE = field("icmpv6.nd.ra.reachable_time", "Reachable time (ms)", FT.UINT32, BASE.DEC, "How long a neighbour is considered reachable after confirmation.");
const HF_RA_RETRANS = field("icmpv6.nd.ra.retrans_timer", "Retrans timer (ms)", FT.UINT32, BASE.DEC, "Time between neighbour solicitations.");
const HF_RD_TARGET = field("icmpv6.nd.rd.target_address", "Target Address", FT.IPV6, BASE.NONE, "In a redirect, the better first hop.");
const HF_RD_DEST = field("icmpv6.nd.rd.destination_address", "Destination Address", FT.IPV6, BASE.NONE, "In a redirect, the destination being redirected.");
const HF_OPT = field("icmpv6.opt", "ICMPv6 Option", FT.NONE, BASE.NONE, "An option of a neighbour discovery message.");
const HF_OPT_TYPE = field("icmpv6.opt.type", "Type", FT.UINT8, BASE.DEC, "Which option: 1 source link-layer address, 2 target link-layer address, 3 prefix information, 5 MTU ...");
const HF_OPT_LENGTH = field("icmpv6.opt.length", "Length", FT.UINT8, BASE.DEC, "Length of the option in units of 8 bytes.");
const HF_OPT_LINKADDR = field("icmpv6.opt.linkaddr", "Link-layer address", FT.ETHER, BASE.NONE, "A link-layer (MAC) address.");
const HF_OPT_SRC_LINKADDR = field("icmpv6.opt.src_linkaddr", "Source Link-layer address", FT.ETHER, BASE.NONE, "The sender's link-layer (MAC) address.");
const HF_OPT_TARGET_LINKADDR = field("icmpv6.opt.target_linkaddr", "Target Link-layer address", FT.ETHER, BASE.NONE, "The target's link-layer (MAC) address.");
const HF_OPT_MTU = field("icmpv6.opt.mtu", "MTU", FT.UINT32, BASE.DEC, "The link's maximum packet size.");
const HF_OPT_PREFIX_LEN = field("icmpv6.opt.prefix.length", "Prefix Length", FT.UINT8, BASE.DEC, "How many leading bits of the prefix are significant.");
const HF_OPT_PREFIX = field("icmpv6.opt.prefix", "Prefix", FT.IPV6, BASE.NONE, "An address prefix hosts on this link can configure addresses from.");
const HF_MLD_DELAY = field("icmpv6.mld.maximum_response_delay", "Maximum Response Delay [ms]", FT.UINT16, BASE.DEC, "How long listeners may wait before answering a query.");
const HF_MLD_MADDR = field("icmpv6.mld.multicast_address", "Multicast Address", FT.IPV6, BASE.NONE, "The multicast group the message is about.");
const HF_MLDR_NB = field("icmpv6.mldr.nb_mcast_records", "Number of Multicast Address Records", FT.UINT16, BASE.DEC, "How many group records the report holds.");
const HF_MLDR_TYPE = field("icmpv6.mldr.mar.record_type", "Record Type", FT.UINT8, BASE.DEC, "What the record says about the group (join, leave, mode change ...).");
const HF_MLDR_MADDR = field("icmpv6.mldr.mar.multicast_address", "Multicast Address", FT.IPV6, BASE.NONE, "The multicast group the record is about.");
const HF_MLDR_AUX = field("icmpv6.mldr.mar.aux_data_len", "Aux Data Len", FT.UINT8, BASE.DEC, "Length of auxiliary data, in 4-byte units.");
const HF_MLDR_NBSRC = field("icmpv6.mldr.mar.nb_sources", "Number of Sources", FT.UINT16, BASE.DEC, "How many sources the record lists.");
const HF_MLDR_SRC = field("icmpv6.mldr.mar.source_address", "Source Address", FT.IPV6, BASE.NONE, "A source the listener wants (or does not want) traffic from.");
const COL_ICMPV6 = columnProtocol("ICMPv6", HF_ICMPV6);
valueStrings(HF_CHECKSUM_STATUS, CHECKSUM_STATUS);
valueStrings(HF_TYPE, "1:Destination Unreachable|2:Packet Too Big|3:Time Exceeded|4:Parameter Problem|128:Echo (ping) request|129:Echo (ping) reply|130:Multicast Listener Query|131:Multicast Listener Report|132:Multicast Listener Done|133:Router Solicitation|134:Router Advertisement|135:Neighbor Solicitation|136:Neighbor Advertisement|137:Redirect|143:Multicast Listener Report Message v2");
valueStrings(HF_OPT_TYPE, "1:Source link-layer address|2:Target link-layer address|3:Prefix information|4:Redirected header|5:MTU|14:Nonce|24:Route Information|25:Recursive DNS Server|31:DNS Search List");
valueStrings(HF_NA_R, "1:Set|0:Not set");
valueStrings(HF_NA_S, "1:Set|0:Not set");
valueStrings(HF_NA_O, "1:Set|0:Not set");
valueStrings(HF_MLDR_TYPE, "1:Mode Is Include|2:Mode Is Exclude|3:Change To Include Mode|4:Change To Exclude Mode|5:Allow New Sources|6:Block Old Sources");

export function dissectIcmpv6(off: i32, end: i32): void {
  const prev = t.enter(end);
  if (!pinfo.inError) pinfo.colProto = COL_ICMPV6;
  const node = t.open(HF_ICMPV6, off, end - off);
  const type = t.f8(HF_TYPE, off);
  const code = t.f8(HF_CODE, off + 1);
  t.f16(HF_CHECKSUM, off + 2);
  t.fgen(HF_CHECKSUM_STATUS, off + 2, 0, 2);
  if (t.stopped) {
    pinfo.complex = true;
    t.close(node);
    t.restore(prev);
    return;
  }
  if (!pinfo.inError) pinfo.aux = (type << 8) | code;
  if (t.detail && !pinfo.inError) info(type, off);
  if (type >= 1 && type <= 4) {
    if (type == 2) t.f32(HF_MTU, off + 4);
    else t.fbytes(HF_RESERVED, off + 4, 4);
    t.close(node);
    quoted(off + 8, end);
  } else if (type == 128 || type == 129) {
    t.f16(HF_ECHO_ID, off + 4);
    t.f16(HF_ECHO_SEQ, off + 6);
    // An echo's data is part of the ICMPv6 layer, as in Wireshark's tree.
    dissectData(off + 8, end);
    t.close(node);
  } else if (type == 133) {
    t.fbytes(HF_RESERVED, off + 4, 4);
    ndOptions(off + 8, end);
    t.close(node);
  } else if (type == 134) {
    t.f8(HF_RA_HOPLIMIT, off + 4);
    t.f8(HF_RA_FLAG, off + 5);
    t.f16(HF_RA_LIFETIME, off + 6);
    t.f32(HF_RA_REACHABLE, off + 8);
    t.f32(HF_RA_RETRANS, off + 12);
    ndOptions(off + 16, end);
    t.close(node);
  } else if (type == 135) {
    t.fbytes(HF_RESERVED, off + 4, 4);
    t.fbytes(HF_NS_TARGET, off + 8, 16);
    ndOptions(off + 24, end);
    t.close(node);
  } else if (type == 136) {
    t.f32(HF_NA_FLAG, off + 4);
    if (t.detail) {
      t.openNode(t.lastNode());
      t.fbits(HF_NA_R, off + 4, 4, 0x80000000);
      t.fbits(HF_NA_S, off + 4, 4, 0x40000000);
      t.fbits(HF_NA_O, off + 4, 4, 0x20000000);
      t.close(t.currentParent());
    }
    t.fbytes(HF_NA_TARGET, off + 8, 16);
    ndOptions(off + 24, end);
    t.close(node);
  } else if (type == 137) {
    t.fbytes(HF_RESERVED, off + 4, 4);
    t.fbytes(HF_RD_TARGET, off + 8, 16);
    t.fbytes(HF_RD_DEST, off + 24, 16);
    ndOptions(off + 40, end);
    t.close(node);
  } else if (type >= 130 && type <= 132) {
    t.f16(HF_MLD_DELAY, off + 4);
    t.fbytes(HF_RESERVED, off + 6, 2);
    t.fbytes(HF_MLD_MADDR, off + 8, 16);
    t.close(node);
  } else if (type == 143) {
    t.fbytes(HF_RESERVED, off + 4, 2);
    const n = t.f16(HF_MLDR_NB, off + 6);
    let o = off + 8;
    for (let i: u32 = 0; i < n && !t.stopped; i++) {
      t.f8(HF_MLDR_TYPE, o);
      const aux = <i32>t.f8(HF_MLDR_AUX, o + 1);
      const nsrc = <i32>t.f16(HF_MLDR_NBSRC, o + 2);
      t.fbytes(HF_MLDR_MADDR, o + 4, 16);
      o += 20;
      for (let s = 0; s < nsrc && !t.stopped; s++) {
        t.fbytes(HF_MLDR_SRC, o, 16);
        o += 16;
      }
      o += aux * 4;
    }
    t.close(node);
  } else t.close(node);
  t.restore(prev);
}

function quoted(off: i32, end: i32): void {
  if (off >= end || !t.has(off, 1)) return;
  const wasInError = pinfo.inError;
  const wasStopped = t.stopped;
  const column = pinfo.colProto;
  if (t.detail) savedInfo.copyFrom(t.info);
  pinfo.inError = true;
  dissectIpv6(off, end);
  // The quoted packet's protocols leave this packet's Protocol and Info columns as they were.
  pinfo.inError = wasInError;
  pinfo.colProto = column;
  if (t.detail) t.info.copyFrom(savedInfo);
  t.setStopped(wasStopped);
}

function ndOptions(off: i32, end: i32): void {
  let o = off;
  while (o + 2 <= end && !t.stopped && t.detail) {
    if (!t.has(o, 2)) break;
    const type = <u32>load<u8>(t.at(o));
    const len = <i32>load<u8>(t.at(o + 1)) * 8;
    if (len == 0) break;
    const opt = t.open(HF_OPT, o, len);
    t.f8(HF_OPT_TYPE, o);
    t.f8(HF_OPT_LENGTH, o + 1);
    if ((type == 1 || type == 2) && len == 8) {
      t.fbytes(type == 1 ? HF_OPT_SRC_LINKADDR : HF_OPT_TARGET_LINKADDR, o + 2, 6);
      t.fbytes(HF_OPT_LINKADDR, o + 2, 6);
      t.hidden(t.lastNode());
    } else if (type == 3 && len == 32) {
      t.f8(HF_OPT_PREFIX_LEN, o + 2);
      t.fbytes(HF_OPT_PREFIX, o + 16, 16);
    } else if (type == 5 && len == 8) t.f32(HF_OPT_MTU, o + 4);
    t.close(opt);
    o += len;
  }
}

function info(type: u32, off: i32): void {
  const i = t.info;
  i.reset();
  switch (type) {
    case 1:
      i.str("Destination Unreachable");
      return;
    case 2:
      i.str("Packet Too Big");
      return;
    case 3:
      i.str("Time Exceeded");
      return;
    case 4:
      i.str("Parameter Problem");
      return;
    case 128:
    case 129:
      i.str(type == 128 ? "Echo (ping) request" : "Echo (ping) reply");
      if (t.has(off + 4, 4)) {
        i.str(" id=0x");
        i.hexw(<u32>bswap<u16>(load<u16>(t.at(off + 4))), 4);
        i.str(", seq=");
        i.dec(<u32>bswap<u16>(load<u16>(t.at(off + 6))));
      }
      return;
    case 130:
      i.str("Multicast Listener Query");
      return;
    case 131:
      i.str("Multicast Listener Report");
      return;
    case 132:
      i.str("Multicast Listener Done");
      return;
    case 133:
      i.str("Router Solicitation");
      return;
    case 134:
      i.str("Router Advertisement");
      return;
    case 135:
      i.str("Neighbor Solicitation");
      if (t.has(off + 8, 16)) {
        i.str(" for ");
        i.ipv6(t.at(off + 8));
      }
      return;
    case 136:
      i.str("Neighbor Advertisement");
      if (t.has(off + 8, 16)) {
        i.str(" ");
        i.ipv6(t.at(off + 8));
      }
      return;
    case 137:
      i.str("Redirect");
      return;
    case 143:
      i.str("Multicast Listener Report Message v2");
      return;
    default:
      i.str("ICMPv6 type ");
      i.dec(type);
  }
}
