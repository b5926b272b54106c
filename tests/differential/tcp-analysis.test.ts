// TCP sequence analysis (assembly/dissect/tcpanalysis.ts) against tshark:
// the tcp.analysis.* fields, the window scaling they depend on, and the
// Info column's "[TCP Retransmission] " prefixes and TCP summary, on every
// corpus capture with TCP and on hand-made captures for what the corpus
// lacks. The detail pass of each packet alone must show what the pass over
// the file showed (the analysis reaches it as records, see rebuild.ts).
//
// Not compared, because Packetlens does not compute them yet: tshark's
// tcp.analysis.bytes_in_flight, push_bytes_sent and initial_rtt, and so the
// presence of the tcp.analysis subtree itself (tshark adds it for those too).
// In the Info column, what an application dissector wrote after the TCP
// prefixes belongs to that dissector's suite (http-ssh, tls-quic ...).

import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngine, readCaptureFile, readPacketBytes } from '../../src/lib/engine/node';
import { FieldExtractor } from '../../src/lib/engine/fields';
import { rebuildForSync } from '../../src/lib/engine/rebuild';
import { compileFilter } from '../../src/lib/filter/compile';
import { runFilter } from '../../src/lib/filter/evaluate';
import { tsharkAvailable, tsharkFields } from './tshark';
import { captureFiles, corpusAvailable, CORPUS } from './corpus';
import { tcpAnalysisDeviation } from './deviations';
import { CaptureBuilder, SYN, ACK, PSH, FIN, RST, URG, opt, options } from './tcp-builder';

