// Rebuilding, for the detail pass of one packet, the messages and datagrams
// the summary pass reassembled from several packets, so that the packet
// shows what it showed then (an HTTP request split over segments, a UDP
// datagram split into IP fragments).

import type { CaptureIndex, Rebuilt } from './engine';
import type { Reassembly } from './capture';
import { NO_TIME } from './columns';

/** Reads a packet's captured bytes (from a file, a Blob ...). */
export type PacketReader = (packet: number) => Uint8Array | Promise<Uint8Array>;

/** Records of a segment's TCP sequence analysis (assembly/dissect/tcpanalysis.ts): flags, duplicate ACK, retransmission timeout. */
const KIND_ANALYSIS = 6;
const KIND_DUPACK = 7;
const KIND_RTO = 8;
const ANALYSIS_KINDS = new Set([KIND_ANALYSIS, KIND_DUPACK, KIND_RTO]);

/** Records of IP datagrams rebuilt from fragments (IPv4, IPv6): all that a packet's transport layer needs. */
export const DATAGRAM_KINDS: ReadonlySet<number> = new Set([2, 3]);

/**
 * Reassemblies are applied innermost last: IP datagrams, then TCP messages.
 * With `kinds`, only records of those kinds are rebuilt.
 */
export async function rebuildFor(index: CaptureIndex, packet: number, read: PacketReader, kinds?: ReadonlySet<number>): Promise<Rebuilt[]> {
  const list = index.info.reassemblies.get(packet)?.filter((r) => !kinds || kinds.has(r.kind));
  if (!list?.length) return [];
  // Each packet holding a piece is read once, then the records are rebuilt as below.
  const pieces = new Map<number, Uint8Array>();
  for (const r of list) for (const part of r.parts) if (!pieces.has(part.packet)) pieces.set(part.packet, await read(part.packet));
  return rebuildRecords(index, packet, list, (p) => pieces.get(p)!);
}

/** The same, for readers that answer at once (Node files). */
export function rebuildForSync(index: CaptureIndex, packet: number, read: (packet: number) => Uint8Array, kinds?: ReadonlySet<number>): Rebuilt[] {
  const list = index.info.reassemblies.get(packet)?.filter((r) => !kinds || kinds.has(r.kind));
  return list?.length ? rebuildRecords(index, packet, list, read) : [];
}

/** Rebuilds packet `packet`'s records `list` (from its reassembly table) with pieces read at once. */
export function rebuildRecords(index: CaptureIndex, packet: number, list: readonly Reassembly[], read: (packet: number) => Uint8Array): Rebuilt[] {
  const analysis = analysisFor(index, packet, list);
  const out: Rebuilt[] = analysis ? [analysis] : [];
  for (const r of list) {
    if (ANALYSIS_KINDS.has(r.kind)) continue;
    const bytes = new Uint8Array(r.length);
    for (const part of r.parts) {
      const piece = read(part.packet).subarray(part.offset, part.offset + part.length);
      if (part.at + piece.length <= bytes.length) bytes.set(piece, part.at);
    }
    out.push({ kind: r.kind, bytes, tail: r.tail });
  }
  return out;
}

/**
 * The sequence analysis of a packet, as the engine reads it in the detail
 * pass: u32 flags, u32 acknowledged frame, i64 round trip (ns), u32
 * duplicate ACK number, u32 frame duplicated, u32 RTO frame, u32 0, i64
 * RTO (ns). Times are the differences of the packets' time stamps, as the
 * summary pass measured them.
 */
function analysisFor(index: CaptureIndex, packet: number, list: readonly Reassembly[]): Rebuilt | null {
  let found = false;
  const view = new DataView(new ArrayBuffer(40));
  const since = (frame: number): bigint => {
    const time = index.columns.arrays.time;
    const now = time[packet];
    const then = frame >= 1 ? time[frame - 1] : undefined;
    return now === undefined || then === undefined || now === NO_TIME || then === NO_TIME ? 0n : now - then;
  };
  for (const r of list) {
    if (r.kind === KIND_ANALYSIS) {
      found = true;
      view.setUint32(0, r.length, true);
      view.setUint32(4, r.tail, true);
      if (r.tail) view.setBigInt64(8, since(r.tail), true);
    } else if (r.kind === KIND_DUPACK) {
      view.setUint32(16, r.length, true);
      view.setUint32(20, r.tail, true);
    } else if (r.kind === KIND_RTO) {
      view.setUint32(24, r.length, true);
      view.setBigInt64(32, since(r.length), true);
    }
  }
  return found ? { kind: KIND_ANALYSIS, bytes: new Uint8Array(view.buffer), tail: 0 } : null;
}
