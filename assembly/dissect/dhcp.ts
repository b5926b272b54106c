// DHCP and its predecessor BOOTP (UDP ports 67 and 68): how a host gets an
// address, a router and DNS servers when it joins a network. The fixed
// BOOTP header is followed by DHCP options after the "magic cookie"; a
// message without a DHCP Message Type option is plain BOOTP, as in tshark.

import { field, protocol, columnProtocol, FT, BASE } from "../core/registry";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";
import { Text } from "../core/text";
import { putDuration } from "./dns";

const HF_DHCP = protocol("dhcp", "Dynamic Host Configuration Protocol", "DHCP hands out network settings: a new host broadcasts a Discover, servers Offer an address, the host Requests one and the server confirms with an ACK.");
const HF_TYPE = field("dhcp.type", "Message type", FT.UINT8, BASE.DEC, "1 for a request from a client, 2 for a reply from a server.");
const HF_HW_TYPE = field("dhcp.hw.type", "Hardware type", FT.UINT8, BASE.HEX, "The client's kind of network hardware; 1 is Ethernet.");
const HF_HW_LEN = field("dhcp.hw.len", "Hardware address length", FT.UINT8, BASE.DEC, "Length of the client's hardware address in bytes (6 for Ethernet).");
const HF_HOPS = field("dhcp.hops", "Hops", FT.UINT8, BASE.DEC, "How many relay agents have forwarded the message.");
const HF_ID = field("dhcp.id", "Transaction ID", FT.UINT32, BASE.HEX, "A random number chosen by the client to match replies to its requests.");
const HF_SECS = field("dhcp.secs", "Seconds elapsed", FT.UINT16, BASE.DEC, "How long the client has been trying to get an address.");
const HF_FLAGS = field("dhcp.flags", "Bootp flags", FT.UINT16, BASE.HEX, "Flags of the request; only the broadcast bit is defined.");
const HF_FLAGS_BC = field("dhcp.flags.bc", "Broadcast flag", FT.BOOLEAN, BASE.NONE, "The client asks for the reply to be broadcast, because it cannot yet receive unicast.", 0x8000);
const HF_FLAGS_RESERVED = field("dhcp.flags.reserved", "Reserved flags", FT.UINT16, BASE.HEX, "Flag bits that must be zero.", 0x7fff);
const HF_IP_CLIENT = field("dhcp.ip.client", "Client IP address", FT.IPV4, BASE.NONE, "The client's current address, when it already has one (renewing).");
const HF_IP_YOUR = field("dhcp.ip.your", "Your (client) IP address", FT.IPV4, BASE.NONE, "The address the server gives the client.");
const HF_IP_SERVER = field("dhcp.ip.server", "Next server IP address", FT.IPV4, BASE.NONE, "The server to load a boot file from (network booting).");
const HF_IP_RELAY = field("dhcp.ip.relay", "Relay agent IP address", FT.IPV4, BASE.NONE, "The relay agent that forwarded the message from another network, or 0.0.0.0.");
const HF_HW_MAC = field("dhcp.hw.mac_addr", "Client MAC address", FT.ETHER, BASE.NONE, "The client's Ethernet address, which the server uses to recognise it.");
const HF_HW_ADDR = field("dhcp.hw.addr", "Client hardware address", FT.BYTES, BASE.NONE, "The client's hardware address, for hardware other than Ethernet.");
const HF_HW_PADDING = field("dhcp.hw.addr_padding", "Client hardware address padding", FT.BYTES, BASE.NONE, "Unused bytes of the 16-byte hardware address field.");
const HF_SERVER = field("dhcp.server", "Server host name", FT.STRING, BASE.NONE, "The name of the boot server, if the server gives one.");
const HF_FILE = field("dhcp.file", "Boot file name", FT.STRING, BASE.NONE, "The file a network-booting client should load.");
const HF_COOKIE = field("dhcp.cookie", "Magic cookie", FT.IPV4, BASE.NONE, "The four bytes 99.130.83.99 that announce DHCP options after the BOOTP header.");
const HF_OPT_TYPE = field("dhcp.option.type", "Option", FT.UINT8, BASE.DEC, "The option's code: 53 message type, 50 requested address, 51 lease time, 1 subnet mask, 3 router, 6 DNS servers, 255 end ...");
const HF_OPT_LENGTH = field("dhcp.option.length", "Length", FT.UINT8, BASE.DEC, "Length of the option's value in bytes.");
const HF_OPT_VALUE = field("dhcp.option.value", "Value", FT.BYTES, BASE.NONE, "The option's value as bytes.");
const HF_OPT_END = field("dhcp.option.end", "Option End", FT.UINT8, BASE.DEC, "The end of the options (code 255).");
const HF_OPT_PADDING = field("dhcp.option.padding", "Padding", FT.BYTES, BASE.NONE, "Zero bytes that fill the message out, ignored.");
const HF_OPT_DHCP = field("dhcp.option.dhcp", "DHCP", FT.UINT8, BASE.DEC, "The DHCP message type: 1 Discover, 2 Offer, 3 Request, 4 Decline, 5 ACK, 6 NAK, 7 Release, 8 Inform.");
const HF_OPT_SUBNET_MASK = field("dhcp.option.subnet_mask", "Subnet Mask", FT.IPV4, BASE.NONE, "The mask of the client's network, such as 255.255.255.0.");
const HF_OPT_ROUTER = field("dhcp.option.router", "Router", FT.IPV4, BASE.NONE, "A default gateway for the client.");
const HF_OPT_TIME_SERVER = field("dhcp.option.time_server", "Time Server", FT.IPV4, BASE.NONE, "A server for the old Time protocol (RFC 868).");
const HF_OPT_NAME_SERVER = field("dhcp.option.name_server", "Name Server", FT.IPV4, BASE.NONE, "A server for the old IEN 116 name protocol.");
const HF_OPT_DNS = field("dhcp.option.domain_name_server", "Domain Name Server", FT.IPV4, BASE.NONE, "A DNS server the client should use.");
const HF_OPT_LOG_SERVER = field("dhcp.option.log_server", "Log Server", FT.IPV4, BASE.NONE, "A server to send log messages to.");
const HF_OPT_HOSTNAME = field("dhcp.option.hostname", "Host Name", FT.STRING, BASE.NONE, "The client's name, given by the client or assigned by the server.");
const HF_OPT_DOMAIN_NAME = field("dhcp.option.domain_name", "Domain Name", FT.STRING, BASE.NONE, "The DNS domain the client belongs to, used to complete short names.");
const HF_OPT_BROADCAST = field("dhcp.option.broadcast_address", "Broadcast Address", FT.IPV4, BASE.NONE, "The broadcast address of the client's network.");
const HF_OPT_NTP = field("dhcp.option.ntp_server", "Network Time Protocol Server", FT.IPV4, BASE.NONE, "An NTP server the client can set its clock from.");
const HF_OPT_NBNS = field("dhcp.option.netbios_over_tcpip_name_server", "NetBIOS over TCP/IP Name Server", FT.IPV4, BASE.NONE, "A WINS server for NetBIOS name lookups.");
const HF_OPT_NB_NODE = field("dhcp.option.netbios_over_tcpip_node_type", "NetBIOS over TCP/IP Node Type", FT.UINT8, BASE.DEC, "How the client resolves NetBIOS names: 1 broadcast, 2 WINS server, 4 mixed, 8 hybrid.");
const HF_OPT_REQUESTED_IP = field("dhcp.option.requested_ip_address", "Requested IP Address", FT.IPV4, BASE.NONE, "The address the client would like to have.");
const HF_OPT_LEASE_TIME = field("dhcp.option.ip_address_lease_time", "IP Address Lease Time", FT.UINT32, BASE.DEC, "How many seconds the client may keep the address.");
const HF_OPT_SERVER_ID = field("dhcp.option.dhcp_server_id", "DHCP Server Identifier", FT.IPV4, BASE.NONE, "The address of the DHCP server the message is from or for.");
const HF_OPT_REQUEST_ITEM = field("dhcp.option.request_list_item", "Parameter Request List Item", FT.UINT8, BASE.DEC, "An option the client asks the server to include (1 subnet mask, 3 router, 6 DNS ...).");
const HF_OPT_MESSAGE = field("dhcp.option.message", "Message", FT.STRING, BASE.NONE, "A text message, usually explaining an error.");
const HF_OPT_MAX_SIZE = field("dhcp.option.dhcp_max_message_size", "Maximum DHCP Message Size", FT.UINT16, BASE.DEC, "The largest DHCP message the client accepts.");
const HF_OPT_RENEWAL = field("dhcp.option.renewal_time_value", "Renewal Time Value", FT.UINT32, BASE.DEC, "After how many seconds the client should renew its lease with its server.");
const HF_OPT_REBINDING = field("dhcp.option.rebinding_time_value", "Rebinding Time Value", FT.UINT32, BASE.DEC, "After how many seconds the client should ask any server to extend its lease.");
const HF_OPT_VENDOR_CLASS = field("dhcp.option.vendor_class_id", "Vendor class identifier", FT.STRING, BASE.NONE, "A text identifying the client's make or software, such as MSFT 5.0.");
const HF_OPT_BOOTFILE = field("dhcp.option.bootfile_name", "Bootfile name", FT.STRING, BASE.NONE, "The file a network-booting client should load.");
const COL_DHCP = columnProtocol("DHCP", HF_DHCP);
const COL_BOOTP = columnProtocol("BOOTP", HF_DHCP);

