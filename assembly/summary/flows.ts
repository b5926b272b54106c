// Conversations and stream indexes with tshark's numbering: tcp.stream and
// udp.stream count conversations in order of first appearance; a TCP SYN
// whose sequence number differs from the one the conversation started with
// starts a new stream on the same addresses and ports (port reuse).
//
// Open addressing over entries of ENTRY bytes. Memory grows with the number
// of conversations, not of packets.

const ENTRY: i32 = 64;
// entry layout
const E_PROTO = 0; // u8
const E_ALEN = 1; // u8
const E_PORT_A = 4; // u16
const E_PORT_B = 6; // u16
const E_ADDR_A = 8; // 16 bytes
const E_ADDR_B = 24; // 16 bytes
const E_STREAM = 40; // i32
const E_BASE0 = 44; // u32: base sequence number, A to B
const E_BASE1 = 48; // u32: B to A
const E_FLAGS = 52; // u32: bit 0 base0 set, bit 1 base1 set, bit 2 next0 set, bit 3 next1 set, bit 4 UDP application set,
// bits 8-12 and 16-20: the window scale of A to B and of B to A (see storeWindowScales)
// UDP conversations use E_BASE0 for the frame from which an application was recognised and E_BASE1 for which.
const E_NEXT0 = 56; // u32: highest sequence number expected next, A to B
const E_NEXT1 = 60; // u32: B to A
const KEY_BYTES = 40;
// A TCP conversation whose ports were used again is kept, for the detail pass
// of its packets, under a key of its own: protocol RETIRED_TCP, and the low
// 16 bits of its stream number in the key's otherwise unused bytes 2-3.
const RETIRED_TCP: u8 = 0x86;
const E_TAG = 2; // u16
const retiring = heap.alloc(<usize>ENTRY);

const TH_SYN: u32 = 0x02;
const TH_ACK: u32 = 0x10;

let entries: usize = 0;
let entryCap: i32 = 0;
let size: i32 = 0;
let slots: usize = 0;
let slotMask: i32 = 0;
const key = heap.alloc(<usize>ENTRY);
/** Direction of the last lookup: 0 when the source is endpoint A. */
let dir: i32 = 0;

export let tcpStreams: i32 = 0;
export let udpStreams: i32 = 0;

function alloc(cap: i32): void {
  entryCap = cap;
  entries = heap.alloc(<usize>(cap * ENTRY));
  slotMask = cap * 2 - 1;
  slots = heap.alloc(<usize>((slotMask + 1) * 4));
  memory.fill(slots, 0, <usize>((slotMask + 1) * 4));
}
alloc(4096);

export function resetFlows(): void {
  size = 0;
  lastUdp = 0;
  tcpStreams = 0;
  udpStreams = 0;
  memory.fill(slots, 0, <usize>((slotMask + 1) * 4));
}

// @ts-ignore: decorator
@inline function hashKey(p: usize): u32 {
  let h: u64 = 0x9e3779b97f4a7c15;
  for (let i = 0; i < KEY_BYTES; i += 8) {
    h = (h ^ load<u64>(p + <usize>i)) * 0xff51afd7ed558ccd;
    h ^= h >> 32;
  }
  return <u32>h;
}

function keyEquals(e: usize): bool {
  for (let i = 0; i < KEY_BYTES; i += 8) {
    if (load<u64>(e + <usize>i) != load<u64>(key + <usize>i)) return false;
  }
  return true;
}

