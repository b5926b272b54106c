// The capture reader: classic pcap and pcapng, fed in chunks of any size.
//
// The host writes bytes at inputReserve()/inputCommit(); parse() consumes
// every complete record in the buffer and hands it to the summary pass; the
// incomplete tail is kept and moved to the front when room is needed. So a
// record may span any number of chunks, and only one record (at most a
// pcapng block of MAX_BLOCK bytes) ever needs to be held at once.

import { rd16, rd32 } from "../core/bytes";
import { Text } from "../core/text";
import * as ev from "./events";
import { onRecord, batchFull, LINK_CUSTOM_BLOCK } from "../summary/pass";
import { frame } from "../core/pinfo";

export const enum Status {
  MORE = 0,  // every complete record consumed: give more bytes, or finish()
  FULL = 1,  // the batch (or event buffer) is full: drain it and call parse() again
  ERROR = 2, // the input is not readable from here on: see errorKind/errorOffset/errorText
}

export const enum ErrKind {
  NONE = 0,
  NOT_CAPTURE = 1, // not a pcap or pcapng file
  UNSUPPORTED = 2, // a capture, in a version or variant not supported
  DAMAGED = 3,     // a structure is inconsistent
  CUT_SHORT = 4,   // the file ends inside a record
}

/** Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD: larger captured lengths mean a damaged file. */
const MAX_PACKET: u32 = 262144;
/** Largest pcapng block accepted. */
const MAX_BLOCK: u32 = 16 * 1024 * 1024;

const enum Format {
  UNKNOWN = 0,
  PCAP = 1,
  PCAPNG = 2,
}

// ---- input buffer ---------------------------------------------------------

let inCap: i32 = 8 << 20;
let inBuf: usize = heap.alloc(<usize>inCap);
let inStart: i32 = 0;
let inEnd: i32 = 0;
/** File offset of inBuf[0]. */
let inBase: u64 = 0;
/** Bytes the record at inStart needs in all, when parse() stopped for more. */
let needBytes: i32 = 0;

/** Makes room for at least `min` more bytes; returns where the host writes them. */
export function inputReserve(min: i32): usize {
  if (inStart > 0) {
    const n = inEnd - inStart;
    if (n > 0) memory.copy(inBuf, inBuf + <usize>inStart, <usize>n);
    inBase += <u64>inStart;
    inStart = 0;
    inEnd = n;
  }
  let want = inEnd + min;
  if (needBytes > want) want = needBytes;
  if (want > inCap) {
    let cap = inCap;
    while (cap < want) cap <<= 1;
    inBuf = heap.realloc(inBuf, <usize>cap);
    inCap = cap;
  }
  return inBuf + <usize>inEnd;
}

/** Free bytes after the data, once inputReserve() has run. */
export function inputSpace(): i32 {
  return inCap - inEnd;
}

export function inputCommit(n: i32): void {
  inEnd += n;
}

// ---- errors ---------------------------------------------------------------

export let errorKind: ErrKind = ErrKind.NONE;
export let errorOffset: u64 = 0;
export const errorText = new Text(1024);

function fail(kind: ErrKind, at: i32): i32 {
  errorKind = kind;
  errorOffset = inBase + <u64>at;
  return -1;
}

// ---- state ----------------------------------------------------------------

let format: Format = Format.UNKNOWN;
/** Records handed to the summary pass so far. */
export let records: u32 = 0;

// classic pcap
let pcapBigEndian = false;
let pcapNanos = false;
let pcapRecordHeader: i32 = 16;
let pcapLinkType: i32 = 0;

// pcapng
let bigEndian = false;
let sections: u32 = 0;
/** Global index of the first interface of the current section. */
/** Global number of the current section's first interface. */
export let sectionFirstIf: i32 = 0;
const ifLinkType = new Array<i32>();
const ifSnaplen = new Array<u32>();
const ifUnits = new Array<u64>();
const ifOffset = new Array<i64>();

export function resetReader(): void {
  inStart = 0;
  inEnd = 0;
  inBase = 0;
  needBytes = 0;
  errorKind = ErrKind.NONE;
  errorOffset = 0;
  errorText.reset();
  format = Format.UNKNOWN;
  records = 0;
  sections = 0;
  sectionFirstIf = 0;
  ifLinkType.length = 0;
  ifSnaplen.length = 0;
  ifUnits.length = 0;
  ifOffset.length = 0;
}

