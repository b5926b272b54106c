// Names for addresses: from the capture's own DNS answers (switchable, as
// tshark's -z hosts learns them), and countries from the data shipped with
// the app, looked up offline.

import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SAMPLE = fileURLToPath(new URL('../../static/sample.pcap', import.meta.url));

test('addresses are named by the capture when asked, and located by country', async ({ page }) => {
  const hosts = execFileSync('tshark', ['-r', SAMPLE, '-q', '-z', 'hosts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t') as [string, string]);
  const names = new Map(hosts);
  expect(names.size).toBeGreaterThan(3);
  await page.goto('/');
  await page.locator('main[data-engine="ready"]').waitFor();
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('packet-count')).toHaveText('136');
  const sources = page.locator('[data-testid="packet-row"] .source');
  // Every row on screen has arrived from the worker.
  await expect.poll(async () => (await sources.count()) > 10 && (await sources.count()) === (await page.getByTestId('packet-row').count())).toBe(true);
  const before = await sources.allTextContents();
  await page.getByTestId('resolve-names').check();
  await expect(page.getByTestId('names-note')).toHaveText(`${names.size} addresses named by the capture`);
  await expect.poll(async () => (await sources.allTextContents()).join(' ')).not.toBe(before.join(' '));
  const after = await sources.allTextContents();
  after.slice(0, before.length).forEach((text, k) => expect(text).toBe(names.get(before[k]!) ?? before[k]));
  // Tooltips say what is known of an address, the country among it.
  const row = before.findIndex((a) => a === '208.80.152.2');
  expect(row).toBeGreaterThanOrEqual(0);
  await expect(sources.nth(row)).toHaveAttribute('title', /208\.80\.152\.2 · named text\.pmtpa\.wikimedia\.org in the capture · United States/);
  // Turning names off shows the addresses again.
  await page.getByTestId('resolve-names').uncheck();
  await expect.poll(async () => (await sources.allTextContents()).join(' ')).toBe(before.join(' '));
  // Traffic by country.
  await page.getByTestId('tab-countries').click();
  const table = page.getByTestId('country-table');
  await expect(table).toContainText('United States (US)');
  await expect(page.getByRole('link', { name: 'IP Geolocation by DB-IP' })).toBeVisible();
});
