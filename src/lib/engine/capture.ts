// What the engine tells about a capture besides its packet columns: file
// sections, interfaces, comments, name resolution, statistics, and the table
// of interned addresses. Filled from the engine's event buffer.

import { AddrKind } from './columns';
import { LayerTable, EV_LAYER_PATH, EV_ETH_PAIR } from './layers';

export interface Option {
  code: number;
  value: Uint8Array;
}

export interface Section {
  index: number;
  bigEndian: boolean;
  version: string;
  hardware?: string;
  os?: string;
  application?: string;
  comments: string[];
}

export interface Interface {
  index: number;
  section: number;
  linkType: number;
  snaplen: number;
  /** if_tsresol as written (6 microseconds, 9 nanoseconds, 0x80|n for 2^-n). */
  tsresol: number;
  tsoffset: bigint;
  name?: string;
  description?: string;
  filter?: string;
  os?: string;
  hardware?: string;
  /** From Interface Statistics Blocks: packets received and dropped by the interface. */
  received?: bigint;
  dropped?: bigint;
}

export interface NameRecord {
  address: string;
  names: string[];
}

/** An address interned by the engine: IPv6 (16 bytes) or MAC (6 bytes). */
export interface InternedAddress {
  kind: AddrKind;
  bytes: Uint8Array;
}

export enum FileFormat {
  UNKNOWN = 0,
  PCAP = 1,
  PCAPNG = 2,
}

export enum CaptureErrorKind {
  NOT_CAPTURE = 1,
  UNSUPPORTED = 2,
  DAMAGED = 3,
  CUT_SHORT = 4,
}

export interface CaptureError {
  kind: CaptureErrorKind;
  /** Byte offset in the file where the problem is. */
  offset: number;
  /** What is wrong, for a person. */
  message: string;
  /** Packets read before the problem: all of them are kept. */
  packetsBefore: number;
}

/** A message or datagram the summary pass rebuilt from several packets. */
export interface Reassembly {
  /** 1 a TCP message, 2 an IPv4 datagram, 3 an IPv6 datagram, 4 data already seen (not dissected), 5 data held for a later message, 6-8 TCP analysis (rebuild.ts). */
  kind: number;
  length: number;
  /** Bytes of the completing packet's own payload that belong to it. */
  tail: number;
  /** Each piece: its packet, its offset in that packet's data, its length, and where it goes. */
  parts: { packet: number; offset: number; length: number; at: number }[];
}

const RECORD = 6; // packet, kind, length, tail, first part, part count
const PART = 4; // packet, offset, length, at

/**
 * The reassemblies of a capture, in typed arrays (a large capture has
 * hundreds of thousands of pieces: objects would be slow to store and load).
 * Records arrive in packet order, so a packet's records are found by binary search.
 */
export class ReassemblyTable {
  private records = new Int32Array(RECORD * 256);
  private parts = new Int32Array(PART * 1024);
  private recordCount = 0;
  private partCount = 0;

  get size(): number {
    return this.recordCount;
  }

  /** Adds a record whose `count` parts are 16-byte entries at `at` in `view` (the engine's event). */
  addFromEvent(packet: number, kind: number, length: number, tail: number, view: DataView, at: number, count: number): void {
    if ((this.recordCount + 1) * RECORD > this.records.length) this.records = grow(this.records, (this.recordCount + 1) * RECORD);
    const need = (this.partCount + count) * PART;
    if (need > this.parts.length) this.parts = grow(this.parts, need);
    const r = this.records;
    let o = this.recordCount * RECORD;
    r[o++] = packet;
    r[o++] = kind;
    r[o++] = length;
    r[o++] = tail;
    r[o++] = this.partCount;
    r[o] = count;
    const p = this.parts;
    let q = this.partCount * PART;
    for (let k = 0; k < count; k++, at += 16) {
      p[q++] = view.getUint32(at, true);
      p[q++] = view.getInt32(at + 4, true);
      p[q++] = view.getInt32(at + 8, true);
      p[q++] = view.getInt32(at + 12, true);
    }
    this.partCount += count;
    this.recordCount++;
  }

