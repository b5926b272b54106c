// Writing a pcapng stream, block by block: the section header, an interface
// description per interface (nanosecond time stamps), and an enhanced packet
// block per frame. Live captures are kept in this form, so the engine reads
// them as it reads a file, and a stopped capture is a pcapng file already.
// Exports (src/lib/export) write their files with the same blocks, with
// options: comments, flags, and custom options holding a session's state.
// Everything is written little-endian.

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPT_END = 0;
export const OPT_COMMENT = 1;
export const SHB_HARDWARE = 2;
export const SHB_OS = 3;
export const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const IF_FILTER = 11;
const IF_OS = 12;
const IF_HARDWARE = 15;
export const EPB_FLAGS = 2;
export const EPB_DROPCOUNT = 4;
/** A custom option holding UTF-8 text that tools may copy into the files they write (the pcapng spec's 2988). */
export const OPT_CUSTOM_STRING_COPY = 2988;
/** A custom option holding UTF-8 text that tools must not copy (19372). */
export const OPT_CUSTOM_STRING_NO_COPY = 19372;
/** The most bytes an option's value can hold: its length field has 16 bits. */
export const MAX_OPTION_VALUE = 0xffff;

const encoder = new TextEncoder();

export interface PcapngOption {
  code: number;
  value: Uint8Array;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** A text option, UTF-8 without a terminating NUL. */
export function textOption(code: number, text: string): PcapngOption {
  return { code, value: encoder.encode(text) };
}

/** A custom option: the Private Enterprise Number, then the data. */
export function customOption(code: number, pen: number, data: Uint8Array): PcapngOption {
  const value = new Uint8Array(4 + data.length);
  new DataView(value.buffer).setUint32(0, pen, true);
  value.set(data, 4);
  return { code, value };
}

/** Options as pcapng encodes them: code, length, value padded to 4 bytes, then an end marker. */
function options(list: PcapngOption[]): Uint8Array {
  if (list.length === 0) return new Uint8Array(0);
  const size = list.reduce((s, o) => s + 4 + pad4(o.value.length), 0) + 4;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  let at = 0;
  for (const o of list) {
    if (o.value.length > MAX_OPTION_VALUE) throw new RangeError(`a pcapng option holds at most ${MAX_OPTION_VALUE} bytes; option ${o.code} has ${o.value.length}`);
    v.setUint16(at, o.code, true);
    v.setUint16(at + 2, o.value.length, true);
    out.set(o.value, at + 4);
    at += 4 + pad4(o.value.length);
  }
  v.setUint16(at, OPT_END, true);
  return out;
}

function block(type: number, body: Uint8Array): Uint8Array {
  const total = 12 + body.length;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, total, true);
  out.set(body, 8);
  v.setUint32(total - 4, total, true);
  return out;
}

/** A section header block (version 1.0, section length unknown) with these options. */
export function sectionHeaderBlock(list: PcapngOption[]): Uint8Array {
  const opts = options(list);
  const body = new Uint8Array(16 + opts.length);
  const v = new DataView(body.buffer);
  v.setUint32(0, BYTE_ORDER_MAGIC, true);
  v.setUint16(4, 1, true);
  v.setUint16(6, 0, true);
  // Section length unknown.
  v.setBigInt64(8, -1n, true);
  body.set(opts, 16);
  return block(SHB, body);
}

export function sectionHeader(application: string, comment?: string): Uint8Array {
  return sectionHeaderBlock([...(comment ? [textOption(OPT_COMMENT, comment)] : []), textOption(SHB_USERAPPL, application)]);
}

export interface InterfaceFacts {
  linkType: number;
  snaplen: number;
  name?: string;
  description?: string;
  /** The capture filter, in libpcap's syntax. */
  filter?: string;
  os?: string;
  hardware?: string;
}

/** An interface description block whose packets carry nanosecond time stamps (if_tsresol 9). */
export function interfaceBlock(facts: InterfaceFacts): Uint8Array {
  const list: PcapngOption[] = [];
  if (facts.name) list.push(textOption(IF_NAME, facts.name));
  if (facts.description) list.push(textOption(IF_DESCRIPTION, facts.description));
  // Time stamps in nanoseconds.
  list.push({ code: IF_TSRESOL, value: Uint8Array.of(9) });
  if (facts.filter) {
    // The first byte says which kind of filter: 0, a libpcap filter string.
    const text = encoder.encode(facts.filter);
    const value = new Uint8Array(1 + text.length);
    value.set(text, 1);
    list.push({ code: IF_FILTER, value });
  }
  if (facts.os) list.push(textOption(IF_OS, facts.os));
  if (facts.hardware) list.push(textOption(IF_HARDWARE, facts.hardware));
  const opts = options(list);
  const body = new Uint8Array(8 + opts.length);
  const v = new DataView(body.buffer);
  v.setUint16(0, facts.linkType, true);
  v.setUint32(4, facts.snaplen, true);
  body.set(opts, 8);
  return block(IDB, body);
}

export function interfaceDescription(linkType: number, snaplen: number, name: string, description = ''): Uint8Array {
  return interfaceBlock({ linkType, snaplen, name, description });
}

/** An enhanced packet block; `time` in nanoseconds since the epoch (at if_tsresol 9). */
export function enhancedPacket(iface: number, time: bigint, data: Uint8Array, originalLength: number, list: PcapngOption[] = []): Uint8Array {
  // Built in place, in one allocation: exports write millions of these.
  const opts = list.length ? options(list) : null;
  const dataEnd = 28 + pad4(data.length);
  const total = dataEnd + (opts?.length ?? 0) + 4;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, EPB, true);
  v.setUint32(4, total, true);
  v.setUint32(8, iface, true);
  // The time stamp's upper 32 bits come first: write the 64 bits (wrapped to unsigned) and swap the halves.
  v.setBigUint64(12, time, true);
  const low = v.getUint32(12, true);
  v.setUint32(12, v.getUint32(16, true), true);
  v.setUint32(16, low, true);
  v.setUint32(20, data.length, true);
  v.setUint32(24, originalLength, true);
  out.set(data, 28);
  if (opts) out.set(opts, dataEnd);
  v.setUint32(total - 4, total, true);
  return out;
}

/** epb_flags: the flags word (direction, reception type, FCS length, link-layer errors). */
export function flagsOption(flags: number): PcapngOption {
  const value = new Uint8Array(4);
  new DataView(value.buffer).setUint32(0, flags >>> 0, true);
  return { code: EPB_FLAGS, value };
}

/** epb_dropcount: packets lost between this packet and the one before it. */
export function dropCountOption(count: bigint): PcapngOption {
  const value = new Uint8Array(8);
  new DataView(value.buffer).setBigUint64(0, BigInt.asUintN(64, count), true);
  return { code: EPB_DROPCOUNT, value };
}