const COOKIE: u32 = 0x63825363;
/** An option walk stops after this many options (a message has at most ~1500 bytes of them). */
const OPTION_CAP = 4096;
const scratchInfo = new Text(1024);

export function dissectDhcp(off: i32, end: i32): void {
  const prev = t.enter(end);
  const msgType = messageType(off, end);
  if (!pinfo.inError) pinfo.colProto = msgType >= 0 ? COL_DHCP : COL_BOOTP;
  if (t.detail) dissect(off, end, msgType);
  else t.summaryLayer(HF_DHCP);
  t.restore(prev);
}

/** The DHCP Message Type option's value, or -1 for plain BOOTP; reads only what was captured. */
function messageType(off: i32, end: i32): i32 {
  if (!t.has(off + 236, 4) || t.get32(off + 236) != COOKIE) return -1;
  let o = off + 240;
  let n = 0;
  while (o < end && n++ < OPTION_CAP) {
    if (!t.has(o, 1)) return -1;
    const code = <u32>load<u8>(t.at(o));
    if (code == 255) return -1;
    if (code == 0) {
      o++;
      continue;
    }
    if (!t.has(o + 1, 1)) return -1;
    const len = <i32>load<u8>(t.at(o + 1));
    if (code == 53 && len >= 1) return t.has(o + 2, 1) ? <i32>load<u8>(t.at(o + 2)) : -1;
    o += 2 + len;
  }
  return -1;
}

