// Link-layer dispatch by the interface's link type (LINKTYPE_ values), and
// the simple link headers: BSD null/loopback, raw IP, Linux cooked SLL/SLL2.

import { field, protocol, valueStrings, FT, BASE } from "../core/registry";
import { ETHERTYPES } from "../core/names";
import * as t from "../core/tree";
import { dissectEthernet } from "./ethernet";
import { dissectEthertype } from "./ethertype";
import { dissectIpv4 } from "./ipv4";
import { dissectIpv6 } from "./ipv6";
import { dissectPpp } from "./ppp";
import { dissectRadiotap, dissectIeee80211 } from "./ieee80211";
import { dissectData } from "./data";

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_PPP = 9;
export const LINKTYPE_RAW_OLD = 12;
export const LINKTYPE_RAW_OLD2 = 14;
export const LINKTYPE_PPP_HDLC = 50;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_IEEE802_11 = 105;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_RADIOTAP = 127;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

const HF_NULL = protocol("null", "Null/Loopback", "The 4-byte header BSD systems put before packets captured on the loopback interface, naming the address family.");
const HF_NULL_FAMILY = field("null.family", "Family", FT.UINT32, BASE.DEC, "The address family of the payload: 2 for IPv4; 10, 24, 28 or 30 for IPv6 depending on the operating system.");
const HF_RAW = protocol("raw", "Raw packet data", "The capture holds IP packets with no link-layer header before them.");
const HF_SLL = protocol("sll", "Linux cooked capture", "A pseudo link-layer header Linux writes when capturing on 'any' interface or on links without Ethernet headers.");
const HF_SLL_PKTTYPE = field("sll.pkttype", "Packet type", FT.UINT16, BASE.DEC, "Whether the packet was sent to us (0), broadcast (1), multicast (2), to another host (3) or sent by us (4).");
const HF_SLL_HATYPE = field("sll.hatype", "Link-layer address type", FT.UINT16, BASE.DEC, "The kind of link-layer address that follows (1 is Ethernet; 772 is loopback).");
const HF_SLL_HALEN = field("sll.halen", "Link-layer address length", FT.UINT16, BASE.DEC, "How many bytes of the address field hold the sender's link-layer address.");
const HF_SLL_SRC_ETH = field("sll.src.eth", "Source", FT.ETHER, BASE.NONE, "The sender's Ethernet (MAC) address.");
const HF_SLL_SRC_OTHER = field("sll.src.other", "Source", FT.BYTES, BASE.NONE, "The sender's link-layer address, of a kind shown as bytes.");
const HF_SLL_UNUSED = field("sll.unused", "Unused", FT.BYTES, BASE.NONE, "Bytes of the address field not used by this address.");
const HF_SLL_ETYPE = field("sll.etype", "Protocol", FT.UINT16, BASE.HEX, "The EtherType of the payload (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP ...).");
const HF_SLL_LTYPE = field("sll.ltype", "Protocol", FT.UINT16, BASE.HEX, "A Linux protocol number for payloads that have no EtherType (such as 802.2 LLC).");
const HF_SLL_RESERVED = field("sll.reserved", "Reserved", FT.UINT16, BASE.HEX, "Reserved; always zero.");
const HF_SLL_IFINDEX = field("sll.ifindex", "Interface index", FT.UINT32, BASE.DEC, "The Linux index of the interface the packet was captured on.");
valueStrings(HF_SLL_ETYPE, ETHERTYPES);
valueStrings(HF_SLL_PKTTYPE, "0:Unicast to us|1:Broadcast|2:Multicast|3:Unicast to another host|4:Sent by us");
valueStrings(HF_SLL_HATYPE, "1:Ethernet|24:IEEE 1394|512:PPP|768:IPIP tunnel|769:IPv6-in-IPv4|772:Loopback|776:IPv6-in-IPv4|778:GRE over IP|801:IEEE 802.11|803:IEEE 802.11 + radiotap header|65534:None");
valueStrings(HF_SLL_LTYPE, "1:Raw 802.3|2:AX.25|4:802.2 LLC|5:SNAP|12:CAN|13:CAN FD");
valueStrings(HF_NULL_FAMILY, "2:IP|10:IPv6 (Linux)|24:IPv6 (NetBSD, OpenBSD, BSD/OS)|28:IPv6 (FreeBSD, DragonFlyBSD)|30:IPv6 (Darwin)");

