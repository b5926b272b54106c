// The NetBIOS Name Service (UDP port 137): Windows' older name lookup and
// registration, in a DNS-like message whose names are NetBIOS names in
// "first-level encoding" (each byte as two letters A-P).

import { field, protocol, columnProtocol, FT, BASE } from "../core/registry";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";
import { Text } from "../core/text";
import { expandNameInto, putDuration } from "./dns";

const HF_NBNS = protocol("nbns", "NetBIOS Name Service", "NBNS: Windows hosts ask the local network (or a WINS server) which address a NetBIOS name such as FILESERVER has, and announce their own names.");
const HF_ID = field("nbns.id", "Transaction ID", FT.UINT16, BASE.HEX, "A number chosen by the asker and copied into the answer, to match them.");
const HF_FLAGS = field("nbns.flags", "Flags", FT.UINT16, BASE.HEX, "The header's flag bits: query or response, operation, and the answer's status.");
const HF_F_RESPONSE = field("nbns.flags.response", "Response", FT.BOOLEAN, BASE.NONE, "Set in answers, clear in questions.", 0x8000);
const HF_F_OPCODE = field("nbns.flags.opcode", "Opcode", FT.UINT16, BASE.DEC, "The operation: 0 name query, 5 registration, 6 release, 7 wait for acknowledgment, 8 refresh.", 0x7800);
const HF_F_AUTHORITATIVE = field("nbns.flags.authoritative", "Authoritative", FT.BOOLEAN, BASE.NONE, "Set when the answer comes from the owner of the name or from the name server.", 0x400);
const HF_F_TRUNCATED = field("nbns.flags.truncated", "Truncated", FT.BOOLEAN, BASE.NONE, "Set when the message did not fit in one datagram.", 0x200);
const HF_F_RECDESIRED = field("nbns.flags.recdesired", "Recursion desired", FT.BOOLEAN, BASE.NONE, "The sender wants a name server to handle the request.", 0x100);
const HF_F_RECAVAIL = field("nbns.flags.recavail", "Recursion available", FT.BOOLEAN, BASE.NONE, "The answering name server can handle requests for others.", 0x80);
const HF_F_BROADCAST = field("nbns.flags.broadcast", "Broadcast", FT.BOOLEAN, BASE.NONE, "Set when the message was broadcast to the whole local network.", 0x10);
const HF_F_RCODE = field("nbns.flags.rcode", "Reply code", FT.UINT16, BASE.DEC, "The outcome: 0 no error, 3 the name does not exist, 6 the name is owned by another host.", 0xf);
const HF_COUNT_QUERIES = field("nbns.count.queries", "Questions", FT.UINT16, BASE.DEC, "How many questions the message carries.");
const HF_COUNT_ANSWERS = field("nbns.count.answers", "Answer RRs", FT.UINT16, BASE.DEC, "How many records answer the question.");
const HF_COUNT_AUTH = field("nbns.count.auth_rr", "Authority RRs", FT.UINT16, BASE.DEC, "How many authority records follow.");
const HF_COUNT_ADD = field("nbns.count.add_rr", "Additional RRs", FT.UINT16, BASE.DEC, "How many additional records follow (a registration carries its address here).");
const HF_QUERIES = field("nbns.queries", "Queries", FT.NONE, BASE.NONE, "The question section.");
const HF_ANSWERS = field("nbns.answers", "Answers", FT.NONE, BASE.NONE, "The answer section.");
const HF_AUTHORITIES = field("nbns.authorities", "Authoritative nameservers", FT.NONE, BASE.NONE, "The authority section.");
const HF_ADDITIONALS = field("nbns.additionals", "Additional records", FT.NONE, BASE.NONE, "The additional section.");
const HF_QUERY = field("nbns.query", "Query", FT.NONE, BASE.NONE, "One question: a NetBIOS name and a record type.");
const HF_RR = field("nbns.rr", "Resource record", FT.NONE, BASE.NONE, "One resource record: a NetBIOS name with its data.");
const HF_NAME = field("nbns.name", "Name", FT.STRING, BASE.NONE, "The NetBIOS name, with its type byte in angle brackets: <00> workstation, <20> file server, <1D> master browser ...");
const HF_TYPE = field("nbns.type", "Type", FT.UINT16, BASE.DEC, "The record type: 32 NB (name to address), 33 NBSTAT (list of a host's names).");
const HF_CLASS = field("nbns.class", "Class", FT.UINT16, BASE.DEC, "The record class; always 1 (IN).");
const HF_TTL = field("nbns.ttl", "Time to live", FT.UINT32, BASE.DEC, "How many seconds the name registration or answer stays valid.");
const HF_DATA_LEN = field("nbns.data_length", "Data length", FT.UINT16, BASE.DEC, "Length of the record's data in bytes.");
const HF_NB_FLAGS = field("nbns.nb_flags", "Name flags", FT.UINT16, BASE.HEX, "Flags of an address entry: group or unique name, and the owner's node type.");
const HF_NB_GROUP = field("nbns.nb_flags.group", "Name type", FT.BOOLEAN, BASE.NONE, "Set for a group name (shared by several hosts), clear for a unique name.", 0x8000);
const HF_NB_ONT = field("nbns.nb_flags.ont", "ONT", FT.UINT16, BASE.DEC, "The owner's node type: 0 B-node (broadcasts), 1 P-node (asks a server), 2 M-node, 3 H-node.", 0x6000);
const HF_ADDR = field("nbns.addr", "Addr", FT.IPV4, BASE.NONE, "The IPv4 address that has the name.");
const HF_NUM_NAMES = field("nbns.number_of_names", "Number of names", FT.UINT8, BASE.DEC, "How many names the answering host lists.");
const HF_NETBIOS_NAME = field("nbns.netbios_name", "Name", FT.STRING, BASE.NONE, "One of the names the answering host has registered.");
const HF_NAME_FLAGS = field("nbns.name_flags", "Name flags", FT.UINT16, BASE.HEX, "Flags of a listed name: group or unique, node type, and its state.");
const HF_NAME_GROUP = field("nbns.name_flags.group", "Name type", FT.BOOLEAN, BASE.NONE, "Set for a group name, clear for a unique name.", 0x8000);
const HF_NAME_ONT = field("nbns.name_flags.ont", "ONT", FT.UINT16, BASE.DEC, "The owner's node type: 0 B-node, 1 P-node, 2 M-node.", 0x6000);
const HF_NAME_DRG = field("nbns.name_flags.drg", "Name is being deregistered", FT.BOOLEAN, BASE.NONE, "The host is giving the name up.", 0x1000);
const HF_NAME_CNF = field("nbns.name_flags.cnf", "Name is in conflict", FT.BOOLEAN, BASE.NONE, "Another host claims the same unique name.", 0x800);
const HF_NAME_ACT = field("nbns.name_flags.act", "Name is active", FT.BOOLEAN, BASE.NONE, "The name is registered and in use.", 0x400);
const HF_NAME_PRM = field("nbns.name_flags.prm", "Permanent node name", FT.BOOLEAN, BASE.NONE, "The host's permanent name.", 0x200);
const HF_UNIT_ID = field("nbns.unit_id", "Unit ID", FT.ETHER, BASE.NONE, "The answering host's network card address.");
const COL_NBNS = columnProtocol("NBNS", HF_NBNS);

