// `packetlens stats FILE -z NAME[,FILTER] ... [-Y FILTER] [--json]`:
// statistics of a capture, named as tshark's -z names them. Tables are
// printed as tshark -q prints them; --json prints the library's results.

import { openSync, closeSync } from 'node:fs';
import type { CaptureIndex, Engine } from '../lib/engine/engine';
import { loadEngine, readCaptureFile, readPacketBytes } from '../lib/engine/node';
import { compileFilter } from '../lib/filter/compile';
import { FilterError } from '../lib/filter/errors';
import { runFilter } from '../lib/filter/evaluate';
import {
  conversations,
  endpoints,
  protocolHierarchy,
  packetLengths,
  captureSummary,
  dnsStats,
  tlsStats,
  httpStats,
  TALK_KINDS,
  type StatsSource,
  type ConversationTable,
  type EndpointTable,
  type ProtocolNode,
  type PacketLengths,
  type CaptureSummaryStats,
  type DnsStats,
  type TlsStats,
  type HttpStats,
  type TalkKind,
} from '../lib/stats';
import { UsageError, type ParsedArgs } from './args';
import { BufferedWriter } from './output';
import { captureErrorLine } from './report';

/** A statistic asked for with -z: its name, and the filter after it (tshark's conv,tcp,FILTER). */
interface Request {
  kind: 'conv' | 'endpoints' | 'phs' | 'plen' | 'summary' | 'dns' | 'tls' | 'http';
  talk?: TalkKind;
  /** The name as given, without its filter ("conv,tcp"). */
  name: string;
  filter?: string;
}

export const STATS_NAMES = [
  ...TALK_KINDS.map((k) => `conv,${k}`),
  ...TALK_KINDS.map((k) => `endpoints,${k}`),
  'io,phs',
  'plen',
  'summary',
  'dns',
  'tls',
  'http',
];

/** Parses one -z value: NAME or NAME,FILTER, with tshark's spellings (plen,tree, dns,tree, http,tree). */
export function parseRequest(z: string): Request {
  const parts = z.split(',');
  const head = parts[0]!;
  if (head === 'conv' || head === 'endpoints') {
    const talk = parts[1] as TalkKind;
    if (!TALK_KINDS.includes(talk)) throw new UsageError(`-z ${z}: ${head} takes one of ${TALK_KINDS.join(', ')}`);
    return withFilter({ kind: head, talk, name: `${head},${talk}` }, parts.slice(2));
  }
  if (head === 'io' && parts[1] === 'phs') return withFilter({ kind: 'phs', name: 'io,phs' }, parts.slice(2));
  if (head === 'plen' || head === 'dns' || head === 'http') {
    const rest = parts[1] === 'tree' ? parts.slice(2) : parts.slice(1);
    return withFilter({ kind: head, name: head }, rest);
  }
  if (head === 'tls' || head === 'summary') return withFilter({ kind: head, name: head }, parts.slice(1));
  throw new UsageError(`unknown statistic "${z}" (known: ${STATS_NAMES.join(' ')})`);
}

function withFilter(r: Request, rest: string[]): Request {
  const filter = rest.join(',');
  return filter ? { ...r, filter } : r;
}

type Result = ConversationTable | EndpointTable | { roots: ProtocolNode[] } | PacketLengths | CaptureSummaryStats | DnsStats | TlsStats | HttpStats;

export interface StatsOutput {
  request: Request;
  result: Result;
}

/**
 * Reads the file, applies -Y and each statistic's own filter, and computes
 * the statistics. The index is returned for the caller's error report.
 */