/** Builds the normalised key: endpoint A is the lower (address, port). Sets `dir`. */
function makeKey(proto: u32, src: usize, dst: usize, alen: i32, sport: u32, dport: u32): void {
  memory.fill(key, 0, <usize>KEY_BYTES);
  let c = memory.compare(src, dst, <usize>alen);
  if (c == 0) c = sport < dport ? -1 : sport > dport ? 1 : 0;
  dir = c <= 0 ? 0 : 1;
  store<u8>(key + E_PROTO, <u8>proto);
  store<u8>(key + E_ALEN, <u8>alen);
  if (dir == 0) {
    store<u16>(key + E_PORT_A, <u16>sport);
    store<u16>(key + E_PORT_B, <u16>dport);
    memory.copy(key + E_ADDR_A, src, <usize>alen);
    memory.copy(key + E_ADDR_B, dst, <usize>alen);
  } else {
    store<u16>(key + E_PORT_A, <u16>dport);
    store<u16>(key + E_PORT_B, <u16>sport);
    memory.copy(key + E_ADDR_A, dst, <usize>alen);
    memory.copy(key + E_ADDR_B, src, <usize>alen);
  }
}

function grow(): void {
  const oldEntries = entries;
  const oldSlots = slots;
  const n = size;
  alloc(entryCap * 2);
  memory.copy(entries, oldEntries, <usize>(n * ENTRY));
  heap.free(oldEntries);
  heap.free(oldSlots);
  for (let i = 0; i < n; i++) {
    let s = <i32>hashKey(entries + <usize>(i * ENTRY)) & slotMask;
    while (load<i32>(slots + <usize>(s * 4)) != 0) s = (s + 1) & slotMask;
    store<i32>(slots + <usize>(s * 4), i + 1);
  }
}

/** Finds the entry for `key`; creates it when `create`. Returns 0 when absent. */
let created = false;
function find(create: bool): usize {
  created = false;
  let s = <i32>hashKey(key) & slotMask;
  while (true) {
    const v = load<i32>(slots + <usize>(s * 4));
    if (v == 0) break;
    const e = entries + <usize>((v - 1) * ENTRY);
    if (keyEquals(e)) return e;
    s = (s + 1) & slotMask;
  }
  if (!create) return 0;
  if (size >= entryCap) {
    grow();
    return find(true);
  }
  const i = size++;
  const e = entries + <usize>(i * ENTRY);
  memory.copy(e, key, <usize>KEY_BYTES);
  store<i32>(e + E_STREAM, -1);
  store<u32>(e + E_FLAGS, 0);
  store<i32>(slots + <usize>(s * 4), i + 1);
  created = true;
  return e;
}

/**
 * The tcp.stream of a segment, creating or renewing the conversation as
 * tshark does. `analyze` is false for fragments and quoted (ICMP) headers,
 * whose sequence numbers tshark does not track.
 */
export function tcpStream(src: usize, dst: usize, alen: i32, sport: u32, dport: u32, flags: u32, seq: u32, ack: u32, analyze: bool): i32 {
  makeKey(6, src, dst, alen, sport, dport);
  let e = find(true);
  if (created) store<i32>(e + E_STREAM, tcpStreams++);
  const fwdBase = dir == 0 ? E_BASE0 : E_BASE1;
  const revBase = dir == 0 ? E_BASE1 : E_BASE0;
  const fwdBit: u32 = dir == 0 ? 1 : 2;
  const revBit: u32 = dir == 0 ? 2 : 1;
  let f = load<u32>(e + E_FLAGS);
  lastReused = false;
  if ((flags & (TH_SYN | TH_ACK)) == TH_SYN && (f & fwdBit) != 0 && seq != load<u32>(e + fwdBase)) {
    // Port reuse: a new conversation on the same addresses and ports.
    retire(e);
    makeKey(6, src, dst, alen, sport, dport);
    e = find(false);
    store<i32>(e + E_STREAM, tcpStreams++);
    f = 0;
    lastReused = true;
  }
  lastEntry = e;
  if (analyze) {
    if ((f & fwdBit) == 0) {
      store<u32>(e + fwdBase, (flags & TH_SYN) != 0 ? seq : seq - 1);
      f |= fwdBit;
    }
    if ((f & revBit) == 0 && (flags & TH_ACK) != 0) {
      store<u32>(e + revBase, ack - 1);
      f |= revBit;
    }
  }
  store<u32>(e + E_FLAGS, f);
  lastDir = dir;
  return load<i32>(e + E_STREAM);
}

