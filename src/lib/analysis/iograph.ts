// The I/O graph's data: packets and bytes per interval over the whole
// capture, for one selection of packets (a display filter's matches, or all).

import type { CaptureIndex } from '../engine/engine';
import { NO_TIME } from '../engine/columns';

/** At most this many intervals are computed (a longer capture needs a longer interval). */
export const MAX_INTERVALS = 200_000;

export interface IoSeries {
  packets: Float64Array;
  bytes: Float64Array;
}

/** The time axis: the first packet's time and how many intervals the capture spans. */
export function ioAxis(index: CaptureIndex, intervalMs: number): { start: bigint; intervals: number } | null {
  const t = index.columns.arrays.time;
  let first = NO_TIME;
  let last = NO_TIME;
  for (let i = 0; i < index.columns.length; i++) {
    const v = t[i]!;
    if (v === NO_TIME) continue;
    if (first === NO_TIME || v < first) first = v;
    if (last === NO_TIME || v > last) last = v;
  }
  if (first === NO_TIME) return null;
  const step = BigInt(Math.max(1, Math.round(intervalMs * 1e6)));
  return { start: first, intervals: Number((last - first) / step) + 1 };
}

/** Packets and bytes (as on the wire) per interval of `intervalMs`, for the packets `selected` marks (all when null). */
export function ioSeries(index: CaptureIndex, start: bigint, intervalMs: number, intervals: number, selected: Uint8Array | null): IoSeries {
  const packets = new Float64Array(intervals);
  const bytes = new Float64Array(intervals);
  const c = index.columns;
  const t = c.arrays.time;
  const step = Math.max(1, Math.round(intervalMs * 1e6));
  // Offsets from the start fit a double exactly for 104 days of nanoseconds; beyond, the rounding is far below an interval.
  for (let i = 0; i < c.length; i++) {
    if (selected && !selected[i]) continue;
    const v = t[i]!;
    if (v === NO_TIME) continue;
    const k = Math.floor(Number(v - start) / step);
    if (k < 0 || k >= intervals) continue;
    packets[k]!++;
    bytes[k]! += c.origLen(i);
  }
  return { packets, bytes };
}
