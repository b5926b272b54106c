// What QUIC remembers between packets, after Wireshark's quic_info_data:
// the connections seen, their connection IDs (to find the connection of a
// packet and whether it comes from the server), and the Destination
// Connection ID of the client's first Initial, from which both sides'
// Initial keys derive (RFC 9001, 5.2) — a second one after a Retry.
//
// Bounded: at most CONNS connections (the least recently used is dropped),
// and at most two Initial DCIDs each (RFC 9000 allows one Retry). The table
// changes only while the engine tracks state (frame.track, the summary pass,
// in packet order); the detail pass of one packet reads it and ignores what
// was learnt after the packet (connections created later, a DCID set later).

import { frame } from "../core/pinfo";
import { net } from "../core/net";
import { CaptureWatch } from "./tls_util";
import { markUdpApp, udpAppAt } from "../summary/flows";

export const MAX_CID = 20;
const CONNS = 64;
const CID_STRIDE = 24; // length byte + 20 bytes, rounded up

const used = new StaticArray<bool>(CONNS);
const number = new StaticArray<i32>(CONNS);
const createdFrame = new StaticArray<u32>(CONNS);
const lastUse = new StaticArray<u32>(CONNS);
const stream = new StaticArray<i32>(CONNS);
const version = new StaticArray<u32>(CONNS);
const serverPort = new StaticArray<u32>(CONNS);
const serverAlen = new StaticArray<i32>(CONNS);
const serverAddr: usize = heap.alloc(<usize>(CONNS * 16));
const clientCid: usize = heap.alloc(<usize>(CONNS * CID_STRIDE));
const serverCid: usize = heap.alloc(<usize>(CONNS * CID_STRIDE));
// Initial DCIDs: [0] the first client Initial's, [1] the one after a Retry.
const initialDcid: usize = heap.alloc(<usize>(CONNS * 2 * CID_STRIDE));
const initialFrom = new StaticArray<u32>(CONNS * 2);
const dcidSet = new StaticArray<bool>(CONNS);
// Frame of the first short header packet: tshark reports the missing 1-RTT
// secrets once, then skips decryption for the connection.
const firstShort = new StaticArray<u32>(CONNS);
// Frame of the server's first Initial packet (which carries its ServerHello,
// from which TLS learns the cipher suite).
const serverInitial = new StaticArray<u32>(CONNS);

let connections: i32 = 0;
let clock: u32 = 0;
const watch = new CaptureWatch();

// QUIC conversations: UDP streams where QUIC was recognised (tshark sets the
// conversation's dissector), so that later packets of the stream are QUIC.
// Marked in the flow table, which a stored session keeps.
const APP_QUIC: u32 = 1;

export function resetQuicConnections(): void {
  for (let i = 0; i < CONNS; i++) unchecked((used[i] = false));
  connections = 0;
  clock = 0;
}
resetQuicConnections();

/**
 * A new capture restarts frame numbers: forget the previous capture's
 * connections (the engine's reset does not call this module). True when reset.
 */
export function checkNewCapture(): bool {
  const fresh = watch.changed();
  if (fresh) resetQuicConnections();
  return fresh;
}

// @ts-ignore: decorator
@inline function visible(i: i32): bool {
  return unchecked(used[i]) && (frame.track || unchecked(createdFrame[i]) <= frame.number);
}

export function markQuicStream(s: i32): void {
  if (!frame.track || s < 0) return;
  markUdpApp(APP_QUIC, frame.number);
}

export function isQuicStream(s: i32): bool {
  if (s < 0) return false;
  return udpAppAt(s, frame.track ? 0xffffffff : frame.number) == APP_QUIC;
}

// ---- connection IDs ----------------------------------------------------------

function cidAt(base: usize, i: i32): usize {
  return base + <usize>(i * CID_STRIDE);
}

export function cidLen(p: usize): i32 {
  return <i32>load<u8>(p);
}

/** Is the stored CID at p equal to len bytes at q? */
function cidEquals(p: usize, q: usize, len: i32): bool {
  if (cidLen(p) != len) return false;
  return memory.compare(p + 1, q, <usize>len) == 0;
}

/** Does the stored CID at p (of any length, even 0) start the `avail` bytes at q? */
function cidPrefixOf(p: usize, q: usize, avail: i32): bool {
  const n = cidLen(p);
  if (n > avail) return false;
  return n == 0 || memory.compare(p + 1, q, <usize>n) == 0;
}

