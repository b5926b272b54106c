// Small helpers shared by the TLS and QUIC dissectors: reads that return the
// node they added (so its label can be written), labels for enumerated
// values, and text-only headings.

import * as t from "../core/tree";
import { frame } from "../core/pinfo";
import { tcpStreams, udpStreams } from "../summary/flows";

/**
 * Notices that a new capture began, so that state kept between packets can
 * be dropped (the engine's reset does not reach these modules): frame
 * numbers or stream counts went back since the last call while tracking.
 */
export class CaptureWatch {
  lastFrame: u32 = 0;
  lastStreams: i32 = 0;
  changed(): bool {
    if (!frame.track) return false;
    const streams = tcpStreams + udpStreams;
    const fresh = frame.number < this.lastFrame || streams < this.lastStreams;
    this.lastFrame = frame.number;
    this.lastStreams = streams;
    return fresh;
  }
}

/** The value of the last r8/r16/r24/r32 read. */
export let val: u32 = 0;

// @ts-ignore: decorator
@inline function added(before: i32): i32 {
  return t.nodeCount > before ? t.nodeCount - 1 : -1;
}

export function r8(hf: u16, off: i32): i32 {
  const n = t.nodeCount;
  val = t.f8(hf, off);
  return added(n);
}
export function r16(hf: u16, off: i32): i32 {
  const n = t.nodeCount;
  val = t.f16(hf, off);
  return added(n);
}
export function r24(hf: u16, off: i32): i32 {
  const n = t.nodeCount;
  val = t.f24(hf, off);
  return added(n);
}
export function r32(hf: u16, off: i32): i32 {
  const n = t.nodeCount;
  val = t.f32(hf, off);
  return added(n);
}

/** A node with an explicit value (a value read once and shown elsewhere, or decoded). */
export function rval(hf: u16, off: i32, len: i32, v: u64): i32 {
  return t.fval(hf, off, len, v);
}

/** "name (22)", or "Unknown (22)": the label of a decimal enumerated value. */
export function noteDec(i: i32, name: string | null, v: u64): void {
  if (i < 0 || !t.detail) return;
  const m = t.beginNote();
  if (name !== null) t.pool.str(name);
  else t.pool.str("Unknown");
  t.pool.str(" (");
  t.pool.dec(v);
  t.pool.str(")");
  t.endNote(i, m);
}

/** "name (0x0303)", or "Unknown (0x0303)": the label of a hexadecimal enumerated value. */
export function noteHex(i: i32, name: string | null, v: u64, digits: i32): void {
  if (i < 0 || !t.detail) return;
  const m = t.beginNote();
  if (name !== null) t.pool.str(name);
  else t.pool.str("Unknown");
  t.pool.str(" (");
  t.pool.hex(v, digits);
  t.pool.str(")");
  t.endNote(i, m);
}

/** Replaces a node's label with fixed text. */
export function noteText(i: i32, s: string): void {
  if (i < 0 || !t.detail) return;
  const m = t.beginNote();
  t.pool.str(s);
  t.endNote(i, m);
}

/** Opens a heading subtree (a field of type NONE) whose label is `s`. */
export function heading(hf: u16, off: i32, len: i32, s: string): i32 {
  const i = t.open(hf, off, len);
  noteText(i, s);
  return i;
}

/** "s (n thing)" or "s (n things)". */
export function countNote(i: i32, s: string, n: u64, one: string, many: string): void {
  if (i < 0 || !t.detail) return;
  const m = t.beginNote();
  if (s.length > 0) {
    t.pool.str(s);
    t.pool.str(" (");
  }
  t.pool.dec(n);
  t.pool.str(" ");
  t.pool.str(n == 1 ? one : many);
  if (s.length > 0) t.pool.str(")");
  t.endNote(i, m);
}

/**
 * A bytes field that tshark labels "Data (n bytes)": the label keeps the
 * field name, so it reads "Data: n bytes".
 */
export function bytesCount(hf: u16, off: i32, len: i32): i32 {
  const n = t.nodeCount;
  if (!t.fbytes(hf, off, len)) return -1;
  const i = t.nodeCount > n ? t.nodeCount - 1 : -1;
  countNote(i, "", <u64>len, "byte", "bytes");
  return i;
}

/** Reads a QUIC variable-length integer at off; its length is left in varintLen (0 when it does not fit before `end`). */
export let varintLen: i32 = 0;
export function varint(off: i32, end: i32): u64 {
  varintLen = 0;
  if (off >= end || !t.has(off, 1)) return 0;
  const first = <u32>load<u8>(t.at(off));
  const n = 1 << (first >> 6);
  if (off + n > end || !t.has(off, n)) return 0;
  let v: u64 = <u64>(first & 0x3f);
  for (let k = 1; k < n; k++) v = (v << 8) | <u64>load<u8>(t.at(off + k));
  varintLen = n;
  return v;
}
