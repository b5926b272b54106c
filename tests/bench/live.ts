// The live section of `npm run bench`: the real bridge capturing on lo and the
// Live page in headless chromium (driven as cdp.ts says, not by Playwright),
// fed UDP datagrams sent from this process at a steady rate. It measures
// wire-to-screen latency (from sending a datagram to the page's "shown"
// counter including it, so waiting for the counters' refresh is part of it)
// at 1,000 and 10,000 packets/s, and the highest rate the bridge and the page
// sustain without losing a frame.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { typeScriptArgs } from '../../bridge/node-args';
import { startServer } from './browser';
import { HeadlessPage } from './cdp';

const LATENCY_STEPS = [
  { rate: 1_000, seconds: 5 },
  { rate: 10_000, seconds: 5 },
];
/** Rates tried in turn, until one loses frames. */
const THROUGHPUT_RATES = [5_000, 10_000, 20_000, 40_000, 50_000, 80_000];
const THROUGHPUT_SECONDS = 3;
const TARGET_RATE = 50_000;
const TARGET_P99_MS = 500;
/** UDP payload: 74-byte frames on lo (Ethernet, IPv4, UDP headers). */
const PAYLOAD_BYTES = 32;
/** A step is over when every datagram is shown, or when the counters have not moved for this long. */
const QUIET_MS = 2_000;
/** The bridge reports its drops every second: wait this long after the last datagram before reading them. */
const STATS_WAIT_MS = 1_300;

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface LiveStep {
  name: string;
  /** Packets per second asked for, and as sent. */
  rate: number;
  achievedRate: number;
  sent: number;
  /** Frames the page received, decoded and showed (the display filter is empty), and drops it was told of. */
  received: number;
  shown: number;
  dropped: number;
  /** Wire-to-screen latency over the datagrams that were shown, in ms; null when none was. */
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface LiveBench {
  latency: LiveStep[];
  throughput: LiveStep[];
  /** The highest step of `throughput` with nothing lost, or null. */
  sustained: LiveStep | null;
}

/** Starts bridge/main.ts on lo for the app at `app`, as root; resolves with it and the link it printed. */
export async function startBridge(app: string): Promise<{ bridge: ChildProcess; link: string }> {
  const main = fileURLToPath(new URL('../../bridge/main.ts', import.meta.url));
  const bridge = spawn(process.execPath, [...typeScriptArgs(main), '--interface', 'lo', '--port', '0', '--app', app], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  bridge.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  bridge.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /^(http\S+\/live\?\S+)$/m.exec(out);
    if (m) return { bridge, link: m[1]! };
    if (Date.now() > deadline || bridge.exitCode !== null) {
      bridge.kill('SIGTERM');
      throw new Error(`the bridge did not start: ${out}${err}`);
    }
    await sleep(100);
  }
}

export async function stopBridge(bridge: ChildProcess): Promise<void> {
  if (bridge.exitCode !== null || bridge.signalCode !== null) return;
  const exited = once(bridge, 'exit');
  bridge.kill('SIGTERM');
  await Promise.race([exited, sleep(5_000)]);
}

const el = (testId: string): string => `document.querySelector('[data-testid="${testId}"]')`;

/**
 * Records every change of the counters the page shows, with the page's clock
 * (ms since the epoch), as flat [time, value, time, value, ...] lists.
 */
const RECORD_COUNTERS = `{
  window.__counters = {};
  for (const id of ['live-received', 'live-shown']) {
    const el = document.querySelector('[data-testid="' + id + '"]');
    const changes = (window.__counters[id] = [performance.timeOrigin + performance.now(), Number(el.textContent)]);
    new MutationObserver(() => changes.push(performance.timeOrigin + performance.now(), Number(el.textContent)))
      .observe(el, { subtree: true, childList: true, characterData: true });
  }
}`;

/** Takes (and forgets) the changes recorded so far. */
async function takeChanges(page: HeadlessPage): Promise<{ received: number[]; shown: number[] }> {
  return page.evaluate(`({ received: window.__counters['live-received'].splice(0), shown: window.__counters['live-shown'].splice(0) })`);
}

interface Counters {
  received: number;
  shown: number;
  dropped: number;
}

async function counters(page: HeadlessPage): Promise<Counters> {
  const [received, shown, dropped] = await page.evaluate<number[]>(`[${['live-received', 'live-shown', 'live-dropped'].map((id) => `Number(${el(id)}.textContent)`).join(', ')}]`);
  return { received: received!, shown: shown!, dropped: dropped! };
}

/**
 * The page's clock minus this process's (both ms since the epoch, from their
 * monotonic clocks), from the quickest of a few round trips.
 */
async function pageClockOffset(page: HeadlessPage): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 10; i++) {
    const before = now();
    const pageTime = await page.evaluate<number>('performance.timeOrigin + performance.now()');
    const after = now();
    if (after - before < best.rtt) best = { rtt: after - before, offset: pageTime - (before + after) / 2 };
  }
  return best.offset;
}

