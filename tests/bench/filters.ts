// The display filter section of `npm run bench`: on the large capture,
// filters that the summary columns answer and filters that need the
// dissector, each timed in Packetlens (compile + runFilter over an index
// already built, as in the app) and in tshark (-Y, printing frame numbers),
// in the same run. Both must select the same number of packets.

import { closeSync, openSync, readSync } from 'node:fs';
import { loadEngine, readCaptureFile } from '../../src/lib/engine/node';
import type { CaptureIndex } from '../../src/lib/engine/engine';
import { compileFilter } from '../../src/lib/filter/compile';
import { runFilter, type ReadPackets } from '../../src/lib/filter/evaluate';
import { median, run } from './measure';

/** Filters on fields the summary columns hold: answered without dissecting (but for complex packets). */
export const COLUMN_FILTERS = [
  'ip.addr == 10.1.0.0/16',
  'udp and ip.dst == 10.0.0.53',
  'tcp.port == 443',
  'udp.port in {53, 123, 514}',
  'tcp.flags.syn == 1 && tcp.flags.ack == 0',
  'tcp.flags & 0x04',
  'frame.len > 1000',
  'frame.time_relative >= 30 && frame.time_relative < 40',
  'tcp.stream == 1000',
  '!tcp',
];

/** Filters on fields only the dissector finds (gen_big_pcap.py writes DNS, HTTP/1.1 and TLS ClientHellos with SNI). */
export const DEEP_FILTERS = [
  'dns.qry.name contains "cdn"',
  'dns.qry.type == 28',
  'dns.flags.rcode == 3',
  'http.request.method == "POST"',
  'http.host contains ".io"',
  'http.response.code == 404',
  'http.user_agent contains "curl"',
  'tls.handshake.type == 1',
  'tls.handshake.extensions_server_name contains "api."',
  'frame contains "nginx"',
];

/** Targets: a column filter within 100 ms on 1,000,000 packets; every filter at least 50 times faster than tshark. */
const COLUMN_TARGET_MS = 100;
const TSHARK_TARGET_RATIO = 50;

export const FILTERS_HELP = `Filter section: ${COLUMN_FILTERS.length} column filters and ${DEEP_FILTERS.length} deep filters, each timed in
Packetlens (compile + runFilter, median of BENCH_REPEATS runs) and in tshark -Y.
tshark takes about 30-50 s per filter on the 1,000,000-packet capture, so
BENCH_TSHARK_FILTERS says which filters it runs:
  all (default)  every filter (about 20 tshark passes)
  N              the first N column filters and the first N deep filters
  none           no tshark: Packetlens times and counts only`;

/** Which filters of each group tshark runs, from BENCH_TSHARK_FILTERS. */
export function tsharkFilterLimit(value = process.env.BENCH_TSHARK_FILTERS ?? 'all'): number {
  const v = value.trim().toLowerCase();
  if (v === 'all' || v === '') return Infinity;
  if (v === 'none') return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`BENCH_TSHARK_FILTERS must be all, none or a number of filters per group, not "${value}"`);
  return n;
}

/** Nearby packets are read together, as the app's worker does with its File. */
const READ_SPAN_LIMIT = 4 << 20;
const READ_GAP_LIMIT = 64 << 10;

export function groupedReader(fd: number, index: CaptureIndex): ReadPackets {
  const c = index.columns;
  return async (packets) => {
    const out: Uint8Array[] = new Array(packets.length);
    const order = packets.map((_, k) => k).sort((a, b) => c.fileOffset(packets[a]!) - c.fileOffset(packets[b]!));
    let g = 0;
    while (g < order.length) {
      const start = c.fileOffset(packets[order[g]!]!);
      let end = start + c.capLen(packets[order[g]!]!);
      let h = g + 1;
      for (; h < order.length; h++) {
        const p = packets[order[h]!]!;
        const off = c.fileOffset(p);
        if (off + c.capLen(p) - start > READ_SPAN_LIMIT || off - end >= READ_GAP_LIMIT) break;
        end = Math.max(end, off + c.capLen(p));
      }
      const buf = Buffer.allocUnsafe(end - start);
      readSync(fd, buf, 0, buf.length, start);
      for (let k = g; k < h; k++) {
        const p = packets[order[k]!]!;
        const off = c.fileOffset(p) - start;
        out[order[k]!] = buf.subarray(off, off + c.capLen(p));
      }
      g = h;
    }
    return out;
  };
}

interface FilterRow {
  filter: string;
  deep: boolean;
  count: number;
  dissected: number;
  ms: number;
  /** Of which the summary columns' pass (the rest reads and dissects the packets they cannot answer for). */
  columnMs: number;
  tshark: { count: number; seconds: number } | null;
}