  /** The records of packet `packet`, in the order they were made. */
  get(packet: number): Reassembly[] | undefined {
    let lo = 0;
    let hi = this.recordCount;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.records[mid * RECORD]! < packet) lo = mid + 1;
      else hi = mid;
    }
    const out: Reassembly[] = [];
    for (let i = lo; i < this.recordCount && this.records[i * RECORD] === packet; i++) {
      const o = i * RECORD;
      const first = this.records[o + 4]!;
      const count = this.records[o + 5]!;
      const parts = [];
      for (let k = first; k < first + count; k++) {
        const q = k * PART;
        parts.push({ packet: this.parts[q]!, offset: this.parts[q + 1]!, length: this.parts[q + 2]!, at: this.parts[q + 3]! });
      }
      out.push({ kind: this.records[o + 1]!, length: this.records[o + 2]!, tail: this.records[o + 3]!, parts });
    }
    return out.length ? out : undefined;
  }

  has(packet: number): boolean {
    return this.get(packet) !== undefined;
  }

  /** Calls `visit` with the packet and kind of every record, in packet order. */
  forEachRecord(visit: (packet: number, kind: number) => void): void {
    for (let i = 0; i < this.recordCount; i++) visit(this.records[i * RECORD]!, this.records[i * RECORD + 1]!);
  }

  /** The table's arrays, trimmed, for storage. */
  toStored(): { records: ArrayBuffer; parts: ArrayBuffer } {
    return {
      records: this.records.buffer.slice(0, this.recordCount * RECORD * 4),
      parts: this.parts.buffer.slice(0, this.partCount * PART * 4),
    };
  }

  static fromStored(s: { records: ArrayBuffer; parts: ArrayBuffer }): ReassemblyTable {
    const t = new ReassemblyTable();
    t.records = new Int32Array(s.records.slice(0));
    t.parts = new Int32Array(s.parts.slice(0));
    t.recordCount = t.records.length / RECORD;
    t.partCount = t.parts.length / PART;
    return t;
  }
}

