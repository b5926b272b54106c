// The Internet Control Message Protocol (IPv4): ping, and error reports that
// quote the packet they are about.

import { field, protocol, columnProtocol, valueStrings, FT, BASE } from "../core/registry";
import { CHECKSUM_STATUS } from "../core/names";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";
import { dissectIpv4 } from "./ipv4";
import { dissectData } from "./data";
import { Text } from "../core/text";

const savedInfo = new Text(4096);

const HF_ICMP = protocol("icmp", "Internet Control Message Protocol", "ICMP carries ping (echo) and the error reports routers and hosts send back: unreachable, time exceeded, redirect ...");
export const HF_TYPE = field("icmp.type", "Type", FT.UINT8, BASE.DEC, "The kind of message: 8 echo request (ping), 0 echo reply, 3 destination unreachable, 11 time exceeded, 5 redirect.");
export const HF_CODE = field("icmp.code", "Code", FT.UINT8, BASE.DEC, "Details of the type: for unreachable, 0 network, 1 host, 3 port, 4 fragmentation needed ...");
const HF_CHECKSUM = field("icmp.checksum", "Checksum", FT.UINT16, BASE.HEX, "A checksum over the message.");
const HF_CHECKSUM_STATUS = field("icmp.checksum.status", "Checksum Status", FT.UINT8, BASE.NONE, "Whether the checksum was verified: 2 means it was not checked.");
const HF_IDENT = field("icmp.ident", "Identifier (BE)", FT.UINT16, BASE.DEC_HEX, "Matches echo replies to the pinging program.");
const HF_IDENT_LE = field("icmp.ident_le", "Identifier (LE)", FT.UINT16, BASE.DEC_HEX, "The identifier read in little-endian order, as some systems write it.");
const HF_SEQ = field("icmp.seq", "Sequence Number (BE)", FT.UINT16, BASE.DEC_HEX, "Counts the pings of one run, so replies can be matched and losses seen.");
const HF_SEQ_LE = field("icmp.seq_le", "Sequence Number (LE)", FT.UINT16, BASE.DEC_HEX, "The sequence number read in little-endian order.");
const HF_UNUSED = field("icmp.unused", "Unused", FT.BYTES, BASE.NONE, "Bytes this message type does not use.");
const HF_MTU = field("icmp.mtu", "MTU of next hop", FT.UINT16, BASE.DEC, "In 'fragmentation needed', the largest packet the next link accepts.");
const HF_GATEWAY = field("icmp.redir_gw", "Gateway Address", FT.IPV4, BASE.NONE, "In a redirect, the better router to use.");
const HF_POINTER = field("icmp.pointer", "Pointer", FT.UINT32, BASE.DEC, "In a parameter problem, where in the quoted header the problem is.");
const HF_ADDRESS_MASK = field("icmp.address_mask", "Address Mask", FT.IPV4, BASE.NONE, "The subnet mask, in an address mask reply.");
const HF_ORIGINATE_TS = field("icmp.originate_timestamp", "Originate Timestamp", FT.UINT32, BASE.DEC, "When the request was sent, in milliseconds since midnight UTC.");
const HF_RECEIVE_TS = field("icmp.receive_timestamp", "Receive Timestamp", FT.UINT32, BASE.DEC, "When the request was received.");
const HF_TRANSMIT_TS = field("icmp.transmit_timestamp", "Transmit Timestamp", FT.UINT32, BASE.DEC, "When the reply was sent.");
const HF_NUM_ADDRS = field("icmp.num_addrs", "Number of addresses", FT.UINT8, BASE.DEC, "How many router addresses a router advertisement lists.");
const HF_ROUTER = field("icmp.router_address", "Router address", FT.IPV4, BASE.NONE, "An address of the advertising router.");
const COL_ICMP = columnProtocol("ICMP", HF_ICMP);
valueStrings(HF_CHECKSUM_STATUS, CHECKSUM_STATUS);
valueStrings(HF_TYPE, "0:Echo (ping) reply|3:Destination unreachable|4:Source quench (flow control)|5:Redirect|8:Echo (ping) request|9:Router advertisement|10:Router solicitation|11:Time-to-live exceeded|12:Parameter problem|13:Timestamp request|14:Timestamp reply|15:Information request|16:Information reply|17:Address mask request|18:Address mask reply|42:Extended Echo request|43:Extended Echo reply");