function tsharkCount(file: string, filter: string): { count: number; seconds: number } {
  const r = run('tshark', ['-n', '-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { capture: true });
  let count = 0;
  for (const line of r.stdout.split('\n')) if (line.trim()) count++;
  return { count, seconds: r.seconds };
}

function row(cells: string[]): string {
  const widths = [54, 9, 10, 9, 9, 10, 8, 0];
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : i === cells.length - 1 ? ` ${c}` : c.padStart(widths[i]!))).join(' ');
}

export async function filterBench(file: string, repeats: number): Promise<void> {
  const limit = tsharkFilterLimit();
  const engine = await loadEngine();
  const index = readCaptureFile(engine, file);
  const fd = openSync(file, 'r');
  const read = groupedReader(fd, index);
  const rows: FilterRow[] = [];
  try {
    // Packetlens first, all filters, so that tshark's runs do not share the machine with it.
    for (const [deep, list] of [[false, COLUMN_FILTERS], [true, DEEP_FILTERS]] as const) {
      for (const filter of list) {
        const runs: { ms: number; columnMs: number; count: number; dissected: number }[] = [];
        for (let k = 0; k < repeats; k++) {
          const start = performance.now();
          const result = await runFilter(compileFilter(filter, engine.registry), index, engine, read);
          runs.push({ ms: performance.now() - start, columnMs: result.columnMilliseconds, count: result.count, dissected: result.dissected });
        }
        const mid = runs.find((r) => r.ms === median(runs.map((x) => x.ms)))!;
        rows.push({ filter, deep, ...mid, tshark: null });
      }
    }
  } finally {
    closeSync(fd);
  }
  for (const deep of [false, true]) {
    rows.filter((r) => r.deep === deep).slice(0, limit).forEach((r) => {
      process.stderr.write(`bench: tshark -Y '${r.filter}'\n`);
      r.tshark = tsharkCount(file, r.filter);
    });
  }

  console.log(`packets: ${index.packetCount}; Packetlens: compile + runFilter, median of ${repeats} (columns: the part spent answering from the summary columns);`);
  console.log('tshark: -n -Y FILTER -T fields -e frame.number, once. "dissected": packets the columns could not answer for (frame contains: read and searched, not dissected)');
  console.log(row(['filter', 'matches', 'dissected', 'pl ms', 'columns', 'tshark ms', 'ratio', 'targets']));
  const mismatches: string[] = [];
  let fastColumns = 0;
  let fastRatios = 0;
  let compared = 0;
  for (const r of rows) {
    if (r === rows[0]) console.log('-- column filters');
    if (r === rows.find((x) => x.deep)) console.log('-- deep filters (on fields the columns do not hold)');
    const ratio = r.tshark ? (r.tshark.seconds * 1000) / r.ms : null;
    const notes: string[] = [];
    if (!r.deep) {
      const ok = r.ms < COLUMN_TARGET_MS;
      if (ok) fastColumns++;
      notes.push(ok ? `<${COLUMN_TARGET_MS}ms` : `SLOW>=${COLUMN_TARGET_MS}ms`);
    }
    if (r.tshark && ratio !== null) {
      compared++;
      if (ratio >= TSHARK_TARGET_RATIO) fastRatios++;
      notes.push(ratio >= TSHARK_TARGET_RATIO ? `>=${TSHARK_TARGET_RATIO}x` : `SLOW<${TSHARK_TARGET_RATIO}x`);
      if (r.tshark.count !== r.count) {
        notes.push('MISMATCH');
        mismatches.push(`MISMATCH ${r.filter}: Packetlens selects ${r.count} packets, tshark ${r.tshark.count}`);
      }
    }
    const tsharkMs = r.tshark ? (r.tshark.seconds * 1000).toFixed(0) : 'n/a';
    console.log(row([r.filter, String(r.count), String(r.dissected), r.ms.toFixed(1), r.columnMs.toFixed(1), tsharkMs, ratio === null ? 'n/a' : `${ratio.toFixed(0)}x`, notes.join(' ')]));
  }
  for (const m of mismatches) console.log(m);
  console.log(`column filters under ${COLUMN_TARGET_MS} ms: ${fastColumns}/${COLUMN_FILTERS.length}`);
  if (compared === 0) console.log('tshark not run (BENCH_TSHARK_FILTERS): no ratios, counts not checked');
  else {
    const counts = mismatches.length ? `${mismatches.length} count(s) differ from tshark's` : `counts equal to tshark's for all ${compared}`;
    console.log(`filters at least ${TSHARK_TARGET_RATIO}x faster than tshark: ${fastRatios}/${compared}; ${counts}`);
  }
}
