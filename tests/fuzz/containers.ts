// Writing fuzz inputs as classic pcap or pcapng, in either byte order, with
// the spots of the file format (block and option lengths, captured lengths,
// interface ids, magic numbers) recorded beside those of the frames.

import { frameSpots, type Spot } from './spots';

export interface SeedPacket {
  data: Uint8Array;
  origLen: number;
  link: number;
  /** Nanoseconds since the epoch. */
  time: bigint;
  comment?: string;
}

export interface Written {
  bytes: Uint8Array;
  spots: Spot[];
  /** Offsets where a record or a layer inside one starts. */
  cuts: number[];
  /** Byte range of each packet's data in the file. */
  frames: { start: number; end: number }[];
}

class Writer {
  buf = new Uint8Array(4096);
  view = new DataView(this.buf.buffer);
  length = 0;
  readonly spots: Spot[] = [];
  readonly cuts: number[] = [];
  constructor(readonly bigEndian: boolean) {}

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number, kind?: Spot['kind']): this {
    this.ensure(1);
    if (kind) this.spots.push({ offset: this.length, size: 1, kind, bigEndian: this.bigEndian });
    this.buf[this.length++] = v;
    return this;
  }
  u16(v: number, kind?: Spot['kind']): this {
    this.ensure(2);
    if (kind) this.spots.push({ offset: this.length, size: 2, kind, bigEndian: this.bigEndian });
    this.view.setUint16(this.length, v, !this.bigEndian);
    this.length += 2;
    return this;
  }
  u32(v: number, kind?: Spot['kind']): this {
    this.ensure(4);
    if (kind) this.spots.push({ offset: this.length, size: 4, kind, bigEndian: this.bigEndian });
    this.view.setUint32(this.length, v >>> 0, !this.bigEndian);
    this.length += 4;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  pad4(): this {
    while (this.length % 4) this.u8(0);
    return this;
  }
  patch32(at: number, v: number): void {
    this.view.setUint32(at, v >>> 0, !this.bigEndian);
  }
  result(frames: { start: number; end: number }[]): Written {
    return { bytes: this.buf.slice(0, this.length), spots: this.spots, cuts: this.cuts, frames };
  }
}

const utf8 = new TextEncoder();

function addFrame(w: Writer, p: SeedPacket, frames: { start: number; end: number }[]): void {
  const start = w.length;
  const fs = frameSpots(p.data, p.link);
  for (const s of fs.spots) w.spots.push({ ...s, offset: s.offset + start });
  for (const l of fs.layers) w.cuts.push(start + l, start + l + 1);
  w.bytes(p.data);
  frames.push({ start, end: w.length });
}

/** Classic pcap: one link type (the first packet's), micro- or nanosecond stamps. */
export function writePcap(packets: SeedPacket[], bigEndian: boolean, nano: boolean, snaplen: number): Written {
  const w = new Writer(bigEndian);
  const frames: { start: number; end: number }[] = [];
  w.u32(nano ? 0xa1b23c4d : 0xa1b2c3d4, 'type').u16(2, 'type').u16(4).u32(0).u32(0).u32(snaplen, 'length').u32(packets[0]?.link ?? 1, 'type');
  for (const p of packets) {
    w.cuts.push(w.length, w.length + 8);
    const sec = Number(p.time / 1_000_000_000n);
    const ns = Number(p.time % 1_000_000_000n);
    w.u32(sec, 'count').u32(nano ? ns : Math.floor(ns / 1000), 'count').u32(p.data.length, 'length').u32(p.origLen, 'length');
    addFrame(w, p, frames);
  }
  return w.result(frames);
}

/** Options, each code, length and padded value; the end-of-options marker last. */
function options(w: Writer, list: [number, Uint8Array][]): void {
  for (const [code, value] of list) {
    w.u16(code, 'type').u16(value.length, 'length').bytes(value).pad4();
  }
  if (list.length) w.u16(0).u16(0);
}

function block(w: Writer, type: number, body: () => void): void {
  const start = w.length;
  w.cuts.push(start, start + 4, start + 8);
  w.u32(type, 'type').u32(0, 'length');
  body();
  w.pad4();
  const total = w.length - start + 4;
  w.patch32(start + 4, total);
  w.u32(total, 'length');
}