const T_NB = 32;
const T_NBSTAT = 33;

/** The name as get_dns_name gives it (before NetBIOS decoding). */
const dnsName = new Text(1024);
/** The decoded NetBIOS name, "NAME<xx>" with any scope. */
const nbName = new Text(1024);
let nameType: i32 = -1;
const scratchInfo = new Text(4096);
let info: Text = scratchInfo;

export function dissectNbns(off: i32, end: i32): void {
  if (!pinfo.inError) pinfo.colProto = COL_NBNS;
  if (!t.detail) {
    const prev = t.enter(end);
    if (t.has(off, 12)) t.summaryLayer(HF_NBNS);
    t.restore(prev);
    return;
  }
  info = pinfo.inError ? scratchInfo : t.info;
  info.reset();
  const prev = t.enter(end);
  message(off, end);
  t.restore(prev);
}

function message(off: i32, end: i32): void {
  if (!t.need(off, 12)) return;
  const flags = t.get16(off + 2);
  const response = (flags & 0x8000) != 0;
  const opcode = (flags >> 11) & 0xf;
  const rcode = flags & 0xf;
  info.str(opcodeName(opcode));
  if (response) info.str(" response");
  const node = t.open(HF_NBNS, off, end - off);
  t.f16(HF_ID, off);
  flagsTree(off + 2, flags, false);
  if (response && rcode != 0) {
    info.str(", ");
    info.str(rcodeName(rcode));
  }
  const quest = t.f16(HF_COUNT_QUERIES, off + 4);
  const ans = t.f16(HF_COUNT_ANSWERS, off + 6);
  const auth = t.f16(HF_COUNT_AUTH, off + 8);
  const add = t.f16(HF_COUNT_ADD, off + 10);
  let cur = off + 12;
  if (!t.stopped && quest > 0) cur = queries(cur, off, quest, !response);
  if (!t.stopped && ans > 0) cur = records(cur, off, ans, response, opcode, HF_ANSWERS, "Answers");
  if (!t.stopped && auth > 0) cur = records(cur, off, auth, false, opcode, HF_AUTHORITIES, "Authoritative nameservers");
  if (!t.stopped && add > 0) cur = records(cur, off, add, false, opcode, HF_ADDITIONALS, "Additional records");
  t.close(node);
}