/**
 * Sends `rate` datagrams per second for `seconds` to 127.0.0.1:port, in
 * batches paced by the clock (every millisecond or so, as many as are due).
 * Returns when each one was sent, and the rate achieved.
 */
async function sendSteady(socket: Socket, port: number, rate: number, seconds: number): Promise<{ times: Float64Array; achievedRate: number }> {
  const total = Math.round(rate * seconds);
  const times = new Float64Array(total);
  const payload = Buffer.alloc(PAYLOAD_BYTES, 0x61);
  const start = now();
  let sent = 0;
  while (sent < total) {
    const t = now();
    const due = Math.min(total, Math.floor(((t - start) * rate) / 1000) + 1);
    for (; sent < due; sent++) {
      socket.send(payload, port, '127.0.0.1');
      times[sent] = t;
    }
    await sleep(1);
  }
  const span = (times[total - 1]! - times[0]!) / 1000;
  return { times, achievedRate: span > 0 ? (total - 1) / span : rate };
}

/** Waits until the page shows `wanted` packets, or its counters stop moving; then until the bridge's drop count is in. */
async function settle(page: HeadlessPage, wanted: number, lastSent: number): Promise<Counters> {
  let c = await counters(page);
  let lastChange = Date.now();
  while (c.shown < wanted && Date.now() - lastChange < QUIET_MS) {
    await sleep(100);
    const next = await counters(page);
    if (next.shown !== c.shown || next.received !== c.received) lastChange = Date.now();
    c = next;
  }
  const wait = lastSent + STATS_WAIT_MS - now();
  if (wait > 0) await sleep(wait);
  return counters(page);
}

/**
 * Latency of each datagram k (sent at times[k]): from then until the first
 * recorded change that shows at least base + k + 1 packets, converted to
 * this process's clock. Sorted; datagrams never shown have none. (When some
 * are lost, those after them are matched to later arrivals: the latency reads
 * high, by at most lost / rate.)
 */
function latencies(times: Float64Array, base: number, changes: number[], offset: number): Float64Array {
  const out = new Float64Array(times.length);
  let n = 0;
  let j = 0;
  for (let k = 0; k < times.length; k++) {
    while (j < changes.length && changes[j + 1]! < base + k + 1) j += 2;
    if (j >= changes.length) break;
    out[n++] = changes[j]! - offset - times[k]!;
  }
  return out.subarray(0, n).sort();
}

const percentile = (sorted: Float64Array, p: number): number | null => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]! : null);

async function step(page: HeadlessPage, socket: Socket, port: number, name: string, rate: number, seconds: number): Promise<LiveStep> {
  await takeChanges(page);
  const before = await counters(page);
  const offset = await pageClockOffset(page);
  const { times, achievedRate } = await sendSteady(socket, port, rate, seconds);
  const after = await settle(page, before.shown + times.length, times[times.length - 1]!);
  const sorted = latencies(times, before.shown, (await takeChanges(page)).shown, offset);
  return {
    name,
    rate,
    achievedRate,
    sent: times.length,
    received: after.received - before.received,
    shown: after.shown - before.shown,
    dropped: after.dropped - before.dropped,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: percentile(sorted, 1),
  };
}

const lost = (s: LiveStep): boolean => s.dropped > 0 || s.received < s.sent || s.shown < s.sent;

/** Where a step's missing frames went, as far as the counters tell. */
function losses(s: LiveStep): string {
  const parts = [];
  // From the bridge to the page is one TCP connection: what the bridge sent arrives, so a frame
  // neither received nor dropped never reached the bridge.
  const beforeBridge = s.sent - s.received - s.dropped;
  if (beforeBridge > 0) parts.push(`${count(beforeBridge)} never reached the bridge (libpcap's ring overflowed while the capture process waited for the CPU; nothing counts these)`);
  if (s.dropped > 0) parts.push(`${count(s.dropped)} dropped by the bridge (the page did not keep up)`);
  if (s.shown < s.received) parts.push(`${count(s.received - s.shown)} received but not shown`);
  return `${s.name}: ${parts.join('; ')}`;
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(0));

function row(cells: string[]): string {
  const widths = [20, 10, 10, 9, 9, 9, 8, 8, 8, 8];
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');
}

function printStep(s: LiveStep): void {
  console.log(row([s.name, count(s.rate), count(s.achievedRate), count(s.sent), count(s.received), count(s.shown), count(s.dropped), ms(s.p50Ms), ms(s.p99Ms), ms(s.maxMs)]));
}

