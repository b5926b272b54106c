// Hand-made TCP and UDP captures for cases the corpus lacks: each segment
// is written with the sequence numbers, flags, window, options and time the
// test chooses (Ethernet, IPv4, no checksums: tshark does not check them).

import { writeFileSync } from 'node:fs';

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
export const URG = 0x20;

export interface Segment {
  seq: number;
  ack?: number;
  flags: number;
  /** The window field as sent (before scaling). */
  win?: number;
  /** The payload, or its length (filled with a pattern). */
  data?: Uint8Array | string | number;
  options?: Uint8Array;
  urgent?: number;
}

/** TCP options, padded with NOPs to a multiple of four bytes by `options()`. */
export const opt = {
  mss: (n: number) => [2, 4, n >> 8, n & 255],
  ws: (shift: number) => [3, 3, shift],
  sackPerm: () => [4, 2],
  timestamps: (val: number, ecr: number) => [8, 10, ...be32(val), ...be32(ecr)],
  sack: (...blocks: [number, number][]) => [5, 2 + 8 * blocks.length, ...blocks.flatMap(([l, r]) => [...be32(l), ...be32(r)])],
};

export function options(...list: number[][]): Uint8Array {
  const bytes = list.flat();
  while (bytes.length % 4) bytes.unshift(1);
  return Uint8Array.from(bytes);
}

function be32(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

function payloadBytes(data: Segment['data']): Uint8Array {
  if (data === undefined) return new Uint8Array();
  if (typeof data === 'number') return Uint8Array.from({ length: data }, (_, i) => 0x41 + (i % 26));
  if (typeof data === 'string') return new TextEncoder().encode(data);
  return data;
}

export class CaptureBuilder {
  private records: Uint8Array[] = [];
  private ipId = 1;

  /** A TCP segment from `src` to `dst` ("10.0.0.1:40000", "[2001:db8::1]:80") at `ms` milliseconds (microsecond precision). */
  tcp(ms: number, src: string, dst: string, s: Segment): this {
    const data = payloadBytes(s.data);
    const opts = s.options ?? new Uint8Array();
    const [, sport] = split(src);
    const [, dport] = split(dst);
    const h = new Uint8Array(20 + opts.length);
    const v = new DataView(h.buffer);
    v.setUint16(0, sport);
    v.setUint16(2, dport);
    v.setUint32(4, s.seq >>> 0);
    v.setUint32(8, (s.ack ?? 0) >>> 0);
    h[12] = (h.length / 4) << 4;
    h[13] = s.flags & 0xff;
    v.setUint16(14, s.win ?? 65535);
    v.setUint16(18, s.urgent ?? 0);
    h.set(opts, 20);
    return this.ip(ms, src, dst, 6, concat(h, data));
  }

  udp(ms: number, src: string, dst: string, data: Uint8Array | string | number): this {
    const body = payloadBytes(data);
    const [, sport] = split(src);
    const [, dport] = split(dst);
    const h = new Uint8Array(8);
    const v = new DataView(h.buffer);
    v.setUint16(0, sport);
    v.setUint16(2, dport);
    v.setUint16(4, 8 + body.length);
    return this.ip(ms, src, dst, 17, concat(h, body));
  }

  private ip(ms: number, src: string, dst: string, proto: number, payload: Uint8Array): this {
    const [s] = split(src);
    const [d] = split(dst);
    let frame: Uint8Array;
    if (s.length === 16) {
      const eth = Uint8Array.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xdd]);
      const ip = new Uint8Array(40);
      const v = new DataView(ip.buffer);
      ip[0] = 0x60;
      v.setUint16(4, payload.length);
      ip[6] = proto;
      ip[7] = 64;
      ip.set(s, 8);
      ip.set(d, 24);
      frame = concat(eth, ip, payload);
    } else {
      const eth = Uint8Array.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0]);
      const ip = new Uint8Array(20);
      const v = new DataView(ip.buffer);
      ip[0] = 0x45;
      v.setUint16(2, 20 + payload.length);
      v.setUint16(4, this.ipId++);
      ip[8] = 64;
      ip[9] = proto;
      ip.set(s, 12);
      ip.set(d, 16);
      frame = concat(eth, ip, payload);
    }
    const rec = new Uint8Array(16);
    const r = new DataView(rec.buffer);
    const us = Math.round(ms * 1000);
    r.setUint32(0, 1_700_000_000 + Math.floor(us / 1e6), true);
    r.setUint32(4, us % 1e6, true);
    r.setUint32(8, frame.length, true);
    r.setUint32(12, frame.length, true);
    this.records.push(rec, frame);
    return this;
  }

  build(): Uint8Array {
    const header = new Uint8Array(24);
    const v = new DataView(header.buffer);
    v.setUint32(0, 0xa1b2c3d4, true);
    v.setUint16(4, 2, true);
    v.setUint16(6, 4, true);
    v.setUint32(16, 262144, true);
    v.setUint32(20, 1, true);
    return concat(header, ...this.records);
  }

  save(path: string): string {
    writeFileSync(path, this.build());
    return path;
  }
}

/** "10.0.0.1:80" or "[2001:db8::1]:80": the address bytes and the port. */
function split(endpoint: string): [Uint8Array, number] {
  const v6 = /^\[(.*)\]:(\d+)$/.exec(endpoint);
  if (v6) return [ipv6Bytes(v6[1]!), Number(v6[2])];
  const [ip, port] = endpoint.split(':');
  return [Uint8Array.from(ip!.split('.').map(Number)), Number(port)];
}

function ipv6Bytes(text: string): Uint8Array {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, k) => {
    const n = parseInt(g, 16);
    out[2 * k] = n >> 8;
    out[2 * k + 1] = n & 255;
  });
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