function flagsTree(off: i32, flags: u32, wack: bool): void {
  t.f16(HF_FLAGS, off);
  const fnode = t.lastNode();
  const response = (flags & 0x8000) != 0;
  const opcode = (flags >> 11) & 0xf;
  if (fnode >= 0) {
    const m = t.beginNote();
    const p = t.pool;
    p.hex(flags, 4);
    if (response) p.str(", Response");
    p.str(", Opcode: ");
    p.str(opcodeName(opcode));
    if (response && (flags & 0x400) != 0) p.str(", Authoritative");
    if ((flags & 0x200) != 0) p.str(", Truncated");
    if ((flags & 0x100) != 0) p.str(", Recursion desired");
    if (response && (flags & 0x80) != 0) p.str(", Recursion available");
    if ((flags & 0x10) != 0) p.str(", Broadcast");
    if (response && !wack) {
      p.str(", Reply code: ");
      p.str(rcodeName(flags & 0xf));
    }
    t.endNote(fnode, m);
  }
  t.openNode(fnode);
  bit(HF_F_RESPONSE, off, 0x8000, "Message is a response", "Message is a query");
  t.fbits(HF_F_OPCODE, off, 2, 0x7800);
  named(t.lastNode(), opcodeName(opcode), opcode);
  if (response) bit(HF_F_AUTHORITATIVE, off, 0x400, "Server is an authority for domain", "Server is not an authority for domain");
  bit(HF_F_TRUNCATED, off, 0x200, "Message is truncated", "Message is not truncated");
  bit(HF_F_RECDESIRED, off, 0x100, "Do query recursively", "Don't do query recursively");
  if (response) bit(HF_F_RECAVAIL, off, 0x80, "Server can do recursive queries", "Server can't do recursive queries");
  bit(HF_F_BROADCAST, off, 0x10, "Broadcast packet", "Not a broadcast packet");
  if (response && !wack) {
    t.fbits(HF_F_RCODE, off, 2, 0xf);
    named(t.lastNode(), rcodeName(flags & 0xf), flags & 0xf);
  }
  t.close(fnode);
}

function bit(hf: u16, off: i32, mask: u32, set: string, clear: string): void {
  const v = t.fbits(hf, off, 2, mask);
  const n = t.lastNode();
  if (n < 0) return;
  const m = t.beginNote();
  t.pool.str(v != 0 ? set : clear);
  t.endNote(n, m);
}

function named(n: i32, name: string, v: u32): void {
  if (n < 0) return;
  const m = t.beginNote();
  t.pool.str(name);
  t.pool.str(" (");
  t.pool.dec(v);
  t.pool.str(")");
  t.endNote(n, m);
}

/** Reads the name at off and decodes it into nbName; returns its length in bytes, or -1. */
function readName(off: i32, base: i32): i32 {
  const used = expandNameInto(off, base, dnsName);
  if (used < 0) return -1;
  decodeName();
  return used;
}

const rawNb = new StaticArray<u8>(16);