/** Dissects a frame of the given link type, [off, end) of the current source. */
export function dissectLink(linkType: i32, off: i32, end: i32): void {
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      dissectEthernet(off, end, true);
      return;
    case LINKTYPE_NULL:
      dissectNull(off, end, false);
      return;
    case LINKTYPE_LOOP:
      dissectNull(off, end, true);
      return;
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_OLD:
    case LINKTYPE_RAW_OLD2:
      dissectRaw(off, end);
      return;
    case LINKTYPE_IPV4:
      // tshark shows these as IP straight away, with no "Raw packet data" layer.
      dissectIpv4(off, end);
      return;
    case LINKTYPE_IPV6:
      dissectIpv6(off, end);
      return;
    case LINKTYPE_LINUX_SLL:
      dissectSll(off, end);
      return;
    case LINKTYPE_LINUX_SLL2:
      dissectSll2(off, end);
      return;
    case LINKTYPE_PPP:
    case LINKTYPE_PPP_HDLC:
      dissectPpp(off, end);
      return;
    case LINKTYPE_RADIOTAP:
      dissectRadiotap(off, end);
      return;
    case LINKTYPE_IEEE802_11:
      dissectIeee80211(off, end);
      return;
    default:
      dissectData(off, end);
  }
}

function rawNode(off: i32, end: i32): void {
  if (!t.detail) {
    t.summaryLayer(HF_RAW);
    return;
  }
  const n = t.open(HF_RAW, off, 0);
  t.close(n);
}

function dissectRaw(off: i32, end: i32): void {
  rawNode(off, end);
  if (!t.has(off, 1)) {
    t.need(off, 1);
    return;
  }
  const version = load<u8>(t.at(off)) >> 4;
  if (version == 4) dissectIpv4(off, end);
  else if (version == 6) dissectIpv6(off, end);
  else dissectData(off, end);
}

/**
 * BSD loopback: a 4-byte address family, in the capturing host's byte order
 * (null) or in network order (loop). As Wireshark does, a value whose low 16
 * bits are zero is taken as the other byte order.
 */
function dissectNull(off: i32, end: i32, networkOrder: bool): void {
  const node = t.open(HF_NULL, off, 4);
  if (!t.need(off, 4)) {
    t.close(node);
    return;
  }
  let family = load<u32>(t.at(off));
  if (networkOrder) family = bswap<u32>(family);
  else if ((family & 0xffff) == 0) family = bswap<u32>(family);
  t.fval(HF_NULL_FAMILY, off, 4, family);
  t.close(node);
  if (family == 2) dissectIpv4(off + 4, end);
  else if (family == 10 || family == 24 || family == 28 || family == 30) dissectIpv6(off + 4, end);
  else dissectData(off + 4, end);
}

function sllAddress(off: i32, hatype: u32, halen: u32): void {
  if (halen == 6 && (hatype == 1 || hatype == 772 || hatype == 6)) {
    t.fbytes(HF_SLL_SRC_ETH, off, 6);
    t.fbytes(HF_SLL_UNUSED, off + 6, 2);
  } else if (halen > 0 && halen <= 8) {
    t.fbytes(HF_SLL_SRC_OTHER, off, <i32>halen);
    if (halen < 8) t.fbytes(HF_SLL_UNUSED, off + <i32>halen, 8 - <i32>halen);
  } else t.fbytes(HF_SLL_UNUSED, off, 8);
}

function dissectSll(off: i32, end: i32): void {
  const node = t.open(HF_SLL, off, 16);
  t.f16(HF_SLL_PKTTYPE, off);
  const hatype = t.f16(HF_SLL_HATYPE, off + 2);
  const halen = t.f16(HF_SLL_HALEN, off + 4);
  sllAddress(off + 6, hatype, halen);
  const proto = t.get16(off + 14);
  if (t.stopped) {
    t.close(node);
    return;
  }
  if (proto <= 1536) {
    t.f16(HF_SLL_LTYPE, off + 14);
    t.close(node);
    dissectData(off + 16, end);
    return;
  }
  t.f16(HF_SLL_ETYPE, off + 14);
  t.close(node);
  dissectEthertype(proto, off + 16, end);
}

function dissectSll2(off: i32, end: i32): void {
  const node = t.open(HF_SLL, off, 20);
  const proto = t.f16(HF_SLL_ETYPE, off);
  t.f16(HF_SLL_RESERVED, off + 2);
  t.f32(HF_SLL_IFINDEX, off + 4);
  const hatype = t.f16(HF_SLL_HATYPE, off + 8);
  const pkttype = t.get8(off + 10);
  if (!t.stopped) t.fval(HF_SLL_PKTTYPE, off + 10, 1, pkttype);
  const halen = t.get8(off + 11);
  if (!t.stopped) t.fval(HF_SLL_HALEN, off + 11, 1, halen);
  sllAddress(off + 12, hatype, halen);
  t.close(node);
  if (t.stopped) return;
  if (proto <= 1536) dissectData(off + 20, end);
  else dissectEthertype(proto, off + 20, end);
}
