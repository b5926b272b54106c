// TCP sequence analysis, with Wireshark's meaning: retransmissions, lost
// and out-of-order segments, duplicate ACKs, window and keep-alive events,
// and which segment an ACK acknowledges. It runs in the summary pass, in
// file order, as Wireshark's tcp_analyze_sequence_number does in its first
// pass; what it finds for a packet is announced to the host (a record of
// kind KIND_ANALYSIS and friends, see tcpreasm.ts), so that the detail pass
// of one packet shows the same as the pass over the file.
//
// State is kept per stream direction in a table indexed by tcp.stream * 2 +
// direction (the flow table's direction: 0 when the sender is endpoint A),
// reset with each capture. Memory grows with the number of streams and, per
// direction, with the segments not yet acknowledged (at most MAX_UNACKED).

import * as ev from "../capture/events";

// Analysis flags, Wireshark's TCP_A_* values.
export const A_RETRANSMISSION: u32 = 0x0001;
export const A_LOST_PACKET: u32 = 0x0002;
export const A_ACK_LOST_PACKET: u32 = 0x0004;
export const A_KEEP_ALIVE: u32 = 0x0008;
export const A_DUPLICATE_ACK: u32 = 0x0010;
export const A_ZERO_WINDOW: u32 = 0x0020;
export const A_ZERO_WINDOW_PROBE: u32 = 0x0040;
export const A_ZERO_WINDOW_PROBE_ACK: u32 = 0x0080;
export const A_KEEP_ALIVE_ACK: u32 = 0x0100;
export const A_OUT_OF_ORDER: u32 = 0x0200;
export const A_FAST_RETRANSMISSION: u32 = 0x0400;
export const A_WINDOW_UPDATE: u32 = 0x0800;
export const A_WINDOW_FULL: u32 = 0x1000;
export const A_REUSED_PORTS: u32 = 0x2000;
export const A_SPURIOUS_RETRANSMISSION: u32 = 0x4000;

const TH_FIN: u32 = 0x01;
const TH_SYN: u32 = 0x02;
const TH_RST: u32 = 0x04;
const TH_ACK: u32 = 0x10;

/** Wireshark's TCP_MAX_UNACKED_SEGMENTS: beyond it, segments are not remembered. */
const MAX_UNACKED: i32 = 1000;
/** Out-of-order threshold when the handshake's round trip is not known (3 ms). */
const OOO_DEFAULT_NS: i64 = 3000000;
/** A retransmission within 20 ms of the duplicate ACKs is a fast retransmission. */
const FAST_RETRANSMIT_NS: i64 = 20000000;

// ---- per direction ---------------------------------------------------------
const D_NEXTSEQ = 0; // u32: highest sequence number expected next (0: none yet)
const D_NEXTSEQ_FRAME = 4; // u32: frame that set it
const D_NEXTSEQ_TIME = 8; // i64
const D_LASTACK = 16; // u32: the last acknowledgment number sent in this direction
const D_LASTNONDUPACK = 20; // u32: frame of the last ACK that was not a duplicate
const D_LASTACK_TIME = 24; // i64
const D_DUPACKNUM = 32; // i32
const D_WINDOW = 36; // u32: the last window field, unscaled
const D_WIN_SCALE = 40; // i32: -1 unknown, -2 none, else the shift
const D_LASTSEGFLAGS = 44; // u32: analysis flags of the last segment
const D_MAXSEQTOBEACKED = 48; // u32
const D_SEG_HEAD = 52; // i32: newest unacknowledged segment, -1 when none
const D_SEG_COUNT = 56; // i32
const D_ACKLOST_QUIET = 60; // i32: whether an ACK of this direction's unseen data is reported (below)
const DIR = 64;
const ACKLOST_QUIET = 1; // reported: not again for now
const ACKLOST_REARMED = 2; // reported, then a new gap: report again
// ---- per stream: two directions, then the handshake times -------------------
const S_MRU_SYN = 2 * DIR; // i64: time of the most recent SYN (0: none)
const S_FIRST_RTT = 2 * DIR + 8; // i64: the handshake's round trip (0: not known)
const STREAM = 2 * DIR + 16;

