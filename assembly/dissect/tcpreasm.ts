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

const SLOTS = 128;
const MAX_MESSAGE: i32 = 4 << 20;
export const UNKNOWN_LENGTH: i32 = -1;

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
}

const slots = new StaticArray<Pending>(SLOTS);
for (let i = 0; i < SLOTS; i++) slots[i] = new Pending();
let clock: u32 = 0;

export function resetTcpReassembly(): void {
  for (let i = 0; i < SLOTS; i++) unchecked(slots[i]).key = -1;
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

/** Starts waiting for a message of `want` bytes whose first `n` bytes are at `data`. */
export function begin(key: i32, data: usize, n: i32, want: i32, nextSeq: u32): void {
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
}

/** Appends an in-order segment; false when the message grew too large (it is dropped). */
export function append(p: Pending, data: usize, n: i32, nextSeq: u32): bool {
  if (!reserve(p, p.len + n)) {
    p.key = -1;
    return false;
  }
  memory.copy(p.buf + <usize>p.len, data, <usize>n);
  p.len += n;
  p.nextSeq = nextSeq;
  p.age = ++clock;
  p.segments++;
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
