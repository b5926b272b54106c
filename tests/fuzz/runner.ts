// Runs fuzz inputs on worker threads, each with its own engine, and watches
// them: an input that runs past the time bound is a hang, so its worker is
// stopped and replaced, and the run goes on after it. Inputs that break an
// invariant are written to tests/fixtures/fuzz, to be replayed on every run.

import { Worker } from 'node:worker_threads';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FOUND_DIR } from './pool';
import type { FromWorker, ToWorker } from './protocol';

export interface Found {
  invariant: string;
  detail: string;
  seed: number;
  label: string;
  /** Where the input was kept, if it was. */
  file?: string;
}

export interface FuzzReport {
  inputs: number;
  packets: number;
  fields: number;
  /** Inputs the engine refused or stopped reading with a capture error (as it should, for damaged files). */
  captureErrors: number;
  /** Inputs also run through filters, statistics, expert findings and follow stream. */
  analysed: number;
  breaks: Found[];
  /** Growth of engine memory while replaying inputs already seen (must be 0). */
  replayGrowth: number;
  /** Largest engine memory of any worker, in bytes. */
  peakMemory: number;
  seconds: number;
}

export interface FuzzOptions {
  /** How many inputs, or until `minutes` have passed (whichever is given). */
  inputs?: number;
  minutes?: number;
  workers?: number;
  firstSeed?: number;
  /** Time bound of one input. */
  timeoutMs?: number;
  /** Keep inputs that break an invariant in tests/fixtures/fuzz. */
  keep?: boolean;
  onProgress?: (done: number) => void;
}

const BATCH = 2000;
const WARMUP = 200;

interface Job {
  msg: ToWorker;
  /** Seeds of the job in order, to resume after a hang. */
  seeds: number[];
}

class FuzzWorker {
  readonly progress = new SharedArrayBuffer(8);
  readonly counters = new Int32Array(this.progress);
  worker: Worker;
  private handler: ((m: FromWorker) => void) | null = null;
  private failed: ((e: Error) => void) | null = null;

  constructor() {
    this.worker = new Worker(new URL('./boot.mjs', import.meta.url), { workerData: { progress: this.progress } });
    this.worker.on('message', (m: FromWorker) => this.handler?.(m));
    this.worker.on('error', (e) => this.failed?.(e));
  }
  /** Sets the one listener of the worker's messages. */
  on(h: (m: FromWorker) => void): void {
    this.handler = h;
  }
  onError(f: (e: Error) => void): void {
    this.failed = f;
  }
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.onError(reject);
      this.on((m) => m.type === 'ready' && resolve());
    });
  }
  send(m: ToWorker): void {
    this.worker.postMessage(m);
  }
  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

function keepInput(f: Found, bytes: Uint8Array): string {
  mkdirSync(FOUND_DIR, { recursive: true });
  const slug = f.invariant.replace(/[^a-z]+/gi, '-').toLowerCase();
  const ext = bytes[0] === 0x0a && bytes[1] === 0x0d ? 'pcapng' : 'pcap';
  const file = join(FOUND_DIR, `${slug}-${f.seed >>> 0}.${ext}`);
  writeFileSync(file, bytes);
  writeFileSync(file.replace(/\.[a-z]+$/, '.txt'), `${f.invariant}\n${f.detail}\n\nmade by: ${f.label}\n`);
  return file;
}

/** The inputs kept from earlier runs, with the seed their checks use. */
export function keptInputs(): { seed: number; label: string; bytes: Uint8Array }[] {
  let names: string[];
  try {
    names = readdirSync(FOUND_DIR).filter((n) => /\.(pcap|pcapng)$/.test(n)).sort();
  } catch {
    return [];
  }
  return names.map((n) => ({ seed: Number(/-(\d+)\.\w+$/.exec(n)?.[1] ?? 0), label: n, bytes: new Uint8Array(readFileSync(join(FOUND_DIR, n))) }));
}