function setCid(p: usize, q: usize, len: i32): void {
  const n = len < 0 ? 0 : len > MAX_CID ? MAX_CID : len;
  store<u8>(p, <u8>n);
  if (n > 0) memory.copy(p + 1, q, <usize>n);
}

export function clientCidOf(c: i32): usize {
  return cidAt(clientCid, c);
}
export function serverCidOf(c: i32): usize {
  return cidAt(serverCid, c);
}
export function numberOf(c: i32): i32 {
  return unchecked(number[c]);
}
export function versionOf(c: i32): u32 {
  return unchecked(version[c]);
}

/**
 * The DCID that keys this connection's Initial packets at the current frame
 * (a pointer to a stored CID: length byte then bytes), or 0 when none.
 */
export function initialDcidOf(c: i32): usize {
  let best: i32 = -1;
  for (let k = 0; k < 2; k++) {
    const from = unchecked(initialFrom[c * 2 + k]);
    if (from == 0) continue;
    if (!frame.track && from > frame.number) continue;
    if (best < 0 || from >= unchecked(initialFrom[c * 2 + best])) best = k;
  }
  return best < 0 ? 0 : cidAt(initialDcid, c * 2 + best);
}

// ---- lookups -------------------------------------------------------------------

/** The packet's source is the connection's server (address and port). */
export function fromServerOf(c: i32, srcPort: u32): bool {
  if (unchecked(serverPort[c]) != srcPort) return false;
  const alen = unchecked(serverAlen[c]);
  if (alen != net.alen || alen <= 0 || net.src == 0) return alen == net.alen;
  return memory.compare(serverAddr + <usize>(c * 16), net.src, <usize>alen) == 0;
}

/** The most recent connection of a UDP stream (quic_connection_from_conv), or -1. */
export function connectionOfStream(s: i32): i32 {
  let best = -1;
  for (let i = 0; i < CONNS; i++) {
    if (!visible(i) || unchecked(stream[i]) != s) continue;
    if (best < 0 || unchecked(number[i]) > unchecked(number[best])) best = i;
  }
  return best;
}

/** Set by the lookups: the packet comes from the server of the connection found. */
export let foundFromServer: bool = false;

/**
 * quic_connection_find_dcid: the connection whose client (then server) CID
 * is the DCID at q (len bytes); with an empty DCID, the stream's connection.
 */
export function findByDcid(q: usize, len: i32, s: i32, srcPort: u32): i32 {
  if (len > 0) {
    for (let i = 0; i < CONNS; i++) {
      if (!visible(i) || !cidEquals(cidAt(clientCid, i), q, len)) continue;
      foundFromServer = true;
      // The same CID on both sides: the ports decide.
      if (cidEquals(cidAt(serverCid, i), q, len)) foundFromServer = fromServerOf(i, srcPort);
      return i;
    }
    for (let i = 0; i < CONNS; i++) {
      if (!visible(i) || !cidEquals(cidAt(serverCid, i), q, len)) continue;
      foundFromServer = false;
      return i;
    }
    return -1;
  }
  const c = connectionOfStream(s);
  if (c >= 0) foundFromServer = fromServerOf(c, srcPort);
  return c;
}

/** A connection whose Initial DCID is the DCID at q (Wireshark's quic_initial_connections); the packet is the client's. */
export function findByInitialDcid(q: usize, len: i32): i32 {
  foundFromServer = false;
  if (len <= 0) return -1;
  // The most recent match: without tracking, an older connection whose
  // entry a Retry has since erased may still match.
  let best = -1;
  for (let i = 0; i < CONNS; i++) {
    if (!visible(i)) continue;
    // While tracking, a Retry has removed the connection from this map until the next client Initial.
    if (frame.track && !unchecked(dcidSet[i])) continue;
    const p = initialDcidOf(i);
    if (p == 0 || !cidEquals(p, q, len)) continue;
    if (best < 0 || unchecked(number[i]) > unchecked(number[best])) best = i;
  }
  return best;
}

/** Is the DCID at q the connection's current Initial DCID, or a prefix-match of its server CID? */
export function matchesInitialOrServer(c: i32, q: usize, len: i32): bool {
  const p = initialDcidOf(c);
  if (p != 0 && cidEquals(p, q, len)) return true;
  return cidPrefixOf(cidAt(serverCid, c), q, len);
}

/**
 * Short header packets: the DCID's length is unknown. First the stream's
 * connection, if the bytes after the first byte start with the CID of the
 * receiving side; then any connection with a CID of some length that matches
 * (after a migration). `avail` bytes are readable at q.
 */
