// Reassembly of application messages that span TCP segments, in the summary
// pass (as tshark does in its single pass). When an application dissector
// asks for more bytes (desegment.ts), the rest of the segment is kept; the
// following in-order segments of the same direction are appended until the
// message is complete, and the dissector then reads the whole message as a
// new data source in the frame that completed it.
//
// Memory is bounded: at most SLOTS messages wait at once (the oldest is
// dropped when room is needed), and a message larger than MAX_MESSAGE is
// given up, as is one interrupted by a gap in the sequence numbers.

import { resetTcpAnalysis } from "./tcpanalysis";

const SLOTS = 128;
const MAX_MESSAGE: i32 = 4 << 20;
export const UNKNOWN_LENGTH: i32 = -1;
/** Pieces remembered per IP datagram, and per TCP message, so it can be rebuilt from the file later. */
export const MAX_PARTS = 256;
// A TCP message's record must fit in the room the reader keeps for events (64 KiB, 16 bytes a piece).
export const MAX_TCP_PARTS = 4000;

/**
 * Where a message's bytes lie in the capture: (packet index, offset in the
 * packet's data, length) per segment. The detail pass on a single packet
 * gets the message rebuilt from these by the host (see index.ts inject).
 * The arrays grow as pieces come, up to `max`.
 */
export class Parts {
  packet: StaticArray<u32> = new StaticArray<u32>(16);
  offset: StaticArray<i32> = new StaticArray<i32>(16);
  length: StaticArray<i32> = new StaticArray<i32>(16);
  count: i32 = 0;
  /** False when a segment could not be located in its frame (inside a reassembled datagram) or there were too many. */
  ok: bool = true;

  constructor(public max: i32 = MAX_PARTS) {}

  clear(): void {
    this.count = 0;
    this.ok = true;
  }

  /** Room for n pieces; false when n is more than `max`. */
  private reserve(n: i32): bool {
    if (n > this.max) return false;
    const cap = this.packet.length;
    if (n <= cap) return true;
    let size = cap << 1;
    while (size < n) size <<= 1;
    if (size > this.max) size = this.max;
    const packet = new StaticArray<u32>(size);
    const offset = new StaticArray<i32>(size);
    const length = new StaticArray<i32>(size);
    for (let i = 0; i < this.count; i++) {
      unchecked((packet[i] = this.packet[i]));
      unchecked((offset[i] = this.offset[i]));
      unchecked((length[i] = this.length[i]));
    }
    this.packet = packet;
    this.offset = offset;
    this.length = length;
    return true;
  }

  add(packet: u32, offset: i32, length: i32): void {
    if (offset < 0 || !this.reserve(this.count + 1)) {
      this.ok = false;
      return;
    }
    const i = this.count++;
    unchecked((this.packet[i] = packet));
    unchecked((this.offset[i] = offset));
    unchecked((this.length[i] = length));
  }

  copyFrom(o: Parts): void {
    this.count = 0;
    this.ok = o.ok;
    const n = o.count;
    if (!this.reserve(n)) {
      this.ok = false;
      return;
    }
    this.count = n;
    for (let i = 0; i < n; i++) {
      unchecked((this.packet[i] = o.packet[i]));
      unchecked((this.offset[i] = o.offset[i]));
      unchecked((this.length[i] = o.length[i]));
    }
  }

  /** Drops the first `bytes` bytes (they belonged to a message already shown). */
  skip(bytes: i32): void {
    let k = 0;
    while (k < this.count && bytes >= unchecked(this.length[k])) {
      bytes -= unchecked(this.length[k]);
      k++;
    }
    let n = 0;
    for (let i = k; i < this.count; i++) {
      unchecked((this.packet[n] = this.packet[i]));
      unchecked((this.offset[n] = this.offset[i] + (i == k ? bytes : 0)));
      unchecked((this.length[n] = this.length[i] - (i == k ? bytes : 0)));
      n++;
    }
    this.count = n;
  }
}