function grow(a: Int32Array, min: number): Int32Array<ArrayBuffer> {
  let n = a.length * 2;
  while (n < min) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

export class CaptureInfo {
  format = FileFormat.UNKNOWN;
  readonly sections: Section[] = [];
  readonly interfaces: Interface[] = [];
  /** Packet comments by packet index (0-based). */
  readonly comments = new Map<number, string[]>();
  readonly names: NameRecord[] = [];
  readonly addresses: InternedAddress[] = [];
  readonly packetFlags = new Map<number, number>();
  readonly dropCounts = new Map<number, bigint>();
  /** What the summary pass rebuilt, by the packet that completed it. */
  reassemblies = new ReassemblyTable();
  /** Each packet's top-level protocols and Ethernet addresses, for statistics. */
  layers = new LayerTable();
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

const enum Ev {
  SECTION = 1,
  INTERFACE = 2,
  COMMENT = 3,
  NAME = 4,
  IFSTATS = 5,
  ADDRESS = 6,
  BIGLEN = 7,
  PACKET_FLAGS = 8,
  DROPS = 9,
  REASSEMBLED = 10,
  /** Several records without pieces (TCP analysis): u32 packet, kind, length, tail each. */
  RECORDS = 13,
}

function readOptions(bytes: Uint8Array, from: number, end: number): Option[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Option[] = [];
  let o = from;
  while (o + 4 <= end) {
    const code = view.getUint16(o, true);
    const len = view.getUint16(o + 2, true);
    out.push({ code, value: bytes.slice(o + 4, o + 4 + len) });
    o += 4 + ((len + 3) & ~3);
  }
  return out;
}

function text(v: Uint8Array): string {
  // Strings in pcapng options may be NUL-terminated by some writers.
  const end = v.indexOf(0);
  return utf8.decode(end >= 0 ? v.subarray(0, end) : v);
}

function u64(v: Uint8Array, bigEndian: boolean): bigint {
  const view = new DataView(v.buffer, v.byteOffset, v.byteLength);
  if (v.byteLength < 8) return 0n;
  return view.getBigUint64(0, !bigEndian);
}

function formatIpv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** Applies the events in `bytes` to `info`; big lengths go to `bigLengths`. */
export function applyEvents(info: CaptureInfo, bytes: Uint8Array, bigLengths: Map<number, { capLen: number; origLen: number }>): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  while (o + 16 <= bytes.byteLength) {
    const type = view.getUint32(o, true);
    const len = view.getUint32(o + 4, true);
    const a = view.getUint32(o + 8, true);
    const b = view.getUint32(o + 12, true);
    const p = o + 16;
    const payload = bytes.subarray(p, p + len);
    switch (type) {
      case Ev.SECTION: {
        const section: Section = { index: a, bigEndian: payload[0] === 1, version: `${view.getUint16(p + 2, true)}.${view.getUint16(p + 4, true)}`, comments: [] };
        for (const opt of readOptions(bytes, p + 8, p + len)) {
          if (opt.code === 1) section.comments.push(text(opt.value));
          else if (opt.code === 2) section.hardware = text(opt.value);
          else if (opt.code === 3) section.os = text(opt.value);
          else if (opt.code === 4) section.application = text(opt.value);
        }
        info.sections.push(section);
        break;
      }
      case Ev.INTERFACE: {
        const iface: Interface = {
          index: a,
          section: b,
          linkType: view.getUint16(p, true),
          snaplen: view.getUint32(p + 4, true),
          tsresol: payload[8]!,
          tsoffset: view.getBigInt64(p + 12, true),
        };
        for (const opt of readOptions(bytes, p + 20, p + len)) {
          if (opt.code === 2) iface.name = text(opt.value);
          else if (opt.code === 3) iface.description = text(opt.value);
          else if (opt.code === 11) iface.filter = text(opt.value.subarray(1));
          else if (opt.code === 12) iface.os = text(opt.value);
          else if (opt.code === 15) iface.hardware = text(opt.value);
        }
        info.interfaces.push(iface);
        break;
      }
      case Ev.COMMENT: {
        const list = info.comments.get(a);
        const c = text(payload);
        if (list) list.push(c);
        else info.comments.set(a, [c]);
        break;
      }
      case Ev.NAME: {
        const alen = a === 4 ? 4 : 16;
        const addr = payload.subarray(0, alen);
        const names = text(payload.subarray(alen)).length ? utf8.decode(payload.subarray(alen)).split('\0').filter((n) => n.length > 0) : [];
        info.names.push({ address: alen === 4 ? formatIpv4(addr) : formatIpv6(addr), names });
        break;
      }
      case Ev.IFSTATS: {
        const iface = info.interfaces[a];
        if (iface) {
          const be = info.sections[iface.section]?.bigEndian ?? false;
          for (const opt of readOptions(bytes, p + 8, p + len)) {
            if (opt.code === 4) iface.received = u64(opt.value, be);
            else if (opt.code === 5) iface.dropped = u64(opt.value, be);
          }
        }
        break;
      }
      case Ev.ADDRESS: {
        info.addresses[a] = { kind: b as AddrKind, bytes: payload.slice(0, b === AddrKind.MAC ? 6 : 16) };
        break;
      }
      case Ev.BIGLEN:
        bigLengths.set(a, { capLen: view.getUint32(p, true), origLen: view.getUint32(p + 4, true) });
        break;
      case Ev.PACKET_FLAGS:
        info.packetFlags.set(a, b);
        break;
      case Ev.DROPS:
        info.dropCounts.set(a, view.getBigUint64(p, true));
        break;
      case Ev.REASSEMBLED: {
        info.reassemblies.addFromEvent(a, b, view.getUint32(p, true), view.getUint32(p + 4, true), view, p + 12, view.getUint32(p + 8, true));
        break;
      }
      case Ev.RECORDS:
        for (let q = p; q + 16 <= p + len; q += 16) info.reassemblies.addFromEvent(view.getUint32(q, true), view.getUint32(q + 4, true), view.getUint32(q + 8, true), view.getUint32(q + 12, true), view, q, 0);
        break;
      case EV_LAYER_PATH: {
        const fields: number[] = [];
        for (let k = 0; k < b; k++) fields.push(view.getUint16(p + 2 * k, true));
        info.layers.definePath(a, fields);
        break;
      }
      case EV_ETH_PAIR:
        info.layers.definePair(a, payload);
        break;
    }
    o = p + ((len + 3) & ~3);
  }
}

/** An IPv6 address in RFC 5952 form, as Wireshark shows it. */
export function formatIpv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  // IPv4-mapped and IPv4-compatible addresses keep a dotted tail (BSD inet_ntop's rule).
  if (bestStart === 0 && bestLen === 5 && groups[5] === 0xffff) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  if (bestStart === 0 && (bestLen === 6 || (bestLen === 7 && groups[7] !== 1))) return `::${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out.length > 0 && !out.endsWith(':')) out += ':';
    out += groups[i]!.toString(16);
  }
  return out;
}
