// npm run fuzz -- [--minutes N | --inputs N] [--workers N] [--seed S]
// Fuzzes the engine and prints what it found; exits 1 if any invariant broke.
// Inputs that broke one are kept in tests/fixtures/fuzz for the test suite to replay.

import { availableParallelism } from 'node:os';
import { runFuzz, replayKept, type FuzzReport } from './runner';

function option(name: string): number | undefined {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const v = Number(process.argv[at + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`fuzz: --${name} needs a positive number`);
    process.exit(2);
  }
  return v;
}

export function describe(r: FuzzReport): string {
  return (
    `${r.inputs} inputs fuzzed in ${r.seconds.toFixed(1)} s (${Math.round(r.inputs / Math.max(r.seconds, 0.001))}/s): ` +
    `${r.packets} packets, ${r.fields} fields checked, ${r.captureErrors} refused or stopped with a capture error, ${r.analysed} also through filters, statistics, expert and follow; ` +
    `${r.breaks.length} invariant breaks; engine memory peak ${(r.peakMemory / 2 ** 20).toFixed(1)} MiB, growth on replay ${r.replayGrowth} bytes`
  );
}

const minutes = option('minutes');
const inputs = option('inputs') ?? (minutes === undefined ? 200_000 : undefined);
const workers = option('workers') ?? Math.max(1, availableParallelism() - 1);
const firstSeed = option('seed') ?? (Date.now() % 2 ** 31);

const kept = await replayKept();
console.log(`kept inputs replayed: ${kept.inputs}, invariant breaks ${kept.breaks.length}`);
for (const b of kept.breaks) console.log(`  ${b.label}: ${b.invariant}: ${b.detail.split('\n')[0]}`);
console.log(`fuzzing from seed ${firstSeed} on ${workers} worker(s), ${minutes !== undefined ? `${minutes} min` : `${inputs} inputs`}`);
let shown = 0;
const report = await runFuzz({
  inputs,
  minutes,
  workers,
  firstSeed,
  onProgress: (n) => {
    if (n - shown >= 20_000) {
      shown = n;
      console.log(`  ${n} inputs`);
    }
  },
});
console.log(describe(report));
for (const b of report.breaks) console.log(`  seed ${b.seed}: ${b.invariant}: ${b.detail.split('\n')[0]}${b.file ? `\n    kept as ${b.file}` : ''}`);
if (report.replayGrowth > 0) console.log('  engine memory grew while replaying inputs it had already seen');
process.exit(report.breaks.length + kept.breaks.length > 0 || report.replayGrowth > 0 ? 1 : 0);