export function interfaceCount(): i32 {
  return ifLinkType.length;
}

/** 0: not known yet; 1: pcap; 2: pcapng. */
export function fileFormat(): i32 {
  return <i32>format;
}

// ---- the loop -------------------------------------------------------------

/** Leaves room in the event buffer for one block's worth of options. */
const EVENT_RESERVE: i32 = 64 * 1024;

export function parse(): Status {
  if (errorKind != ErrKind.NONE) return Status.ERROR;
  while (true) {
    if (batchFull() || ev.room() < EVENT_RESERVE) return Status.FULL;
    const avail = inEnd - inStart;
    const p = inBuf + <usize>inStart;
    let used: i32;
    if (format == Format.PCAP) used = pcapRecord(p, avail);
    else if (format == Format.PCAPNG) used = pcapngBlock(p, avail);
    else used = fileHeader(p, avail);
    if (used > 0) {
      inStart += used;
      needBytes = 0;
      continue;
    }
    return used < 0 ? Status.ERROR : Status.MORE;
  }
}

/** The input has ended: an incomplete record left over means the file was cut short. */
export function finish(): Status {
  if (errorKind != ErrKind.NONE) return Status.ERROR;
  const left = inEnd - inStart;
  if (format == Format.UNKNOWN) {
    if (left == 0) {
      errorText.str("the file is empty");
      fail(ErrKind.NOT_CAPTURE, inStart);
      return Status.ERROR;
    }
    errorText.str("the file is too short to be a capture (");
    errorText.dec(<u64>left);
    errorText.str(" bytes)");
    fail(ErrKind.NOT_CAPTURE, inStart);
    return Status.ERROR;
  }
  if (left == 0) return Status.MORE;
  errorText.str("the file is cut short in the middle of ");
  if (format == Format.PCAP) {
    errorText.str("record ");
    errorText.dec(<u64>(records + 1));
  } else errorText.str("a pcapng block");
  errorText.str(": it needs ");
  errorText.dec(<u64>(needBytes > 0 ? needBytes : left + 1));
  errorText.str(" bytes, only ");
  errorText.dec(<u64>left);
  errorText.str(" remain");
  fail(ErrKind.CUT_SHORT, inStart);
  return Status.ERROR;
}

/** Asks for `n` bytes in all for the record at inStart. */
function more(n: i32): i32 {
  needBytes = n;
  return 0;
}

// ---- format detection -----------------------------------------------------

function fileHeader(p: usize, avail: i32): i32 {
  if (avail < 4) return more(4);
  const magic = load<u32>(p);
  if (magic == 0x0a0d0d0a) {
    format = Format.PCAPNG;
    frame.showInterface = true;
    return pcapngBlock(p, avail);
  }
  let nanos = false;
  let modified = false;
  let be = false;
  if (magic == 0xa1b2c3d4) {
  } else if (magic == 0xd4c3b2a1) be = true;
  else if (magic == 0xa1b23c4d) nanos = true;
  else if (magic == 0x4d3cb2a1) {
    nanos = true;
    be = true;
  } else if (magic == 0xa1b2cd34) modified = true;
  else if (magic == 0x34cdb2a1) {
    modified = true;
    be = true;
  } else {
    errorText.str("not a pcap or pcapng capture: the file starts with 0x");
    errorText.hexw(bswap<u32>(magic), 8);
    errorText.str(", not a capture file's magic number");
    return fail(ErrKind.NOT_CAPTURE, inStart);
  }
  if (avail < 24) return more(24);
  const major = rd16(p + 4, be);
  const minor = rd16(p + 6, be);
  if (major != 2) {
    errorText.str("pcap: major version ");
    errorText.dec(major);
    errorText.str(".");
    errorText.dec(minor);
    errorText.str(" is not supported (only 2.x exists)");
    return fail(ErrKind.UNSUPPORTED, inStart + 4);
  }
  format = Format.PCAP;
  frame.showInterface = false;
  pcapBigEndian = be;
  pcapNanos = nanos;
  pcapRecordHeader = modified ? 24 : 16;
  pcapLinkType = <i32>(rd32(p + 20, be) & 0xffff);
  const snaplen = rd32(p + 16, be);
  ifLinkType.push(pcapLinkType);
  ifSnaplen.push(snaplen);
  ifUnits.push(nanos ? 1000000000 : 1000000);
  ifOffset.push(0);
  const m = ev.begin(Ev_INTERFACE, 0, 0, 24);
  if (m >= 0) {
    ev.put16(<u32>pcapLinkType);
    ev.put16(0);
    ev.put32(snaplen);
    ev.put8(nanos ? 9 : 6);
    ev.put8(0);
    ev.put16(0);
    ev.put64(0);
    ev.end(m);
  }
  return 24;
}