export async function computeStats(engine: Engine, file: string, requests: Request[], displayFilter?: string): Promise<{ index: CaptureIndex; outputs: StatsOutput[] }> {
  const base = displayFilter !== undefined ? compileFilter(displayFilter, engine.registry) : null;
  const own = requests.map((r) => (r.filter !== undefined ? compileOwn(r.filter, engine) : null));
  const index = readCaptureFile(engine, file);
  const fd = openSync(file, 'r');
  try {
    const read = async (ids: number[]) => ids.map((i) => readPacketBytes(fd, index, i));
    const select = async (f: ReturnType<typeof compileFilter>) => (await runFilter(f, index, engine, read)).matches;
    const baseSelection = base ? await select(base) : undefined;
    const outputs: StatsOutput[] = [];
    for (let k = 0; k < requests.length; k++) {
      let selection = baseSelection;
      if (own[k]) {
        const mine = await select(own[k]!);
        if (selection) for (let i = 0; i < mine.length; i++) mine[i]! &= selection[i]!;
        selection = mine;
      }
      const src: StatsSource = { index, engine, read, ...(selection ? { selection } : {}) };
      outputs.push({ request: requests[k]!, result: await compute(src, requests[k]!) });
    }
    return { index, outputs };
  } finally {
    closeSync(fd);
  }
}

/** A -z statistic's own filter: an error in it is explained with its own text, not -Y's. */
class StatFilterError extends FilterError {
  constructor(
    cause: FilterError,
    private readonly source: string,
  ) {
    super(cause.message, cause.position, cause.length, cause.suggestions);
  }

  override explain(): string {
    return super.explain(this.source);
  }
}

function compileOwn(filter: string, engine: Engine) {
  try {
    return compileFilter(filter, engine.registry);
  } catch (e) {
    throw e instanceof FilterError ? new StatFilterError(e, filter) : e;
  }
}

async function compute(src: StatsSource, r: Request): Promise<Result> {
  switch (r.kind) {
    case 'conv':
      return conversations(src, r.talk!);
    case 'endpoints':
      return endpoints(src, r.talk!);
    case 'phs':
      return protocolHierarchy(src);
    case 'plen':
      return packetLengths(src);
    case 'summary':
      return captureSummary(src);
    case 'dns':
      return dnsStats(src);
    case 'tls':
      return tlsStats(src);
    case 'http':
      return httpStats(src);
  }
}

// ---- JSON ---------------------------------------------------------------------

/** What --json prints for one statistic: the library's result without its timings. */
export function jsonOf(out: StatsOutput): unknown {
  const r = out.result;
  switch (out.request.kind) {
    case 'conv':
      // Exactly these names, for machines (the format).
      return (r as ConversationTable).conversations.map((c) => ({
        addressA: c.addressA,
        portA: c.portA,
        addressB: c.addressB,
        portB: c.portB,
        framesAtoB: c.framesAtoB,
        bytesAtoB: c.bytesAtoB,
        framesBtoA: c.framesBtoA,
        bytesBtoA: c.bytesBtoA,
        relStart: c.relStart,
        duration: c.duration,
      }));
    case 'endpoints':
      return (r as EndpointTable).endpoints;
    case 'phs':
      return (r as { roots: ProtocolNode[] }).roots;
    default: {
      const { milliseconds: _m, dissected: _d, ...rest } = r as { milliseconds: number; dissected?: number };
      return rest;
    }
  }
}

// ---- text, as tshark -q prints it ---------------------------------------------------

const TITLES: Record<TalkKind, string> = { eth: 'Ethernet', ip: 'IPv4', ipv6: 'IPv6', tcp: 'TCP', udp: 'UDP' };
const RULE80 = '='.repeat(80);

export function textOf(out: StatsOutput, displayFilter?: string): string {
  const r = out.result;
  const filter = [displayFilter, out.request.filter].filter((f) => f !== undefined).join(' && ') || undefined;
  switch (out.request.kind) {
    case 'conv':
      return conversationText(r as ConversationTable, filter);
    case 'endpoints':
      return endpointText(r as EndpointTable, filter);
    case 'phs':
      return hierarchyText((r as { roots: ProtocolNode[] }).roots, filter);
    case 'plen':
      return lengthsText(r as PacketLengths);
    case 'summary':
      return summaryText(r as CaptureSummaryStats);
    case 'dns':
      return dnsText(r as DnsStats);
    case 'tls':
      return tlsText(r as TlsStats);
    case 'http':
      return httpText(r as HttpStats);
  }
}