// ---- unacknowledged segments: a pool of list cells --------------------------
const U_NEXT = 0; // i32
const U_FRAME = 4; // u32
const U_SEQ = 8; // u32
const U_NEXTSEQ = 12; // u32
const U_TIME = 16; // i64
const CELL = 24;

let table: usize = 0;
let tableCap: i32 = 0; // streams
let tableUsed: i32 = 0; // streams initialised
let cells: usize = 0;
let cellCap: i32 = 0;
let cellUsed: i32 = 0;
let freeCell: i32 = -1;

export function resetTcpAnalysis(): void {
  openAt = -1;
  tableUsed = 0;
  cellUsed = 0;
  freeCell = -1;
}

function streamPtr(stream: i32): usize {
  if (stream >= tableCap) {
    let cap = tableCap < 256 ? 256 : tableCap;
    while (cap <= stream) cap <<= 1;
    table = table == 0 ? heap.alloc(<usize>(cap * STREAM)) : heap.realloc(table, <usize>(cap * STREAM));
    tableCap = cap;
  }
  while (tableUsed <= stream) {
    const p = table + <usize>(tableUsed * STREAM);
    memory.fill(p, 0, <usize>STREAM);
    for (let d = 0; d < 2; d++) {
      const q = p + <usize>(d * DIR);
      store<i32>(q + D_WIN_SCALE, -1);
      store<i32>(q + D_SEG_HEAD, -1);
    }
    tableUsed++;
  }
  return table + <usize>(stream * STREAM);
}

function newCell(): i32 {
  if (freeCell >= 0) {
    const c = freeCell;
    freeCell = load<i32>(cellPtr(c) + U_NEXT);
    return c;
  }
  if (cellUsed >= cellCap) {
    const cap = cellCap < 1024 ? 1024 : cellCap << 1;
    cells = cells == 0 ? heap.alloc(<usize>(cap * CELL)) : heap.realloc(cells, <usize>(cap * CELL));
    cellCap = cap;
  }
  return cellUsed++;
}

// @ts-ignore: decorator
@inline function cellPtr(c: i32): usize {
  return cells + <usize>(c * CELL);
}

// @ts-ignore: decorator
@inline function gtSeq(a: u32, b: u32): bool {
  return <i32>(a - b) > 0;
}
// @ts-ignore: decorator
@inline function ltSeq(a: u32, b: u32): bool {
  return <i32>(a - b) < 0;
}
// @ts-ignore: decorator
@inline function leSeq(a: u32, b: u32): bool {
  return <i32>(a - b) <= 0;
}

// ---- what the analysis found for the current segment ------------------------

/** Whether there is anything to show (Wireshark's tcp_acked for the frame). */
export let found = false;
export let flags: u32 = 0;
/** Frame (1-based) of the segment this one acknowledges; 0 when none. */
export let acksFrame: u32 = 0;
/** Time since that segment, in nanoseconds. */
export let ackRtt: i64 = 0;
export let dupAckNum: u32 = 0;
/** Frame (1-based) of the ACK this one duplicates. */
export let dupAckFrame: u32 = 0;
/** For a retransmission: the frame (1-based) it is measured from, and the time since. */
export let rtoFrame: u32 = 0;
export let rto: i64 = 0;

function clearResult(): void {
  found = false;
  flags = 0;
  acksFrame = 0;
  ackRtt = 0;
  dupAckNum = 0;
  dupAckFrame = 0;
  rtoFrame = 0;
  rto = 0;
}

function mark(f: u32): void {
  found = true;
  flags |= f;
}

/**
 * Analyses one segment of `stream`, sent in direction `dir`, at frame
 * `frame` (1-based) and time `now`; `window` is the window field as sent.
 * `reused` says the segment started a new stream on ports used before.
 */