// (const enum members cannot be imported as values across modules in every
// position; these mirror ev.Ev for readability here)
const Ev_SECTION: u32 = 1;
const Ev_INTERFACE: u32 = 2;
const Ev_COMMENT: u32 = 3;
const Ev_NAME: u32 = 4;
const Ev_IFSTATS: u32 = 5;
const Ev_PACKET_FLAGS: u32 = 8;
const Ev_DROPS: u32 = 9;

// ---- classic pcap ---------------------------------------------------------

function pcapRecord(p: usize, avail: i32): i32 {
  const hl = pcapRecordHeader;
  if (avail < hl) return more(hl);
  const be = pcapBigEndian;
  const sec = rd32(p, be);
  const frac = rd32(p + 4, be);
  const capLen = rd32(p + 8, be);
  const origLen = rd32(p + 12, be);
  if (capLen > MAX_PACKET) {
    errorText.str("pcap: record ");
    errorText.dec(<u64>(records + 1));
    errorText.str(" says it holds ");
    errorText.dec(capLen);
    errorText.str(" bytes, more than the largest packet a capture can hold (");
    errorText.dec(MAX_PACKET);
    errorText.str("): the file is damaged");
    return fail(ErrKind.DAMAGED, inStart + 8);
  }
  const total = hl + <i32>capLen;
  if (avail < total) return more(total);
  const nsec: u32 = pcapNanos ? frac : frac * 1000;
  onRecord(p + <usize>hl, <i32>capLen, origLen, inBase + <u64>(inStart + hl), 0, pcapLinkType, true, <i64>sec, nsec);
  records++;
  return total;
}

// ---- pcapng ---------------------------------------------------------------

const BT_SHB: u32 = 0x0a0d0d0a;
const BT_IDB: u32 = 1;
const BT_PB: u32 = 2; // obsolete Packet Block
const BT_SPB: u32 = 3;
const BT_NRB: u32 = 4;
const BT_ISB: u32 = 5;
const BT_EPB: u32 = 6;
const BT_CB_COPY: u32 = 0x00000bad;
const BT_CB_NOCOPY: u32 = 0x40000bad;

function pcapngBlock(p: usize, avail: i32): i32 {
  if (avail < 12) return more(12);
  const type = load<u32>(p); // the SHB type reads the same in both orders
  if (type == BT_SHB) return sectionHeader(p, avail);
  if (sections == 0) {
    errorText.str("pcapng: the file does not begin with a Section Header Block");
    return fail(ErrKind.DAMAGED, inStart);
  }
  const be = bigEndian;
  const btype = rd32(p, be);
  const total = rd32(p + 4, be);
  if (total < 12 || (total & 3) != 0 || total > MAX_BLOCK) {
    errorText.str("pcapng: block of type 0x");
    errorText.hexw(btype, 8);
    errorText.str(" has an impossible total length of ");
    errorText.dec(total);
    errorText.str(" bytes");
    return fail(ErrKind.DAMAGED, inStart + 4);
  }
  if (avail < <i32>total) return more(<i32>total);
  // As in Wireshark, the block's contents are checked before its trailer,
  // and a packet is kept only when both are sound.
  const isPacket = btype == BT_EPB || btype == BT_SPB || btype == BT_PB || btype == BT_CB_COPY || btype == BT_CB_NOCOPY;
  let ok = true;
  if (isPacket) ok = packetBlock(p, <i32>total, btype, false);
  else if (btype == BT_IDB) ok = interfaceDescription(p, <i32>total);
  else if (btype == BT_NRB) ok = nameResolution(p, <i32>total);
  else if (btype == BT_ISB) ok = interfaceStatistics(p, <i32>total);
  // Other block types (decryption secrets, journal entries, unknown) are skipped.
  if (!ok) return -1;
  const trailer = rd32(p + <usize>total - 4, be);
  if (trailer != total) {
    errorText.str("pcapng: block of type 0x");
    errorText.hexw(btype, 8);
    errorText.str(" says its length is ");
    errorText.dec(total);
    errorText.str(" bytes but its trailer says ");
    errorText.dec(trailer);
    return fail(ErrKind.DAMAGED, inStart + <i32>total - 4);
  }
  if (isPacket) packetBlock(p, <i32>total, btype, true);
  return <i32>total;
}

