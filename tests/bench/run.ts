// npm run bench: Packetlens beside tshark on the same large capture, in one
// run, printing rates and ratios (compare ratios: machines are shared).
// `npm run bench -- SECTION...` runs some sections only; --help says more.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bigCapture } from './big-capture';
import { run, median, mb } from './measure';
import { filterBench, FILTERS_HELP, tsharkFilterLimit } from './filters';

const SECTIONS = ['engine', 'filters', 'browser', 'live'] as const;
const HELP = `usage: npm run bench [-- SECTION...]   (sections: ${SECTIONS.join(', ')}; all by default)

engine   the summary pass over the whole file (Node), beside tshark -T fields and a C record walk
filters  display filters, Packetlens beside tshark -Y
browser  the app decoding the file in a Web Worker (headless chromium)
live     the bridge on lo and the Live page: wire-to-screen latency and the rate sustained with no drops (needs root)

Environment: BENCH_REPEATS (runs per Packetlens measurement, default 3),
PACKETLENS_CACHE (where the generated capture is kept, default ~/.cache/packetlens),
BENCH_TSHARK_FILTERS (below).

${FILTERS_HELP}
`;

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

function engineSummaryPass(file: string) {
  const runs = [];
  for (let i = 0; i < REPEATS; i++) {
    const r = run(process.execPath, ['--import', 'tsx', here('./engine-pass.ts'), file], { capture: true });
    runs.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; packets: number; maxRssBytes: number; columnBytesPerPacket: number; layerBytesPerPacket: number; error: string | null });
  }
  const seconds = median(runs.map((r) => r.seconds));
  return { ...runs[0]!, seconds, maxRssBytes: Math.max(...runs.map((r) => r.maxRssBytes)) };
}

function cLoop(file: string) {
  const dir = mkdtempSync(join(tmpdir(), 'packetlens-bench-'));
  const exe = join(dir, 'walk');
  execFileSync('gcc', ['-O2', '-o', exe, here('./walk.c')]);
  const times = [];
  let out = '';
  for (let i = 0; i < REPEATS; i++) {
    const r = run(exe, [file], { capture: true });
    times.push(r.seconds);
    out = r.stdout;
  }
  return { seconds: median(times), packets: Number(out.split(' ')[0]) };
}

function tsharkFields(file: string) {
  return run('tshark', ['-n', '-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'tcp.srcport', '-e', 'tcp.dstport']);
}

function row(cells: string[]): string {
  const widths = [34, 10, 12, 10, 10];
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(HELP);
  process.exit(0);
}
const unknown = args.filter((a) => !(SECTIONS as readonly string[]).includes(a));
if (unknown.length) {
  process.stderr.write(`bench: unknown section ${unknown.join(', ')}\n${HELP}`);
  process.exit(1);
}
const sections = new Set(args.length ? args : SECTIONS);
tsharkFilterLimit(); // a wrong BENCH_TSHARK_FILTERS fails now, not after the other sections

const file = bigCapture();
const size = statSync(file).size;
const pps = (n: number, s: number) => `${(n / s / 1000).toFixed(0)}k`;
console.log(`capture: ${file} (${(size / 1e6).toFixed(0)} MB)`);
let engineSeconds: number | null = null;

if (sections.has('engine')) {
  console.log('\n== Engine: summary pass over the whole file (Node), beside tshark -T fields and a C record walk ==');
  const engine = engineSummaryPass(file);
  const c = cLoop(file);
  const tshark = tsharkFields(file);
  const mbs = (s: number) => `${(size / 1e6 / s).toFixed(0)}`;
  console.log(row(['', 'seconds', 'packets/s', 'MB/s', 'peak RSS']));
  console.log(row(['packetlens summary pass', engine.seconds.toFixed(3), pps(engine.packets, engine.seconds), mbs(engine.seconds), mb(engine.maxRssBytes)]));
  console.log(row(['tshark -T fields (5 fields)', tshark.seconds.toFixed(3), pps(engine.packets, tshark.seconds), mbs(tshark.seconds), mb(tshark.maxRssBytes)]));
  console.log(row(['C loop to the ports', c.seconds.toFixed(3), pps(c.packets, c.seconds), mbs(c.seconds), 'n/a']));
  console.log(`packets: ${engine.packets}${engine.error ? ` (error: ${engine.error})` : ''}; index: ${engine.columnBytesPerPacket + engine.layerBytesPerPacket} bytes per packet (${engine.columnBytesPerPacket} of columns, ${engine.layerBytesPerPacket} of layers; ${mb((engine.columnBytesPerPacket + engine.layerBytesPerPacket) * engine.packets)} for the file)`);
  console.log(`ratio: ${(tshark.seconds / engine.seconds).toFixed(1)}x tshark's packets/s (target >= 30x); ${(engine.seconds / c.seconds).toFixed(1)}x the C loop's time (target <= 5x)`);
  engineSeconds = engine.seconds;
}

if (sections.has('filters')) {
  console.log('\n== Display filters: Packetlens (index built, compile + runFilter) beside tshark -Y ==');
  await filterBench(file, REPEATS);
}

if (sections.has('browser')) {
  console.log('\n== Browser: the app decoding the same file in a Web Worker (headless chromium) ==');
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { browserBench } = await import('./browser');
  const b = await browserBench(file);
  console.log(`decode in the worker: ${b.decodeSeconds.toFixed(2)} s, ${pps(b.packets, b.decodeSeconds)} packets/s${engineSeconds === null ? '' : ` (${(b.decodeSeconds / engineSeconds).toFixed(2)}x the Node time; target <= 1.5x)`}`);
  console.log(`rows on screen ${b.firstRowsMs.toFixed(0)} ms after the drop (target < 300 ms)`);
  console.log(`longest main-thread task while decoding: ${b.longestTaskMs.toFixed(0)} ms (${b.longTasks} tasks over 50 ms; target: none over 50 ms)`);
  console.log(`JS heap after decoding: page ${mb(b.pageHeapBytes)}, worker ${mb(b.workerHeapBytes)}`);
  console.log(`saving the session took ${b.saveSeconds.toFixed(1)} s more; reopening it: ${b.reopenMs} ms (target < 1000 ms)`);
}

if (sections.has('live')) {
  console.log('\n== Live: the bridge capturing on lo, the Live page in headless chromium, UDP sent from Node ==');
  const { liveBench } = await import('./live');
  await liveBench({ build: !sections.has('browser') });
}
