// The layers of each packet, for statistics: the sequence of protocols at
// the top level of its tree (eth, ip, tcp, http: what Wireshark's protocol
// hierarchy counts) and the Ethernet addresses of its first Ethernet header
// (what the Ethernet conversations count). The summary columns hold neither,
// and dissecting every packet again to learn them would be slow, so the
// summary pass records them here, in two side columns of the batch:
//
//   colPath     u16  the packet's layer sequence, interned (PATH_UNKNOWN when the table is full),
//                    with two flags: PATH_CUT, the dissection stopped at a read past the data
//                    (Wireshark's bounds exceptions), and PATH_FRAGMENT, an IP fragment
//   colEthPair  u32  its first Ethernet header's (destination, source), interned (NO_ETH_PAIR when none)
//
// Each new sequence and each new pair is announced to the host once, by a
// LAYER_PATH or ETH_PAIR event. Memory grows with the number of distinct
// sequences and pairs, never with the number of packets.
//
// In summary mode the tree records no nodes; core/tree.ts calls openLayer()
// and closeLayer() instead for protocol fields, so that the nesting (a packet
// quoted inside an ICMP error is not at the top level) is the detail tree's.

import * as col from "./columns";
import * as ev from "../capture/events";
import { isProtocol, fieldCount } from "../core/registry";
import { HF_ETH } from "../dissect/ethernet";
import { HF_FRAME } from "../dissect/frame";
import { pinfo } from "../core/pinfo";

export const EV_LAYER_PATH: u32 = 11; // a: path id; b: layer count; payload: count x u16 field id
export const EV_ETH_PAIR: u32 = 12; // a: pair id; payload: 6 bytes destination, 6 bytes source

export const PATH_UNKNOWN: u32 = 0x3fff;
export const PATH_FRAGMENT: u32 = 0x4000;
export const PATH_CUT: u32 = 0x8000;
export const NO_ETH_PAIR: u32 = 0xffffffff;

/** Layers kept per packet; a packet with more has PATH_UNKNOWN (the host dissects it). */
const MAX_LAYERS: i32 = 32;
/** An Ethernet header counts when its destination, source and type are captured (as the dissector needs them). */
const ETH_HEADER: i32 = 14;

export const colPath = heap.alloc(<usize>(col.BATCH_CAP * 2));
export const colEthPair = heap.alloc(<usize>(col.BATCH_CAP * 4));

// ---- this packet's layers -------------------------------------------------

/** Layers are recorded during the summary pass only (not for single packets dissected later). */
export let recording: bool = false;
const layerField = new StaticArray<u16>(MAX_LAYERS);
const layerParent = new StaticArray<i32>(MAX_LAYERS);
let layerCount: i32 = 0;
let current: i32 = -1;
let tooMany: bool = false;
let ethSeen: bool = false;
const ethBytes = heap.alloc(16);
const pathScratch = heap.alloc(<usize>(MAX_LAYERS * 2));

export function setRecording(on: bool): void {
  recording = on;
}

// Which fields are protocols, one byte per field id: open() asks for every
// subtree of every packet, so the answer is a load rather than a registry lookup.
let protocolMap: usize = 0;
let protocolMapLen: i32 = 0;

// @ts-ignore: decorator
@inline function protocolField(hf: u16): bool {
  if (<i32>hf >= protocolMapLen) buildProtocolMap();
  return <i32>hf < protocolMapLen && load<u8>(protocolMap + <usize>hf) != 0;
}

function buildProtocolMap(): void {
  const n = fieldCount();
  if (n == protocolMapLen) return;
  if (protocolMap != 0) heap.free(protocolMap);
  const size = n > 0 ? n : 1;
  protocolMap = heap.alloc(<usize>size);
  for (let i = 0; i < n; i++) store<u8>(protocolMap + <usize>i, isProtocol(<u16>i) ? 1 : 0);
  protocolMapLen = n;
}

/** A new packet: no layer yet. */
export function beginLayers(): void {
  layerCount = 0;
  current = -1;
  tooMany = false;
  ethSeen = false;
}