/** A byte count as tshark's conversation tables print it (SI prefixes from 10 units). */
export function formatSize(bytes: number): string {
  const units: [number, string][] = [
    [1e12, 'TB'],
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [power, unit] of units) if (Math.floor(bytes / power) >= 10) return `${Math.floor(bytes / power)} ${unit}`;
  return `${bytes} bytes`;
}

function conversationText(t: ConversationTable, filter: string | undefined): string {
  const ports = t.kind === 'tcp' || t.kind === 'udp';
  const w = ports ? 26 : 20;
  const pad = ' '.repeat(2 * w + 7);
  const lines = [
    RULE80,
    `${TITLES[t.kind]} Conversations`,
    `Filter:${filter ?? '<No Filter>'}`,
    `${pad}|       <-      | |       ->      | |     Total     |    Relative    |   Duration   |`,
    `${pad}| Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |`,
  ];
  for (const c of t.conversations) {
    const a = ports ? `${c.addressA}:${c.portA}` : c.addressA;
    const b = ports ? `${c.addressB}:${c.portB}` : c.addressB;
    const cells = [
      [c.framesBtoA, c.bytesBtoA],
      [c.framesAtoB, c.bytesAtoB],
      [c.framesAtoB + c.framesBtoA, c.bytesAtoB + c.bytesBtoA],
    ]
      .map(([f, by]) => `  ${String(f).padStart(6)} ${formatSize(by!).padEnd(9)}`)
      .join('');
    lines.push(`${a.padEnd(w)} <-> ${b.padEnd(w)}${cells}  ${c.relStart.toFixed(9).padStart(14)} ${c.duration.toFixed(4).padStart(14)}`);
  }
  lines.push(RULE80);
  return lines.join('\n') + '\n';
}

function endpointText(t: EndpointTable, filter: string | undefined): string {
  const ports = t.kind === 'tcp' || t.kind === 'udp';
  const lines = [
    RULE80,
    `${TITLES[t.kind]} Endpoints`,
    `Filter:${filter ?? '<No Filter>'}`,
    `                       |${ports ? '  Port  ||' : ''}  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |`,
  ];
  for (const e of t.endpoints) {
    const head = ports ? `${e.address.padEnd(20)}${String(e.port).padStart(11)}${String(e.packets).padStart(11)}` : `${e.address.padEnd(20)}${String(e.packets).padStart(12)}`;
    const widths: [number, number][] = [
      [e.bytes, 14],
      [e.txPackets, 11],
      [e.txBytes, 16],
      [e.rxPackets, 12],
      [e.rxBytes, 16],
    ];
    lines.push(head + widths.map(([v, w]) => String(v).padStart(w)).join('') + '   ');
  }
  lines.push(RULE80);
  return lines.join('\n') + '\n';
}

function hierarchyText(roots: ProtocolNode[], filter: string | undefined): string {
  const rule = '='.repeat(67);
  const lines = ['', rule, 'Protocol Hierarchy Statistics', `Filter: ${filter ?? ''}`, ''];
  const walk = (nodes: ProtocolNode[], depth: number) => {
    for (const n of nodes) {
      const name = (depth > 15 ? '  '.repeat(16) + '...' : '  '.repeat(depth)) + n.protocol;
      lines.push(`${name.padEnd(40)} frames:${n.frames} bytes:${n.bytes}`);
      walk(n.children, depth + 1);
    }
  };
  walk(roots, 0);
  lines.push(rule);
  return lines.join('\n') + '\n';
}

