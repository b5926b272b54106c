// The dissection context: the bytes being dissected, bounds checking with
// Wireshark's exception semantics, and the detail tree.
//
// Dissectors read through the functions below. Every read is checked against
// `limit` (the captured end of the current layer). A read past it sets
// `stopped`, like Wireshark's bounds exception: the read returns 0, and no
// field is added for the rest of the packet (ICMP restores it around quoted
// packets, as Wireshark's TRY/CATCH does). So a truncated header yields the
// fields before the cut, never bytes from outside the packet.
//
// In summary mode (`detail` false) the same calls only read and check; no
// node is written, so the summary pass allocates nothing.

import { be16, be24, be32, be64 } from "./bytes";
import { Text } from "./text";
import * as layers from "../summary/layers";

/** Start of the current data source (the frame, or a reassembled or decrypted buffer). */
export let base: usize = 0;
/** Captured bytes in the current data source. */
export let capEnd: i32 = 0;
/** Id of the current data source: 0 for the frame. */
export let source: i32 = 0;
/** Captured end of the current layer: reads past it stop the dissection. */
export let limit: i32 = 0;
/** A read ran past the data: nothing more is added for this packet. */
export let stopped: bool = false;
/** Building a detail tree (true) or only filling the summary (false). */
export let detail: bool = false;

export const NODE_WORDS = 8;
export const FLAG_HIDDEN: u32 = 1;
export const FLAG_GENERATED: u32 = 2;
/** The value lives in the pool (strings, bytes), not in the value words. */
export const FLAG_POOLVALUE: u32 = 4;
/** The node's note is its whole line in the details pane ("Options: (12 bytes), ..."). */
export const FLAG_LABEL: u32 = 8;
/** The node claimed bytes past the end of its data: it covers them up to the cut. */
export const FLAG_CUT: u32 = 16;

const NODE_CAP: i32 = 32768;
const POOL_CAP: i32 = 1 << 22;

export let nodes: usize = heap.alloc(<usize>(NODE_CAP * NODE_WORDS * 4));
export let nodeCount: i32 = 0;
/** String values, bytes values and annotations of the current tree. */
export const pool = new Text(POOL_CAP);
/** The Info column of the current packet. */
export const info = new Text(4096);
let parent: i32 = -1;
let last: i32 = -1;

// Extra data sources (reassembled, decrypted) shown beside the frame.
const SOURCE_CAP = 16;
export const sourcePtrs = new StaticArray<usize>(SOURCE_CAP);
export const sourceLens = new StaticArray<i32>(SOURCE_CAP);
export const sourceNames = new StaticArray<i32>(SOURCE_CAP);
export let sourceCount: i32 = 1;

/** Begins a packet: `ptr` and `len` are the captured frame bytes. */
export function beginPacket(ptr: usize, len: i32, withDetail: bool): void {
  base = ptr;
  capEnd = len;
  limit = len;
  source = 0;
  stopped = false;
  detail = withDetail;
  nodeCount = 0;
  parent = -1;
  last = -1;
  pool.reset();
  info.reset();
  sourceCount = 1;
  layers.beginLayers();
  unchecked((sourcePtrs[0] = ptr));
  unchecked((sourceLens[0] = len));
  unchecked((sourceNames[0] = 0));
}

/**
 * Switches dissection to another data source (a reassembled datagram, a
 * decrypted payload). Returns the previous source id for `leaveSource`.
 * `name` is a field id naming the source for the bytes pane.
 */
export function enterSource(ptr: usize, len: i32, name: i32): i32 {
  const prev = source;
  let id = -1;
  if (detail && sourceCount < SOURCE_CAP) {
    id = sourceCount++;
    unchecked((sourcePtrs[id] = ptr));
    unchecked((sourceLens[id] = len));
    unchecked((sourceNames[id] = name));
  }
  source = id < 0 ? 0x7f : id;
  base = ptr;
  capEnd = len;
  limit = len;
  return prev;
}

