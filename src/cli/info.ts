// `packetlens info FILE`: what capinfos reports about a capture.

import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { CaptureIndex } from '../lib/engine/engine';
import { FileFormat } from '../lib/engine/capture';
import { linkTypeName, linkTypeShortName } from '../lib/engine/linktypes';
import { NO_TIME, NO_INTERFACE } from '../lib/engine/columns';

export interface CaptureSummary {
  file: string;
  format: 'pcap' | 'pcapng' | 'unknown';
  encapsulation: string;
  interfaces: { index: number; linkType: number; name: string; snaplen: number; description?: string; ifName?: string }[];
  /** Packets, as capinfos counts them (pcapng custom blocks are not packets). */
  packets: number;
  /** pcapng custom blocks, shown as frames of data by the packet list. */
  customBlocks: number;
  fileSize: number;
  dataSize: number;
  /** Digits after the decimal point of the file's time stamps (6 or 9). */
  timePrecision: number;
  /** Interfaces with different time stamp resolutions. */
  mixedPrecision: boolean;
  firstTime: string | null;
  lastTime: string | null;
  durationSeconds: string | null;
  dataByteRate: string | null;
  dataBitRate: string | null;
  averagePacketSize: string | null;
  averagePacketRate: string | null;
  hardware?: string;
  os?: string;
  application?: string;
  comments: string[];
  error?: string;
}

function precision(index: CaptureIndex): number {
  let digits = 0;
  for (const iface of index.info.interfaces) {
    const r = iface.tsresol;
    const d = r & 0x80 ? Math.ceil((r & 0x7f) * Math.log10(2)) : r;
    digits = Math.max(digits, d);
  }
  return digits || 6;
}

/** "2013-03-07 21:42:06.869344": UTC, with the file's precision. */
export function isoTime(ns: bigint, digits: number): string {
  const sec = ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n);
  const frac = ns - sec * 1_000_000_000n;
  const d = new Date(Number(sec) * 1000);
  const iso = d.toISOString().replace('T', ' ').slice(0, 19);
  return `${iso}.${String(frac).padStart(9, '0').slice(0, digits)}`;
}

function asSeconds(ns: bigint): number {
  const sec = ns / 1_000_000_000n;
  return Number(sec) + Number(ns - sec * 1_000_000_000n) / 1e9;
}

function decimal(ns: bigint, digits: number): string {
  const sec = ns / 1_000_000_000n;
  const frac = ns % 1_000_000_000n;
  return `${sec}.${String(frac).padStart(9, '0').slice(0, digits)}`;
}

export function summarise(file: string, index: CaptureIndex): CaptureSummary {
  const c = index.columns;
  let dataSize = 0;
  let packets = 0;
  let first: bigint | null = null;
  let last: bigint | null = null;
  // As capinfos does, times are unknown when any packet lacks a time stamp.
  let allTimed = true;
  for (let i = 0; i < c.length; i++) {
    if (c.arrays.iface[i] === NO_INTERFACE) continue;
    packets++;
    // Data size counts bytes on the wire, as capinfos does.
    dataSize += c.origLen(i);
    const t = c.arrays.time[i]!;
    if (t === NO_TIME) {
      allTimed = false;
      continue;
    }
    if (first === null || t < first) first = t;
    if (last === null || t > last) last = t;
  }
  if (!allTimed) first = last = null;
  const digits = precision(index);
  const info = index.info;
  const linkTypes = [...new Set(info.interfaces.map((i) => i.linkType))];
  const span = first !== null && last !== null ? last - first : null;
  // capinfos computes rates over the times as doubles; so do we, for the same digits.
  const seconds = first !== null && last !== null ? asSeconds(last) - asSeconds(first) : null;
  const rate = (x: number) => (seconds === null && packets > 0 ? null : (seconds !== null && seconds > 0 ? x / seconds : 0).toFixed(2));
  const section = info.sections[0];
  return {
    file: basename(file),
    format: info.format === FileFormat.PCAP ? 'pcap' : info.format === FileFormat.PCAPNG ? 'pcapng' : 'unknown',
    encapsulation: linkTypes.length === 1 ? linkTypeShortName(linkTypes[0]!) : linkTypes.length === 0 ? 'unknown' : 'per-packet',
    interfaces: info.interfaces.map((i) => ({
      index: i.index,
      linkType: i.linkType,
      name: linkTypeName(i.linkType),
      snaplen: i.snaplen,
      ...(i.description !== undefined ? { description: i.description } : {}),
      ...(i.name !== undefined ? { ifName: i.name } : {}),
    })),
    packets,
    customBlocks: c.length - packets,
    fileSize: statSync(file).size,
    dataSize,
    timePrecision: digits,
    mixedPrecision: new Set(info.interfaces.map((i) => i.tsresol)).size > 1,
    firstTime: first !== null ? isoTime(first, digits) : null,
    lastTime: last !== null ? isoTime(last, digits) : null,
    durationSeconds: span !== null ? decimal(span, digits) : null,
    dataByteRate: rate(dataSize),
    dataBitRate: rate(dataSize * 8),
    averagePacketSize: (packets > 0 ? dataSize / packets : 0).toFixed(2),
    averagePacketRate: rate(packets),
    ...(section?.hardware !== undefined ? { hardware: section.hardware } : {}),
    ...(section?.os !== undefined ? { os: section.os } : {}),
    ...(section?.application !== undefined ? { application: section.application } : {}),
    comments: info.sections.flatMap((s) => s.comments),
  };
}

export function renderSummary(s: CaptureSummary): string {
  const rows: [string, string][] = [
    ['File name', s.file],
    ['File type', s.format + (s.format === 'pcap' ? (s.timePrecision === 9 ? ' (nanosecond time stamps)' : ' (microsecond time stamps)') : '')],
    ['File encapsulation', s.encapsulation],
  ];
  for (const i of s.interfaces) {
    const extra = [i.ifName, i.description].filter(Boolean).join(', ');
    rows.push([`Interface ${i.index}`, `${i.name} (${i.linkType}), snaplen ${i.snaplen || 'not set'}${extra ? `, ${extra}` : ''}`]);
  }
  rows.push(
    ['Number of packets', String(s.packets)],
    ...(s.customBlocks ? ([['Custom blocks', String(s.customBlocks)]] as [string, string][]) : []),
    ['File size', `${s.fileSize} bytes`],
    ['Data size', `${s.dataSize} bytes`],
    ['Capture duration', s.durationSeconds !== null ? `${s.durationSeconds} seconds` : 'n/a'],
    ['First packet time', s.firstTime ?? 'n/a'],
    ['Last packet time', s.lastTime ?? 'n/a'],
    ['Data byte rate', s.dataByteRate !== null ? `${s.dataByteRate} bytes/s` : 'n/a'],
    ['Data bit rate', s.dataBitRate !== null ? `${s.dataBitRate} bits/s` : 'n/a'],
    ['Average packet size', s.averagePacketSize !== null ? `${s.averagePacketSize} bytes` : 'n/a'],
    ['Average packet rate', s.averagePacketRate !== null ? `${s.averagePacketRate} packets/s` : 'n/a'],
  );
  if (s.hardware) rows.push(['Capture hardware', s.hardware]);
  if (s.os) rows.push(['Capture oper-sys', s.os]);
  if (s.application) rows.push(['Capture application', s.application]);
  for (const c of s.comments) rows.push(['Capture comment', c]);
  if (s.error) rows.push(['Error', s.error]);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${(k + ':').padEnd(width)}${v}`).join('\n') + '\n';
}