function dissect(off: i32, end: i32, msgType: i32): void {
  const info = pinfo.inError ? scratchInfo : t.info;
  info.reset();
  const op = t.has(off, 1) ? <u32>load<u8>(t.at(off)) : 0;
  if (msgType >= 0) {
    info.str("DHCP ");
    const s = messageTypeName(<u32>msgType);
    info.str(s);
    for (let i = s.length; i < 8; i++) info.byte(0x20);
    info.str(" - Transaction ID 0x");
    if (t.has(off + 4, 4)) info.hexw(t.get32(off + 4), 1);
  } else if (op == 1) {
    info.str("Boot Request");
    if (t.has(off + 1, 2) && load<u8>(t.at(off + 1)) == 1 && load<u8>(t.at(off + 2)) == 6 && t.has(off + 28, 6)) {
      info.str(" from ");
      info.mac(t.at(off + 28));
      info.str(" (");
      info.mac(t.at(off + 28));
      info.str(")");
    }
  } else if (op == 2) info.str("Boot Reply");
  else {
    info.str("Unknown BOOTP message type (");
    info.dec(op);
    info.str(")");
  }
  const node = t.open(HF_DHCP, off, end - off);
  if (node >= 0) {
    const m = t.beginNote();
    t.pool.str("Dynamic Host Configuration Protocol");
    if (msgType >= 0) {
      t.pool.str(" (");
      t.pool.str(messageTypeName(<u32>msgType));
      t.pool.str(")");
    }
    t.endNote(node, m);
  }
  const type = t.f8(HF_TYPE, off);
  note(t.lastNode(), type == 1 ? "Boot Request (1)" : type == 2 ? "Boot Reply (2)" : "Unknown");
  const hwType = t.f8(HF_HW_TYPE, off + 1);
  if (hwType == 1) note(t.lastNode(), "Ethernet (0x01)");
  const hwLen = <i32>t.f8(HF_HW_LEN, off + 2);
  t.f8(HF_HOPS, off + 3);
  t.f32(HF_ID, off + 4);
  // Some clients write the seconds little-endian; tshark then shows that value.
  if (t.has(off + 8, 2) && t.get16(off + 8) > 0xff && (t.get16(off + 8) & 0xff) == 0) {
    t.fval(HF_SECS, off + 8, 2, t.get16(off + 8) >> 8);
  } else t.f16(HF_SECS, off + 8);
  const flags = t.f16(HF_FLAGS, off + 10);
  const fnode = t.lastNode();
  if (fnode >= 0) {
    const m = t.beginNote();
    t.pool.hex(flags, 4);
    t.pool.str((flags & 0x8000) != 0 ? " (Broadcast)" : " (Unicast)");
    t.endNote(fnode, m);
  }
  t.openNode(fnode);
  t.fbits(HF_FLAGS_BC, off + 10, 2, 0x8000);
  note(t.lastNode(), (flags & 0x8000) != 0 ? "Broadcast" : "Unicast");
  t.fbits(HF_FLAGS_RESERVED, off + 10, 2, 0x7fff);
  t.close(fnode);
  t.fipv4(HF_IP_CLIENT, off + 12);
  t.fipv4(HF_IP_YOUR, off + 16);
  t.fipv4(HF_IP_SERVER, off + 20);
  t.fipv4(HF_IP_RELAY, off + 24);
  if (hwLen > 0 && hwLen <= 16) {
    if (hwType == 1 && hwLen == 6) t.fbytes(HF_HW_MAC, off + 28, 6);
    else t.fbytes(HF_HW_ADDR, off + 28, hwLen);
    if (hwLen < 16) t.fbytes(HF_HW_PADDING, off + 28 + hwLen, 16 - hwLen);
  } else t.fbytes(HF_HW_ADDR, off + 28, 16);
  stringz(HF_SERVER, off + 44, 64);
  stringz(HF_FILE, off + 108, 128);
  if (t.stopped) {
    t.close(node);
    return;
  }
  const cookie = t.fipv4(HF_COOKIE, off + 236);
  if (cookie == COOKIE && !t.stopped) {
    note(t.lastNode(), "DHCP");
    options(off + 240, end);
  }
  t.close(node);
}