/** Undoes the first-level encoding of dnsName into nbName, as Wireshark's get_nbns_name. */
function decodeName(): void {
  nbName.reset();
  nameType = -1;
  const p = dnsName.ptr;
  const n = dnsName.len;
  const raw = rawNb;
  let idx = 0;
  let i = 0;
  let last: u32 = 0;
  for (;;) {
    last = i < n ? <u32>load<u8>(p + <usize>i) : 0;
    if (last == 0 || last == 0x2e) break;
    if (last < 0x41 || last > 0x5a) {
      nbName.str("Illegal NetBIOS name (1st character not between A and Z in first-level encoding)");
      return;
    }
    const hi = (last - 0x41) << 4;
    i++;
    const c2 = i < n ? <u32>load<u8>(p + <usize>i) : 0;
    if (c2 == 0 || c2 == 0x2e) {
      nbName.str("Illegal NetBIOS name (odd number of bytes)");
      return;
    }
    if (c2 < 0x41 || c2 > 0x5a) {
      nbName.str("Illegal NetBIOS name (2nd character not between A and Z in first-level encoding)");
      return;
    }
    i++;
    if (idx < 16) unchecked((raw[idx++] = <u8>((hi | (c2 - 0x41)) & 0xff)));
  }
  if (idx != 16) {
    nbName.str("Illegal NetBIOS name (");
    nbName.dec(idx);
    nbName.str(" bytes long)");
    return;
  }
  nameType = <i32>unchecked(raw[15]);
  printableName(nbName, changetype<usize>(raw));
  nbName.str("<");
  nbName.hexw(<u64>nameType, 2);
  nbName.str(">");
  if (last == 0x2e) nbName.raw(p + <usize>i, n - i);
}

/** The first 15 bytes of a NetBIOS name, unprintable ones as <XX>, trailing spaces removed. */
function printableName(out: Text, p: usize): void {
  const start = out.len;
  for (let i = 0; i < 15; i++) {
    const c = <u32>load<u8>(p + <usize>i);
    if (c >= 0x20 && c <= 0x7e) out.byte(c);
    else {
      out.str("<");
      out.hexw(c, 2);
      out.str(">");
    }
  }
  // Remove trailing spaces (at most 15, as Wireshark does).
  for (let k = 0; k < 15 && out.len > start; k++) {
    if (load<u8>(out.ptr + <usize>(out.len - 1)) != 0x20) break;
    out.len--;
  }
}

function queries(cur: i32, base: i32, count: u32, toInfo: bool): i32 {
  const start = cur;
  const sect = t.open(HF_QUERIES, cur, t.limit - cur);
  for (let i: u32 = 0; i < count && !t.stopped; i++) {
    const used = readName(cur, base);
    if (used < 0) break;
    if (!t.need(cur + used, 4)) break;
    const tp = t.get16(cur + used);
    const cls = t.get16(cur + used + 2);
    if (toInfo) {
      info.str(" ");
      info.str(typeName(tp));
      info.str(" ");
      info.raw(nbName.ptr, nbName.len);
    }
    const q = t.open(HF_QUERY, cur, used + 4);
    if (q >= 0) {
      const m = t.beginNote();
      t.pool.raw(nbName.ptr, nbName.len);
      t.pool.str(": type ");
      t.pool.str(typeName(tp));
      t.pool.str(", class ");
      t.pool.str(className(cls));
      t.endNote(q, m);
    }
    nameField(cur, used, false);
    t.f16(HF_TYPE, cur + used);
    named(t.lastNode(), typeName(tp), tp);
    t.f16(HF_CLASS, cur + used + 2);
    named(t.lastNode(), className(cls), cls);
    t.close(q);
    cur += used + 4;
  }
  t.setLength(sect, cur - start);
  t.close(sect);
  return cur;
}

/** The name field: in questions it covers the name; in records Wireshark shows it one byte in, with the type's meaning in the value. */
function nameField(off: i32, used: i32, inRecord: bool): void {
  if (!t.detail || t.stopped) return;
  const mark = t.poolMark();
  t.pool.raw(nbName.ptr, nbName.len);
  if (inRecord) {
    t.pool.str(" (");
    t.pool.str(nameTypeDescription(nameType));
    t.pool.str(")");
  }
  if (inRecord) t.fstrPool(HF_NAME, off + 1, used - 1, mark);
  else t.fstrPool(HF_NAME, off, used, mark);
}

