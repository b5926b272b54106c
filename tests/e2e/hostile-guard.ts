// Watching a page for hostile text that stopped being text: the globals the
// payloads set when they run, elements and attributes they would inject,
// dialogs they would open, and what the Content-Security-Policy blocked (so
// that a payload stopped only by the policy still counts as a failure).

import type { Page } from '@playwright/test';

export interface CspViolation {
  directive: string;
  blocked: string;
  sample: string;
  url: string;
  /** The script that made the attempt, with its line. */
  source: string;
}

export interface SweepResult {
  /** Payload globals that are set: their payload ran. */
  ran: string[];
  /** Elements that no page of the app makes but a payload would (described). */
  injected: string[];
}

/** Everything the page did that it must not, across navigations. */
export class Guard {
  readonly dialogs: string[] = [];
  readonly violations: CspViolation[] = [];
  readonly consoleErrors: string[] = [];
  readonly pageErrors: string[] = [];

  private constructor() {}

  /** Starts watching `page`; call before its first navigation. */
  static async watch(page: Page): Promise<Guard> {
    const g = new Guard();
    page.on('dialog', async (d) => {
      g.dialogs.push(`${d.type()}: ${d.message()}`);
      await d.dismiss().catch(() => {});
    });
    page.on('console', (m) => {
      if (m.type() === 'error') g.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => g.pageErrors.push(e.message));
    // A binding outlives navigations; the listener is added to every document before its own scripts run.
    await page.exposeFunction('__packetlensReportViolation', (v: CspViolation) => g.violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        const report = (window as unknown as { __packetlensReportViolation: (v: unknown) => void }).__packetlensReportViolation;
        report({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample, url: e.documentURI, source: `${e.sourceFile}:${e.lineNumber}` });
      });
    });
    return g;
  }

  /** Problems of any kind seen so far, in words (empty when there are none). */
  problems(): string[] {
    return [
      ...this.dialogs.map((d) => `dialog ${d}`),
      ...this.violations.map((v) => `CSP violation of ${v.directive}: ${v.blocked} ${v.sample} (from ${v.source} in ${v.url})`),
      ...this.consoleErrors.map((e) => `console error: ${e}`),
      ...this.pageErrors.map((e) => `page error: ${e}`),
    ];
  }
}

/**
 * Looks through the page for payloads that ran (their globals) and for what
 * a payload would have injected: an element with an on* attribute (the app
 * sets none: Svelte adds listeners in script), an <img src="x">, an <svg
 * onload>, <details ontoggle>, any <iframe>, <object>, <embed> or <base>, a
 * javascript: link, and any <script> but the page's own (same-origin files
 * under /_app/ and SvelteKit's inline start-up script).
 */
export async function sweep(page: Page, globals: string[]): Promise<SweepResult> {
  return page.evaluate((globals) => {
    const w = window as unknown as Record<string, unknown>;
    const ran = globals.filter((g) => w[g] !== undefined);
    const injected: string[] = [];
    const describe = (el: Element) => el.outerHTML.slice(0, 160);
    for (const el of document.querySelectorAll('*')) {
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) injected.push(`attribute ${a.name} on ${describe(el)}`);
        if (/^(href|src|action|formaction|xlink:href)$/i.test(a.name) && /^\s*javascript:/i.test(a.value)) injected.push(`javascript: URL in ${describe(el)}`);
        if (/^srcdoc$/i.test(a.name)) injected.push(`srcdoc on ${describe(el)}`);
      }
      const tag = el.tagName.toLowerCase();
      if (tag === 'img' && el.getAttribute('src') === 'x') injected.push(`img src=x: ${describe(el)}`);
      if (tag === 'iframe' || tag === 'object' || tag === 'embed' || tag === 'base' || tag === 'frame') injected.push(`<${tag}>: ${describe(el)}`);
      if (tag === 'script') {
        const src = el.getAttribute('src');
        const own = src ? new URL(src, location.href).origin === location.origin && new URL(src, location.href).pathname.startsWith('/_app/') : (el.textContent ?? '').includes('__sveltekit_');
        if (!own) injected.push(`script: ${describe(el)}`);
      }
    }
    if (document.querySelectorAll('body').length !== 1) injected.push('a second <body>');
    return { ran, injected };
  }, globals);
}