/** Checks a packet-carrying block (emit false), or hands its packet over (emit true). */
function packetBlock(p: usize, total: i32, btype: u32, emit: bool): bool {
  if (btype == BT_EPB) return enhancedPacket(p, total, emit);
  if (btype == BT_SPB) return simplePacket(p, total, emit);
  if (btype == BT_PB) return obsoletePacket(p, total, emit);
  return customBlock(p, total, emit);
}

function sectionHeader(p: usize, avail: i32): i32 {
  if (avail < 12) return more(12);
  const bom = load<u32>(p + 8);
  let be: bool;
  if (bom == 0x1a2b3c4d) be = false;
  else if (bom == 0x4d3c2b1a) be = true;
  else {
    if (sections == 0 && inBase + <u64>inStart == 0) {
      errorText.str("not a capture: the file starts like pcapng but has no byte-order magic (found 0x");
      errorText.hexw(bswap<u32>(bom), 8);
      errorText.str(")");
      return fail(ErrKind.NOT_CAPTURE, inStart + 8);
    }
    errorText.str("pcapng: Section Header Block with an unknown byte-order magic 0x");
    errorText.hexw(bswap<u32>(bom), 8);
    return fail(ErrKind.DAMAGED, inStart + 8);
  }
  const total = rd32(p + 4, be);
  if (total < 28 || (total & 3) != 0 || total > MAX_BLOCK) {
    errorText.str("pcapng: Section Header Block has an impossible total length of ");
    errorText.dec(total);
    errorText.str(" bytes");
    return fail(ErrKind.DAMAGED, inStart + 4);
  }
  if (avail < <i32>total) return more(<i32>total);
  const major = rd16(p + 12, be);
  const minor = rd16(p + 14, be);
  if (major != 1) {
    errorText.str("pcapng: section version ");
    errorText.dec(major);
    errorText.str(".");
    errorText.dec(minor);
    errorText.str(" is not supported (only 1.x exists)");
    return fail(ErrKind.UNSUPPORTED, inStart + 12);
  }
  bigEndian = be;
  const section = sections;
  sectionFirstIf = ifLinkType.length;
  const m = ev.begin(Ev_SECTION, section, 0, <i32>total + 16);
  if (m >= 0) {
    ev.put8(be ? 1 : 0);
    ev.put8(0);
    ev.put16(major);
    ev.put16(minor);
    ev.put16(0);
  }
  if (!options(p, 24, <i32>total, m >= 0, 0)) {
    if (m >= 0) ev.end(m);
    return -1;
  }
  if (m >= 0) ev.end(m);
  if (rd32(p + <usize>total - 4, be) != total) {
    errorText.str("pcapng: Section Header Block length ");
    errorText.dec(total);
    errorText.str(" disagrees with its trailer ");
    errorText.dec(rd32(p + <usize>total - 4, be));
    return fail(ErrKind.DAMAGED, inStart + <i32>total - 4);
  }
  sections++;
  return <i32>total;
}

/**
 * Walks the options from `from` to the block's trailer, checking every
 * length; copies them into the current event when `copy`. Options with code
 * `watch` (when nonzero) are left to the caller. Returns false on overrun.
 */