/** Keeps a copy of conversation `e` under its retired key (see RETIRED_TCP). */
function retire(e: usize): void {
  memory.copy(retiring, e, <usize>ENTRY);
  store<u8>(retiring + E_PROTO, RETIRED_TCP);
  store<u16>(retiring + E_TAG, <u16>load<i32>(e + E_STREAM));
  memory.copy(key, retiring, <usize>KEY_BYTES);
  const r = find(true);
  memory.copy(r + <usize>KEY_BYTES, retiring + <usize>KEY_BYTES, <usize>(ENTRY - KEY_BYTES));
}

/**
 * The conversation of TCP stream `stream` for the key last built: the live
 * one, or the retired one when the ports were used again since.
 */
function tcpEntryOf(stream: i32): usize {
  const e = find(false);
  if (e == 0 || stream < 0 || load<i32>(e + E_STREAM) == stream) return e;
  store<u8>(key + E_PROTO, RETIRED_TCP);
  store<u16>(key + E_TAG, <u16>stream);
  const r = find(false);
  return r != 0 && load<i32>(r + E_STREAM) == stream ? r : e;
}

/** Direction of the segment last passed to tcpStream(): 0 or 1. */
export let lastDir: i32 = 0;
/** Whether the segment last passed to tcpStream() started a new stream on ports used before. */
export let lastReused = false;
let lastEntry: usize = 0;

// Window scales are kept in the entry's flags word, five bits a direction, as
// the scale + 3: 0 not recorded, 1 none (-2), 2 unknown (-1), 3.. a shift.
const WS_SHIFT0: u32 = 8;
const WS_SHIFT1: u32 = 16;
const WS_MASK: u32 = 0x1f;

/** Records the window scales of the last segment's conversation: `ws0` of A to B, `ws1` of B to A (-2 none, -1 unknown, else the shift). */
export function storeWindowScales(ws0: i32, ws1: i32): void {
  const e = lastEntry;
  if (e == 0) return;
  let f = load<u32>(e + E_FLAGS) & ~((WS_MASK << WS_SHIFT0) | (WS_MASK << WS_SHIFT1));
  f |= (<u32>(ws0 + 3) & WS_MASK) << WS_SHIFT0;
  f |= (<u32>(ws1 + 3) & WS_MASK) << WS_SHIFT1;
  store<u32>(e + E_FLAGS, f);
}

function windowScaleIn(f: u32, d: i32): i32 {
  const v = <i32>((f >> (d == 0 ? WS_SHIFT0 : WS_SHIFT1)) & WS_MASK);
  return v == 0 ? -1 : v - 3;
}

/**
 * Records the data of the segment last passed to tcpStream(), [seq, next),
 * and says whether all of it was seen before (a retransmission, whose data
 * is not handed to the application again, as tshark does).
 */
export function tcpDataSeen(seq: u32, next: u32): bool {
  const e = lastEntry;
  if (e == 0) return false;
  const bit: u32 = lastDir == 0 ? 4 : 8;
  const at = e + (lastDir == 0 ? E_NEXT0 : E_NEXT1);
  const f = load<u32>(e + E_FLAGS);
  if ((f & bit) == 0) {
    store<u32>(at, next);
    store<u32>(e + E_FLAGS, f | bit);
    return false;
  }
  const high = load<u32>(at);
  if (<i32>(next - high) <= 0) return true;
  store<u32>(at, next);
  return false;
}

/** The udp.stream of a datagram, creating the conversation when new. */
export function udpStream(src: usize, dst: usize, alen: i32, sport: u32, dport: u32): i32 {
  makeKey(17, src, dst, alen, sport, dport);
  const e = find(true);
  if (created) store<i32>(e + E_STREAM, udpStreams++);
  lastUdp = e;
  return load<i32>(e + E_STREAM);
}