/** A zero-terminated string in a fixed-size field: the value stops at the first zero byte. */
function stringz(hf: u16, off: i32, size: i32): void {
  if (!t.need(off, size)) return;
  const mark = t.poolMark();
  let n = 0;
  while (n < size && load<u8>(t.at(off + n)) != 0) n++;
  ascii(t.pool, off, n);
  t.fstrPool(hf, off, size, mark);
}

/** Bytes as ASCII text: bytes above 0x7f become U+FFFD, as Wireshark's ENC_ASCII. */
function ascii(out: Text, off: i32, n: i32): void {
  for (let i = 0; i < n; i++) {
    const c = <u32>load<u8>(t.at(off + i));
    if (c < 0x80) out.byte(c);
    else {
      out.byte(0xef);
      out.byte(0xbf);
      out.byte(0xbd);
    }
  }
}

function note(node: i32, s: string): void {
  if (node < 0) return;
  const m = t.beginNote();
  t.pool.str(s);
  t.endNote(node, m);
}

function options(o: i32, end: i32): void {
  let count = 0;
  while (o < end && !t.stopped && count++ < OPTION_CAP) {
    if (!t.need(o, 1)) return;
    const code = <u32>load<u8>(t.at(o));
    if (code == 255) {
      const n = t.fval(HF_OPT_TYPE, o, 1, 0);
      note(n, "(255) End");
      t.openNode(n);
      t.f8(HF_OPT_END, o);
      t.close(n);
      o++;
      const rest = (t.limit < end ? t.limit : end) - o;
      if (rest > 0) t.fbytes(HF_OPT_PADDING, o, rest);
      return;
    }
    if (code == 0) {
      // A run of pad bytes.
      let k = o;
      while (k < end && t.has(k, 1) && load<u8>(t.at(k)) == 0) k++;
      const n = t.fval(HF_OPT_TYPE, o, k - o, 0);
      note(n, "(0) Padding");
      t.openNode(n);
      t.fbytes(HF_OPT_PADDING, o, k - o);
      t.close(n);
      o = k;
      continue;
    }
    if (!t.need(o + 1, 1)) return;
    const len = <i32>load<u8>(t.at(o + 1));
    if (!t.need(o, 2 + len)) return;
    const n = t.fval(HF_OPT_TYPE, o, 2 + len, code);
    if (n >= 0) optionNote(n, code, o + 2, len);
    t.openNode(n);
    t.f8(HF_OPT_LENGTH, o + 1);
    const v = o + 2;
    if (len > 0) t.hidden(t.fbytes(HF_OPT_VALUE, v, len) ? t.lastNode() : -1);
    optionValue(code, v, len);
    t.close(n);
    o += 2 + len;
  }
}