function records(cur: i32, base: i32, count: u32, toInfo: bool, opcode: u32, hf: u16, title: string): i32 {
  const start = cur;
  const sect = t.open(hf, cur, t.limit - cur);
  if (sect >= 0) {
    const m = t.beginNote();
    t.pool.str(title);
    t.endNote(sect, m);
  }
  for (let i: u32 = 0; i < count && !t.stopped; i++) {
    const used = record(cur, base, toInfo, opcode);
    if (used <= 0) break;
    cur += used;
  }
  t.setLength(sect, cur - start);
  t.close(sect);
  return cur;
}

function record(off: i32, base: i32, toInfo: bool, opcode: u32): i32 {
  const used = readName(off, base);
  if (used < 0) return -1;
  if (!t.need(off + used, 10)) return -1;
  const tp = t.get16(off + used);
  const cls = t.get16(off + used + 2);
  let dlen = <i32>t.get16(off + used + 8);
  const total = used + 10 + dlen;
  const rr = t.open(HF_RR, off, total);
  if (rr >= 0) {
    const m = t.beginNote();
    t.pool.raw(nbName.ptr, nbName.len);
    t.pool.str(": type ");
    t.pool.str(typeName(tp));
    t.pool.str(", class ");
    t.pool.str(className(cls));
    t.endNote(rr, m);
  }
  nameField(off, used, tp == T_NB);
  let o = off + used;
  t.f16(HF_TYPE, o);
  named(t.lastNode(), typeName(tp), tp);
  t.f16(HF_CLASS, o + 2);
  named(t.lastNode(), className(cls), cls);
  const ttl = t.f32(HF_TTL, o + 4);
  const tn = t.lastNode();
  if (tn >= 0) {
    const m = t.beginNote();
    putDuration(t.pool, ttl);
    t.endNote(tn, m);
  }
  t.f16(HF_DATA_LEN, o + 8);
  o += 10;
  if (tp == T_NB) {
    if (toInfo && opcode != 7) {
      if (!t.need(o + 2, 4)) {
        t.close(rr);
        return -1;
      }
      info.str(" NB ");
      info.ipv4(t.get32(o + 2));
    }
    while (dlen > 0 && !t.stopped) {
      if (opcode == 7) {
        if (dlen < 2) break;
        flagsTree(o, t.get16(o), true);
        o += 2;
        dlen -= 2;
      } else {
        if (dlen < 2) break;
        nbFlags(o);
        o += 2;
        dlen -= 2;
        if (dlen < 4) break;
        t.fipv4(HF_ADDR, o);
        o += 4;
        dlen -= 4;
      }
    }
  } else if (tp == T_NBSTAT) {
    if (toInfo) info.str(" NBSTAT");
    nodeStatus(o, dlen);
  } else if (toInfo) {
    info.str(" ");
    info.str(typeName(tp));
  }
  t.close(rr);
  return total;
}

function nbFlags(o: i32): void {
  const flags = t.f16(HF_NB_FLAGS, o);
  const n = t.lastNode();
  const ont = (flags >> 13) & 3;
  if (n >= 0) {
    const m = t.beginNote();
    t.pool.hex(flags, 4);
    if ((flags & 0x8000) != 0) t.pool.str(", Name type");
    t.pool.str(", ONT: ");
    t.pool.str(ontName(ont, true));
    t.pool.str(" (");
    t.pool.str(ontName(ont, true));
    t.pool.str((flags & 0x8000) != 0 ? ", group)" : ", unique)");
    t.endNote(n, m);
  }
  t.openNode(n);
  bit(HF_NB_GROUP, o, 0x8000, "Group name", "Unique name");
  t.fbits(HF_NB_ONT, o, 2, 0x6000);
  named(t.lastNode(), ontName(ont, true), ont);
  t.close(n);
}

