// The analysis views: the I/O graph (series per display filter, a dragged
// range filtering the list) and the host graph, on the sample capture,
// checked against tshark.

import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SAMPLE = fileURLToPath(new URL('../../static/sample.pcap', import.meta.url));

function tshark(args: string[]): string[] {
  return execFileSync('tshark', ['-n', '-r', SAMPLE, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .filter(Boolean);
}

async function openSample(page: Page) {
  await page.goto('/');
  await page.locator('main[data-engine="ready"]').waitFor();
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('packet-count')).toHaveText('136');
  await expect(page.getByTestId('filter-input')).toBeEnabled();
}

test('the I/O graph draws a series per display filter, and a dragged range filters the list', async ({ page }) => {
  await openSample(page);
  await page.getByTestId('tab-io').click();
  await expect(page.getByTestId('io-series-total')).toHaveText(['136 packets']);
  await page.getByTestId('io-new-series').fill('dns');
  await page.getByTestId('io-new-series').press('Enter');
  await expect(page.getByTestId('io-series-total')).toHaveText(['136 packets', `${tshark(['-Y', 'dns', '-T', 'fields', '-e', 'frame.number']).length} packets`]);
  await page.getByTestId('io-interval').selectOption('100');
  await expect(page.getByTestId('io-draw-ms')).toBeVisible();
  // The chart saves as a PNG image.
  const png = page.waitForEvent('download');
  await page.getByTestId('io-save-png').click();
  const saved = await png;
  expect(saved.suggestedFilename()).toBe('io-graph.png');
  const bytes = await import('node:fs').then((fs) => saved.path().then((p) => fs.readFileSync(p)));
  expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  const ms = Number(await page.getByTestId('io-draw-ms').getAttribute('data-ms'));
  expect(ms).toBeLessThan(1000);
  // Drag across the middle of the plot.
  const over = page.locator('[data-testid="io-graph"] .u-over');
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const filter = await page.getByTestId('filter-input').inputValue();
  expect(filter).toMatch(/^frame\.time_relative >= [\d.]+ && frame\.time_relative <= [\d.]+$/);
  await expect(page.getByTestId('shown-count')).toHaveText(String(tshark(['-Y', filter, '-T', 'fields', '-e', 'frame.number']).length));
  await expect(page.getByTestId('packet-row').first()).toBeVisible();
});

test('the host graph has a node per IP host and an edge per pair that talked', async ({ page }) => {
  await openSample(page);
  await page.getByTestId('tab-graph').click();
  const rows = tshark(['-T', 'fields', '-E', 'separator=,', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'ipv6.src', '-e', 'ipv6.dst']);
  const hosts = new Set<string>();
  const pairs = new Set<string>();
  for (const r of rows) {
    const [s4, d4, s6, d6] = r.split(',');
    // The outer addresses of each packet, as the list shows them.
    const s = s4?.split(',')[0] || s6;
    const d = d4?.split(',')[0] || d6;
    if (!s || !d) continue;
    hosts.add(s).add(d);
    if (s !== d) pairs.add([s, d].sort().join(' '));
  }
  await expect(page.getByTestId('graph-summary')).toContainText(`${hosts.size} hosts, ${pairs.size} conversations`);
  await expect(page.locator('[data-testid="host-graph"] canvas').first()).toBeVisible();
});

test('expert findings name the rule and lead to the packets', async ({ page }) => {
  const fixture = fileURLToPath(new URL('../fixtures/port-scan.pcap', import.meta.url));
  await page.goto('/');
  await page.locator('main[data-engine="ready"]').waitFor();
  await page.getByTestId('file-input').setInputFiles(fixture);
  await page.waitForURL(/\/view/);
  await expect(page.getByTestId('filter-input')).toBeEnabled();
  await page.getByTestId('tab-expert').click();
  const scan = page.locator('[data-testid="expert-finding"][data-category="security"]').first();
  await expect(scan).toContainText(/scan/i);
  // Once the findings are there, the progress line is gone.
  await expect(page.getByText(/^Analysing:/)).toHaveCount(0);
  await scan.locator('.head').click();
  await expect(scan.locator('.rule')).toContainText('different ports of one host');
  const first = scan.locator('.packet').first();
  const frame = (await first.textContent())!.trim();
  await first.click();
  await expect(page.locator('[data-testid="packet-row"][aria-selected="true"] .number')).toContainText(frame);
  await expect(page.getByTestId('detail-tree')).toContainText(`Frame ${frame}:`);
});

test('statistics tables agree with tshark, and a conversation becomes a filter', async ({ page }) => {
  await openSample(page);
  await page.getByTestId('tab-stats').click();
  await page.getByTestId('stats-choice').selectOption('conv-ip');
  const conversations = tshark(['-q', '-z', 'conv,ip']).filter((l) => l.includes('<->'));
  const rows = page.getByTestId('stats-table').first().locator('tbody tr');
  await expect(rows).toHaveCount(conversations.length);
  // The busiest conversation by tshark's count, as a filter.
  await page.getByTestId('stats-table').first().getByRole('button', { name: 'Filter' }).first().click();
  const filter = await page.getByTestId('filter-input').inputValue();
  expect(filter).toMatch(/ip\.addr/);
  await expect(page.getByTestId('shown-count')).toHaveText(String(tshark(['-Y', filter, '-T', 'fields', '-e', 'frame.number']).length));
});

test('follow TCP stream shows both directions in order, like tshark', async ({ page }) => {
  await openSample(page);
  const bar = page.getByTestId('filter-input');
  await bar.fill('tcp.stream == 0 && http.request');
  await bar.press('Escape');
  await bar.press('Enter');
  await expect(page.getByTestId('shown-count')).toHaveText('1');
  await page.getByTestId('packet-row').first().click();
  await page.getByTestId('follow-button').click();
  const data = page.getByTestId('follow-data');
  await expect(data).toContainText('GET / HTTP/1.1');
  await expect(data.locator('pre.node1').first()).toContainText('HTTP/1.0 304 Not Modified');
  // The same bytes tshark follows: its ASCII output, line by line, without the per-chunk lengths.
  const want = tshark(['-q', '-z', 'follow,tcp,ascii,0']).filter((l) => !/^(=+$|Follow:|Filter:|Node \d:|\t?\d+$)/.test(l));
  const got = (await data.locator('pre').allTextContents()).join('').split('\n').filter(Boolean);
  const norm = (lines: string[]) => lines.map((l) => l.replace(/^\t/, '').trimEnd()).filter(Boolean);
  expect(norm(got)).toEqual(norm(want));
  const download = page.waitForEvent('download');
  await page.getByTestId('follow-save').click();
  expect((await download).suggestedFilename()).toBe('tcp-stream-0.bin');
});