function lengthsText(p: PacketLengths): string {
  const rule = '='.repeat(130);
  const dash = '-'.repeat(130);
  const cols = ['Count', 'Average', 'Min Val', 'Max Val', 'Rate (ms)', 'Percent', 'Burst Rate', 'Burst Start'];
  // Columns of 14 characters, the last of 13, as stats_tree pads them.
  const cells = (list: string[]) => list.map((c, k) => c.padEnd(k === list.length - 1 ? 13 : 14)).join('');
  const lines = ['', rule, 'Packet Lengths:', 'Topic / Item'.padEnd(19) + cells(cols), dash];
  const row = (label: string, r: PacketLengths['total'], percent: string) => {
    const empty = r.count === 0;
    const values = [
      String(r.count),
      // stats_tree averages in single precision.
      empty ? '-' : Math.fround(r.average!).toFixed(2),
      empty ? '-' : String(r.min),
      empty ? '-' : String(r.max),
      r.rate === null ? '' : r.rate.toFixed(4),
      percent,
      empty ? '-' : r.burstRate.toFixed(4),
      empty ? '-' : r.burstStart!.toFixed(3),
    ];
    return label.padEnd(19) + cells(values);
  };
  lines.push(row('Packet Lengths', p.total, '100%'));
  for (const b of p.buckets) lines.push(row(' ' + b.label, b, `${b.percent.toFixed(2)}%`));
  lines.push('', dash);
  return lines.join('\n') + '\n';
}

function keyValues(title: string, rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return [RULE80, title, ...rows.map(([k, v]) => `${(k + ':').padEnd(width)}${v}`), RULE80].join('\n') + '\n';
}

