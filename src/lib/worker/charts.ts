// What the live charts show, computed from the index's columns: packets and
// bytes per interval over the last minutes, packets per protocol, and the
// addresses that sent the most bytes.

import type { CaptureIndex } from '../engine/engine';
import type { Registry } from '../engine/registry';
import { ADDR_KIND_MASK, NO_TIME } from '../engine/columns';
import type { AddressText } from './addresses';

export interface TrafficSeries {
  /** Start of each interval, seconds since the epoch. */
  times: number[];
  packets: number[];
  bytes: number[];
}

/**
 * Packets and bytes (as on the wire) per `intervalMs`, for the last `intervals`
 * intervals up to the newest packet's time.
 */
export function traffic(index: CaptureIndex, intervalMs: number, intervals: number): TrafficSeries {
  const c = index.columns;
  const n = c.length;
  const step = BigInt(Math.round(intervalMs * 1e6));
  let last = NO_TIME;
  for (let i = n - 1; i >= 0 && last === NO_TIME; i--) last = c.arrays.time[i]!;
  if (last === NO_TIME) return { times: [], packets: [], bytes: [] };
  const end = (last / step + 1n) * step;
  const start = end - step * BigInt(intervals);
  const packets = new Array<number>(intervals).fill(0);
  const bytes = new Array<number>(intervals).fill(0);
  // Newest packets are at the end; stop once they are older than the window (live captures arrive in order).
  for (let i = n - 1; i >= 0; i--) {
    const t = c.arrays.time[i]!;
    if (t === NO_TIME) continue;
    if (t < start) break;
    if (t >= end) continue;
    const k = Number((t - start) / step);
    packets[k]!++;
    bytes[k]! += c.origLen(i);
  }
  const times = Array.from({ length: intervals }, (_, k) => Number(start + step * BigInt(k)) / 1e9);
  return { times, packets, bytes };
}

/** Packets per Protocol column value, most first. */
export function protocolCounts(index: CaptureIndex, registry: Registry): { name: string; packets: number }[] {
  const counts = new Float64Array(256);
  const proto = index.columns.arrays.proto;
  for (let i = 0; i < index.columns.length; i++) counts[proto[i]!]!++;
  const out: { name: string; packets: number }[] = [];
  counts.forEach((packets, id) => packets > 0 && out.push({ name: registry.columnProtocols[id]?.name ?? '?', packets }));
  return out.sort((a, b) => b.packets - a.packets);
}

/** The `limit` source addresses that sent the most bytes. */
export function topTalkers(index: CaptureIndex, addresses: AddressText, limit: number): { address: string; packets: number; bytes: number }[] {
  const c = index.columns;
  const byKey = new Map<number, { first: number; packets: number; bytes: number }>();
  for (let i = 0; i < c.length; i++) {
    const kind = c.arrays.addrKind[i]! & ADDR_KIND_MASK;
    const key = kind * 2 ** 32 + c.arrays.src[i]!;
    const e = byKey.get(key);
    if (e) {
      e.packets++;
      e.bytes += c.origLen(i);
    } else byKey.set(key, { first: i, packets: 1, bytes: c.origLen(i) });
  }
  return [...byKey.values()]
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, limit)
    .map((e) => ({ address: addresses.source(e.first), packets: e.packets, bytes: e.bytes }));
}