export function findShort(q: usize, avail: i32, s: i32, srcPort: u32): i32 {
  const c = connectionOfStream(s);
  if (c >= 0) {
    const fs = fromServerOf(c, srcPort);
    const cid = fs ? cidAt(clientCid, c) : cidAt(serverCid, c);
    if (cidPrefixOf(cid, q, avail)) {
      foundFromServer = fs;
      return c;
    }
  }
  for (let len = (avail < MAX_CID ? avail : MAX_CID); len >= 1; len--) {
    const f = findByDcid(q, len, s, srcPort);
    if (f >= 0) return f;
  }
  return -1;
}

// ---- updates (tracking only) -----------------------------------------------------

/** A client Initial that matched no connection starts one (quic_connection_create). */
export function createConnection(ver: u32, s: i32, dstPort: u32): i32 {
  if (!frame.track) return -1;
  let slot = -1;
  for (let i = 0; i < CONNS; i++) {
    if (!unchecked(used[i])) {
      slot = i;
      break;
    }
  }
  if (slot < 0) {
    // Full: reuse the connection unused for longest.
    slot = 0;
    for (let i = 1; i < CONNS; i++) if (unchecked(lastUse[i]) < unchecked(lastUse[slot])) slot = i;
  }
  unchecked((used[slot] = true));
  unchecked((number[slot] = connections++));
  unchecked((createdFrame[slot] = frame.number));
  unchecked((lastUse[slot] = ++clock));
  unchecked((stream[slot] = s));
  unchecked((version[slot] = ver));
  unchecked((serverPort[slot] = dstPort));
  const alen = net.alen > 16 ? 16 : net.alen;
  unchecked((serverAlen[slot] = alen));
  if (alen > 0 && net.dst != 0) memory.copy(serverAddr + <usize>(slot * 16), net.dst, <usize>alen);
  store<u8>(cidAt(clientCid, slot), 0);
  store<u8>(cidAt(serverCid, slot), 0);
  unchecked((initialFrom[slot * 2] = 0));
  unchecked((initialFrom[slot * 2 + 1] = 0));
  unchecked((dcidSet[slot] = false));
  unchecked((firstShort[slot] = 0));
  unchecked((serverInitial[slot] = 0));
  return slot;
}

export function touchConnection(c: i32): void {
  if (frame.track && c >= 0) unchecked((lastUse[c] = ++clock));
}

/** quic_connection_update_initial: the client's SCID and the DCID that keys the Initial packets. */
export function updateInitial(c: i32, scid: usize, scidLen: i32, dcid: usize, dcidLen: i32): void {
  if (!frame.track) return;
  if (scidLen > 0) setCid(cidAt(clientCid, c), scid, scidLen);
  if (dcidLen > 0) {
    // The first DCID, then the one after a Retry (a later one replaces the second).
    const k = unchecked(initialFrom[c * 2]) == 0 ? 0 : 1;
    setCid(cidAt(initialDcid, c * 2 + k), dcid, dcidLen);
    unchecked((initialFrom[c * 2 + k] = frame.number));
    unchecked((dcidSet[c] = true));
  }
}

/** A server Initial packet was seen for the connection (now while tracking). */
export function sawServerInitial(c: i32): void {
  if (frame.track && unchecked(serverInitial[c]) == 0) unchecked((serverInitial[c] = frame.number));
}

/** Had the server sent an Initial packet (its ServerHello) by this frame? */
export function hasServerInitial(c: i32): bool {
  const f = unchecked(serverInitial[c]);
  return f != 0 && f <= frame.number;
}

/** Is this the connection's first short header packet (the one that finds the 1-RTT secrets missing)? */
export function firstShortPacket(c: i32): bool {
  if (frame.track && unchecked(firstShort[c]) == 0) unchecked((firstShort[c] = frame.number));
  return unchecked(firstShort[c]) == frame.number;
}

export function dcidIsSet(c: i32): bool {
  return unchecked(dcidSet[c]);
}

/** After a Retry the client's next Initial sets a new Initial DCID. */
export function clearInitialDcid(c: i32): void {
  if (frame.track) unchecked((dcidSet[c] = false));
}

export function clearServerCid(c: i32): void {
  if (frame.track) store<u8>(cidAt(serverCid, c), 0);
}

/** The server's CID, from its first Initial, Retry or Handshake packet. */
export function setServerCidIfEmpty(c: i32, scid: usize, scidLen: i32): void {
  if (!frame.track || scidLen <= 0) return;
  const p = cidAt(serverCid, c);
  if (cidLen(p) == 0) setCid(p, scid, scidLen);
}