/** The next layers are at the top level again (core/tree.ts rootParent). */
export function rootLayer(): void {
  current = -1;
}

/**
 * Summary mode: a subtree opens at `off` of the current data source, which
 * starts at `base` and whose layer ends at `limit`. Returns the handle
 * close() passes back (below -1, so that dissectors see "no node"), or -1
 * for fields that are not protocols.
 */
export function openLayer(hf: u16, base: usize, off: i32, limit: i32): i32 {
  if (!protocolField(hf)) return -1;
  noteEthernet(hf, base, off, limit);
  if (layerCount >= MAX_LAYERS) {
    tooMany = true;
    return -1;
  }
  const k = layerCount++;
  unchecked((layerField[k] = hf));
  unchecked((layerParent[k] = current));
  current = k;
  return -2 - k;
}

/** Summary mode: the layer with this handle ends; its parent is current again. */
export function closeLayer(handle: i32): void {
  const k = -2 - handle;
  if (k >= 0 && k < layerCount) current = unchecked(layerParent[k]);
}

/** Both modes: keeps the addresses of the packet's first Ethernet header. */
export function noteEthernet(hf: u16, base: usize, off: i32, limit: i32): void {
  if (hf != HF_ETH || ethSeen || off < 0 || off > limit - ETH_HEADER) return;
  ethSeen = true;
  memory.copy(ethBytes, base + <usize>off, 12);
  store<u32>(ethBytes, 0, 12);
}

/**
 * The packet is dissected: writes its path and pair to row `row` of the
 * batch. With a detail tree (the CLI's streaming pass) the top-level
 * protocol nodes are read from the tree itself.
 */
export function finishLayers(row: i32, nodes: usize, nodeCount: i32, nodeWords: i32, detail: bool, stopped: bool): void {
  let n = 0;
  if (detail) {
    for (let i = 0; i < nodeCount; i++) {
      const p = nodes + <usize>(i * nodeWords * 4);
      if (load<i32>(p, 4) != -1) continue;
      const hf = <u16>(load<u32>(p) & 0xffff);
      if (hf == HF_FRAME || !protocolField(hf)) continue;
      if (n >= MAX_LAYERS) {
        tooMany = true;
        break;
      }
      store<u16>(pathScratch + <usize>(n << 1), hf);
      n++;
    }
  } else {
    for (let k = 0; k < layerCount; k++) {
      if (unchecked(layerParent[k]) != -1) continue;
      store<u16>(pathScratch + <usize>(n << 1), unchecked(layerField[k]));
      n++;
    }
  }
  const path = tooMany ? PATH_UNKNOWN : samePathAsLast(n) ? lastPath : rememberPath(n, internPath(n));
  const flags = (stopped ? PATH_CUT : 0) | (pinfo.fragmented ? PATH_FRAGMENT : 0);
  store<u16>(colPath + (<usize>row << 1), <u16>(path | flags));
  store<u32>(colEthPair + (<usize>row << 2), ethSeen ? pairId() : NO_ETH_PAIR);
}

// The previous packet's path: consecutive packets often have the same one.
const lastScratch = heap.alloc(<usize>(MAX_LAYERS * 2));
let lastLen: i32 = -1;
let lastPath: u32 = PATH_UNKNOWN;

function samePathAsLast(n: i32): bool {
  if (n != lastLen) return false;
  for (let i = 0; i < n; i++) {
    if (load<u16>(lastScratch + <usize>(i << 1)) != load<u16>(pathScratch + <usize>(i << 1))) return false;
  }
  return true;
}

function rememberPath(n: i32, id: u32): u32 {
  if (id == PATH_UNKNOWN) return id;
  memory.copy(lastScratch, pathScratch, <usize>(n << 1));
  lastLen = n;
  lastPath = id;
  return id;
}

// ---- interning --------------------------------------------------------------

/** Open-addressing table of ids (id + 1; 0 empty) over keys kept elsewhere. */
class IdTable {
  slots: usize = 0;
  mask: i32 = 0;
  size: i32 = 0;