function options(p: usize, from: i32, total: i32, copy: bool, watch: u32): bool {
  const be = bigEndian;
  let o = from;
  const end = total - 4;
  while (o + 4 <= end) {
    const code = rd16(p + <usize>o, be);
    const olen = rd16(p + <usize>(o + 2), be);
    if (code == 0) break;
    if (<i32>olen > end - o - 4) {
      errorText.str("pcapng: option ");
      errorText.dec(code);
      errorText.str(" claims ");
      errorText.dec(olen);
      errorText.str(" bytes, more than its block holds (");
      errorText.dec(<u64>(end - o - 4));
      errorText.str(" left): not enough data to handle an option of length ");
      errorText.dec(olen);
      fail(ErrKind.DAMAGED, inStart + o + 2);
      return false;
    }
    if (copy) {
      ev.put16(code);
      ev.put16(olen);
      ev.putBytes(p + <usize>(o + 4), <i32>olen);
      ev.align4();
    }
    o += 4 + ((<i32>olen + 3) & ~3);
  }
  return true;
}

function interfaceDescription(p: usize, total: i32): bool {
  if (total < 20) return tooSmall("Interface Description", total, 20);
  const be = bigEndian;
  const linkType = rd16(p + 8, be);
  const snaplen = rd32(p + 12, be);
  // Find if_tsresol (9) and if_tsoffset (14) before copying the options.
  let units: u64 = 1000000;
  let tsresol: u32 = 6;
  let tsoffset: i64 = 0;
  let o = 16;
  const end = total - 4;
  while (o + 4 <= end) {
    const code = rd16(p + <usize>o, be);
    const olen = <i32>rd16(p + <usize>(o + 2), be);
    if (code == 0 || olen > end - o - 4) break;
    const v = p + <usize>(o + 4);
    if (code == 9 && olen >= 1) {
      tsresol = <u32>load<u8>(v);
      const n = tsresol & 0x7f;
      if ((tsresol & 0x80) != 0) {
        if (n > 63) return badResolution(tsresol, o);
        units = <u64>1 << <u64>n;
      } else {
        if (n > 19) return badResolution(tsresol, o);
        units = 1;
        for (let i: u32 = 0; i < n; i++) units *= 10;
      }
    } else if (code == 14 && olen >= 8) {
      tsoffset = be ? <i64>bswap<u64>(load<u64>(v)) : load<i64>(v);
    }
    o += 4 + ((olen + 3) & ~3);
  }
  const index = ifLinkType.length;
  const m = ev.begin(Ev_INTERFACE, <u32>index, sections - 1, total + 16);
  if (m >= 0) {
    ev.put16(linkType);
    ev.put16(0);
    ev.put32(snaplen);
    ev.put8(tsresol);
    ev.put8(0);
    ev.put16(0);
    ev.put64(<u64>tsoffset);
  }
  const ok = options(p, 16, total, m >= 0, 0);
  if (m >= 0) ev.end(m);
  if (!ok) return false;
  ifLinkType.push(<i32>linkType);
  ifSnaplen.push(snaplen);
  ifUnits.push(units);
  ifOffset.push(tsoffset);
  return true;
}

function badResolution(tsresol: u32, o: i32): bool {
  errorText.str("pcapng: interface time stamp resolution 0x");
  errorText.hexw(tsresol, 2);
  errorText.str(" is too fine to represent");
  fail(ErrKind.UNSUPPORTED, inStart + o + 4);
  return false;
}

function tooSmall(what: string, total: i32, min: i32): bool {
  errorText.str("pcapng: ");
  errorText.str(what);
  errorText.str(" Block of ");
  errorText.dec(<u64>total);
  errorText.str(" bytes is smaller than its minimum of ");
  errorText.dec(<u64>min);
  fail(ErrKind.DAMAGED, inStart + 4);
  return false;
}

/** Maps a section-local interface id to the global one, or fails. */
function globalInterface(local: u32, at: i32): i32 {
  const count = ifLinkType.length - sectionFirstIf;
  if (local >= <u32>count) {
    errorText.str("pcapng: packet refers to interface ");
    errorText.dec(local);
    errorText.str(" but its section describes ");
    errorText.dec(<u64>count);
    errorText.str(count == 1 ? " interface" : " interfaces");
    fail(ErrKind.DAMAGED, inStart + at);
    return -1;
  }
  return sectionFirstIf + <i32>local;
}