export interface PcapngShape {
  bigEndian: boolean;
  /** if_tsresol per interface (6 micro, 9 nano, 0x80|n binary). */
  tsresol: number;
  simple: boolean;
  obsolete: boolean;
  extras: boolean;
  /** Start a second section halfway (in the other byte order when written twice). */
  sections: number;
}

/** pcapng: a section, one interface per link type, then packet blocks; with `extras`, names, statistics, custom and unknown blocks. */
export function writePcapng(packets: SeedPacket[], shape: PcapngShape): Written {
  const w = new Writer(shape.bigEndian);
  const frames: { start: number; end: number }[] = [];
  const perSection = Math.ceil(packets.length / Math.max(1, shape.sections)) || 1;
  for (let s = 0; s * perSection < Math.max(1, packets.length); s++) {
    const list = packets.slice(s * perSection, (s + 1) * perSection);
    block(w, 0x0a0d0d0a, () => {
      w.u32(0x1a2b3c4d, 'type').u16(1, 'type').u16(0).u32(0xffffffff, 'length').u32(0xffffffff, 'length');
      options(w, [
        [1, utf8.encode('fuzz section')],
        [4, utf8.encode('packetlens fuzz')],
      ]);
    });
    const links: number[] = [];
    for (const p of list) if (!links.includes(p.link)) links.push(p.link);
    if (!links.length) links.push(1);
    for (const link of links) {
      block(w, 1, () => {
        w.u16(link, 'type').u16(0).u32(65535, 'length');
        const tsoffset = new Uint8Array(8);
        options(w, [
          [2, utf8.encode(`if${link}`)],
          [9, Uint8Array.of(shape.tsresol)],
          ...(shape.extras ? ([[14, tsoffset], [11, Uint8Array.of(0, 0x74, 0x63, 0x70)]] as [number, Uint8Array][]) : []),
        ]);
      });
    }
    if (shape.extras) {
      block(w, 4, () => {
        w.u16(1, 'type').u16(8, 'length').bytes(Uint8Array.of(10, 0, 0, 1)).bytes(utf8.encode('a.b\0')).u16(0).u16(0);
      });
    }
    for (const p of list) {
      const iface = links.indexOf(p.link);
      const ticks = toTicks(p.time, shape.tsresol);
      if (shape.simple && iface === 0 && p.data.length === p.origLen && !p.comment) {
        block(w, 3, () => {
          w.u32(p.origLen, 'length');
          addFrame(w, p, frames);
        });
      } else if (shape.obsolete) {
        block(w, 2, () => {
          w.u16(iface, 'count').u16(0, 'count').u32(Number(ticks >> 32n), 'count').u32(Number(ticks & 0xffffffffn)).u32(p.data.length, 'length').u32(p.origLen, 'length');
          addFrame(w, p, frames);
          w.pad4();
          options(w, p.comment ? [[1, utf8.encode(p.comment)]] : []);
        });
      } else {
        block(w, 6, () => {
          w.u32(iface, 'count').u32(Number(ticks >> 32n), 'count').u32(Number(ticks & 0xffffffffn)).u32(p.data.length, 'length').u32(p.origLen, 'length');
          addFrame(w, p, frames);
          w.pad4();
          const flags = new Uint8Array(4);
          options(w, [...(p.comment ? ([[1, utf8.encode(p.comment)]] as [number, Uint8Array][]) : []), ...(shape.extras ? ([[2, flags]] as [number, Uint8Array][]) : [])]);
        });
      }
    }
    if (shape.extras) {
      block(w, 5, () => {
        w.u32(0, 'count').u32(0).u32(0);
        const eight = new Uint8Array(8);
        options(w, [
          [4, eight],
          [5, eight],
        ]);
      });
      block(w, 0x00000bad, () => {
        w.u32(32473, 'count').bytes(utf8.encode('custom'));
      });
      block(w, 0x0000ab12, () => {
        w.u32(7);
      });
    }
  }
  return w.result(frames);
}

function toTicks(ns: bigint, tsresol: number): bigint {
  if (tsresol & 0x80) return (ns << BigInt(tsresol & 0x7f)) / 1_000_000_000n;
  const exp = 9 - tsresol;
  return exp >= 0 ? ns / 10n ** BigInt(exp) : ns * 10n ** BigInt(-exp);
}