function optionValue(code: u32, v: i32, len: i32): void {
  switch (code) {
    case 1: t.fipv4(HF_OPT_SUBNET_MASK, v); break;
    case 3: addresses(HF_OPT_ROUTER, v, len); break;
    case 4: addresses(HF_OPT_TIME_SERVER, v, len); break;
    case 5: addresses(HF_OPT_NAME_SERVER, v, len); break;
    case 6: addresses(HF_OPT_DNS, v, len); break;
    case 7: addresses(HF_OPT_LOG_SERVER, v, len); break;
    case 12: text(HF_OPT_HOSTNAME, v, len); break;
    case 15: text(HF_OPT_DOMAIN_NAME, v, len); break;
    case 28: t.fipv4(HF_OPT_BROADCAST, v); break;
    case 42: addresses(HF_OPT_NTP, v, len); break;
    case 44: addresses(HF_OPT_NBNS, v, len); break;
    case 46: t.f8(HF_OPT_NB_NODE, v); break;
    case 50: t.fipv4(HF_OPT_REQUESTED_IP, v); break;
    case 51: seconds(HF_OPT_LEASE_TIME, v); break;
    case 53: {
      const mt = t.f8(HF_OPT_DHCP, v);
      const n = t.lastNode();
      if (n >= 0) {
        const m = t.beginNote();
        t.pool.str(messageTypeName(mt));
        t.pool.str(" (");
        t.pool.dec(mt);
        t.pool.str(")");
        t.endNote(n, m);
      }
      break;
    }
    case 54: t.fipv4(HF_OPT_SERVER_ID, v); break;
    case 55:
      for (let i = 0; i < len; i++) t.f8(HF_OPT_REQUEST_ITEM, v + i);
      break;
    case 56: text(HF_OPT_MESSAGE, v, len); break;
    case 57: t.f16(HF_OPT_MAX_SIZE, v); break;
    case 58: seconds(HF_OPT_RENEWAL, v); break;
    case 59: seconds(HF_OPT_REBINDING, v); break;
    case 60: text(HF_OPT_VENDOR_CLASS, v, len); break;
    case 61:
      // Client identifier: a hardware type and address, like the header's.
      if (len == 7 && load<u8>(t.at(v)) == 1) {
        t.f8(HF_HW_TYPE, v);
        note(t.lastNode(), "Ethernet (0x01)");
        t.fbytes(HF_HW_MAC, v + 1, 6);
      }
      break;
    case 67: text(HF_OPT_BOOTFILE, v, len); break;
  }
}