export function leaveSource(prev: i32): void {
  source = prev;
  base = unchecked(sourcePtrs[prev < SOURCE_CAP ? prev : 0]);
  capEnd = unchecked(sourceLens[prev < SOURCE_CAP ? prev : 0]);
  limit = capEnd;
}

/**
 * Enters a layer whose reported end is `end`; returns the previous limit so
 * the caller can restore it. Reads past min(end, captured) stop dissection.
 */
// @ts-ignore: decorator
@inline export function enter(end: i32): i32 {
  const prev = limit;
  limit = end < capEnd ? end : capEnd;
  if (limit > prev) limit = prev;
  return prev;
}

// @ts-ignore: decorator
@inline export function restore(prevLimit: i32): void {
  limit = prevLimit;
}

/** Sets the limit of the current layer without tying it to the outer one (for sources). */
export function setLimit(l: i32): void {
  limit = l < capEnd ? l : capEnd;
}

/** Are n bytes at off inside the current layer? Does not stop. */
// @ts-ignore: decorator
@inline export function has(off: i32, n: i32): bool {
  return off >= 0 && n >= 0 && off <= limit - n;
}

/** Like has(), but a miss stops the dissection, as a bounds exception does. */
export function need(off: i32, n: i32): bool {
  if (!stopped && has(off, n)) return true;
  stopped = true;
  return false;
}

/** Pointer to byte `off` of the current source; only after a successful need/has. */
// @ts-ignore: decorator
@inline export function at(off: i32): usize {
  return base + <usize>off;
}

// ---- plain reads (no node) -------------------------------------------------

export function get8(off: i32): u32 {
  return need(off, 1) ? <u32>load<u8>(at(off)) : 0;
}
export function get16(off: i32): u32 {
  return need(off, 2) ? be16(at(off)) : 0;
}
export function get24(off: i32): u32 {
  return need(off, 3) ? be24(at(off)) : 0;
}
export function get32(off: i32): u32 {
  return need(off, 4) ? be32(at(off)) : 0;
}
export function get64(off: i32): u64 {
  return need(off, 8) ? be64(at(off)) : 0;
}

// ---- nodes ----------------------------------------------------------------

function addNode(hf: u16, off: i32, len: i32, v: u64, flags: u32): i32 {
  if (nodeCount >= NODE_CAP) return -1;
  const i = nodeCount++;
  // A node covers captured bytes of its source only: a header that claims
  // more than was captured is shown up to the cut. Nodes of a source that
  // could not be recorded cover nothing.
  if (source == 0x7f) {
    off = 0;
    len = 0;
  } else if (off < 0 || off > capEnd || len < 0 || len > capEnd - off) {
    if (off > capEnd || len > capEnd - off) flags |= FLAG_CUT;
    if (off < 0) off = 0;
    if (off > capEnd) off = capEnd;
    len = len < 0 ? 0 : min(len, capEnd - off);
  }
  const p = nodes + <usize>(i * NODE_WORDS * 4);
  store<u32>(p, <u32>hf | (flags << 16) | (<u32>(source & 0xff) << 24));
  store<i32>(p, parent, 4);
  store<i32>(p, off, 8);
  store<i32>(p, len, 12);
  store<u64>(p, v, 16);
  store<i32>(p, 0, 24);
  store<i32>(p, 0, 28);
  last = i;
  return i;
}

function nodePtr(i: i32): usize {
  return nodes + <usize>(i * NODE_WORDS * 4);
}

/** Adds a field with an explicit value (generated values, computed values). */
export function fval(hf: u16, off: i32, len: i32, v: u64): i32 {
  if (!detail || stopped) return -1;
  return addNode(hf, off, len, v, 0);
}

/** Adds a generated field (shown in [brackets], not read from bytes). */
export function fgen(hf: u16, off: i32, len: i32, v: u64): i32 {
  if (!detail || stopped) return -1;
  return addNode(hf, off, len, v, FLAG_GENERATED);
}

