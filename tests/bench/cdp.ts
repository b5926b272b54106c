// Headless chromium driven through the DevTools protocol over a pipe, with
// nothing enabled but Runtime in one page. The live benchmark uses it instead
// of Playwright, which enables DevTools' Network domain in the page and in its
// worker: every WebSocket message is then also copied, base64-encoded, into an
// event for Playwright (through the browser process, the pipe and Node), which
// on a 2-core machine takes CPU from what is measured.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CHROMIUM_ARGS } from '../../playwright.config';

/** What Playwright passes too, so that a page in a headless window is never throttled. */
const HEADLESS_ARGS = [
  '--headless',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--disable-dev-shm-usage',
  '--disable-extensions',
  '--disable-default-apps',
  '--no-default-browser-check',
  '--password-store=basic',
  '--window-size=1400,900',
];

interface Reply {
  id?: number;
  result?: unknown;
  error?: { message: string };
}

export class HeadlessPage {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void; method: string }>();
  private sessionId = '';
  private exited = false;

  private constructor(
    private readonly proc: ChildProcess,
    private readonly profile: string,
  ) {
    let rest = '';
    (proc.stdio[4] as Readable).on('data', (d: Buffer) => {
      const parts = (rest + d.toString()).split('\0');
      rest = parts.pop()!;
      for (const p of parts) this.onReply(JSON.parse(p) as Reply);
    });
    proc.on('exit', () => {
      this.exited = true;
      for (const w of this.waiting.values()) w.reject(new Error(`chromium exited during ${w.method}`));
      this.waiting.clear();
    });
  }

  /** Starts /usr/bin/chromium on `url` and attaches to that page. */
  static async open(url: string): Promise<HeadlessPage> {
    const profile = mkdtempSync(join(tmpdir(), 'packetlens-chromium-'));
    const proc = spawn('/usr/bin/chromium', [...CHROMIUM_ARGS, ...HEADLESS_ARGS, '--remote-debugging-pipe', `--user-data-dir=${profile}`, url], {
      // The pipe is fds 3 (chromium reads) and 4 (chromium writes).
      stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
    });
    const page = new HeadlessPage(proc, profile);
    const { targetInfos } = (await page.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string }[] };
    const target = targetInfos.find((t) => t.type === 'page');
    if (!target) throw new Error('chromium opened no page');
    page.sessionId = ((await page.send('Target.attachToTarget', { targetId: target.targetId, flatten: true })) as { sessionId: string }).sessionId;
    return page;
  }

  private onReply(m: Reply): void {
    if (m.id === undefined) return; // an event: none is enabled but Target's own
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    if (m.error) w.reject(new Error(`${w.method}: ${m.error.message}`));
    else w.resolve(m.result);
  }

  private send(method: string, params: object = {}, sessionId?: string): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error(`chromium has exited (${method})`));
    const id = this.nextId++;
    (this.proc.stdio[3] as Writable).write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject, method }));
  }

  /** The value of a JavaScript expression in the page (awaited when it is a promise). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, this.sessionId)) as {
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text} (evaluating ${expression.slice(0, 200)})`);
    return r.result.value as T;
  }

  /** Waits until `expression` is true in the page. */
  async waitFor(what: string, expression: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.evaluate<boolean>(`Boolean(${expression})`))) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      await this.send('Browser.close').catch(() => {});
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (!this.exited) this.proc.kill('SIGKILL');
    }
    rmSync(this.profile, { recursive: true, force: true });
  }
}