function addresses(hf: u16, v: i32, len: i32): void {
  for (let i = 0; i + 4 <= len; i += 4) t.fipv4(hf, v + i);
}

function text(hf: u16, v: i32, len: i32): void {
  if (!t.need(v, len) || !t.detail) return;
  const mark = t.poolMark();
  let n = 0;
  while (n < len && load<u8>(t.at(v + n)) != 0) n++;
  ascii(t.pool, v, n);
  t.fstrPool(hf, v, len, mark);
}

function seconds(hf: u16, v: i32): void {
  const s = t.f32(hf, v);
  const n = t.lastNode();
  if (n < 0) return;
  const m = t.beginNote();
  t.pool.str("(");
  t.pool.dec(s);
  t.pool.str("s) ");
  putDuration(t.pool, s);
  t.endNote(n, m);
}

function optionNote(n: i32, code: u32, v: i32, len: i32): void {
  const m = t.beginNote();
  t.pool.str("(");
  t.pool.dec(code);
  t.pool.str(") ");
  t.pool.str(optionName(code));
  if (code == 53 && len >= 1) {
    t.pool.str(" (");
    t.pool.str(messageTypeName(<u32>load<u8>(t.at(v))));
    t.pool.str(")");
  } else if ((code == 1 || code == 28 || code == 50 || code == 54) && len >= 4) {
    t.pool.str(" (");
    t.pool.ipv4(t.get32(v));
    t.pool.str(")");
  }
  t.endNote(n, m);
}

function optionName(code: u32): string {
  switch (code) {
    case 1: return "Subnet Mask";
    case 2: return "Time Offset";
    case 3: return "Router";
    case 4: return "Time Server";
    case 5: return "Name Server";
    case 6: return "Domain Name Server";
    case 7: return "Log Server";
    case 12: return "Host Name";
    case 15: return "Domain Name";
    case 26: return "Interface MTU";
    case 28: return "Broadcast Address";
    case 33: return "Static Route";
    case 42: return "Network Time Protocol Servers";
    case 43: return "Vendor-Specific Information";
    case 44: return "NetBIOS over TCP/IP Name Server";
    case 46: return "NetBIOS over TCP/IP Node Type";
    case 47: return "NetBIOS over TCP/IP Scope";
    case 50: return "Requested IP Address";
    case 51: return "IP Address Lease Time";
    case 52: return "Option Overload";
    case 53: return "DHCP Message Type";
    case 54: return "DHCP Server Identifier";
    case 55: return "Parameter Request List";
    case 56: return "Message";
    case 57: return "Maximum DHCP Message Size";
    case 58: return "Renewal Time Value";
    case 59: return "Rebinding Time Value";
    case 60: return "Vendor class identifier";
    case 61: return "Client identifier";
    case 66: return "TFTP Server Name";
    case 67: return "Bootfile name";
    case 81: return "Client Fully Qualified Domain Name";
    case 82: return "Agent Information Option";
    case 119: return "Domain Search";
    case 121: return "Classless Static Route";
    case 249: return "Private/Classless Static Route (Microsoft)";
    case 252: return "Private/Proxy autodiscovery";
  }
  return "Unknown";
}

function messageTypeName(v: u32): string {
  switch (v) {
    case 1: return "Discover";
    case 2: return "Offer";
    case 3: return "Request";
    case 4: return "Decline";
    case 5: return "ACK";
    case 6: return "NAK";
    case 7: return "Release";
    case 8: return "Inform";
    case 9: return "Force Renew";
    case 10: return "Lease query";
    case 11: return "Lease Unassigned";
    case 12: return "Lease Unknown";
    case 13: return "Lease Active";
    case 14: return "Bulk Lease Query";
    case 15: return "Lease Query Done";
    case 16: return "Active LeaseQuery";
    case 17: return "Lease Query Status";
    case 18: return "TLS";
  }
  return "Unknown Message Type";
}