export function analyseSegment(stream: i32, dir: i32, frame: u32, now: i64, seq: u32, ack: u32, seglen: u32, th: u32, window: u32, reused: bool): void {
  clearResult();
  if (stream < 0) return;
  const s = streamPtr(stream);
  const fwd = s + <usize>(dir * DIR);
  const rev = s + <usize>((1 - dir) * DIR);
  if (reused) mark(A_REUSED_PORTS);
  const nextseq = load<u32>(fwd + D_NEXTSEQ);
  const lastack = load<u32>(fwd + D_LASTACK);
  const noFlags = (th & (TH_SYN | TH_FIN | TH_RST)) == 0;

  let probe = false;
  // A zero window probe: the next byte expected, alone, while the other side's window is zero.
  if (seglen == 1 && seq == nextseq && load<u32>(rev + D_WINDOW) == 0) {
    mark(A_ZERO_WINDOW_PROBE);
    probe = true;
  }
  if (!probe) {
    if (window == 0 && noFlags) mark(A_ZERO_WINDOW);
    // A hole before this segment: a segment of this direction was not captured.
    if (nextseq != 0 && gtSeq(seq, nextseq) && (th & TH_RST) == 0) {
      mark(A_LOST_PACKET);
      // After a report, a new gap may be acknowledged unseen again (see below).
      if (load<i32>(fwd + D_ACKLOST_QUIET) == ACKLOST_QUIET) store<i32>(fwd + D_ACKLOST_QUIET, ACKLOST_REARMED);
    }
    // A keep-alive: 0 or 1 byte, one before the next expected byte.
    if (seglen <= 1 && seq == nextseq - 1 && noFlags) mark(A_KEEP_ALIVE);
    const sameAck = seglen == 0 && seq == nextseq && ack == lastack && noFlags;
    const oldWindow = load<u32>(fwd + D_WINDOW);
    if (sameAck && window != 0 && window != oldWindow) mark(A_WINDOW_UPDATE);
    // Data up to the edge of the window the other side advertised.
    const revScale = load<i32>(rev + D_WIN_SCALE);
    if (seglen > 0 && revScale != -1 && noFlags) {
      const shift = revScale == -2 ? 0 : revScale;
      if (seq + seglen == load<u32>(rev + D_LASTACK) + (load<u32>(rev + D_WINDOW) << <u32>shift)) mark(A_WINDOW_FULL);
    }
    const revLast = load<u32>(rev + D_LASTSEGFLAGS);
    if (sameAck && window != 0 && window == oldWindow && (revLast & A_KEEP_ALIVE) != 0) {
      mark(A_KEEP_ALIVE_ACK);
    } else if (sameAck && window == 0 && oldWindow == 0 && (revLast & A_ZERO_WINDOW_PROBE) != 0) {
      mark(A_ZERO_WINDOW_PROBE_ACK);
    } else if (sameAck && window != 0 && window == oldWindow) {
      const n = load<i32>(fwd + D_DUPACKNUM) + 1;
      store<i32>(fwd + D_DUPACKNUM, n);
      mark(A_DUPLICATE_ACK);
      dupAckNum = <u32>n;
      dupAckFrame = load<u32>(fwd + D_LASTNONDUPACK);
    }
  }
  // A new acknowledgment number restarts the count of duplicates.
  if (ack != lastack) {
    store<u32>(fwd + D_LASTNONDUPACK, frame);
    store<i32>(fwd + D_DUPACKNUM, 0);
  }
  // Acknowledging data of the other direction that was never seen. Once
  // said, it is not said again until that direction shows a new gap, and a
  // retransmission or out-of-order segment after that gap quiets it again.
  // (Found by experiment with tshark 4.0, whose source differs here from
  // the later one read, which counts on the duplicate ACK counter.)
  const revMax = load<u32>(rev + D_MAXSEQTOBEACKED);
  if (revMax != 0 && gtSeq(ack, revMax) && (th & TH_ACK) != 0) {
    found = true;
    const revNext = load<u32>(rev + D_NEXTSEQ);
    if (revMax > revNext) {
      store<u32>(rev + D_MAXSEQTOBEACKED, revNext);
      mark(A_ACK_LOST_PACKET);
    } else {
      if (load<i32>(rev + D_ACKLOST_QUIET) != ACKLOST_QUIET) mark(A_ACK_LOST_PACKET);
      store<i32>(rev + D_ACKLOST_QUIET, ACKLOST_QUIET);
    }
  }
  retransmission(s, fwd, rev, frame, now, seq, seglen, th);
  if ((flags & (A_RETRANSMISSION | A_FAST_RETRANSMISSION | A_SPURIOUS_RETRANSMISSION | A_OUT_OF_ORDER)) != 0 && load<i32>(fwd + D_ACKLOST_QUIET) == ACKLOST_REARMED) {
    store<i32>(fwd + D_ACKLOST_QUIET, ACKLOST_QUIET);
  }
  remember(fwd, frame, now, seq, ack, seglen, th, window);
  acknowledge(rev, frame, now, ack);
}

