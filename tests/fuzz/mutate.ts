// Fuzz inputs, each made from one 32-bit seed: a run of packets from a seed
// capture written as pcap or pcapng, then damaged on purpose. Most damage is
// structure-aware (a length, count, pointer or type set to a value a careless
// parser trips on; a cut at a layer boundary); the rest is blind (flipped
// bits, random bytes, inserted and deleted bytes, spliced frames, files of
// noise). The same seed and pool always make the same input.

import { writePcap, writePcapng, type SeedPacket, type Written } from './containers';
import type { Spot } from './spots';

/** Packets of each seed capture, in order. */
export type SeedPool = SeedPacket[][];

export interface FuzzInput {
  seed: number;
  bytes: Uint8Array;
  /** What was done, for a person reading a failure. */
  steps: string[];
  format: 'pcap' | 'pcapng' | 'noise';
}

/** mulberry32: small, fast, and good enough to pick mutations. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
}

export function makeInput(pool: SeedPool, seed: number): FuzzInput {
  const rng = new Rng(seed);
  const steps: string[] = [];
  if (rng.chance(0.03)) return noise(rng, seed);
  const packets = choosePackets(pool, rng, steps);
  const format = rng.chance(0.4) ? 'pcap' : 'pcapng';
  const written = write(format, packets, rng, steps);
  let bytes = written.bytes;
  const rounds = rng.chance(0.05) ? 0 : 1 + rng.int(rng.chance(0.3) ? 6 : 2);
  for (let r = 0; r < rounds && bytes.length > 0; r++) bytes = mutate(bytes, written, rng, steps);
  return { seed, bytes, steps, format };
}

function choosePackets(pool: SeedPool, rng: Rng, steps: string[]): SeedPacket[] {
  const capture = rng.int(pool.length);
  const packets = pool[capture]!;
  const count = 1 + (rng.chance(0.5) ? rng.int(4) : rng.int(16));
  const start = rng.int(Math.max(1, packets.length - count + 1));
  const out = packets.slice(start, start + count);
  steps.push(`packets ${start + 1}-${start + out.length} of seed capture ${capture}`);
  if (rng.chance(0.1)) {
    const other = pool[rng.int(pool.length)]!;
    const k = rng.int(other.length);
    out.splice(rng.int(out.length + 1), 0, other[k]!);
    steps.push('one packet from another capture mixed in');
  }
  return out.map((p, i) => (rng.chance(0.05) ? { ...p, comment: `comment ${i}` } : p));
}

function write(format: 'pcap' | 'pcapng', packets: SeedPacket[], rng: Rng, steps: string[]): Written {
  if (format === 'pcap') {
    const bigEndian = rng.chance(0.3);
    const nano = rng.chance(0.3);
    const snaplen = rng.pick([65535, 262144, 0, 14, 60, 1 << 30]);
    steps.push(`pcap ${bigEndian ? 'big' : 'little'}-endian ${nano ? 'ns' : 'us'} snaplen ${snaplen}`);
    return writePcap(packets, bigEndian, nano, snaplen);
  }
  const shape = {
    bigEndian: rng.chance(0.3),
    tsresol: rng.pick([6, 6, 9, 3, 0x80 | 20, 0x80 | 40]),
    simple: rng.chance(0.15),
    obsolete: rng.chance(0.1),
    extras: rng.chance(0.4),
    sections: rng.chance(0.1) ? 2 : 1,
  };
  steps.push(`pcapng ${JSON.stringify(shape)}`);
  return writePcapng(packets, shape);
}

function interesting(spot: Spot, old: number, rng: Rng): number {
  const bits = spot.kind === 'nibble' ? 4 : spot.size * 8;
  const max = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  if (spot.kind === 'pointer') return rng.pick([0xc000 | rng.int(0x40), 0xc00c, 0xc000 | ((old + 1) & 0x3fff), 0xc000 | ((old - 2) & 0x3fff), 0xffff, 0x3f00 | rng.int(256), 0x8000 | rng.int(0x4000), 0x4000 | rng.int(0x4000)]);
  const v = rng.pick([0, 1, 2, 3, 4, 5, 7, 8, 0x7f, 0x80, 0xff, max, max - 1, (max >>> 1) + 1, old + 1, old - 1, old + 4, old - 4, old + 8, old * 2, old >>> 1, rng.int(max + 1), rng.int(64)]);
  return bits === 32 ? v >>> 0 : ((v % (max + 1)) + (max + 1)) % (max + 1);
}

function readSpot(bytes: Uint8Array, s: Spot): number {
  if (s.kind === 'nibble') return bytes[s.offset]! >> 4;
  let v = 0;
  for (let k = 0; k < s.size; k++) {
    const b = bytes[s.bigEndian ? s.offset + k : s.offset + s.size - 1 - k]!;
    v = v * 256 + b;
  }
  return v;
}

function writeSpot(bytes: Uint8Array, s: Spot, v: number): void {
  if (s.kind === 'nibble') {
    bytes[s.offset] = ((v & 15) << 4) | (bytes[s.offset]! & 15);
    return;
  }
  for (let k = 0; k < s.size; k++) {
    const b = Math.floor(v / 256 ** (s.size - 1 - k)) & 0xff;
    bytes[s.bigEndian ? s.offset + k : s.offset + s.size - 1 - k] = b;
  }
}

function mutate(input: Uint8Array, written: Written, rng: Rng, steps: string[]): Uint8Array {
  const bytes = input === written.bytes ? input.slice() : input;
  const roll = rng.next();
  const spots = written.spots.filter((s) => s.offset + s.size <= bytes.length);
  if (roll < 0.5 && spots.length) {
    const s = rng.pick(spots);
    const old = readSpot(bytes, s);
    const v = interesting(s, old, rng);
    writeSpot(bytes, s, v);
    steps.push(`${s.kind} at ${s.offset} (${s.size} bytes) ${old} -> ${v}`);
    return bytes;
  }
  if (roll < 0.62) {
    const cuts = written.cuts.filter((c) => c < bytes.length);
    const at = cuts.length && rng.chance(0.8) ? rng.pick(cuts) : rng.int(bytes.length);
    steps.push(`cut at ${at}`);
    return bytes.slice(0, at);
  }
  const frame = written.frames.length ? rng.pick(written.frames) : { start: 0, end: bytes.length };
  const span = Math.max(1, Math.min(frame.end, bytes.length) - frame.start);
  const at = Math.min(frame.start + rng.int(span), bytes.length - 1);
  if (roll < 0.8) {
    const n = 1 + rng.int(rng.chance(0.7) ? 2 : 8);
    for (let k = 0; k < n && at + k < bytes.length; k++) {
      bytes[at + k] = rng.chance(0.5) ? bytes[at + k]! ^ (1 << rng.int(8)) : rng.pick([0, 0xff, 0x7f, 0x80, 0xc0, rng.int(256)]);
    }
    steps.push(`${n} bytes changed at ${at}`);
    return bytes;
  }
  if (roll < 0.9) {
    // Inserting or deleting shifts everything after: the container's lengths now lie.
    const n = 1 + rng.int(16);
    if (rng.chance(0.5)) {
      const out = new Uint8Array(bytes.length + n);
      out.set(bytes.subarray(0, at));
      for (let k = 0; k < n; k++) out[at + k] = rng.int(256);
      out.set(bytes.subarray(at), at + n);
      steps.push(`${n} bytes inserted at ${at}`);
      return out;
    }
    const cut = Math.min(n, bytes.length - at);
    const out = new Uint8Array(bytes.length - cut);
    out.set(bytes.subarray(0, at));
    out.set(bytes.subarray(at + cut), at);
    steps.push(`${n} bytes deleted at ${at}`);
    return out;
  }
  // Splice: another frame's bytes (or a run of this one's) copied over this place.
  const from = written.frames.length ? rng.pick(written.frames) : frame;
  const len = Math.min(1 + rng.int(64), from.end - from.start, bytes.length - at);
  const src = from.start + rng.int(Math.max(1, from.end - from.start - len + 1));
  if (len > 0 && src + len <= bytes.length) bytes.copyWithin(at, src, src + len);
  steps.push(`${len} bytes from ${src} spliced at ${at}`);
  return bytes;
}

function noise(rng: Rng, seed: number): FuzzInput {
  const n = rng.int(4096);
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = rng.int(256);
  const headers: [string, number[]][] = [
    ['pcap', [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0]],
    ['pcapng', [0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1c, 0, 0, 0]],
    ['noise', []],
  ];
  const [format, header] = rng.pick(headers);
  bytes.set(header.slice(0, n));
  return { seed, bytes, steps: [`${n} bytes of noise after a ${format} header`], format: format as FuzzInput['format'] };
}
