// The Address Resolution Protocol: "who has this IP address? tell me your MAC".

import { field, protocol, columnProtocol, valueStrings, FT, BASE } from "../core/registry";
import { ETHERTYPES } from "../core/names";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";

const HF_ARP = protocol("arp", "Address Resolution Protocol", "ARP maps IPv4 addresses to hardware addresses on a local network: a host broadcasts a request and the owner of the address replies.");
const HF_HW_TYPE = field("arp.hw.type", "Hardware type", FT.UINT16, BASE.DEC, "The kind of hardware address asked about; 1 is Ethernet.");
const HF_PROTO_TYPE = field("arp.proto.type", "Protocol type", FT.UINT16, BASE.HEX, "The kind of protocol address asked about; 0x0800 is IPv4.");
const HF_HW_SIZE = field("arp.hw.size", "Hardware size", FT.UINT8, BASE.DEC, "Length of a hardware address in bytes (6 for Ethernet).");
const HF_PROTO_SIZE = field("arp.proto.size", "Protocol size", FT.UINT8, BASE.DEC, "Length of a protocol address in bytes (4 for IPv4).");
export const HF_OPCODE = field("arp.opcode", "Opcode", FT.UINT16, BASE.DEC, "1 is a request (who has?), 2 a reply (is at); 3 and 4 are reverse ARP.");
const HF_SRC_HW_MAC = field("arp.src.hw_mac", "Sender MAC address", FT.ETHER, BASE.NONE, "The hardware address of the host sending this message.");
const HF_SRC_PROTO_IPV4 = field("arp.src.proto_ipv4", "Sender IP address", FT.IPV4, BASE.NONE, "The IPv4 address of the host sending this message.");
const HF_DST_HW_MAC = field("arp.dst.hw_mac", "Target MAC address", FT.ETHER, BASE.NONE, "The hardware address of the host the message is about; zeros in a request, since that is what is asked.");
const HF_DST_PROTO_IPV4 = field("arp.dst.proto_ipv4", "Target IP address", FT.IPV4, BASE.NONE, "The IPv4 address being looked up (in a request) or answered to (in a reply).");
const HF_SRC_HW = field("arp.src.hw", "Sender hardware address", FT.BYTES, BASE.NONE, "The sender's hardware address, of a kind shown as bytes.");
const HF_SRC_PROTO = field("arp.src.proto", "Sender protocol address", FT.BYTES, BASE.NONE, "The sender's protocol address, of a kind shown as bytes.");
const HF_DST_HW = field("arp.dst.hw", "Target hardware address", FT.BYTES, BASE.NONE, "The target's hardware address, of a kind shown as bytes.");
const HF_DST_PROTO = field("arp.dst.proto", "Target protocol address", FT.BYTES, BASE.NONE, "The target's protocol address, of a kind shown as bytes.");
const HF_GRATUITOUS = field("arp.isgratuitous", "Is gratuitous", FT.BOOLEAN, BASE.NONE, "A host announcing its own address (sender and target IP are the same), often after it starts or changes its card.");
const COL_ARP = columnProtocol("ARP", HF_ARP);
valueStrings(HF_OPCODE, "1:request|2:reply|3:reverse request|4:reverse reply|8:InARP request|9:InARP reply");
valueStrings(HF_HW_TYPE, "1:Ethernet|6:IEEE 802|15:Frame Relay|16:ATM|24:IEEE 1394.1995|32:InfiniBand");
valueStrings(HF_PROTO_TYPE, ETHERTYPES);

/** Returns the length of the ARP message. */
export function dissectArp(off: i32, end: i32): i32 {
  const prev = t.enter(end);
  if (!pinfo.inError) pinfo.colProto = COL_ARP;
  const node = t.open(HF_ARP, off, 8);
  const hwType = t.f16(HF_HW_TYPE, off);
  const protoType = t.f16(HF_PROTO_TYPE, off + 2);
  const hs = <i32>t.f8(HF_HW_SIZE, off + 4);
  const ps = <i32>t.f8(HF_PROTO_SIZE, off + 5);
  const op = t.f16(HF_OPCODE, off + 6);
  if (!pinfo.inError && !t.stopped) pinfo.aux = op;
  const total = 8 + 2 * hs + 2 * ps;
  t.setLength(node, total);
  const isEth = hwType == 1 && hs == 6;
  const isIpv4 = protoType == 0x0800 && ps == 4;
  let o = off + 8;
  const srcProto = o + hs;
  if (t.detail && !t.stopped && t.has(off, total)) {
    const note = t.beginNote();
    t.pool.str(op == 1 ? "Address Resolution Protocol (request)" : op == 2 ? "Address Resolution Protocol (reply)" : "Address Resolution Protocol");
    if (isIpv4 && op == 1 && load<u32>(t.at(srcProto)) == load<u32>(t.at(srcProto + hs + ps))) {
      t.pool.str("/gratuitous ARP");
    }
    t.endNote(node, note);
  }
  if (isEth) t.fbytes(HF_SRC_HW_MAC, o, 6);
  else t.fbytes(HF_SRC_HW, o, hs);
  o += hs;
  if (isIpv4) t.fipv4(HF_SRC_PROTO_IPV4, o);
  else t.fbytes(HF_SRC_PROTO, o, ps);
  o += ps;
  if (isEth) t.fbytes(HF_DST_HW_MAC, o, 6);
  else t.fbytes(HF_DST_HW, o, hs);
  o += hs;
  if (isIpv4) t.fipv4(HF_DST_PROTO_IPV4, o);
  else t.fbytes(HF_DST_PROTO, o, ps);
  if (t.detail && isIpv4 && t.has(srcProto, 4) && t.has(o, 4) && load<u32>(t.at(srcProto)) == load<u32>(t.at(o))) {
    t.fgen(HF_GRATUITOUS, off, 0, 1);
  }
  t.close(node);
  if (t.detail && !t.stopped) arpInfo(op, isIpv4, isEth, srcProto, o, off + 8);
  t.restore(prev);
  return total;
}

function arpInfo(op: u32, isIpv4: bool, isEth: bool, srcProto: i32, dstProto: i32, srcHw: i32): void {
  const info = t.info;
  info.reset();
  if (!isIpv4 || !isEth) {
    info.str(op == 1 ? "ARP request" : "ARP reply");
    return;
  }
  if (op == 1) {
    if (load<u32>(t.at(srcProto)) == load<u32>(t.at(dstProto))) {
      info.str("Gratuitous ARP for ");
      info.ipv4(bswap<u32>(load<u32>(t.at(srcProto))));
      info.str(" (Request)");
      return;
    }
    info.str("Who has ");
    info.ipv4(bswap<u32>(load<u32>(t.at(dstProto))));
    info.str("? Tell ");
    info.ipv4(bswap<u32>(load<u32>(t.at(srcProto))));
  } else if (op == 2) {
    info.ipv4(bswap<u32>(load<u32>(t.at(srcProto))));
    info.str(" is at ");
    info.mac(t.at(srcHw));
  } else {
    info.str("ARP opcode ");
    info.dec(op);
  }
}