/** Retransmissions, fast retransmissions, spurious ones and out-of-order segments. */
function retransmission(s: usize, fwd: usize, rev: usize, frame: u32, now: i64, seq: u32, seglen: u32, th: u32): void {
  if (seglen == 0 && (th & (TH_SYN | TH_FIN)) == 0) return;
  // A keep-alive is not a retransmission.
  if ((flags & A_KEEP_ALIVE) != 0) return;
  const nextseq = load<u32>(fwd + D_NEXTSEQ);
  let notAdvanced = nextseq != 0 && ltSeq(seq, nextseq);
  // One byte before the next expected, with more data: it follows a zero window probe.
  if (seglen > 1 && nextseq - 1 == seq) notAdvanced = false;
  const revLastAck = load<u32>(rev + D_LASTACK);
  // Data the other side has already acknowledged.
  if (seglen > 0 && revLastAck != 0 && leSeq(seq + seglen, revLastAck)) {
    mark(A_SPURIOUS_RETRANSMISSION);
    return;
  }
  // Two or more duplicate ACKs asked for this data within the last 20 ms.
  if (notAdvanced && load<i32>(rev + D_DUPACKNUM) >= 2 && revLastAck == seq && now - load<i64>(rev + D_LASTACK_TIME) < FAST_RETRANSMIT_NS) {
    mark(A_FAST_RETRANSMISSION);
    return;
  }
  // Soon after the highest segment, and not a copy of it: out of order.
  const firstRtt = load<i64>(s + S_FIRST_RTT);
  const threshold = firstRtt == 0 ? OOO_DEFAULT_NS : firstRtt;
  const end = seq + seglen + ((th & (TH_SYN | TH_FIN)) != 0 ? 1 : 0);
  if (notAdvanced && now - load<i64>(fwd + D_NEXTSEQ_TIME) < threshold && nextseq != end) {
    mark(A_OUT_OF_ORDER);
    return;
  }
  if (!notAdvanced) return;
  mark(A_RETRANSMISSION);
  // Measured from the oldest segment not yet acknowledged, or from the highest.
  rtoFrame = load<u32>(fwd + D_NEXTSEQ_FRAME);
  rto = now - load<i64>(fwd + D_NEXTSEQ_TIME);
  let c = load<i32>(fwd + D_SEG_HEAD);
  while (c >= 0) {
    const p = cellPtr(c);
    rtoFrame = load<u32>(p + U_FRAME);
    rto = now - load<i64>(p + U_TIME);
    c = load<i32>(p + U_NEXT);
  }
}