/** Runs one job on a worker, replacing the worker if an input hangs. */
async function runJob(job: Job, slot: { w: FuzzWorker }, o: Required<Pick<FuzzOptions, 'timeoutMs' | 'keep'>>, report: FuzzReport): Promise<void> {
  for (;;) {
    const w = slot.w;
    const result = await new Promise<'done' | 'hang'>((resolve, reject) => {
      let last = Atomics.load(w.counters, 1);
      let since = Date.now();
      const timer = setInterval(() => {
        const now = Atomics.load(w.counters, 1);
        if (now !== last) {
          last = now;
          since = Date.now();
        } else if (Date.now() - since > o.timeoutMs) {
          clearInterval(timer);
          resolve('hang');
        }
      }, 20);
      w.onError((e) => {
        clearInterval(timer);
        reject(e);
      });
      w.on((m) => {
        if (m.type === 'break') {
          const f: Found = { invariant: m.invariant, detail: m.detail, seed: m.seed, label: m.label };
          if (o.keep && m.label !== 'replay' && job.msg.type === 'seeds') f.file = keepInput(f, m.bytes);
          report.breaks.push(f);
        } else if (m.type === 'memory' && m.phase === 'replay') {
          report.replayGrowth = Math.max(report.replayGrowth, m.bytes);
        } else if (m.type === 'done') {
          clearInterval(timer);
          report.inputs += m.inputs;
          report.packets += m.packets;
          report.fields += m.fields;
          report.captureErrors += m.errors;
          report.analysed += m.analysed;
          report.peakMemory = Math.max(report.peakMemory, m.memory);
          resolve('done');
        }
      });
      w.send(job.msg);
    });
    if (result === 'done') return;
    // A hang: note the input, start a new worker, and go on after it.
    const at = Atomics.load(w.counters, 0);
    const seed = job.seeds[at]!;
    await w.stop();
    slot.w = new FuzzWorker();
    await slot.w.ready();
    const label = job.msg.type === 'files' ? job.msg.files[at]!.label : `seed ${seed}`;
    const found: Found = { invariant: 'no hang', detail: `no answer in ${o.timeoutMs} ms`, seed, label };
    report.breaks.push(found);
    // The stopped worker's totals are lost: count at least the inputs it finished, and the one that hung.
    report.inputs += at + 1;
    if (job.msg.type === 'seeds') {
      const { makeInputForReport } = await import('./replay');
      if (o.keep) found.file = keepInput(found, await makeInputForReport(seed));
      const rest = job.seeds.slice(at + 1);
      if (!rest.length) return;
      job = { msg: { ...job.msg, from: rest[0]!, count: rest.length }, seeds: rest };
    } else {
      const files = job.msg.files.slice(at + 1);
      if (!files.length) return;
      job = { msg: { type: 'files', files }, seeds: files.map((f) => f.seed) };
    }
  }
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const o = { timeoutMs: 5000, keep: true, workers: 1, firstSeed: 1, ...options };
  const report: FuzzReport = { inputs: 0, packets: 0, fields: 0, captureErrors: 0, analysed: 0, breaks: [], replayGrowth: 0, peakMemory: 0, seconds: 0 };
  const started = Date.now();
  const deadline = o.minutes !== undefined ? started + o.minutes * 60_000 : Infinity;
  const total = o.inputs ?? Infinity;
  let next = o.firstSeed;
  let handed = 0;
  const slots = await Promise.all(
    Array.from({ length: o.workers }, async () => {
      const w = new FuzzWorker();
      await w.ready();
      return { w };
    }),
  );
  await Promise.all(
    slots.map(async (slot) => {
      while (handed < total && Date.now() < deadline) {
        const count = Math.min(BATCH, total - handed);
        handed += count;
        const from = next;
        next += count;
        const seeds = Array.from({ length: count }, (_, k) => from + k);
        await runJob({ msg: { type: 'seeds', from, count, stride: 1, warmup: Math.min(WARMUP, count) }, seeds }, slot, o, report);
        o.onProgress?.(report.inputs);
      }
    }),
  );
  await Promise.all(slots.map((s) => s.w.stop()));
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

/** Replays the kept inputs; each must now pass. */
export async function replayKept(timeoutMs = 5000): Promise<FuzzReport> {
  const files = keptInputs();
  const report: FuzzReport = { inputs: 0, packets: 0, fields: 0, captureErrors: 0, analysed: 0, breaks: [], replayGrowth: 0, peakMemory: 0, seconds: 0 };
  const started = Date.now();
  if (files.length) {
    const slot = { w: new FuzzWorker() };
    await slot.w.ready();
    await runJob({ msg: { type: 'files', files }, seeds: files.map((f) => f.seed) }, slot, { timeoutMs, keep: false }, report);
    await slot.w.stop();
  }
  report.seconds = (Date.now() - started) / 1000;
  return report;
}