export function f8(hf: u16, off: i32): u32 {
  if (!need(off, 1)) return 0;
  const v = <u32>load<u8>(at(off));
  if (detail) addNode(hf, off, 1, v, 0);
  return v;
}

export function f16(hf: u16, off: i32): u32 {
  if (!need(off, 2)) return 0;
  const v = be16(at(off));
  if (detail) addNode(hf, off, 2, v, 0);
  return v;
}

export function f24(hf: u16, off: i32): u32 {
  if (!need(off, 3)) return 0;
  const v = be24(at(off));
  if (detail) addNode(hf, off, 3, v, 0);
  return v;
}

export function f32(hf: u16, off: i32): u32 {
  if (!need(off, 4)) return 0;
  const v = be32(at(off));
  if (detail) addNode(hf, off, 4, v, 0);
  return v;
}

export function f64(hf: u16, off: i32): u64 {
  if (!need(off, 8)) return 0;
  const v = be64(at(off));
  if (detail) addNode(hf, off, 8, v, 0);
  return v;
}

export function f16le(hf: u16, off: i32): u32 {
  if (!need(off, 2)) return 0;
  const v = <u32>load<u16>(at(off));
  if (detail) addNode(hf, off, 2, v, 0);
  return v;
}

export function f32le(hf: u16, off: i32): u32 {
  if (!need(off, 4)) return 0;
  const v = load<u32>(at(off));
  if (detail) addNode(hf, off, 4, v, 0);
  return v;
}

/**
 * A bit field within `size` big-endian bytes at off: the node spans the bytes
 * and holds (raw & mask) >> shift, where shift is the mask's trailing zeros.
 * Boolean fields declare their mask in the registry and hold 0 or 1.
 */
export function fbits(hf: u16, off: i32, size: i32, mask: u32): u32 {
  if (!need(off, size)) return 0;
  let raw: u32 = 0;
  if (size == 1) raw = <u32>load<u8>(at(off));
  else if (size == 2) raw = be16(at(off));
  else if (size == 3) raw = be24(at(off));
  else raw = be32(at(off));
  const v = (raw & mask) >> ctz(mask);
  if (detail) addNode(hf, off, size, v, 0);
  return v;
}

export function fipv4(hf: u16, off: i32): u32 {
  if (!need(off, 4)) return 0;
  const v = be32(at(off));
  if (detail) addNode(hf, off, 4, v, 0);
  return v;
}

/** A field whose value is the bytes it covers (IPv6 and Ethernet addresses, byte strings). */
export function fbytes(hf: u16, off: i32, len: i32): bool {
  if (!need(off, len)) return false;
  if (detail) addNode(hf, off, len, 0, 0);
  return true;
}

/** A string field read from the bytes it covers. */
export function fstr(hf: u16, off: i32, len: i32): bool {
  if (!need(off, len)) return false;
  if (detail) {
    const i = addNode(hf, off, len, 0, FLAG_POOLVALUE);
    if (i >= 0) {
      const start = pool.len;
      pool.raw(at(off), len);
      setPool(i, start);
    }
  }
  return true;
}

/**
 * A string field whose text is built by the caller in the pool (a DNS name
 * with compression pointers, say): call poolMark() before writing the text,
 * then fstrPool with the mark.
 */
export function fstrPool(hf: u16, off: i32, len: i32, mark: i32): i32 {
  if (!detail || stopped) return -1;
  const i = addNode(hf, off, len, 0, FLAG_POOLVALUE);
  if (i >= 0) setPool(i, mark);
  return i;
}

export function poolMark(): i32 {
  return pool.len;
}

function setPool(i: i32, start: i32): void {
  const p = nodePtr(i);
  store<i32>(p, start, 24);
  store<i32>(p, pool.len - start, 28);
}

/**
 * Opens a protocol or subtree node: later nodes are its children until
 * close(). In summary mode no node is made, but the summary pass records
 * the protocol layers (summary/layers.ts).
 */