/** The NBSTAT answer: the host's names, then its adapter statistics (names and unit ID shown). */
function nodeStatus(o: i32, dlen: i32): void {
  if (dlen < 1) return;
  const count = t.f8(HF_NUM_NAMES, o);
  o += 1;
  dlen -= 1;
  for (let i: u32 = 0; i < count && !t.stopped; i++) {
    if (dlen < 16) return;
    if (!t.need(o, 16)) return;
    if (t.detail) {
      const mark = t.poolMark();
      printableName(t.pool, t.at(o));
      t.fstrPool(HF_NETBIOS_NAME, o, 16, mark);
    }
    o += 16;
    dlen -= 16;
    if (dlen < 2) return;
    const flags = t.f16(HF_NAME_FLAGS, o);
    const n = t.lastNode();
    t.openNode(n);
    bit(HF_NAME_GROUP, o, 0x8000, "Group name", "Unique name");
    t.fbits(HF_NAME_ONT, o, 2, 0x6000);
    named(t.lastNode(), ontName((flags >> 13) & 3, false), (flags >> 13) & 3);
    bit(HF_NAME_DRG, o, 0x1000, "Yes", "No");
    bit(HF_NAME_CNF, o, 0x800, "Yes", "No");
    bit(HF_NAME_ACT, o, 0x400, "Yes", "No");
    bit(HF_NAME_PRM, o, 0x200, "Yes", "No");
    t.close(n);
    o += 2;
    dlen -= 2;
  }
  if (dlen < 6) return;
  t.fbytes(HF_UNIT_ID, o, 6);
}

function opcodeName(op: u32): string {
  switch (op) {
    case 0: return "Name query";
    case 5: return "Registration";
    case 6: return "Release";
    case 7: return "Wait for acknowledgment";
    case 8: return "Refresh";
    case 9: return "Refresh (alternate opcode)";
    case 15: return "Multi-homed registration";
  }
  return "Unknown operation";
}

function rcodeName(rc: u32): string {
  switch (rc) {
    case 0: return "No error";
    case 1: return "Request was invalidly formatted";
    case 2: return "Server failure";
    case 3: return "Requested name does not exist";
    case 4: return "Request is not implemented";
    case 5: return "Request was refused";
    case 6: return "Name is owned by another node";
    case 7: return "Name is in conflict";
  }
  return "Unknown error";
}

function typeName(tp: u32): string {
  if (tp == T_NB) return "NB";
  if (tp == T_NBSTAT) return "NBSTAT";
  return "unknown";
}

function className(c: u32): string {
  switch (c) {
    case 1: return "IN";
    case 2: return "CS";
    case 3: return "CH";
    case 4: return "HS";
    case 254: return "NONE";
    case 255: return "ANY";
  }
  return "Unknown";
}

function ontName(ont: u32, nb: bool): string {
  switch (ont) {
    case 0: return "B-node";
    case 1: return "P-node";
    case 2: return "M-node";
  }
  return nb ? "Unknown" : "Unknown";
}

/** What a NetBIOS name's type byte means, as Wireshark's netbios_name_type_descr. */
export function nameTypeDescription(tp: i32): string {
  switch (tp) {
    case 0x00: return "Workstation/Redirector";
    case 0x01: return "Browser";
    case 0x02: return "Workstation/Redirector";
    case 0x03: return "Messenger service/Main name";
    case 0x05: return "Forwarded name";
    case 0x06: return "RAS Server service";
    case 0x1b: return "Domain Master Browser";
    case 0x1c: return "Domain Controllers";
    case 0x1d: return "Local Master Browser";
    case 0x1e: return "Browser Election Service";
    case 0x1f: return "Net DDE Service";
    case 0x20: return "Server service";
    case 0x21: return "RAS client service";
    case 0x22: return "Exchange Interchange (MSMail Connector)";
    case 0x23: return "Exchange Store";
    case 0x24: return "Exchange Directory";
    case 0x2b: return "Lotus Notes Server service";
    case 0x30: return "Modem sharing server service";
    case 0x31: return "Modem sharing client service";
    case 0x43: return "SMS Clients Remote Control";
    case 0x44: return "SMS Administrators Remote Control Tool";
    case 0x45: return "SMS Clients Remote Chat";
    case 0x46: return "SMS Clients Remote Transfer";
    case 0x4c: return "DEC Pathworks TCP/IP Service on Windows NT";
    case 0x52: return "DEC Pathworks TCP/IP Service on Windows NT";
    case 0x6a: return "Microsoft Exchange IMC";
    case 0x87: return "Microsoft Exchange MTA";
    case 0xbe: return "Network Monitor Agent";
    case 0xbf: return "Network Monitor Analyzer";
  }
  return "Unknown";
}
