// Reassembly of fragmented IPv4 and IPv6 datagrams, in the summary pass (as
// tshark does in its single pass): fragments are copied aside until the
// datagram is complete, and the payload is then dissected in the frame that
// completed it. Memory is bounded: at most MAX_PENDING datagrams of at most
// MAX_DATAGRAM bytes wait; the oldest is dropped when room is needed.

import { Parts } from "./tcpreasm";

const MAX_PENDING = 64;
const MAX_DATAGRAM: i32 = 65535 + 8;
const MAX_HOLES = 64;

class Pending {
  key: usize = 0; // 40 bytes: alen, proto, id, src, dst
  data: usize = 0;
  /** Bytes received, as a list of [start, end) ranges (at most MAX_HOLES). */
  ranges: StaticArray<i32> = new StaticArray<i32>(MAX_HOLES * 2);
  rangeCount: i32 = 0;
  /** Total length, known once the last fragment arrived; -1 before. */
  total: i32 = -1;
  used: bool = false;
  age: u32 = 0;
  fragments: i32 = 0;
  /** Where each fragment is in the capture, and where it goes in the datagram. */
  parts: Parts = new Parts();
  at: StaticArray<i32> = new StaticArray<i32>(256);
}

const KEY = 40;
const pending = new StaticArray<Pending>(MAX_PENDING);
for (let i = 0; i < MAX_PENDING; i++) {
  const p = new Pending();
  p.key = heap.alloc(KEY);
  p.data = heap.alloc(<usize>MAX_DATAGRAM);
  pending[i] = p;
}
const key = heap.alloc(KEY);
let clock: u32 = 0;

/** The reassembled datagram, valid until the next fragment is added. */
export let reassembledPtr: usize = 0;
export let reassembledLen: i32 = 0;
export let reassembledFragments: i32 = 0;
/** Where the fragments of the datagram last completed are in the capture. */
export let reassembledParts: Parts = new Parts();
export let reassembledAt: StaticArray<i32> = new StaticArray<i32>(256);

export function resetReassembly(): void {
  for (let i = 0; i < MAX_PENDING; i++) unchecked(pending[i]).used = false;
}

function makeKey(alen: i32, proto: u32, id: u32, src: usize, dst: usize): void {
  memory.fill(key, 0, KEY);
  store<u8>(key, <u8>alen);
  store<u8>(key, <u8>proto, 1);
  store<u32>(key, id, 4);
  memory.copy(key + 8, src, <usize>alen);
  memory.copy(key + 24, dst, <usize>alen);
}

function slotFor(): Pending {
  let free: Pending | null = null;
  let oldest: Pending = unchecked(pending[0]);
  for (let i = 0; i < MAX_PENDING; i++) {
    const p = unchecked(pending[i]);
    if (p.used) {
      if (memory.compare(p.key, key, KEY) == 0) return p;
      if (p.age < oldest.age) oldest = p;
    } else if (free == null) free = p;
  }
  const p = free != null ? free : oldest;
  memory.copy(p.key, key, KEY);
  p.used = true;
  p.rangeCount = 0;
  p.total = -1;
  p.fragments = 0;
  p.parts.clear();
  return p;
}

function addRange(p: Pending, start: i32, end: i32): void {
  // Merge with overlapping or touching ranges; keep the list sorted.
  const r = p.ranges;
  let n = p.rangeCount;
  let i = 0;
  while (i < n && unchecked(r[i * 2 + 1]) < start) i++;
  let s = start;
  let e = end;
  let j = i;
  while (j < n && unchecked(r[j * 2]) <= e) {
    if (unchecked(r[j * 2]) < s) s = unchecked(r[j * 2]);
    if (unchecked(r[j * 2 + 1]) > e) e = unchecked(r[j * 2 + 1]);
    j++;
  }
  const removed = j - i;
  if (removed == 0) {
    if (n >= MAX_HOLES) return;
    for (let k = n; k > i; k--) {
      unchecked((r[k * 2] = r[(k - 1) * 2]));
      unchecked((r[k * 2 + 1] = r[(k - 1) * 2 + 1]));
    }
    n++;
  } else if (removed > 1) {
    for (let k = i + 1; k + removed - 1 < n; k++) {
      unchecked((r[k * 2] = r[(k + removed - 1) * 2]));
      unchecked((r[k * 2 + 1] = r[(k + removed - 1) * 2 + 1]));
    }
    n -= removed - 1;
  }
  unchecked((r[i * 2] = s));
  unchecked((r[i * 2 + 1] = e));
  p.rangeCount = n;
}

/**
 * Adds a fragment: `len` bytes at `data`, placed at byte `offset` of the
 * datagram; `last` when it is the final fragment. Returns true when the
 * datagram is now complete (see reassembledPtr/Len).
 */
export function addFragment(alen: i32, proto: u32, id: u32, src: usize, dst: usize, offset: i32, data: usize, len: i32, last: bool, packet: u32, frameOffset: i32): bool {
  makeKey(alen, proto, id, src, dst);
  const p = slotFor();
  p.age = ++clock;
  p.fragments++;
  const k = p.parts.count;
  p.parts.add(packet, frameOffset, len);
  if (p.parts.count > k && k < 256) unchecked((p.at[k] = offset));
  if (offset < 0 || offset >= MAX_DATAGRAM) return false;
  let n = len;
  if (offset + n > MAX_DATAGRAM) n = MAX_DATAGRAM - offset;
  if (n > 0) {
    memory.copy(p.data + <usize>offset, data, <usize>n);
    addRange(p, offset, offset + n);
  }
  if (last) p.total = offset + len;
  if (p.total < 0 || p.rangeCount != 1) return false;
  if (unchecked(p.ranges[0]) != 0 || unchecked(p.ranges[1]) < p.total) return false;
  reassembledPtr = p.data;
  reassembledLen = p.total;
  reassembledFragments = p.fragments;
  reassembledParts.copyFrom(p.parts);
  for (let i = 0; i < p.parts.count; i++) unchecked((reassembledAt[i] = p.at[i]));
  p.used = false;
  return true;
}