/** Converts a 64-bit pcapng time stamp to seconds and nanoseconds (Wireshark's arithmetic). */
let tsSec: i64 = 0;
let tsNsec: u32 = 0;
function convertTime(iface: i32, high: u32, low: u32): void {
  const ts = (<u64>high << 32) | <u64>low;
  const units = unchecked(ifUnits[iface]);
  const rem = ts % units;
  tsSec = <i64>(ts / units) + unchecked(ifOffset[iface]);
  if (units <= 1000000000 && 1000000000 % units == 0) tsNsec = <u32>(rem * (1000000000 / units));
  else if (units < 18446744073) tsNsec = <u32>((rem * 1000000000) / units);
  else tsNsec = <u32>(<f64>rem / <f64>units * 1e9);
}

function checkCapLen(what: string, capLen: u32, room: i32, at: i32): bool {
  if (capLen > <u32>room) {
    errorText.str("pcapng: ");
    errorText.str(what);
    errorText.str(" says it captured ");
    errorText.dec(capLen);
    errorText.str(" bytes but its block holds only ");
    errorText.dec(<u64>room);
    fail(ErrKind.DAMAGED, inStart + at);
    return false;
  }
  if (capLen > MAX_PACKET) {
    errorText.str("pcapng: ");
    errorText.str(what);
    errorText.str(" says it captured ");
    errorText.dec(capLen);
    errorText.str(" bytes, more than the largest packet a capture can hold (");
    errorText.dec(MAX_PACKET);
    errorText.str(")");
    fail(ErrKind.DAMAGED, inStart + at);
    return false;
  }
  return true;
}

function enhancedPacket(p: usize, total: i32, emit: bool): bool {
  if (total < 32) return tooSmall("Enhanced Packet", total, 32);
  const be = bigEndian;
  const iface = globalInterface(rd32(p + 8, be), 8);
  if (iface < 0) return false;
  const capLen = rd32(p + 20, be);
  const origLen = rd32(p + 24, be);
  if (!checkCapLen("an Enhanced Packet Block", capLen, total - 32, 20)) return false;
  const optFrom = 28 + ((<i32>capLen + 3) & ~3);
  if (!packetOptions(p, optFrom, total, emit)) return false;
  if (!emit) return true;
  convertTime(iface, rd32(p + 12, be), rd32(p + 16, be));
  onRecord(p + 28, <i32>capLen, origLen, inBase + <u64>(inStart + 28), iface, unchecked(ifLinkType[iface]), true, tsSec, tsNsec);
  records++;
  return true;
}

function obsoletePacket(p: usize, total: i32, emit: bool): bool {
  if (total < 32) return tooSmall("Packet", total, 32);
  const be = bigEndian;
  const iface = globalInterface(rd16(p + 8, be), 8);
  if (iface < 0) return false;
  const capLen = rd32(p + 20, be);
  const origLen = rd32(p + 24, be);
  if (!checkCapLen("a Packet Block", capLen, total - 32, 20)) return false;
  const optFrom = 28 + ((<i32>capLen + 3) & ~3);
  if (!packetOptions(p, optFrom, total, emit)) return false;
  if (!emit) return true;
  convertTime(iface, rd32(p + 12, be), rd32(p + 16, be));
  onRecord(p + 28, <i32>capLen, origLen, inBase + <u64>(inStart + 28), iface, unchecked(ifLinkType[iface]), true, tsSec, tsNsec);
  records++;
  return true;
}

function simplePacket(p: usize, total: i32, emit: bool): bool {
  if (total < 16) return tooSmall("Simple Packet", total, 16);
  const be = bigEndian;
  const iface = globalInterface(0, 0);
  if (iface < 0) return false;
  const origLen = rd32(p + 8, be);
  let capLen = <u32>(total - 16);
  if (capLen > origLen) capLen = origLen;
  const snap = unchecked(ifSnaplen[iface]);
  if (snap != 0 && capLen > snap) capLen = snap;
  if (!checkCapLen("a Simple Packet Block", capLen, total - 16, 8)) return false;
  if (!emit) return true;
  onRecord(p + 12, <i32>capLen, origLen, inBase + <u64>(inStart + 12), iface, unchecked(ifLinkType[iface]), false, 0, 0);
  records++;
  return true;
}