class Pending {
  key: i32 = -1;
  buf: usize = 0;
  cap: i32 = 0;
  len: i32 = 0;
  /** Total length wanted, or UNKNOWN_LENGTH: deliver again with every new segment. */
  want: i32 = 0;
  nextSeq: u32 = 0;
  age: u32 = 0;
  segments: i32 = 0;
  parts: Parts = new Parts(MAX_TCP_PARTS);
}

const slots = new StaticArray<Pending>(SLOTS);
for (let i = 0; i < SLOTS; i++) slots[i] = new Pending();
let clock: u32 = 0;

export function resetTcpReassembly(): void {
  for (let i = 0; i < SLOTS; i++) unchecked(slots[i]).key = -1;
  resetTcpAnalysis();
}

/** The message waiting for this stream direction, or null. */
export function pendingFor(key: i32): Pending | null {
  for (let i = 0; i < SLOTS; i++) {
    const p = unchecked(slots[i]);
    if (p.key == key) return p;
  }
  return null;
}

function reserve(p: Pending, n: i32): bool {
  if (n > MAX_MESSAGE) return false;
  if (n <= p.cap) return true;
  let cap = p.cap < 4096 ? 4096 : p.cap;
  while (cap < n) cap <<= 1;
  if (cap > MAX_MESSAGE) cap = MAX_MESSAGE;
  p.buf = p.buf == 0 ? heap.alloc(<usize>cap) : heap.realloc(p.buf, <usize>cap);
  p.cap = cap;
  return true;
}

/**
 * Starts waiting for a message of `want` bytes whose first `n` bytes are at
 * `data`; `parts` says where those bytes are in the capture.
 */
export function begin(key: i32, data: usize, n: i32, want: i32, nextSeq: u32, parts: Parts): void {
  let p = pendingFor(key);
  if (p == null) {
    let oldest = unchecked(slots[0]);
    for (let i = 0; i < SLOTS; i++) {
      const s = unchecked(slots[i]);
      if (s.key < 0) {
        oldest = s;
        break;
      }
      if (s.age < oldest.age) oldest = s;
    }
    p = oldest;
  }
  const initial = want > n ? want : n;
  if (!reserve(p, initial < MAX_MESSAGE ? initial : n)) {
    p.key = -1;
    return;
  }
  memory.copy(p.buf, data, <usize>n);
  p.key = key;
  p.len = n;
  p.want = want;
  p.nextSeq = nextSeq;
  p.age = ++clock;
  p.segments = 1;
  p.parts.copyFrom(parts);
}

/** Appends an in-order segment; false when the message grew too large (it is dropped). */
export function append(p: Pending, data: usize, n: i32, nextSeq: u32, packet: u32, frameOffset: i32): bool {
  if (!reserve(p, p.len + n)) {
    p.key = -1;
    return false;
  }
  memory.copy(p.buf + <usize>p.len, data, <usize>n);
  p.len += n;
  p.nextSeq = nextSeq;
  p.age = ++clock;
  p.segments++;
  p.parts.add(packet, frameOffset, n);
  return true;
}

export function drop(p: Pending): void {
  p.key = -1;
}

// Completed messages are copied here before they are dissected, so their
// bytes stay valid as a data source until the next packet.
let deliveredBuf: usize = 0;
let deliveredCap: i32 = 0;
let deliveredLen: i32 = 0;

export function resetDelivered(): void {
  deliveredLen = 0;
}

/** Copies n bytes into the per-packet delivery area; returns where, or 0 if it is full. */
export function deliver(data: usize, n: i32): usize {
  const need = deliveredLen + n;
  if (need > deliveredCap) {
    if (need > MAX_MESSAGE * 2) return 0;
    let cap = deliveredCap < 65536 ? 65536 : deliveredCap;
    while (cap < need) cap <<= 1;
    // Earlier deliveries of this packet may be in use as data sources: never move them.
    if (deliveredLen > 0) return 0;
    deliveredBuf = deliveredBuf == 0 ? heap.alloc(<usize>cap) : heap.realloc(deliveredBuf, <usize>cap);
    deliveredCap = cap;
  }
  const at = deliveredBuf + <usize>deliveredLen;
  memory.copy(at, data, <usize>n);
  deliveredLen = need;
  return at;
}

