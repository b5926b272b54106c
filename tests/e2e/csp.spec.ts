// The Content-Security-Policy: as the built pages declare it (a strict
// script-src whose only inline scripts are SvelteKit's, allowed by their
// hashes), as the server sends it, and as the browser enforces it: the
// pages run without a single violation, script that is not the app's own
// (inline, eval, handlers, javascript: URLs) does not run, and the engine's
// WebAssembly, the workers and the offline app still work.

import { test, expect, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Guard } from './hostile-guard';

const BUILD = fileURLToPath(new URL('../../build', import.meta.url));

type Policy = Map<string, string[]>;

function parsePolicy(text: string): Policy {
  const policy: Policy = new Map();
  for (const part of text.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) policy.set(name.toLowerCase(), values);
  }
  return policy;
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? htmlFiles(join(dir, e.name)) : e.name.endsWith('.html') ? [join(dir, e.name)] : []));
}

/** The attribute `name` of an HTML start tag's text (double-quoted, as SvelteKit writes them). */
function attribute(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return m ? m[1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&') : null;
}

interface BuiltPage {
  file: string;
  html: string;
  /** The policy's text in the page's <meta http-equiv>, and where the tag is. */
  policyText: string;
  policyAt: number;
}

function builtPages(): BuiltPage[] {
  return htmlFiles(BUILD).map((file) => {
    const html = readFileSync(file, 'utf8');
    const metas = [...html.matchAll(/<meta\b[^>]*>/gi)].filter((m) => (attribute(m[0], 'http-equiv') ?? '').toLowerCase() === 'content-security-policy');
    expect(metas, `${relative(BUILD, file)}: one CSP <meta>`).toHaveLength(1);
    return { file: relative(BUILD, file), html, policyText: attribute(metas[0]![0], 'content')!, policyAt: metas[0]!.index };
  });
}

test('every built page declares a strict policy that lists a hash for each of its inline scripts', () => {
  const pages = builtPages();
  expect(pages.map((p) => p.file).sort()).toEqual(['index.html', 'live.html', 'view.html']);
  let inline = 0;
  for (const page of pages) {
    const policy = parsePolicy(page.policyText);
    const script = policy.get('script-src') ?? [];
    expect(policy.get('default-src'), page.file).toEqual(["'self'"]);
    expect(policy.get('object-src'), page.file).toEqual(["'none'"]);
    expect(policy.get('base-uri'), page.file).toEqual(["'none'"]);
    expect(script, page.file).toContain("'self'");
    expect(script, page.file).toContain("'wasm-unsafe-eval'");
    for (const loose of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'strict-dynamic'", '*', 'data:', 'blob:', 'http:', 'https:', 'filesystem:']) expect(script, `${page.file}: script-src ${loose}`).not.toContain(loose);
    // script-src-elem or -attr would override script-src for what they cover.
    expect([...policy.keys()].filter((k) => k.startsWith('script-src-')), page.file).toEqual([]);
    for (const [name, values] of policy) if (name !== 'style-src') expect(values, `${page.file}: ${name}`).not.toContain("'unsafe-inline'");

    // Each inline script's SHA-256, computed here, is listed; nothing else is.
    const hashes = script.filter((v) => v.startsWith("'sha"));
    const scripts = [...page.html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    const inlineScripts = scripts.filter((m) => attribute(m[0].slice(0, m[0].indexOf('>') + 1), 'src') === null);
    expect(inlineScripts.length, `${page.file}: SvelteKit's start-up script`).toBeGreaterThan(0);
    for (const m of inlineScripts) {
      const hash = `'sha256-${createHash('sha256').update(m[2]!, 'utf8').digest('base64')}'`;
      expect(hashes, `${page.file}: hash of an inline script`).toContain(hash);
      inline++;
    }
    expect(hashes.length, `${page.file}: hashes without their script`).toBe(inlineScripts.length);
    // The policy comes before any script or module preload, or it would not govern them.
    const firstScript = Math.min(...[/<script\b/i, /<link\b[^>]*rel="modulepreload"/i].map((re) => page.html.search(re)).filter((i) => i >= 0));
    expect(page.policyAt, `${page.file}: the policy comes first`).toBeLessThan(firstScript);
    // No handler attributes or javascript: URLs, which a hash-based policy would block.
    expect(page.html.match(/<[^>]+\son[a-z]+\s*=/gi) ?? [], `${page.file}: handler attributes`).toEqual([]);
    expect(page.html.match(/(href|src|action)\s*=\s*"\s*javascript:/gi) ?? [], `${page.file}: javascript: URLs`).toEqual([]);
  }
  console.log(`CSP of the build: ${pages.length} pages, ${inline} inline scripts each allowed by its listed sha256, script-src without 'unsafe-inline' or 'unsafe-eval'`);
});

/** The policy the page's document enforces, as the server sent it and as its <meta> declares it. */
async function headerPolicy(page: Page, path: string): Promise<string | null> {
  const response = await page.request.get(path);
  expect(response.ok()).toBe(true);
  return response.headers()['content-security-policy'] ?? null;
}

/** The directives of a page's policy without its hashes: what a worker's script must be sent. */
function withoutHashes(policy: Policy): Policy {
  return new Map([...policy].map(([k, v]) => [k, v.filter((x) => !/^'sha(256|384|512)-/.test(x))]));
}

function workerScripts(): string[] {
  const dir = join(BUILD, '_app/immutable/workers');
  return [...readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => `/_app/immutable/workers/${f}`), '/service-worker.js'];
}

test('the server sends the pages no other policy, and the workers\' scripts the pages\' directives', async ({ page }) => {
  const pages = builtPages();
  for (const [path, file] of [['/', 'index.html'], ['/view', 'view.html'], ['/live', 'live.html']] as const) {
    const header = await headerPolicy(page, path);
    const meta = pages.find((p) => p.file === file)!.policyText;
    // A header beside the <meta> would be enforced too: it must then say the same.
    if (header !== null) expect(parsePolicy(header), path).toEqual(parsePolicy(meta));
    console.log(`CSP of ${path}: ${header === null ? 'the <meta> tag alone (no header)' : 'header and <meta>, the same'}`);
  }
  // A worker runs under the policy its own script's response carries, never the page's <meta>.
  const expected = withoutHashes(parsePolicy(pages[0]!.policyText));
  const scripts = workerScripts();
  expect(scripts.length).toBeGreaterThanOrEqual(3);
  for (const path of scripts) {
    const header = await headerPolicy(page, path);
    expect(header, `${path}: a CSP header`).not.toBeNull();
    expect(parsePolicy(header!), path).toEqual(expected);
  }
  console.log(`CSP of the workers: ${scripts.length} worker scripts sent the pages' directives as a header`);
});

test.describe('a worker started from the app\'s worker script', () => {
  // The service worker would answer from its cache; this test reads the server's own response.
  test.use({ serviceWorkers: 'block' });

  test('runs under the server\'s policy: no eval, WebAssembly allowed', async ({ page, context }) => {
    const capture = workerScripts().find((p) => p.includes('capture.worker'))!;
    const wasm = readdirSync(join(BUILD, '_app/immutable/assets')).find((f) => f.endsWith('.wasm'))!;
    // The capture worker's script as the server sends it (its headers), its code replaced by a probe.
    await context.route(`**${capture}?probe`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({
        response,
        body: `const ran = (f) => { try { f(); return true; } catch { return false; } };
          const result = { eval: ran(() => eval('1')), function: ran(() => new Function('return 1')()) };
          WebAssembly.compileStreaming(fetch('/_app/immutable/assets/${wasm}')).then(
            () => postMessage({ ...result, wasm: true }),
            () => postMessage({ ...result, wasm: false }));`,
      });
    });
    await page.goto('/');
    const result = await page.evaluate(
      (url) =>
        new Promise((resolve, reject) => {
          const w = new Worker(url, { type: 'module' });
          w.onmessage = (e) => (resolve(e.data), w.terminate());
          w.onerror = (e) => reject(new Error(e.message));
        }),
      `${capture}?probe`,
    );
    expect(result).toEqual({ eval: false, function: false, wasm: true });
    console.log('CSP in a worker: eval and new Function refused, WebAssembly compiles');
  });
});

const ENGINE_READY = 'main[data-engine="ready"]';

/** Tries what the policy must stop, from inside the page; each returns whether the attempt ran. */
async function attempts(page: Page): Promise<Record<string, boolean>> {
  return page.evaluate(async () => {
    const w = window as unknown as Record<string, unknown>;
    const settle = () => new Promise((r) => setTimeout(r, 300));
    const results: Record<string, boolean> = {};
    // An inline <script> added to the DOM.
    const s = document.createElement('script');
    s.textContent = 'window.__csp_inline = 1';
    document.body.append(s);
    // A handler attribute, fired.
    const b = document.createElement('button');
    b.setAttribute('onclick', 'window.__csp_handler = 1');
    document.body.append(b);
    b.click();
    // An image whose onerror is an attribute.
    const img = document.createElement('img');
    img.setAttribute('onerror', 'window.__csp_onerror = 1');
    img.src = 'data:,not-an-image';
    document.body.append(img);
    // A javascript: link, followed.
    const a = document.createElement('a');
    a.href = 'javascript:window.__csp_link = 1';
    document.body.append(a);
    a.click();
    // A script from a data: URL, and a module from a blob: URL.
    const d = document.createElement('script');
    d.src = 'data:text/javascript,window.__csp_data=1';
    document.body.append(d);
    const blobUrl = URL.createObjectURL(new Blob(['window.__csp_blob = 1'], { type: 'text/javascript' }));
    results.blobImport = await import(/* @vite-ignore */ blobUrl).then(
      () => true,
      () => false,
    );
    // A string timer.
    (setTimeout as unknown as (code: string, ms: number) => void)('window.__csp_timer = 1', 0);
    // An iframe's srcdoc inherits the page's policy.
    const f = document.createElement('iframe');
    f.srcdoc = '<script>parent.__csp_srcdoc = 1</script>';
    document.body.append(f);
    await settle();
    for (const k of ['inline', 'handler', 'onerror', 'link', 'data', 'timer', 'srcdoc']) results[k] = w[`__csp_${k}`] !== undefined;
    for (const el of [s, b, img, a, d, f]) el.remove();
    return results;
  });
}

const PROBE = '/csp-probe.js';

/**
 * eval and new Function, called by a script of the page's own origin (which
 * script-src 'self' lets run), so the page's policy governs them; code run
 * by page.evaluate is not held to it. The script is served by the test
 * (context.route, which sees the service worker's requests too) and added
 * to the page as a <script src>. Returns whether each ran.
 */
async function evalAttempts(page: Page): Promise<Record<string, boolean>> {
  await page.context().route(`**${PROBE}*`, (route) =>
    route.fulfill({
      contentType: 'text/javascript',
      body: `(() => {
        const ran = (f) => { try { f(); return true; } catch (e) { return false; } };
        window.__csp_probe = { eval: ran(() => eval('1')), function: ran(() => new Function('return 1')()) };
      })();`,
    }),
  );
  return page.evaluate(async (src) => {
    const w = window as unknown as { __csp_probe?: Record<string, boolean> };
    delete w.__csp_probe;
    const s = document.createElement('script');
    s.src = src;
    const loaded = new Promise((resolve, reject) => ((s.onload = resolve), (s.onerror = reject)));
    document.body.append(s);
    await loaded;
    s.remove();
    if (!w.__csp_probe) throw new Error('the probe script did not run');
    return w.__csp_probe;
  }, `${PROBE}?${Date.now()}`);
}

async function open(page: Page, path: string) {
  await page.goto(path);
  if (path === '/') await page.locator(ENGINE_READY).waitFor();
  if (path === '/live') await expect(page.getByTestId('live-connect')).toBeVisible();
}

test('the pages run with no violation, and script that is not the app\'s own does not run', async ({ page }) => {
  test.setTimeout(120_000);
  const guard = await Guard.watch(page);
  const summary: string[] = [];
  const sample = fileURLToPath(new URL('../../static/sample.pcap', import.meta.url));
  for (const path of ['/', '/view', '/live']) {
    if (path === '/view') {
      // The view with a capture open: decoded by the engine's WebAssembly in its worker.
      await open(page, '/');
      await page.getByTestId('file-input').setInputFiles(sample);
      await page.waitForURL(/\/view/);
      await expect(page.getByTestId('packet-count')).toHaveText('136');
      await page.getByTestId('packet-row').nth(3).click();
      await expect(page.getByTestId('detail-tree')).toContainText('Frame 4:');
      await expect(page.getByText('Saved in this browser')).toBeVisible();
    } else {
      await open(page, path);
    }
    await page.waitForLoadState('networkidle');
    expect(guard.problems(), `${path}: violations and errors of the page itself`).toEqual([]);

    // What must not run does not, and each is refused by the policy (a violation event says so).
    const ran = await attempts(page);
    expect(ran, path).toEqual({ blobImport: false, inline: false, handler: false, onerror: false, link: false, data: false, timer: false, srcdoc: false });
    const evals = await evalAttempts(page);
    expect(evals, path).toEqual({ eval: false, function: false });
    // The probe's eval and new Function are each reported (the events come after the attempts).
    await expect.poll(() => guard.violations.filter((v) => v.source.includes(PROBE)).length, { message: path }).toBe(2);
    await expect.poll(() => new Set(guard.violations.map((v) => v.directive)), { message: path }).toEqual(new Set(['script-src-elem', 'script-src-attr', 'script-src']));
    const blocked = guard.violations.length;
    guard.violations.length = 0;
    guard.consoleErrors.length = 0;
    expect(guard.dialogs).toEqual([]);
    expect(guard.pageErrors).toEqual([]);

    // The engine's WebAssembly compiles in the page as well as in the worker ('wasm-unsafe-eval').
    const wasm = readdirSync(join(BUILD, '_app/immutable/assets')).find((f) => f.endsWith('.wasm'))!;
    const exports = await page.evaluate(async (url) => WebAssembly.Module.exports(await WebAssembly.compileStreaming(fetch(url))).length, `/_app/immutable/assets/${wasm}`);
    expect(exports).toBeGreaterThan(0);
    summary.push(`${path}: 0 violations, ${blocked} blocked attempts`);
  }
  console.log(`CSP in the browser: ${summary.join('; ')}; eval, new Function, inline, handler, javascript:, data:, blob:, string timer and srcdoc script all refused; WebAssembly compiles`);
});

test('the offline app works under the policy: manifest, service worker, a reload with no network', async ({ page, context }) => {
  const guard = await Guard.watch(page);
  await open(page, '/');
  const manifest = await page.evaluate(async () => {
    const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
    if (!link) return null;
    const r = await fetch(link.href);
    return r.ok ? ((await r.json()) as { name: string; icons: unknown[] }) : null;
  });
  expect(manifest?.name).toBe('Packetlens');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.locator(ENGINE_READY).waitFor();
  await context.setOffline(true);
  try {
    await page.reload();
    await page.locator(ENGINE_READY).waitFor();
    // The page served from the cache keeps its policy.
    const meta = await page.locator('meta[http-equiv="content-security-policy"]').getAttribute('content');
    expect(parsePolicy(meta!).get('script-src')).not.toContain("'unsafe-inline'");
    expect((await attempts(page)).inline).toBe(false);
  } finally {
    await context.setOffline(false);
  }
  // Only the inline script tried above was refused.
  expect(guard.violations.map((v) => v.directive).filter((d) => d !== 'script-src-elem' && d !== 'script-src-attr' && d !== 'script-src')).toEqual([]);
  expect(guard.dialogs).toEqual([]);
  console.log('CSP and the offline app: manifest read, service worker in control, offline reload under the same policy');
});
