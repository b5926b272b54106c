// A fuzz worker thread: makes each input from its seed, runs it through its
// own engine and checks the invariants. It writes the seed it is working on
// into shared memory, so that the runner can see a hang and stop it.

import { parentPort, workerData } from 'node:worker_threads';
import { loadEngine } from '../../src/lib/engine/node';
import { checkInput, BreakError } from './invariants';
import { checkAnalysis } from './analysis';
import { loadPool } from './pool';
import { makeInput } from './mutate';
import type { FromWorker, ToWorker } from './protocol';

const progress = new Int32Array(workerData.progress as SharedArrayBuffer);
const engine = await loadEngine();
const pool = loadPool(engine);
const port = parentPort!;

function post(m: FromWorker): void {
  port.postMessage(m);
}

function memory(): number {
  return engine.memoryBytes();
}

/** One input in this many also goes through filters, statistics, expert and follow (they cost more than the engine). */
const ANALYSIS_EVERY = 8;

port.on('message', async (m: ToWorker) => {
  const totals = { inputs: 0, packets: 0, fields: 0, errors: 0, analysed: 0 };
  const run = async (at: number, seed: number, bytes: Uint8Array, label: string, counted = true): Promise<void> => {
    Atomics.store(progress, 0, at);
    Atomics.add(progress, 1, 1);
    try {
      const r = checkInput(engine, bytes, seed);
      if (counted && (seed % ANALYSIS_EVERY === 0 || m.type === 'files')) {
        engine.begin();
        engine.push(bytes);
        await checkAnalysis(engine, engine.end(), bytes);
        totals.analysed++;
      }
      if (!counted) return;
      totals.inputs++;
      totals.packets += r.packets;
      totals.fields += r.fields;
      if (r.error) totals.errors++;
    } catch (e) {
      if (counted) totals.inputs++;
      const found = e instanceof BreakError ? e.found : { invariant: 'no exception', detail: String(e) };
      post({ type: 'break', seed, label, bytes, ...found });
    }
  };
  if (m.type === 'files') {
    for (const [k, f] of m.files.entries()) await run(k, f.seed, f.bytes, f.label);
  } else {
    for (let k = 0; k < m.count; k++) {
      const seed = (m.from + k * m.stride) >>> 0;
      const input = makeInput(pool, seed);
      await run(k, seed, input.bytes, `${input.format}: ${input.steps.join('; ')}`);
      // Memory stays flat: after the first inputs, the engine's memory may
      // grow only for an input larger than all before it.
      if (k === m.warmup) post({ type: 'memory', phase: 'warm', bytes: memory() });
    }
    // Replaying inputs already seen must not grow it at all.
    const before = memory();
    for (let k = 0; k < Math.min(m.count, m.warmup); k++) {
      const seed = (m.from + k * m.stride) >>> 0;
      await run(k, seed, makeInput(pool, seed).bytes, 'replay', false);
    }
    post({ type: 'memory', phase: 'replay', bytes: memory() - before });
  }
  post({ type: 'done', ...totals, memory: memory(), heap: process.memoryUsage().heapUsed });
});

post({ type: 'ready', seeds: pool.reduce((n, p) => n + p.length, 0), captures: pool.length });
