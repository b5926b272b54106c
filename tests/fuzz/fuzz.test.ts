// The engine under hostile input, as part of the test suite: the inputs that
// ever broke an invariant (tests/fixtures/fuzz) are replayed, then a bounded
// run of new ones (FUZZ_INPUTS, 200,000 by default; seeds from FUZZ_SEED or
// the clock, printed so that a failure can be made again with
// `npm run fuzz -- --seed S --inputs N`).

import { describe, it, expect } from 'vitest';
import { runFuzz, replayKept, type FuzzReport } from './runner';

const INPUTS = Number(process.env.FUZZ_INPUTS ?? 200_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

function show(r: FuzzReport): string {
  return r.breaks.map((b) => `${b.label || `seed ${b.seed}`}: ${b.invariant}: ${b.detail.split('\n')[0]}${b.file ? ` (kept as ${b.file})` : ''}`).join('\n');
}

describe('fuzzing the engine', () => {
  it('every input that once broke an invariant now passes', async () => {
    const r = await replayKept();
    console.log(`fuzz: ${r.inputs} kept inputs replayed, ${r.breaks.length} invariant breaks`);
    expect(show(r)).toBe('');
  });

  it(`${INPUTS} new inputs break no invariant`, async () => {
    const r = await runFuzz({ inputs: INPUTS, workers: 1, firstSeed: SEED });
    console.log(
      `fuzz: ${r.inputs} inputs from seed ${SEED} in ${r.seconds.toFixed(0)} s: ${r.packets} packets and ${r.fields} fields checked, ` +
        `${r.captureErrors} stopped with a capture error, ${r.analysed} also through filters, statistics, expert and follow, ${r.breaks.length} invariant breaks, engine memory growth on replay ${r.replayGrowth} bytes`,
    );
    expect(r.inputs).toBeGreaterThanOrEqual(INPUTS);
    expect(show(r)).toBe('');
    expect(r.replayGrowth).toBe(0);
  }, 1_800_000);
});
