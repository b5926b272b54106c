// What the capture worker sends to the page: plain, structured-clonable data.

import type { CaptureError } from '../engine/capture';
import type { TimeFormat } from './timefmt';

export interface Progress {
  bytes: number;
  totalBytes: number;
  packets: number;
  /** Packets decoded per second so far. */
  rate: number;
}

export interface CaptureMeta {
  name: string;
  size: number;
  packets: number;
  format: 'pcap' | 'pcapng' | 'unknown';
  /** Link types of the capture's interfaces, without repeats. */
  linkTypes: number[];
  /** First and last packet times, nanoseconds since the epoch as decimal strings; null when unknown. */
  firstTime: string | null;
  lastTime: string | null;
  /** Digits shown after the decimal point in times (6 or 9). */
  timeDigits: number;
  error: CaptureError | null;
  cancelled: boolean;
  /** Milliseconds spent reading the file, and in the engine, during decoding. */
  readMs: number;
  decodeMs: number;
  /** Fields shown as extra columns of the packet list (kept with the session). */
  columns: string[];
  /** The user's comments, marks and note (kept with the session). */
  annotations: { comments: Record<number, string[]>; marks: number[]; note: string };
  /** Null for an ordinary capture; for a Packetlens session file, what could not be restored (empty when all was). */
  session: string[] | null;
  /** Null, or why the opened session's stored index was not used and was rebuilt from its capture. */
  indexRebuild: IndexRebuild | null;
}

export interface IndexRebuild {
  /** 'outdated': stored by an earlier version; 'damaged': it failed its checksum or structure checks. */
  kind: 'outdated' | 'damaged';
  /** What the check found. */
  reason: string;
  /** Whether the rebuilt index replaced the stored one (it is rebuilt again next time if not). */
  kept: boolean;
}

export interface Row {
  /** Position in the capture, from 0 (the No. column shows index + 1). */
  index: number;
  time: string;
  source: string;
  destination: string;
  protocol: string;
  length: number;
  info: string;
  color: string;
  comment: boolean;
  /** Values of the custom columns, as tshark -T fields prints them. */
  custom: string[];
  marked: boolean;
  /** What is known of the addresses: the address itself, its name, vendor, country, AS, special range. */
  sourceNote: string;
  destinationNote: string;
}

export interface TreeNode {
  id: number;
  label: string;
  /** The field's abbreviation, for filters ("ip.src"). */
  abbrev: string;
  /** The field's explanation for learners. */
  blurb: string;
  /** The value as tshark prints it, '' for protocols and labels. */
  value: string;
  /** A display filter selecting packets with this field value (Apply as filter). */
  filter: string;
  offset: number;
  length: number;
  /** Index into PacketView.sources. */
  source: number;
  generated: boolean;
  children: TreeNode[];
}

export interface PacketView {
  index: number;
  tree: TreeNode[];
  sources: { name: string; bytes: Uint8Array }[];
  comments: string[];
  marked: boolean;
}

export type SortColumn = 'number' | 'time' | 'source' | 'destination' | 'protocol' | 'length' | 'info';

export interface RowRequest {
  start: number;
  count: number;
  timeFormat: TimeFormat;
}

/** A display filter checked while it is typed. */
export type FilterCheck =
  | { ok: true }
  | {
      ok: false;
      message: string;
      /** Where the problem is in the filter text, and how long. */
      position: number;
      length: number;
      /** Field names close to an unknown one. */
      suggestions: string[];
      /** The message with the filter and a caret under the problem. */
      explanation: string;
    };

/** What applying a display filter did. */
export type FilterOutcome =
  | Exclude<FilterCheck, { ok: true }>
  | {
      ok: true;
      text: string;
      shown: number;
      total: number;
      /** Packets that had to be dissected (the columns could not answer for them). */
      dissected: number;
      milliseconds: number;
    };

/** A live capture's counters, so that loss is never silent. */
export interface LiveCounters {
  /** Frames received from the bridge. */
  received: number;
  /** Frames decoded into the index. */
  decoded: number;
  /** Packets shown (the display filter's matches, or all). */
  shown: number;
  /** Frames the bridge dropped because the page did not keep up. */
  droppedBridge: number;
  /** Frames libpcap (the kernel, the interface) dropped. */
  droppedPcap: number;
  /** Bytes of the capture kept in memory. */
  bytes: number;
  /** Set when the capture stopped at its limit. */
  limitReached: string | null;
}

export interface LiveCharts {
  traffic: { times: number[]; packets: number[]; bytes: number[] };
  protocols: { name: string; packets: number }[];
  talkers: { address: string; packets: number; bytes: number }[];
}

export interface IoGraphRequest {
  /** The interval, from 1 ms to a minute or more. */
  intervalMs: number;
  /** One series per display filter ('' for all packets). */
  series: { filter: string }[];
}

export interface IoGraphView {
  /** The first packet's time, seconds since the epoch; interval k starts at start + k * intervalMs. */
  start: number;
  intervalMs: number;
  intervals: number;
  series: { filter: string; packets: Float64Array; bytes: Float64Array; problem: string | null }[];
  problem: string | null;
}

export interface HostGraphView {
  nodes: { id: string; packets: number; bytes: number }[];
  edges: { a: string; b: string; packets: number; bytes: number; last: number; weight: number }[];
  omittedNodes: number;
}

export interface ExportRequest {
  format: 'pcapng' | 'csv' | 'json' | 'parquet-packets' | 'parquet-flows';
  /** All packets, those the display filter shows, or the marked ones. */
  packets: 'all' | 'displayed' | 'marked';
}

export interface ExportResult {
  blob: Blob;
  /** A file name for the download. */
  name: string;
  packets: number;
  /** What could not be carried into the file as it was. */
  notes: string[];
}

export type StatsRequest =
  | { type: 'conversations'; kind: import('../stats').ConversationKind }
  | { type: 'endpoints'; kind: import('../stats').EndpointKind }
  | { type: 'hierarchy' | 'lengths' | 'summary' | 'dns' | 'tls' | 'http' };

export type StatsResult =
  | { type: 'conversations'; table: import('../stats').ConversationTable }
  | { type: 'endpoints'; table: import('../stats').EndpointTable }
  | { type: 'hierarchy'; hierarchy: import('../stats').ProtocolHierarchy }
  | { type: 'lengths'; lengths: import('../stats').PacketLengths }
  | { type: 'summary'; summary: import('../stats').CaptureSummaryStats }
  | { type: 'dns'; dns: import('../stats').DnsStats }
  | { type: 'tls'; tls: import('../stats').TlsStats }
  | { type: 'http'; http: import('../stats').HttpStats };