const engine = await loadEngine();
const enabled = tsharkAvailable() && corpusAvailable();
const work = mkdtempSync(join(tmpdir(), 'packetlens-tcp-analysis-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

export const ANALYSIS_FIELDS = [
  'tcp.analysis.flags',
  'tcp.analysis.retransmission',
  'tcp.analysis.fast_retransmission',
  'tcp.analysis.spurious_retransmission',
  'tcp.analysis.out_of_order',
  'tcp.analysis.lost_segment',
  'tcp.analysis.ack_lost_segment',
  'tcp.analysis.duplicate_ack',
  'tcp.analysis.duplicate_ack_num',
  'tcp.analysis.duplicate_ack_frame',
  'tcp.analysis.zero_window',
  'tcp.analysis.zero_window_probe',
  'tcp.analysis.zero_window_probe_ack',
  'tcp.analysis.window_full',
  'tcp.analysis.window_update',
  'tcp.analysis.keep_alive',
  'tcp.analysis.keep_alive_ack',
  'tcp.analysis.reused_ports',
  'tcp.analysis.acks_frame',
  'tcp.analysis.ack_rtt',
  'tcp.analysis.rto',
  'tcp.analysis.rto_frame',
  'tcp.window_size',
  'tcp.window_size_scalefactor',
  'tcp.options.sack_le',
  'tcp.options.sack_re',
];

const ANALYSIS_TEXT =
  'Retransmission|Fast Retransmission|Spurious Retransmission|Out-Of-Order|Previous segment not captured|ACKed unseen segment|Window Update|Window Full|Keep-Alive|Keep-Alive ACK|Dup ACK \\d+#\\d+|ZeroWindowProbe|ZeroWindow|ZeroWindowProbeAck|Port numbers reused';
const PREFIX = new RegExp(`^(?:\\[TCP (?:${ANALYSIS_TEXT})\\] )*`);
/** What TCP writes in the Info column: ports, flags, numbers, window, length and options. */
const SUMMARY = /^\d+ → \d+ \[[^\]]*\] Seq=\d+(?: Ack=\d+)? Win=\d+(?: Urg=\d+)?(?: Len=\d+)?(?: (?:MSS|WS|TSval|TSecr|SLE|SRE)=\d+| SACK_PERM)*/;

/** The analysis prefix of an Info column, and the TCP summary after it (null when an application wrote the column). */
function tcpInfo(info: string): { prefix: string; summary: string | null } {
  const prefix = PREFIX.exec(info)![0];
  return { prefix, summary: SUMMARY.exec(info.slice(prefix.length))?.[0] ?? null };
}

interface Pass {
  fields: string[][];
  info: string[];
}

/** One pass over the file with a tree per packet: the fields and the Info column. */
function streamed(path: string, fields: readonly string[]): Pass {
  const extractor = new FieldExtractor(engine.registry, fields);
  const out: Pass = { fields: [], info: [] };
  engine.onPacketTree((packet, raw) => {
    out.fields[packet] = extractor.extract(raw, (s) => engine.sourceBytes(s));
    out.info[packet] = engine.lastInfo();
  });
  try {
    readCaptureFile(engine, path);
  } finally {
    engine.onPacketTree(null);
  }
  return out;
}

/** The detail pass of each packet alone, with the records the summary pass left. */
function detailed(path: string, fields: readonly string[], packets: number[]): Map<number, { fields: string[]; info: string }> {
  const index = readCaptureFile(engine, path);
  const extractor = new FieldExtractor(engine.registry, fields);
  const out = new Map<number, { fields: string[]; info: string }>();
  const fd = openSync(path, 'r');
  try {
    const read = (p: number) => readPacketBytes(fd, index, p);
    for (const i of packets) {
      const rebuilt = rebuildForSync(index, i, read);
      const raw = engine.dissectNodes(index, i, read(i), rebuilt);
      const values = extractor.extract(raw, (s) => engine.sourceBytes(s));
      out.set(i, { fields: values, info: engine.describe(index, i, read(i), rebuilt).info });
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

interface Comparison {
  differences: string[];
  cells: number;
  flagged: number;
}

/**
 * Differences with tshark: every analysis cell; the Info column's prefix,
 * and its TCP summary where TCP wrote the column (`fullInfo`: all of it);
 * and the detail pass of each TCP packet against the pass over the file.
 */
function compare(path: string, file: string, fullInfo: boolean): Comparison {
  const want = tsharkFields(path, ['frame.number', 'tcp.stream', ...ANALYSIS_FIELDS, '_ws.col.Info']);
  const ours = streamed(path, ANALYSIS_FIELDS);
  const out: Comparison = { differences: [], cells: 0, flagged: 0 };
  if (want.length !== ours.info.length) out.differences.push(`packet count: got ${ours.info.length}, tshark ${want.length}`);
  const tcpPackets: number[] = [];
  want.forEach((row, i) => {
    if (!row[1]) return;
    tcpPackets.push(i);
    const frame = i + 1;
    ANALYSIS_FIELDS.forEach((field, c) => {
      const w = row[c + 2] ?? '';
      const g = ours.fields[i]?.[c] ?? '';
      out.cells++;
      if (field === 'tcp.analysis.flags' && w) out.flagged++;
      if (w !== g && !tcpAnalysisDeviation(file, field, frame)) out.differences.push(`frame ${frame} ${field}: got "${g}", tshark "${w}"`);
    });
    const wInfo = row[ANALYSIS_FIELDS.length + 2] ?? '';
    const gInfo = ours.info[i] ?? '';
    if (fullInfo) {
      if (wInfo !== gInfo) out.differences.push(`frame ${frame} Info: got "${gInfo}", tshark "${wInfo}"`);
    } else if (!tcpAnalysisDeviation(file, 'Info', frame)) {
      const w = tcpInfo(wInfo);
      const g = tcpInfo(gInfo);
      if (w.prefix !== g.prefix) out.differences.push(`frame ${frame} Info prefix: got "${g.prefix}", tshark "${w.prefix}"`);
      if (w.summary !== null && w.summary !== g.summary) out.differences.push(`frame ${frame} Info TCP summary: got "${g.summary}", tshark "${w.summary}"`);
    }
  });
  for (const [i, d] of detailed(path, ANALYSIS_FIELDS, tcpPackets)) {
    d.fields.forEach((v, c) => {
      if (v !== (ours.fields[i]?.[c] ?? '')) out.differences.push(`frame ${i + 1} ${ANALYSIS_FIELDS[c]}: detail pass "${v}", pass over the file "${ours.fields[i]?.[c]}"`);
    });
    if (tcpInfo(d.info).prefix !== tcpInfo(ours.info[i] ?? '').prefix) out.differences.push(`frame ${i + 1} Info: detail pass "${d.info}", pass over the file "${ours.info[i]}"`);
  }
  return out;
}

let cells = 0;
let flagged = 0;

describe.runIf(enabled)('TCP analysis agrees with tshark on the corpus', () => {
  for (const file of captureFiles()) {
    it(file, () => {
      const result = compare(join(CORPUS, file), file, false);
      cells += result.cells;
      flagged += result.flagged;
      expect(result.differences.slice(0, 20)).toEqual([]);
    });
  }
  afterAll(() => console.log(`TCP analysis: ${cells} cells compared with tshark, ${flagged} frames with analysis flags`));
});

// ---- hand-made captures -----------------------------------------------------------

const C = '10.0.0.1:40000';
const S = '10.0.0.2:40001';

/** A connection with window scaling that goes through every kind of event tshark reports. */
function events(b: CaptureBuilder): void {
  b.tcp(0, C, S, { seq: 1000, flags: SYN, options: options(opt.mss(1460), opt.ws(2), opt.sackPerm()) });
  b.tcp(10, S, C, { seq: 5000, ack: 1001, flags: SYN | ACK, win: 8192, options: options(opt.mss(1460), opt.ws(1)) });
  b.tcp(20, C, S, { seq: 1001, ack: 5001, flags: ACK, win: 1000 });
  b.tcp(30, S, C, { seq: 5001, ack: 1001, flags: PSH | ACK, win: 100, data: 100 });
  b.tcp(40, C, S, { seq: 1001, ack: 5101, flags: ACK, win: 1000 });
  // Up to the edge of the client's window (1000 << 2), which then closes.
  b.tcp(50, S, C, { seq: 5101, ack: 1001, flags: ACK, win: 100, data: 4000 });
  b.tcp(60, C, S, { seq: 1001, ack: 9101, flags: ACK, win: 0 });
  b.tcp(70, S, C, { seq: 9101, ack: 1001, flags: ACK, win: 100, data: 1 });
  b.tcp(80, C, S, { seq: 1001, ack: 9101, flags: ACK, win: 0 });
  b.tcp(90, C, S, { seq: 1001, ack: 9101, flags: ACK, win: 1000 });
  b.tcp(100, S, C, { seq: 9101, ack: 1001, flags: ACK, win: 100, data: 100 });
  b.tcp(110, C, S, { seq: 1001, ack: 9201, flags: ACK, win: 1000 });
  // Keep-alive and its answer.
  b.tcp(2000, C, S, { seq: 1000, ack: 9201, flags: ACK, win: 1000 });
  b.tcp(2010, S, C, { seq: 9201, ack: 1001, flags: ACK, win: 100 });
  // A lost segment, duplicate ACKs with SACK, a fast retransmission.
  b.tcp(3000, S, C, { seq: 9201, ack: 1001, flags: ACK, win: 100, data: 100 });
  b.tcp(3001, S, C, { seq: 9301, ack: 1001, flags: ACK, win: 100, data: 100 });
  b.tcp(3002, S, C, { seq: 9401, ack: 1001, flags: ACK, win: 100, data: 100 });
  b.tcp(3010, C, S, { seq: 1001, ack: 9201, flags: ACK, win: 1000, options: options(opt.sack([9301, 9401])) });
  b.tcp(3011, C, S, { seq: 1001, ack: 9201, flags: ACK, win: 1000, options: options(opt.sack([9301, 9501])) });
  b.tcp(3012, S, C, { seq: 9201, ack: 1001, flags: ACK, win: 100, data: 100 });
  b.tcp(3020, C, S, { seq: 1001, ack: 9501, flags: ACK, win: 1000 });
  // A retransmission after a timeout, then a spurious one.
  b.tcp(4000, S, C, { seq: 9501, ack: 1001, flags: ACK, win: 100, data: 100 });
  b.tcp(4500, S, C, { seq: 9501, ack: 1001, flags: ACK, win: 100, data: 100 });
  b.tcp(4510, C, S, { seq: 1001, ack: 9601, flags: ACK, win: 1000 });
  b.tcp(5000, S, C, { seq: 9501, ack: 1001, flags: ACK, win: 100, data: 100 });
  // A gap, the segment out of order, an ACK of data never seen.
  b.tcp(6000, S, C, { seq: 9701, ack: 1001, flags: ACK, win: 100, data: 100 });
  b.tcp(6001, S, C, { seq: 9601, ack: 1001, flags: ACK, win: 100, data: 100 });
  b.tcp(6010, C, S, { seq: 1001, ack: 9901, flags: ACK, win: 1000 });
  b.tcp(7000, C, S, { seq: 1001, ack: 9801, flags: URG | PSH | ACK, win: 1000, data: 10, urgent: 5 });
  // A FIN sent twice, the close, and the ports used again.
  b.tcp(8000, C, S, { seq: 1011, ack: 9801, flags: FIN | ACK, win: 1000 });
  b.tcp(8500, C, S, { seq: 1011, ack: 9801, flags: FIN | ACK, win: 1000 });
  b.tcp(8510, S, C, { seq: 9801, ack: 1012, flags: FIN | ACK, win: 100 });
  b.tcp(8520, C, S, { seq: 1012, ack: 9802, flags: ACK, win: 1000 });
  b.tcp(10000, C, S, { seq: 777777, flags: SYN });
}

/**
 * Streams without a handshake (window scale unknown), with timestamps;
 * repeated ACKs of unseen data; a handshake whose SYN-ACK has no window
 * scale; a SYN seen without its SYN-ACK.
 */
function edges(b: CaptureBuilder): void {
  b.tcp(0, S, C, { seq: 5000, ack: 1000, flags: ACK | PSH, win: 1000, data: 100, options: options(opt.timestamps(1, 2)) });
  b.tcp(1, C, S, { seq: 1000, ack: 5100, flags: ACK, win: 500, options: options(opt.timestamps(3, 1)) });
  b.tcp(2, C, S, { seq: 1000, ack: 5300, flags: ACK, win: 500 });
  b.tcp(3, C, S, { seq: 1000, ack: 5300, flags: ACK, win: 500 });
  b.tcp(4, C, S, { seq: 1000, ack: 5300, flags: ACK, win: 500 });
  b.tcp(5, S, C, { seq: 5300, ack: 1000, flags: ACK, win: 1000, data: 50 });
  b.tcp(6, S, C, { seq: 5500, ack: 1000, flags: ACK, win: 1000, data: 50 });
  b.tcp(7, C, S, { seq: 1000, ack: 5350, flags: ACK, win: 500, options: options(opt.sack([5500, 5550])) });
  b.tcp(8, C, S, { seq: 1000, ack: 5350, flags: ACK, win: 500, options: options(opt.sack([5500, 5550])) });
  b.tcp(9, C, S, { seq: 1000, ack: 5600, flags: ACK, win: 500 });
  b.tcp(10, C, S, { seq: 1000, ack: 5600, flags: ACK, win: 0 });
  b.tcp(11, S, C, { seq: 5550, ack: 1000, flags: ACK, win: 1000, data: 1 });
  b.tcp(12, S, C, { seq: 5550, ack: 1000, flags: ACK, win: 1000, data: 100 });
  b.tcp(13, S, C, { seq: 5550, ack: 1000, flags: FIN | ACK, win: 1000 });
  b.tcp(14, S, C, { seq: 5700, ack: 1000, flags: ACK, win: 1000, data: 10 });
  b.tcp(15, S, C, { seq: 5650, ack: 1000, flags: FIN | ACK, win: 1000, data: 50 });
  b.tcp(16, C, S, { seq: 1000, ack: 5711, flags: RST | ACK, win: 0 });
  const C2 = '10.0.0.1:40002';
  b.tcp(100, C2, S, { seq: 1, flags: SYN, options: options(opt.ws(3)) });
  b.tcp(110, S, C2, { seq: 100, ack: 2, flags: SYN | ACK, win: 1000 });
  b.tcp(120, C2, S, { seq: 2, ack: 101, flags: ACK, win: 100 });
  b.tcp(130, S, C2, { seq: 101, ack: 2, flags: ACK, win: 1000, data: 100 });
  b.tcp(131, S, C2, { seq: 201, ack: 2, flags: ACK, win: 1000, data: 10 });
  for (const [ms, win] of [[140, 100], [141, 100], [142, 100], [143, 200], [144, 200]] as const) b.tcp(ms, C2, S, { seq: 2, ack: 211, flags: ACK, win });
  b.tcp(145, C2, S, { seq: 2, ack: 211, flags: ACK | PSH, win: 200, data: 5 });
  b.tcp(146, C2, S, { seq: 2, ack: 211, flags: ACK | PSH, win: 200, data: 5 });
  b.tcp(147, C2, S, { seq: 6, ack: 211, flags: ACK | PSH, win: 200, data: 5 });
  const C3 = '10.0.0.1:40003';
  b.tcp(200, C3, S, { seq: 1, flags: SYN, options: options(opt.ws(3)) });
  b.tcp(210, C3, S, { seq: 2, ack: 50, flags: ACK, win: 100 });
  b.tcp(211, S, C3, { seq: 50, ack: 2, flags: ACK, win: 100, data: 20 });
  b.tcp(212, C3, S, { seq: 1, flags: SYN, options: options(opt.ws(3)) });
}

/**
 * When an ACK of data never seen is reported again: after a new gap in the
 * other direction, unless a retransmission or an out-of-order segment came
 * after that gap (tshark 4.0's behaviour, found by experiment).
 */
function ackedUnseen(b: CaptureBuilder): void {
  const middles: ((b: CaptureBuilder, c: string, t: number) => void)[] = [
    (b, c, t) => b.tcp(t + 6, S, c, { seq: 5350, ack: 1000, flags: FIN | ACK, win: 1000, data: 50 }),
    (b, c, t) => b.tcp(t + 6, S, c, { seq: 5350, ack: 1000, flags: ACK, win: 1000, data: 50 }),
    (b, c, t) => b.tcp(t + 500, S, c, { seq: 5350, ack: 1000, flags: ACK, win: 1000, data: 50 }),
    (b, c, t) => b.tcp(t + 6, S, c, { seq: 5410, ack: 1000, flags: FIN | ACK, win: 1000 }),
    (b, c, t) => b.tcp(t + 6, S, c, { seq: 5410, ack: 1000, flags: ACK, win: 1000 }),
    () => undefined,
  ];
  middles.forEach((middle, k) => {
    const c = `10.0.1.${k + 1}:40000`;
    const t = k * 1000;
    b.tcp(t, S, c, { seq: 5000, ack: 1000, flags: ACK | PSH, win: 1000, data: 100 });
    b.tcp(t + 2, c, S, { seq: 1000, ack: 5300, flags: ACK, win: 500 });
    b.tcp(t + 3, S, c, { seq: 5300, ack: 1000, flags: ACK, win: 1000, data: 50 });
    b.tcp(t + 4, c, S, { seq: 1000, ack: 5350, flags: ACK, win: 500 });
    b.tcp(t + 5, S, c, { seq: 5400, ack: 1000, flags: ACK, win: 1000, data: 10 });
    middle(b, c, t);
    b.tcp(t + 700, c, S, { seq: 1000, ack: 5411, flags: ACK, win: 500 });
    b.tcp(t + 701, c, S, { seq: 1000, ack: 5411, flags: ACK, win: 500 });
  });
}

describe.runIf(enabled)('TCP analysis agrees with tshark on hand-made captures', () => {
  const seen = new Set<string>();
  for (const [name, build] of [
    ['events', events],
    ['edges', edges],
    ['acked-unseen', ackedUnseen],
  ] as const) {
    it(name, () => {
      const b = new CaptureBuilder();
      build(b);
      const path = b.save(join(work, `${name}.pcap`));
      for (const row of tsharkFields(path, ANALYSIS_FIELDS)) ANALYSIS_FIELDS.forEach((f, c) => row[c] && seen.add(f));
      expect(compare(path, name, true).differences).toEqual([]);
    });
  }
  it('between them, show every kind of analysis', () => {
    expect(ANALYSIS_FIELDS.filter((f) => !seen.has(f))).toEqual([]);
  });
});

/** Display filters on the analysis fields, answered from the index (the detail pass of the packets the columns cannot answer for). */
const FILTERS = [
  'tcp.analysis.flags && !tcp.analysis.window_update',
  'tcp.analysis.retransmission',
  'tcp.analysis.duplicate_ack_num >= 2',
  'tcp.analysis.ack_rtt > 0.1',
  'tcp.analysis.keep_alive || tcp.analysis.keep_alive_ack',
  'tcp.window_size_scalefactor == 128',
];

describe.runIf(enabled)('display filters on TCP analysis select the frames tshark selects', () => {
  for (const file of ['pcapplusplus-many-protocols.pcap', 'zeek-tcp_retransmit-fast009.pcap', 'tcpdump-pptp.pcap']) {
    it(file, async () => {
      const path = join(CORPUS, file);
      const index = readCaptureFile(engine, path);
      const fd = openSync(path, 'r');
      try {
        for (const filter of FILTERS) {
          const result = await runFilter(compileFilter(filter, engine.registry), index, engine, async (ids) => ids.map((i) => readPacketBytes(fd, index, i)));
          const ours = [...result.matches.keys()].filter((i) => result.matches[i]).map((i) => i + 1);
          const theirs = tsharkFields(path, ['frame.number'], filter).map((r) => Number(r[0]));
          expect(ours, filter).toEqual(theirs);
        }
      } finally {
        closeSync(fd);
      }
    });
  }
});