/** Records the segment: the next sequence number, the last ACK and window, the unacknowledged data. */
function remember(fwd: usize, frame: u32, now: i64, seq: u32, ack: u32, seglen: u32, th: u32, window: u32): void {
  let nextseq = seq + seglen;
  if ((seglen != 0 || (th & (TH_SYN | TH_FIN)) != 0) && load<i32>(fwd + D_SEG_COUNT) < MAX_UNACKED) {
    if ((th & (TH_SYN | TH_FIN)) != 0) nextseq += 1;
    const c = newCell();
    const p = cellPtr(c);
    store<i32>(p + U_NEXT, load<i32>(fwd + D_SEG_HEAD));
    store<u32>(p + U_FRAME, frame);
    store<u32>(p + U_SEQ, seq);
    store<u32>(p + U_NEXTSEQ, nextseq);
    store<i64>(p + U_TIME, now);
    store<i32>(fwd + D_SEG_HEAD, c);
    store<i32>(fwd + D_SEG_COUNT, load<i32>(fwd + D_SEG_COUNT) + 1);
  }
  const probe = (flags & A_ZERO_WINDOW_PROBE) != 0;
  const old = load<u32>(fwd + D_NEXTSEQ);
  // A zero window probe does not move the next expected byte.
  if ((gtSeq(nextseq, old) || old == 0) && !probe) {
    store<u32>(fwd + D_NEXTSEQ, nextseq);
    store<u32>(fwd + D_NEXTSEQ_FRAME, frame);
    store<i64>(fwd + D_NEXTSEQ_TIME, now);
  }
  const max = load<u32>(fwd + D_MAXSEQTOBEACKED);
  if ((seq == max || max == 0) && !probe) store<u32>(fwd + D_MAXSEQTOBEACKED, load<u32>(fwd + D_NEXTSEQ));
  store<u32>(fwd + D_WINDOW, window);
  store<u32>(fwd + D_LASTACK, ack);
  store<i64>(fwd + D_LASTACK_TIME, now);
  store<u32>(fwd + D_LASTSEGFLAGS, found ? flags : 0);
}

/** Drops the other direction's segments this ACK covers; notes the one it acknowledges exactly. */
function acknowledge(rev: usize, frame: u32, now: i64, ack: u32): void {
  let prev = -1;
  let c = load<i32>(rev + D_SEG_HEAD);
  while (c >= 0) {
    const p = cellPtr(c);
    const useq = load<u32>(p + U_SEQ);
    const unext = load<u32>(p + U_NEXTSEQ);
    if (ack == unext) {
      found = true;
      acksFrame = load<u32>(p + U_FRAME);
      ackRtt = now - load<i64>(p + U_TIME);
    } else if (gtSeq(ack, useq) && leSeq(ack, unext)) {
      // Part of the segment is acknowledged: what is left starts at the ACK.
      store<u32>(p + U_SEQ, ack);
      continue;
    } else if (gtSeq(unext, ack)) {
      prev = c;
      c = load<i32>(p + U_NEXT);
      continue;
    }
    const next = load<i32>(p + U_NEXT);
    if (prev < 0) store<i32>(rev + D_SEG_HEAD, next);
    else store<i32>(cellPtr(prev) + U_NEXT, next);
    store<i32>(p + U_NEXT, freeCell);
    freeCell = c;
    store<i32>(rev + D_SEG_COUNT, load<i32>(rev + D_SEG_COUNT) - 1);
    c = next;
  }
}

/**
 * After the segment's analysis: the handshake's timing (a SYN's time, and
 * the round trip at the first pure ACK after it), and a SYN's window scale
 * (`shift`, -1 when it has no Window Scale option), checked as Wireshark's
 * verify_tcp_window_scaling does.
 */
export function afterSegment(stream: i32, dir: i32, now: i64, th: u32, shift: i32): void {
  if (stream < 0) return;
  const s = streamPtr(stream);
  const fwd = s + <usize>(dir * DIR);
  const rev = s + <usize>((1 - dir) * DIR);
  if (shift >= 0) store<i32>(fwd + D_WIN_SCALE, shift > 14 ? 14 : shift);
  if ((th & TH_SYN) != 0) {
    const synack = (th & TH_ACK) != 0;
    if (load<i32>(fwd + D_WIN_SCALE) == -1) {
      store<i32>(fwd + D_WIN_SCALE, -2);
      store<i32>(rev + D_WIN_SCALE, -2);
    } else if (synack && load<i32>(rev + D_WIN_SCALE) == -2) {
      store<i32>(fwd + D_WIN_SCALE, -2);
    }
    if (!synack) store<i64>(s + S_MRU_SYN, now);
  } else if ((th & TH_ACK) != 0 && load<i64>(s + S_MRU_SYN) != 0 && load<i64>(s + S_FIRST_RTT) == 0) {
    store<i64>(s + S_FIRST_RTT, now - load<i64>(s + S_MRU_SYN));
  }
}