// ---- telling the host, and being told back ----------------------------------

import * as ev from "../capture/events";

export const KIND_TCP: u32 = 1;
export const KIND_IPV4: u32 = 2;
export const KIND_IPV6: u32 = 3;
/** The packet's TCP payload was data already seen (a retransmission): it was not dissected. */
export const KIND_SEEN: u32 = 4;
/** For the detail pass: this packet's data from `tail` (a frame offset) on was held for a message completed later. */
export const KIND_HELD: u32 = 5;
// 6 to 8: the sequence analysis of a segment (tcpanalysis.ts); the host gives
// the detail pass one buffer of kind 6 made from them.


/** Announces a fact about this packet that carries no bytes (KIND_SEEN). */
export function announceState(packet: u32, kind: u32, value: u32): void {
  const m = ev.begin(10, packet, kind, 12);
  if (m < 0) return;
  ev.put32(0);
  ev.put32(value);
  ev.put32(0);
  ev.end(m);
}

/**
 * Announces that packet `packet` completed a message of `length` bytes made
 * of `parts` (each placed at `at[i]` in the message, or one after the other
 * when `at` is null); `tail` is how many of this packet's own bytes it used.
 */
export function announce(kind: u32, packet: u32, length: i32, tail: i32, parts: Parts, at: StaticArray<i32> | null): void {
  if (!parts.ok || parts.count == 0) return;
  const m = ev.begin(10, packet, kind, 12 + parts.count * 16);
  if (m < 0) return;
  ev.put32(<u32>length);
  ev.put32(<u32>tail);
  ev.put32(<u32>parts.count);
  let pos = 0;
  for (let i = 0; i < parts.count; i++) {
    ev.put32(unchecked(parts.packet[i]));
    ev.put32(<u32>unchecked(parts.offset[i]));
    ev.put32(<u32>unchecked(parts.length[i]));
    ev.put32(<u32>(at != null ? unchecked(at[i]) : pos));
    pos += unchecked(parts.length[i]);
  }
  ev.end(m);
}

// Messages rebuilt by the host for the detail pass of one packet (kind-indexed).
const KINDS = 7;
const injectedPtr = new StaticArray<usize>(KINDS);
const injectedLen = new StaticArray<i32>(KINDS);
const injectedTail = new StaticArray<i32>(KINDS);
const injectedCap = new StaticArray<i32>(KINDS);

/** Room for a rebuilt message of `kind`; the host writes it there. */
export function injectBuffer(kind: u32, length: i32, tail: i32): usize {
  const k = <i32>kind;
  if (k < 1 || k >= KINDS || length < 0 || length > MAX_MESSAGE) return 0;
  if (unchecked(injectedCap[k]) < length || unchecked(injectedPtr[k]) == 0) {
    const old = unchecked(injectedPtr[k]);
    const size: usize = length > 0 ? <usize>length : 1;
    unchecked((injectedPtr[k] = old == 0 ? heap.alloc(size) : heap.realloc(old, size)));
    unchecked((injectedCap[k] = length));
  }
  unchecked((injectedLen[k] = length));
  unchecked((injectedTail[k] = tail));
  return unchecked(injectedPtr[k]);
}

export function clearInjected(): void {
  for (let k = 1; k < KINDS; k++) unchecked((injectedLen[k] = -1));
}
clearInjected();

/** The rebuilt message of `kind` for this packet, taken once; 0 when none. */
export let takenLength: i32 = 0;
export let takenTail: i32 = 0;
export function takeInjected(kind: u32): usize {
  const k = <i32>kind;
  const len = unchecked(injectedLen[k]);
  if (len < 0) return 0;
  unchecked((injectedLen[k] = -1));
  takenLength = len;
  takenTail = unchecked(injectedTail[k]);
  return unchecked(injectedPtr[k]);
}