function table(title: string, head: string[], rows: (string | number)[][]): string {
  const all = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, k) => Math.max(...all.map((r) => r[k]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((cell, k) => (k === r.length - 1 ? cell : cell.padEnd(widths[k]!)))
      .join('  ')
      .trimEnd();
  return [title, fmt(head), ...all.slice(1).map(fmt)].join('\n') + '\n';
}

const num = (x: number | null, digits = 2) => (x === null ? 'n/a' : x.toFixed(digits));

function summaryText(s: CaptureSummaryStats): string {
  const rows: [string, string][] = [['File format', s.format]];
  const totals = (label: string, t: CaptureSummaryStats['captured']) => {
    rows.push(
      [`${label} packets`, String(t.packets)],
      [`${label} bytes`, String(t.bytes)],
      [`${label} first packet`, t.firstTimeText ?? 'n/a'],
      [`${label} last packet`, t.lastTimeText ?? 'n/a'],
      [`${label} duration`, t.duration === null ? 'n/a' : `${t.duration.toFixed(6)} seconds`],
      [`${label} packets/s`, num(t.packetsPerSecond)],
      [`${label} bytes/s`, num(t.bytesPerSecond)],
      [`${label} bits/s`, num(t.bitsPerSecond)],
      [`${label} average packet size`, t.averagePacketSize === null ? 'n/a' : `${t.averagePacketSize.toFixed(2)} bytes`],
    );
  };
  totals('Captured', s.captured);
  if (s.displayed) totals('Displayed', s.displayed);
  rows.push(['Packets cut short (snaplen)', String(s.captured.truncated)]);
  // Link types and interfaces count the displayed packets when there is a selection.
  const packets = s.displayed ? 'displayed packets' : 'packets';
  for (const l of s.linkTypes) rows.push([`Link type ${l.linkType}`, `${l.name}, ${l.packets} ${packets}`]);
  for (const i of s.interfaces) {
    const name = [i.name, i.description].filter(Boolean).join(', ');
    const drops = i.dropped !== undefined ? `, ${i.dropped} dropped` : '';
    rows.push([`Interface ${i.index}`, `${name ? name + ', ' : ''}${i.linkTypeName}, snaplen ${i.snaplen || 'not set'}, ${i.packets} ${packets}${drops}`]);
  }
  if (s.hardware) rows.push(['Capture hardware', s.hardware]);
  if (s.os) rows.push(['Capture OS', s.os]);
  if (s.application) rows.push(['Capture application', s.application]);
  for (const c of s.sectionComments) rows.push(['Comment', c]);
  rows.push(['Packets with comments', String(s.commentedPackets)]);
  if (s.error) rows.push(['Error', s.error]);
  return keyValues('Capture Summary', rows);
}

function dnsText(d: DnsStats): string {
  const parts = [
    keyValues('DNS', [
      ['Queries', String(d.queries)],
      ['Responses', String(d.responses)],
      ['Answered queries', String(d.answered)],
      ['Unanswered queries', String(d.unanswered)],
      ['Average response time', d.averageSeconds === null ? 'n/a' : `${d.averageSeconds.toFixed(6)} s`],
      ['Slowest response time', d.maxSeconds === null ? 'n/a' : `${d.maxSeconds.toFixed(6)} s`],
    ]),
    table('Top queried names', ['Count', 'Name'], d.names.slice(0, 20).map((n) => [n.count, n.name])),
    table('Query types', ['Count', 'Type'], d.types.map((t) => [t.count, t.type])),
    table('Response codes', ['Count', 'Code'], d.rcodes.map((r) => [r.count, `${r.name} (${r.code})`])),
    table(
      'Slowest answers',
      ['Seconds', 'Query', 'Response', 'Client', 'Server', 'Type', 'Name'],
      d.slowest.map((a) => [a.seconds.toFixed(6), a.queryPacket + 1, a.responsePacket + 1, a.client, a.server, a.type, a.name]),
    ),
  ];
  return parts.join('\n');
}

function tlsText(t: TlsStats): string {
  return [
    keyValues('TLS', [
      ['ClientHellos', String(t.clientHellos)],
      ['ServerHellos', String(t.serverHellos)],
    ]),
    table('Server names (SNI)', ['Count', 'Name'], t.serverNames.map((n) => [n.count, n.name])),
    table('Versions chosen by servers', ['Count', 'Version'], t.versions.map((v) => [v.count, v.version])),
    table('Application protocols offered (ALPN)', ['Count', 'Protocol'], t.alpn.map((a) => [a.count, a.protocol])),
  ].join('\n');
}

function httpText(h: HttpStats): string {
  return [
    keyValues('HTTP', [
      ['Requests', String(h.requests)],
      ['Responses', String(h.responses)],
    ]),
    table('Hosts', ['Count', 'Host'], h.hosts.map((x) => [x.count, x.host])),
    table('Methods', ['Count', 'Method'], h.methods.map((x) => [x.count, x.method])),
    table('Status codes', ['Count', 'Code'], h.statusCodes.map((x) => [x.count, `${x.code} ${x.phrase}`.trimEnd()])),
  ].join('\n');
}

/** `packetlens stats FILE -z NAME ... [-Y FILTER] [--json]`. */
export async function stats(args: ParsedArgs): Promise<number> {
  const file = args.positional[0];
  if (!file) throw new UsageError('a capture file is needed');
  const out = new BufferedWriter(process.stdout);
  const index = await runStats(file, args.stats, args.filter, args.flags.has('json'), (s) => out.write(s));
  await out.close();
  const error = captureErrorLine(file, index);
  if (error) process.stderr.write(error + '\n');
  return error ? 2 : 0;
}

/** Computes and prints each statistic, in the order asked. */
export async function runStats(file: string, zs: string[], displayFilter: string | undefined, json: boolean, write: (s: string) => void): Promise<CaptureIndex> {
  if (zs.length === 0) throw new UsageError(`stats needs at least one -z NAME (known: ${STATS_NAMES.join(' ')})`);
  const requests = zs.map(parseRequest);
  const engine = await loadEngine();
  const { index, outputs } = await computeStats(engine, file, requests, displayFilter);
  if (json) {
    const value = outputs.length === 1 ? jsonOf(outputs[0]!) : Object.fromEntries(outputs.map((o) => [o.request.name + (o.request.filter ? `,${o.request.filter}` : ''), jsonOf(o)]));
    write(JSON.stringify(value, null, 2) + '\n');
  } else {
    for (const o of outputs) write(textOf(o, displayFilter));
  }
  return index;
}