/** Looks a stream up without changing anything; -1 when unknown. */
export function lookupStream(proto: u32, src: usize, dst: usize, alen: i32, sport: u32, dport: u32): i32 {
  makeKey(proto, src, dst, alen, sport, dport);
  const e = find(false);
  if (proto == 17) lastUdp = e;
  return e == 0 ? -1 : load<i32>(e + E_STREAM);
}

// ---- applications recognised on a UDP conversation (QUIC: tshark sets the
// conversation's dissector), kept in the table so a reopened session knows them

/** The conversation of the datagram last passed to udpStream() or lookupStream(). */
let lastUdp: usize = 0;
const F_APP: u32 = 16;

/** Marks the last datagram's conversation as carrying `app` from frame `since` on. */
export function markUdpApp(app: u32, since: u32): void {
  const e = lastUdp;
  if (e == 0) return;
  const f = load<u32>(e + E_FLAGS);
  if ((f & F_APP) != 0 && load<u32>(e + E_BASE1) == app) return;
  store<u32>(e + E_BASE0, since);
  store<u32>(e + E_BASE1, app);
  store<u32>(e + E_FLAGS, f | F_APP);
}

/**
 * The application marked on the last datagram's conversation (stream `s`),
 * if it was recognised by frame `at`; 0 otherwise.
 */
export function udpAppAt(s: i32, at: u32): u32 {
  const e = lastUdp;
  if (e == 0 || load<i32>(e + E_STREAM) != s) return 0;
  const f = load<u32>(e + E_FLAGS);
  if ((f & F_APP) == 0 || load<u32>(e + E_BASE0) > at) return 0;
  return load<u32>(e + E_BASE1);
}

/** Base sequence numbers of the last tcpBases() lookup: this direction, and the reverse. */
export let baseFwd: u32 = 0;
export let baseRev: u32 = 0;
/** Window scale of the last tcpBases() lookup's direction: -2 none, -1 unknown, else the shift. */
export let scaleFwd: i32 = -1;

/** Looks up the base sequence numbers (and window scale) of TCP stream `stream` for relative numbering. */
export function tcpBases(src: usize, dst: usize, alen: i32, sport: u32, dport: u32, stream: i32): bool {
  makeKey(6, src, dst, alen, sport, dport);
  const e = tcpEntryOf(stream);
  scaleFwd = -1;
  if (e == 0) return false;
  const f = load<u32>(e + E_FLAGS);
  scaleFwd = windowScaleIn(f, dir);
  const fwdBit: u32 = dir == 0 ? 1 : 2;
  if ((f & fwdBit) == 0) return false;
  baseFwd = load<u32>(e + (dir == 0 ? E_BASE0 : E_BASE1));
  baseRev = load<u32>(e + (dir == 0 ? E_BASE1 : E_BASE0));
  return true;
}

// ---- saving and restoring the table (a stored session keeps it, so the
// detail pass can still number and relate packets after a reload) --------

/** Bytes of the table's entries, in order of creation. */
export function flowBytes(): i32 {
  return size * ENTRY;
}

export function flowEntries(): usize {
  return entries;
}

/** Room for `n` entries; the host writes them at the returned pointer, then calls loadFlows(n). */
export function reserveFlows(n: i32): usize {
  resetFlows();
  while (entryCap < n) grow();
  return entries;
}

/** Rebuilds the index over `n` entries written at reserveFlows(). */
export function loadFlows(n: i32, tcpCount: i32, udpCount: i32): void {
  size = n;
  memory.fill(slots, 0, <usize>((slotMask + 1) * 4));
  for (let i = 0; i < n; i++) {
    let s = <i32>hashKey(entries + <usize>(i * ENTRY)) & slotMask;
    while (load<i32>(slots + <usize>(s * 4)) != 0) s = (s + 1) & slotMask;
    store<i32>(slots + <usize>(s * 4), i + 1);
  }
  tcpStreams = tcpCount;
  udpStreams = udpCount;
}