/** A custom block is shown as a frame of data, as Wireshark does. */
function customBlock(p: usize, total: i32, emit: bool): bool {
  if (total < 16) return tooSmall("Custom", total, 16);
  if (!emit) return true;
  const len = total - 16;
  onRecord(p + 12, len, <u32>len, inBase + <u64>(inStart + 12), -1, LINK_CUSTOM_BLOCK, false, 0, 0);
  records++;
  return true;
}

/**
 * EPB and PB options: checked (emit false), or their comments, flags and
 * drop counts turned into events for this packet (emit true, after onRecord).
 */
function packetOptions(p: usize, from: i32, total: i32, emit: bool): bool {
  const be = bigEndian;
  let o = from;
  const end = total - 4;
  while (o + 4 <= end) {
    const code = rd16(p + <usize>o, be);
    const olen = <i32>rd16(p + <usize>(o + 2), be);
    if (code == 0) break;
    if (olen > end - o - 4) {
      errorText.str("pcapng: packet option ");
      errorText.dec(code);
      errorText.str(" claims ");
      errorText.dec(<u64>olen);
      errorText.str(" bytes, more than its block holds: not enough data to handle an option of length ");
      errorText.dec(<u64>olen);
      fail(ErrKind.DAMAGED, inStart + o + 2);
      return false;
    }
    const v = p + <usize>(o + 4);
    if (!emit) {
      o += 4 + ((olen + 3) & ~3);
      continue;
    }
    if (code == 1) {
      const m = ev.begin(Ev_COMMENT, records, 0, olen);
      if (m >= 0) {
        ev.putBytes(v, olen);
        ev.end(m);
      }
    } else if (code == 2 && olen >= 4) {
      const m = ev.begin(Ev_PACKET_FLAGS, records, rd32(v, be), 0);
      if (m >= 0) ev.end(m);
    } else if (code == 4 && olen >= 8) {
      const m = ev.begin(Ev_DROPS, records, 0, 8);
      if (m >= 0) {
        const hi = rd32(v, be);
        const lo = rd32(v + 4, be);
        ev.put64(be ? (<u64>hi << 32) | <u64>lo : (<u64>lo << 32) | <u64>hi);
        ev.end(m);
      }
    }
    o += 4 + ((olen + 3) & ~3);
  }
  return true;
}

function nameResolution(p: usize, total: i32): bool {
  const be = bigEndian;
  let o = 8;
  const end = total - 4;
  while (o + 4 <= end) {
    const type = rd16(p + <usize>o, be);
    const rlen = <i32>rd16(p + <usize>(o + 2), be);
    if (type == 0) {
      o += 4;
      break;
    }
    if (rlen > end - o - 4) {
      errorText.str("pcapng: name resolution record of ");
      errorText.dec(<u64>rlen);
      errorText.str(" bytes runs past its block");
      fail(ErrKind.DAMAGED, inStart + o + 2);
      return false;
    }
    const addrLen = type == 1 ? 4 : type == 2 ? 16 : 0;
    if (addrLen > 0 && rlen > addrLen) {
      const m = ev.begin(Ev_NAME, addrLen == 4 ? 4 : 6, 0, rlen);
      if (m >= 0) {
        ev.putBytes(p + <usize>(o + 4), rlen);
        ev.end(m);
      }
    }
    o += 4 + ((rlen + 3) & ~3);
  }
  return options(p, o, total, false, 0);
}

function interfaceStatistics(p: usize, total: i32): bool {
  if (total < 24) return tooSmall("Interface Statistics", total, 24);
  const be = bigEndian;
  const local = rd32(p + 8, be);
  const count = ifLinkType.length - sectionFirstIf;
  const iface = local < <u32>count ? sectionFirstIf + <i32>local : -1;
  const m = ev.begin(Ev_IFSTATS, <u32>iface, 0, total + 16);
  if (m >= 0) {
    ev.put32(rd32(p + 12, be));
    ev.put32(rd32(p + 16, be));
  }
  const ok = options(p, 20, total, m >= 0, 0);
  if (m >= 0) ev.end(m);
  return ok;
}
