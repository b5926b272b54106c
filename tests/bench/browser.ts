// The browser app on the large capture, in headless chromium: decoding speed
// in the worker, time until rows are on screen, the longest main-thread task
// while decoding, memory after decoding, and reopening the stored session.

import { chromium, type Browser, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS } from '../../playwright.config';

export interface BrowserBench {
  decodeSeconds: number;
  packets: number;
  firstRowsMs: number;
  longestTaskMs: number;
  longTasks: number;
  pageHeapBytes: number | null;
  workerHeapBytes: number | null;
  saveSeconds: number;
  reopenMs: number;
  /** Inside the worker: reading the File, and the engine. */
  readMs: number;
  engineMs: number;
}

export async function startServer(port: number): Promise<ChildProcess> {
  // vite itself, not through npx, so that killing it stops the server.
  const vite = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));
  const server = spawn(process.execPath, [vite, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`);
      if (r.ok) return server;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  server.kill();
  throw new Error('vite preview did not start');
}

/** Marks the drop, the first rendered rows, the end of decoding, and every long task, in page time. */
const INSTRUMENT = () => {
  const w = window as unknown as Record<string, unknown>;
  w.__longTasks = [] as { start: number; duration: number }[];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) (w.__longTasks as { start: number; duration: number }[]).push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener('change', () => (w.__dropAt = performance.now()), true);
  new MutationObserver(() => {
    if (w.__firstRowsAt === undefined && document.querySelector('[data-testid="packet-row"]:not(.loading)')) w.__firstRowsAt = performance.now();
    if (w.__dropAt !== undefined && w.__decodedAt === undefined && w.__sawProgress && !document.querySelector('[data-testid="decode-progress"]')) w.__decodedAt = performance.now();
    if (document.querySelector('[data-testid="decode-progress"]')) w.__sawProgress = true;
  }).observe(document, { subtree: true, childList: true });
};

async function workerHeap(browser: Browser): Promise<number | null> {
  try {
    const cdp = await browser.newBrowserCDPSession();
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string }[] };
    const worker = targetInfos.find((t) => t.type === 'worker');
    if (!worker) return null;
    const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: true })) as { sessionId: string };
    const usage = await new Promise<number | null>((resolve) => {
      let id = 1000;
      const call = { id: ++id, method: 'Runtime.getHeapUsage', sessionId };
      (cdp as unknown as { send: (m: string, p: unknown) => Promise<unknown> })
        .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify(call) })
        .catch(() => resolve(null));
      cdp.on('Target.receivedMessageFromTarget' as never, ((e: { message: string }) => {
        const m = JSON.parse(e.message) as { id: number; result?: { usedSize: number } };
        if (m.id === call.id) resolve(m.result?.usedSize ?? null);
      }) as never);
      setTimeout(() => resolve(null), 3000);
    });
    return usage;
  } catch {
    return null;
  }
}

export async function browserBench(file: string, port = 20000 + Math.floor(Math.random() * 20000)): Promise<BrowserBench> {
  const server = await startServer(port);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'] });
  try {
    const page: Page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.addInitScript(INSTRUMENT);
    await page.goto(`http://127.0.0.1:${port}/`);
    // A person drops a file some time after the page has loaded: wait until the engine is.
    await page.locator('main[data-engine="ready"]').waitFor();
    await page.getByTestId('file-input').setInputFiles(file);
    await page.waitForFunction(() => (window as unknown as Record<string, unknown>).__decodedAt !== undefined, null, { timeout: 600_000 });
    const t = await page.evaluate(() => {
      const w = window as unknown as { __dropAt: number; __firstRowsAt: number; __decodedAt: number; __longTasks: { start: number; duration: number }[] };
      const during = w.__longTasks.filter((l) => l.start >= w.__dropAt && l.start <= w.__decodedAt);
      return {
        drop: w.__dropAt,
        firstRows: w.__firstRowsAt,
        decoded: w.__decodedAt,
        longest: during.reduce((m, l) => Math.max(m, l.duration), 0),
        count: during.length,
        heap: (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null,
      };
    });
    const packets = Number(await page.getByTestId('packet-count').textContent());
    const load = page.getByTestId('load-time');
    const readMs = Number(await load.getAttribute('data-read-ms'));
    const engineMs = Number(await load.getAttribute('data-decode-ms'));
    const workerHeapBytes = await workerHeap(browser);
    const saveStart = Date.now();
    await page.getByText('Saved in this browser').waitFor({ timeout: 600_000 });
    const saveSeconds = (Date.now() - saveStart) / 1000 + 0;
    // Reopen the stored session: a fresh page load of its address.
    const url = page.url();
    const reopenStart = Date.now();
    await page.goto(url);
    await page.waitForFunction((n) => document.querySelector('[data-testid="packet-count"]')?.textContent === String(n) && document.querySelector('[data-testid="packet-row"]:not(.loading)'), packets, { timeout: 60_000 });
    const reopenMs = Date.now() - reopenStart;
    return {
      decodeSeconds: (t.decoded - t.drop) / 1000,
      packets,
      firstRowsMs: t.firstRows - t.drop,
      longestTaskMs: t.longest,
      longTasks: t.count,
      pageHeapBytes: t.heap,
      workerHeapBytes,
      saveSeconds,
      reopenMs,
      readMs,
      engineMs,
    };
  } finally {
    await browser.close();
    server.kill();
  }
}