export function open(hf: u16, off: i32, len: i32): i32 {
  if (stopped) return -1;
  if (!detail) return layers.recording ? layers.openLayer(hf, base, off, limit) : -1;
  if (layers.recording) layers.noteEthernet(hf, base, off, limit);
  const i = addNode(hf, off, len, 0, 0);
  if (i >= 0) parent = i;
  return i;
}

/**
 * Summary mode: the detail pass shows protocol `hf` here, a layer with no
 * protocol inside it. Dissectors that skip their detail in summary mode call
 * this where the detail pass opens that protocol, so that the summary pass
 * records the packet's layers as the detail tree has them (summary/layers.ts).
 */
export function summaryLayer(hf: u16): void {
  if (!detail && !stopped && layers.recording) layers.closeLayer(layers.openLayer(hf, base, -1, 0));
}

/** Makes an existing node the parent of the nodes that follow. */
export function openNode(i: i32): void {
  if (i >= 0) parent = i;
}

/** Closes the subtree opened by open(); the parent becomes the node's parent. */
export function close(i: i32): void {
  if (i < 0) {
    if (i < -1) layers.closeLayer(i);
    return;
  }
  parent = load<i32>(nodePtr(i), 4);
}

/** Sets the length of a node once it is known (a header whose size is read later). */
export function setLength(i: i32, len: i32): void {
  if (i < 0) return;
  const p = nodePtr(i);
  const id = load<u32>(p) >>> 24;
  const end = id < <u32>SOURCE_CAP ? unchecked(sourceLens[id]) : 0;
  const room = end - load<i32>(p, 8);
  if (len > room) store<u32>(p, load<u32>(p) | (FLAG_CUT << 16));
  store<i32>(p, len < 0 ? 0 : len > room ? (room > 0 ? room : 0) : len, 12);
}

export function lastNode(): i32 {
  return last;
}

/** Marks the node just added hidden (searchable, not shown: ip.addr, tcp.port). */
export function hidden(i: i32): void {
  if (i < 0) return;
  const p = nodePtr(i);
  store<u32>(p, load<u32>(p) | (FLAG_HIDDEN << 16));
}

/** Marks a node as generated by the analyzer rather than read from the packet. */
export function generated(i: i32): void {
  if (i < 0) return;
  const p = nodePtr(i);
  store<u32>(p, load<u32>(p) | (FLAG_GENERATED << 16));
}

/** Starts an annotation of node i (its display text); finish with endNote. */
export function beginNote(): i32 {
  return pool.len;
}

export function endNote(i: i32, mark: i32): void {
  if (i < 0) return;
  setPool(i, mark);
}

/** Like endNote, but the text replaces the whole line, not only the value. */
export function endLabel(i: i32, mark: i32): void {
  if (i < 0) return;
  setPool(i, mark);
  const p = nodePtr(i);
  store<u32>(p, load<u32>(p) | (FLAG_LABEL << 16));
}

/** Adds a hidden copy of a field: ip.addr beside ip.src, tcp.port beside tcp.srcport. */
export function hiddenCopy(hf: u16, off: i32, len: i32, v: u64): void {
  if (!detail || stopped) return;
  hidden(addNode(hf, off, len, v, 0));
}

// The frame-level parent is reset here when a top-level layer begins.
export function rootParent(): void {
  parent = -1;
  layers.rootLayer();
}

export function currentParent(): i32 {
  return parent;
}

export function setParent(p: i32): void {
  parent = p;
}

export function setStopped(s: bool): void {
  stopped = s;
}

/**
 * A time field: seconds in the value words and nanoseconds in the first pool
 * word (time fields carry no annotation). Absolute times count from the epoch.
 */
export function ftime(hf: u16, off: i32, len: i32, sec: i64, nsec: u32, flags: u32): i32 {
  if (!detail || stopped) return -1;
  const i = addNode(hf, off, len, <u64>sec, flags);
  if (i >= 0) store<u32>(nodePtr(i), nsec, 24);
  return i;
}