export function dissectIcmp(off: i32, end: i32): void {
  const prev = t.enter(end);
  if (!pinfo.inError) pinfo.colProto = COL_ICMP;
  const node = t.open(HF_ICMP, off, end - off);
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
  if (t.detail && !pinfo.inError) info(type, code, off);
  switch (type) {
    case 0:
    case 8:
    case 13:
    case 14:
    case 15:
    case 16:
    case 17:
    case 18: {
      t.f16(HF_IDENT, off + 4);
      if (t.detail && t.has(off + 4, 2)) t.fval(HF_IDENT_LE, off + 4, 2, bswap<u16>(load<u16>(t.at(off + 4))));
      t.f16(HF_SEQ, off + 6);
      if (t.detail && t.has(off + 6, 2)) t.fval(HF_SEQ_LE, off + 6, 2, bswap<u16>(load<u16>(t.at(off + 6))));
      if (type == 13 || type == 14) {
        t.f32(HF_ORIGINATE_TS, off + 8);
        t.f32(HF_RECEIVE_TS, off + 12);
        t.f32(HF_TRANSMIT_TS, off + 16);
      } else if (type == 17 || type == 18) t.fipv4(HF_ADDRESS_MASK, off + 8);
      // An echo's data is part of the ICMP layer, as in Wireshark's tree.
      if (type == 0 || type == 8) dissectData(off + 8, end);
      t.close(node);
      break;
    }
    case 3:
    case 4:
    case 5:
    case 11:
    case 12: {
      if (type == 5) t.fipv4(HF_GATEWAY, off + 4);
      else if (type == 12) t.fbits(HF_POINTER, off + 4, 1, 0xff);
      else if (type == 3 && code == 4) {
        t.fbytes(HF_UNUSED, off + 4, 2);
        t.f16(HF_MTU, off + 6);
      } else t.fbytes(HF_UNUSED, off + 4, 4);
      quoted(off + 8, end);
      t.close(node);
      break;
    }
    case 9: {
      const n = t.f8(HF_NUM_ADDRS, off + 4);
      for (let i: u32 = 0; i < n && !t.stopped; i++) t.fipv4(HF_ROUTER, off + 8 + <i32>i * 8);
      t.close(node);
      break;
    }
    default:
      t.close(node);
  }
  t.restore(prev);
}

/** The quoted packet of an error: dissected, but it does not change the columns. */
function quoted(off: i32, end: i32): void {
  if (off >= end || !t.has(off, 1)) return;
  const wasInError = pinfo.inError;
  const wasStopped = t.stopped;
  const column = pinfo.colProto;
  if (t.detail) savedInfo.copyFrom(t.info);
  pinfo.inError = true;
  dissectIpv4(off, end);
  // The quoted packet's protocols leave this packet's Protocol and Info columns as they were.
  pinfo.inError = wasInError;
  pinfo.colProto = column;
  if (t.detail) t.info.copyFrom(savedInfo);
  t.setStopped(wasStopped);
}

function info(type: u32, code: u32, off: i32): void {
  const i = t.info;
  i.reset();
  switch (type) {
    case 0:
      i.str("Echo (ping) reply");
      break;
    case 8:
      i.str("Echo (ping) request");
      break;
    case 3:
      i.str("Destination unreachable (");
      i.str(unreachableName(code));
      i.str(")");
      return;
    case 4:
      i.str("Source quench (flow control)");
      return;
    case 5:
      i.str("Redirect");
      return;
    case 9:
      i.str("Router advertisement");
      return;
    case 10:
      i.str("Router solicitation");
      return;
    case 11:
      i.str(code == 0 ? "Time-to-live exceeded (Time to live exceeded in transit)" : "Time-to-live exceeded (Fragment reassembly time exceeded)");
      return;
    case 12:
      i.str("Parameter problem");
      return;
    case 13:
      i.str("Timestamp request");
      break;
    case 14:
      i.str("Timestamp reply");
      break;
    case 17:
      i.str("Address mask request");
      break;
    case 18:
      i.str("Address mask reply");
      break;
    default:
      i.str("Type ");
      i.dec(type);
      i.str(", code ");
      i.dec(code);
      return;
  }
  if (!t.has(off + 4, 4)) return;
  const id = <u32>bswap<u16>(load<u16>(t.at(off + 4)));
  const seq = <u32>bswap<u16>(load<u16>(t.at(off + 6)));
  i.str("  id=0x");
  i.hexw(id, 4);
  i.str(", seq=");
  i.dec(seq);
  i.str("/");
  i.dec(<u32>bswap<u16>(<u16>seq));
}

function unreachableName(code: u32): string {
  switch (code) {
    case 0:
      return "Network unreachable";
    case 1:
      return "Host unreachable";
    case 2:
      return "Protocol unreachable";
    case 3:
      return "Port unreachable";
    case 4:
      return "Fragmentation needed";
    case 5:
      return "Source route failed";
    case 9:
    case 10:
    case 13:
      return "Communication administratively filtered";
    default:
      return "Unknown code";
  }
}
