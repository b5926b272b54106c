// The capture summary, as Wireshark's Capture File Properties shows it:
// packets, bytes, first and last time, duration and average rates, for the
// whole capture and for the packets a filter selected; link types,
// interfaces (with their packets and the drops they reported) and comments.
// Read from the index alone.

import { NO_INTERFACE, NO_TIME } from '../engine/columns';
import { FileFormat } from '../engine/capture';
import { linkTypeName } from '../engine/linktypes';
import type { StatsSource } from './source';

export interface Totals {
  packets: number;
  /** Bytes on the wire (frame lengths). */
  bytes: number;
  /** Bytes kept in the file (captured lengths). */
  capturedBytes: number;
  /** Packets cut short by the snapshot length (captured less than on the wire). */
  truncated: number;
  /** Seconds since the epoch of the first and last time stamp; null when no packet has one. */
  firstTime: number | null;
  lastTime: number | null;
  /** "2013-03-07 21:42:06.869344000" (UTC), or null. */
  firstTimeText: string | null;
  lastTimeText: string | null;
  /** Seconds from the first time stamp to the last. */
  duration: number | null;
  packetsPerSecond: number | null;
  bytesPerSecond: number | null;
  bitsPerSecond: number | null;
  averagePacketSize: number | null;
}

export interface InterfaceSummary {
  index: number;
  name?: string;
  description?: string;
  linkType: number;
  linkTypeName: string;
  snaplen: number;
  /** Packets of the capture (or of the selection) captured on it. */
  packets: number;
  bytes: number;
  /** What the interface said it received and dropped (pcapng statistics blocks). */
  received?: number;
  dropped?: number;
}

export interface CaptureSummaryStats {
  format: 'pcap' | 'pcapng' | 'unknown';
  captured: Totals;
  /** The selected packets; null when there is no selection. */
  displayed: Totals | null;
  linkTypes: { linkType: number; name: string; packets: number }[];
  interfaces: InterfaceSummary[];
  /** Comments of the file's sections. */
  sectionComments: string[];
  /** Packets (of the selection) that carry comments. */
  commentedPackets: number;
  hardware?: string;
  os?: string;
  application?: string;
  /** What stopped the reading, when the file is damaged or cut short. */
  error: string | null;
  milliseconds: number;
}

export function captureSummary(src: StatsSource): CaptureSummaryStats {
  const started = performance.now();
  const { index } = src;
  const info = index.info;
  const n = index.packetCount;
  const iface = index.columns.arrays.iface;
  const perInterface = info.interfaces.map(() => ({ packets: 0, bytes: 0 }));
  const perLink = new Map<number, number>();
  const sel = src.selection;
  for (let i = 0; i < n; i++) {
    if (sel && sel[i] !== 1) continue;
    const f = iface[i]!;
    const link = index.linkType(i);
    perLink.set(link, (perLink.get(link) ?? 0) + 1);
    if (f !== NO_INTERFACE && perInterface[f]) {
      perInterface[f]!.packets++;
      perInterface[f]!.bytes += index.columns.origLen(i);
    }
  }
  let commented = 0;
  for (const k of info.comments.keys()) if (k < n && (!sel || sel[k] === 1)) commented++;
  const section = info.sections[0];
  return {
    format: info.format === FileFormat.PCAP ? 'pcap' : info.format === FileFormat.PCAPNG ? 'pcapng' : 'unknown',
    captured: totals(src, null),
    displayed: sel ? totals(src, sel) : null,
    linkTypes: [...perLink].map(([linkType, packets]) => ({ linkType, name: linkType < 0 ? 'pcapng custom block' : linkTypeName(linkType), packets })),
    interfaces: info.interfaces.map((f, k) => ({
      index: k,
      ...(f.name !== undefined ? { name: f.name } : {}),
      ...(f.description !== undefined ? { description: f.description } : {}),
      linkType: f.linkType,
      linkTypeName: linkTypeName(f.linkType),
      snaplen: f.snaplen,
      packets: perInterface[k]!.packets,
      bytes: perInterface[k]!.bytes,
      ...(f.received !== undefined ? { received: Number(f.received) } : {}),
      ...(f.dropped !== undefined ? { dropped: Number(f.dropped) } : {}),
    })),
    sectionComments: info.sections.flatMap((s) => s.comments),
    commentedPackets: commented,
    ...(section?.hardware !== undefined ? { hardware: section.hardware } : {}),
    ...(section?.os !== undefined ? { os: section.os } : {}),
    ...(section?.application !== undefined ? { application: section.application } : {}),
    error: index.error?.message ?? null,
    milliseconds: performance.now() - started,
  };
}

function totals(src: StatsSource, sel: Uint8Array | null): Totals {
  const { index } = src;
  const c = index.columns;
  const time = c.arrays.time;
  let packets = 0;
  let bytes = 0;
  let captured = 0;
  let truncated = 0;
  let first = NO_TIME;
  let last = NO_TIME;
  for (let i = 0; i < index.packetCount; i++) {
    if (sel && sel[i] !== 1) continue;
    packets++;
    const orig = c.origLen(i);
    const cap = c.capLen(i);
    bytes += orig;
    captured += cap;
    if (cap < orig) truncated++;
    const t = time[i]!;
    if (t === NO_TIME) continue;
    if (first === NO_TIME || t < first) first = t;
    if (last === NO_TIME || t > last) last = t;
  }
  const timed = first !== NO_TIME;
  const duration = timed ? Number(last - first) / 1e9 : null;
  const per = (x: number) => (duration ? x / duration : null);
  return {
    packets,
    bytes,
    capturedBytes: captured,
    truncated,
    firstTime: timed ? seconds(first) : null,
    lastTime: timed ? seconds(last) : null,
    firstTimeText: timed ? utcText(first) : null,
    lastTimeText: timed ? utcText(last) : null,
    duration,
    packetsPerSecond: per(packets),
    bytesPerSecond: per(bytes),
    bitsPerSecond: per(bytes * 8),
    averagePacketSize: packets ? bytes / packets : null,
  };
}

function seconds(ns: bigint): number {
  const s = ns / 1_000_000_000n;
  return Number(s) + Number(ns - s * 1_000_000_000n) / 1e9;
}

/** "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" in UTC. */
export function utcText(ns: bigint): string {
  let sec = ns / 1_000_000_000n;
  let frac = ns - sec * 1_000_000_000n;
  if (frac < 0n) {
    frac += 1_000_000_000n;
    sec -= 1n;
  }
  const d = new Date(Number(sec) * 1000);
  if (Number.isNaN(d.getTime())) return `${sec}.${String(frac).padStart(9, '0')}`;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}.${String(frac).padStart(9, '0')}`;
}