/** Connects the page (opened on the bridge's link) and starts capturing `udp port PORT` on lo. */
async function startCapture(page: HeadlessPage, port: number): Promise<void> {
  const steps: [string, string, string][] = [
    // The link's address is filled in once the page is running (hydrated).
    ['the Live page', `${el('live-bridge')}?.value.startsWith('ws://')`, `${el('live-connect')}.click()`],
    ['the bridge to answer', `${el('live-status')}.textContent === 'Connected to the bridge.' && ${el('live-interface')}.value === 'lo'`, `{ const f = ${el('live-filter')}; f.value = 'udp port ${port}'; f.dispatchEvent(new Event('input', { bubbles: true })); }`],
    ['the filter to be taken', `${el('live-filter')}.value === 'udp port ${port}' && !${el('live-start')}.disabled`, `${el('live-start')}.click()`],
    ['the capture to start', `${el('live-status')}.textContent.startsWith('Capturing on lo')`, ''],
  ];
  for (const [what, ready, then] of steps) {
    try {
      await page.waitFor(what, ready);
    } catch (e) {
      const problem = await page.evaluate<string | null>(`${el('live-error')}?.textContent ?? null`).catch(() => null);
      throw problem ? new Error(`${(e as Error).message}: the page says "${problem}"`) : e;
    }
    if (then) await page.evaluate(then);
  }
}

/** Runs the section and prints its table; `build` builds the app first (skip it when another section just did). */
export async function liveBench({
  build = true,
  latencySteps = LATENCY_STEPS,
  rates = THROUGHPUT_RATES,
}: { build?: boolean; latencySteps?: { rate: number; seconds: number }[]; rates?: number[] } = {}): Promise<LiveBench | null> {
  if (process.getuid?.() !== 0) {
    console.log('skipped: the bridge needs root to capture on lo (run the benchmark as root)');
    return null;
  }
  if (build) execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const appPort = 20000 + Math.floor(Math.random() * 20000);
  const udpPort = 40000 + Math.floor(Math.random() * 20000);
  const server = await startServer(appPort);
  let bridge: ChildProcess | null = null;
  let page: HeadlessPage | null = null;
  const socket = createSocket('udp4');
  let sendErrors = 0;
  socket.on('error', () => sendErrors++);
  try {
    const started = await startBridge(`http://127.0.0.1:${appPort}`);
    bridge = started.bridge;
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    page = await HeadlessPage.open(started.link);
    await startCapture(page, udpPort);
    await page.evaluate(RECORD_COUNTERS);
    console.log(`UDP to 127.0.0.1:${udpPort}, ${PAYLOAD_BYTES}-byte payloads (${PAYLOAD_BYTES + 42}-byte frames); latency: from sending to the page's "shown" counter including the datagram`);
    console.log(row(['', 'packets/s', 'sent/s', 'sent', 'received', 'shown', 'dropped', 'p50 ms', 'p99 ms', 'max ms']));

    const latency: LiveStep[] = [];
    for (const { rate, seconds } of latencySteps) {
      const s = await step(page, socket, udpPort, `latency ${count(rate)}/s`, rate, seconds);
      printStep(s);
      latency.push(s);
    }
    const throughput: LiveStep[] = [];
    let sustained: LiveStep | null = null;
    for (const rate of rates) {
      const s = await step(page, socket, udpPort, `throughput ${count(rate)}/s`, rate, THROUGHPUT_SECONDS);
      printStep(s);
      throughput.push(s);
      if (lost(s)) break;
      sustained = s;
    }

    for (const s of [...latency, ...throughput].filter(lost)) {
      const skew = s.sent > s.shown ? `; its latency may read up to ${ms(((s.sent - s.shown) / s.achievedRate) * 1000)} ms high` : '';
      console.log(`lost at ${losses(s)}${skew}`);
    }
    const at10k = latency.find((s) => s.rate === 10_000);
    if (at10k) console.log(`wire-to-screen at 10,000 packets/s: p50 ${ms(at10k.p50Ms)} ms, p99 ${ms(at10k.p99Ms)} ms (target: p99 < ${TARGET_P99_MS} ms)${lost(at10k) ? '; frames were lost' : ''}`);
    const sustainedText = sustained ? `${count(sustained.rate)} packets/s (sent at ${count(sustained.achievedRate)}/s)` : 'none of the rates tried';
    console.log(`highest rate with nothing lost: ${sustainedText} (target: ${count(TARGET_RATE)} packets/s with no drops)`);
    const short = [...latency, ...throughput].filter((s) => s.achievedRate < 0.9 * s.rate);
    if (short.length) console.log(`note: this process could not send at ${short.map((s) => `${count(s.rate)}/s`).join(', ')} (see sent/s): the machine limits those steps, not only the bridge and the page`);
    if (sendErrors) console.log(`note: ${sendErrors} sends failed`);
    // Other work on the machine delays the capture process, and its ring of packets overflows sooner.
    console.log(`load average (1 min) at the end: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
    return { latency, throughput, sustained };
  } finally {
    socket.close();
    await page?.close();
    if (bridge) await stopBridge(bridge);
    server.kill();
  }
}