  init(capacity: i32): void {
    if (this.slots != 0) heap.free(this.slots);
    this.mask = capacity - 1;
    this.slots = heap.alloc(<usize>(capacity * 4));
    memory.fill(this.slots, 0, <usize>(capacity * 4));
    this.size = 0;
  }
}

// Paths: layer sequences stored one after another (u16 field ids).
let pathStore: usize = 0;
let pathStoreCap: i32 = 0;
let pathStoreLen: i32 = 0; // u16 entries used
let pathStart: usize = 0; // i32 per path: first entry
let pathLen: usize = 0; // i32 per path: entries
let pathCap: i32 = 0;
const paths = new IdTable();

// Ethernet pairs: open addressing with the key inline, 16 bytes a slot
// (12 bytes of addresses, then id + 1; 0 empty), so that a lookup touches
// one cache line: a large capture has tens of thousands of pairs, and every
// packet looks one up.
let pairSlots: usize = 0;
let pairMask: i32 = 0;
let pairCount: i32 = 0;

function initPairs(capacity: i32): void {
  pairSlots = heap.alloc(<usize>(capacity << 4));
  memory.fill(pairSlots, 0, <usize>(capacity << 4));
  pairMask = capacity - 1;
}

function init(): void {
  pathStoreCap = 4096;
  pathStore = heap.alloc(<usize>(pathStoreCap * 2));
  pathCap = 256;
  pathStart = heap.alloc(<usize>(pathCap * 4));
  pathLen = heap.alloc(<usize>(pathCap * 4));
  paths.init(512);
  initPairs(4096);
}
init();

export function resetLayers(): void {
  lastLen = -1;
  pathStoreLen = 0;
  paths.init(512);
  memory.fill(pairSlots, 0, <usize>((pairMask + 1) << 4));
  pairCount = 0;
  lastPairId = NO_ETH_PAIR;
  beginLayers();
}

function hashPath(n: i32): u32 {
  let h: u32 = 0x811c9dc5 ^ <u32>n;
  for (let i = 0; i < n; i++) {
    h = (h ^ <u32>load<u16>(pathScratch + <usize>(i << 1))) * 0x01000193;
  }
  return h ^ (h >> 15);
}

function samePath(id: i32, n: i32): bool {
  if (load<i32>(pathLen + <usize>(id << 2)) != n) return false;
  const start = pathStore + (<usize>load<i32>(pathStart + <usize>(id << 2)) << 1);
  for (let i = 0; i < n; i++) {
    if (load<u16>(start + <usize>(i << 1)) != load<u16>(pathScratch + <usize>(i << 1))) return false;
  }
  return true;
}

function internPath(n: i32): u32 {
  let s = <i32>hashPath(n) & paths.mask;
  while (true) {
    const v = load<i32>(paths.slots + <usize>(s << 2));
    if (v == 0) break;
    if (samePath(v - 1, n)) return <u32>(v - 1);
    s = (s + 1) & paths.mask;
  }
  if (<u32>paths.size >= PATH_UNKNOWN) return PATH_UNKNOWN;
  const m = ev.begin(EV_LAYER_PATH, <u32>paths.size, <u32>n, n * 2);
  if (m < 0) return PATH_UNKNOWN;
  for (let i = 0; i < n; i++) ev.put16(<u32>load<u16>(pathScratch + <usize>(i << 1)));
  ev.end(m);
  const id = paths.size++;
  if (id >= pathCap) growPathIndex();
  if (pathStoreLen + n > pathStoreCap) growPathStore(pathStoreLen + n);
  store<i32>(pathStart + <usize>(id << 2), pathStoreLen);
  store<i32>(pathLen + <usize>(id << 2), n);
  memory.copy(pathStore + (<usize>pathStoreLen << 1), pathScratch, <usize>(n << 1));
  pathStoreLen += n;
  store<i32>(paths.slots + <usize>(s << 2), id + 1);
  if (paths.size * 2 > paths.mask) rehashPaths();
  return <u32>id;
}