/** The window scale of a stream direction now: -1 unknown, -2 none, else the shift. */
export function windowScale(stream: i32, dir: i32): i32 {
  if (stream < 0 || stream >= tableUsed) return -1;
  return load<i32>(table + <usize>(stream * STREAM + dir * DIR) + D_WIN_SCALE);
}

// ---- telling the host, and being told back ---------------------------------

/** Record kinds (tcpreasm.ts numbers the others). */
export const KIND_ANALYSIS: u32 = 6; // length: flags; tail: acknowledged frame
export const KIND_DUPACK: u32 = 7; // length: duplicate number; tail: frame duplicated
export const KIND_RTO: u32 = 8; // length: frame the retransmission is measured from

// Most segments have something to tell (the segment they acknowledge), so the
// records go out packed, several in one event that grows while nothing else
// is written after it: u32 packet, kind, length, tail each (capture.ts).
const EV_RECORDS: u32 = 13;
let openAt: i32 = -1;
let openSerial: u32 = 0;

function record(packet: u32, kind: u32, length: u32, tail: u32): void {
  // Still the last event in the buffer (the host has not drained it, nothing came after)?
  const open = openAt >= 0 && ev.len >= openAt + 16 && load<u32>(ev.buf + <usize>openAt) == EV_RECORDS && load<u32>(ev.buf + <usize>openAt, 8) == openSerial && openAt + 16 + <i32>load<u32>(ev.buf + <usize>openAt, 4) == ev.len;
  if (open && ev.room() >= 16) {
    ev.put32(packet);
    ev.put32(kind);
    ev.put32(length);
    ev.put32(tail);
    store<u32>(ev.buf + <usize>openAt, <u32>(ev.len - openAt - 16), 4);
    return;
  }
  const m = ev.begin(EV_RECORDS, ++openSerial, 0, 16);
  if (m < 0) {
    openAt = -1;
    return;
  }
  ev.put32(packet);
  ev.put32(kind);
  ev.put32(length);
  ev.put32(tail);
  ev.end(m);
  openAt = m;
}

/** Announces the current segment's analysis for packet index `packet` (0-based). */
export function announce(packet: u32): void {
  if (!found) return;
  record(packet, KIND_ANALYSIS, flags, acksFrame);
  if ((flags & A_DUPLICATE_ACK) != 0) record(packet, KIND_DUPACK, dupAckNum, dupAckFrame);
  if ((flags & A_RETRANSMISSION) != 0 && rto != 0) record(packet, KIND_RTO, rtoFrame, 0);
}

/**
 * The detail pass of one packet: the analysis the host rebuilt from the
 * records (rebuild.ts): u32 flags, u32 acknowledged frame, i64 round trip,
 * u32 duplicate number, u32 frame duplicated, u32 RTO frame, u32 0, i64 RTO.
 */
export function loadInjected(p: usize, length: i32): void {
  clearResult();
  if (p == 0 || length < 40) return;
  found = true;
  flags = load<u32>(p);
  acksFrame = load<u32>(p + 4);
  ackRtt = load<i64>(p + 8);
  dupAckNum = load<u32>(p + 16);
  dupAckFrame = load<u32>(p + 20);
  rtoFrame = load<u32>(p + 24);
  rto = load<i64>(p + 32);
}

/** Nothing found (a packet the summary pass did not analyse). */
export function clearAnalysis(): void {
  clearResult();
}