function growPathIndex(): void {
  const cap = pathCap * 2;
  const start = heap.alloc(<usize>(cap * 4));
  const len = heap.alloc(<usize>(cap * 4));
  memory.copy(start, pathStart, <usize>(pathCap * 4));
  memory.copy(len, pathLen, <usize>(pathCap * 4));
  heap.free(pathStart);
  heap.free(pathLen);
  pathStart = start;
  pathLen = len;
  pathCap = cap;
}

function growPathStore(min: i32): void {
  let cap = pathStoreCap * 2;
  while (cap < min) cap *= 2;
  const store2 = heap.alloc(<usize>(cap * 2));
  memory.copy(store2, pathStore, <usize>(pathStoreLen * 2));
  heap.free(pathStore);
  pathStore = store2;
  pathStoreCap = cap;
}

function rehashPaths(): void {
  const count = paths.size;
  paths.init((paths.mask + 1) * 2);
  paths.size = count;
  for (let id = 0; id < count; id++) {
    const n = load<i32>(pathLen + <usize>(id << 2));
    memory.copy(pathScratch, pathStore + (<usize>load<i32>(pathStart + <usize>(id << 2)) << 1), <usize>(n << 1));
    let s = <i32>hashPath(n) & paths.mask;
    while (load<i32>(paths.slots + <usize>(s << 2)) != 0) s = (s + 1) & paths.mask;
    store<i32>(paths.slots + <usize>(s << 2), id + 1);
  }
}

// @ts-ignore: decorator
@inline function hashPair(p: usize): u32 {
  let h: u64 = 0x9e3779b97f4a7c15;
  h = (h ^ load<u64>(p)) * 0xff51afd7ed558ccd;
  h = (h ^ <u64>load<u32>(p, 8)) * 0xc4ceb9fe1a85ec53;
  return <u32>(h ^ (h >> 29));
}

// The previous packet's pair: a flow's packets often come in runs.
const lastPair = heap.alloc(16);
let lastPairId: u32 = NO_ETH_PAIR;

function pairId(): u32 {
  if (lastPairId != NO_ETH_PAIR && load<u64>(lastPair) == load<u64>(ethBytes) && load<u32>(lastPair, 8) == load<u32>(ethBytes, 8)) return lastPairId;
  const id = internPair();
  memory.copy(lastPair, ethBytes, 12);
  lastPairId = id;
  return id;
}

function internPair(): u32 {
  let s = <i32>hashPair(ethBytes) & pairMask;
  const a = load<u64>(ethBytes);
  const b = load<u32>(ethBytes, 8);
  while (true) {
    const slot = pairSlots + (<usize>s << 4);
    const v = load<u32>(slot, 12);
    if (v == 0) break;
    if (load<u64>(slot) == a && load<u32>(slot, 8) == b) return v - 1;
    s = (s + 1) & pairMask;
  }
  const m = ev.begin(EV_ETH_PAIR, <u32>pairCount, 0, 12);
  if (m < 0) return NO_ETH_PAIR;
  ev.putBytes(ethBytes, 12);
  ev.end(m);
  const id = pairCount++;
  const slot = pairSlots + (<usize>s << 4);
  store<u64>(slot, a);
  store<u32>(slot, b, 8);
  store<u32>(slot, <u32>id + 1, 12);
  if (pairCount * 2 > pairMask) growPairs();
  return <u32>id;
}

function growPairs(): void {
  const old = pairSlots;
  const oldCap = pairMask + 1;
  initPairs(oldCap * 2);
  for (let i = 0; i < oldCap; i++) {
    const from = old + (<usize>i << 4);
    if (load<u32>(from, 12) == 0) continue;
    let s = <i32>hashPair(from) & pairMask;
    while (load<u32>(pairSlots + (<usize>s << 4), 12) != 0) s = (s + 1) & pairMask;
    memory.copy(pairSlots + (<usize>s << 4), from, 16);
  }
  heap.free(old);
}
