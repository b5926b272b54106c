// The browser app end to end, in Debian's chromium: opening captures,
// looking at packets, sessions that survive a reload and the network going
// away, damaged files, and captures that try to inject script.

import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { join } from 'node:path';
import { CORPUS, expectedFields } from '../differential/corpus';
import { hostileCapture } from './captures';

async function openFile(page: Page, path: string) {
  await page.goto('/');
  // The page is ready (hydrated, the engine loaded) before the file is picked.
  await page.locator('main[data-engine="ready"]').waitFor();
  await page.getByTestId('file-input').setInputFiles(path);
  await page.waitForURL(/\/view/);
}

async function waitForSaved(page: Page) {
  await expect(page.getByText('Saved in this browser')).toBeVisible();
  await expect(page).toHaveURL(/session=\d+/);
}

test('opening the sample capture shows its packets', async ({ page }) => {
  await page.goto('/');
  await page.locator('main[data-engine="ready"]').waitFor();
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('packet-count')).toHaveText('136');
  await expect(page.getByTestId('packet-row').first()).toContainText('MDNS');
});

for (const file of ['zeek-http_get.pcap', 'pcapplusplus-pcapng-example.pcapng', 'zeek-tunnels_gre-sample.pcap', 'zeek-linux_dlt_sll2.pcap', 'pcapngtg-le-test202.pcapng']) {
  test(`${file}: as many packets as tshark reads`, async ({ page }) => {
    await openFile(page, join(CORPUS, file));
    await expect(page.getByTestId('packet-count')).toHaveText(String(expectedFields(file)!.rows.length));
  });
}

test('a selected packet shows its fields, and a field its bytes', async ({ page }) => {
  await openFile(page, join(CORPUS, 'zeek-http_get.pcap'));
  await expect(page.getByTestId('packet-count')).toHaveText('14');
  await page.getByTestId('packet-row').first().click();
  const tree = page.getByTestId('detail-tree');
  await expect(tree).toContainText('Frame 1:');
  const ip = tree.getByRole('treeitem', { name: /^Internet Protocol Version 4, Src: 141\.142\.228\.5, Dst: 192\.150\.187\.43/ });
  await ip.locator('.twisty').first().click();
  await tree.getByText('Source Address: 141.142.228.5').click();
  // 141.142.228.5 is 8d 8e e4 05, at bytes 26 to 29 of the frame.
  const lit = page.getByTestId('hex-pane').locator('.hex .lit');
  await expect(lit).toHaveText(['8d', '8e', 'e4', '05']);
  await expect(lit.first()).toHaveAttribute('data-offset', '26');
  // Clicking a byte selects the deepest field covering it: byte 34 is the TCP source port.
  await page.getByTestId('hex-pane').locator('.hex [data-offset="34"]').click();
  await expect(tree.locator('[aria-selected="true"]')).toContainText('Source Port: 59856');
  // Each field explains itself on hover.
  await tree.getByText('Source Port: 59856').hover();
  await expect(page.getByText('tcp.srcport', { exact: true })).toBeVisible();
});

test('the keyboard moves through the packet list', async ({ page }) => {
  await openFile(page, join(CORPUS, 'zeek-http_get.pcap'));
  await expect(page.getByTestId('packet-count')).toHaveText('14');
  await page.getByRole('grid', { name: 'Packets' }).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('[data-testid="packet-row"][aria-selected="true"]')).toContainText('59856 → 80 [SYN, ACK]'.replace('59856 → 80', '80 → 59856'));
  await page.keyboard.press('End');
  await expect(page.locator('[data-testid="packet-row"][aria-selected="true"] .number')).toHaveText('14');
  await page.keyboard.press('Home');
  await expect(page.locator('[data-testid="packet-row"][aria-selected="true"] .number')).toHaveText('1');
});

test('sorting by a column orders the rows', async ({ page }) => {
  await openFile(page, join(CORPUS, 'zeek-http_get.pcap'));
  await expect(page.getByTestId('packet-count')).toHaveText('14');
  await page.getByRole('columnheader', { name: /Length/ }).getByRole('button').click();
  await expect(page.getByRole('columnheader', { name: /Length/ })).toHaveAttribute('aria-sort', 'ascending');
  // The sorted rows arrive from the worker after the header changes; tshark's
  // frame.len column, sorted, is what they must read.
  const expected = expectedFields('zeek-http_get.pcap')!;
  const lenAt = expected.header.indexOf('frame.len');
  const sorted = expected.rows.map((r) => Number(r[lenAt])).sort((a, b) => a - b).join(' ');
  const lengths = page.locator('[data-testid="packet-row"] .length');
  await expect.poll(async () => (await lengths.allTextContents()).join(' ')).toBe(sorted);
});

test('a session reopens after a reload without decoding again', async ({ page }) => {
  await openFile(page, join(CORPUS, 'zeek-wikipedia.pcap'));
  await waitForSaved(page);
  const url = page.url();
  let decoding = false;
  page.on('console', () => {});
  await page.goto(url);
  page.getByTestId('decode-progress').waitFor({ timeout: 3000 }).then(() => (decoding = true), () => {});
  await expect(page.getByTestId('packet-count')).toHaveText('136');
  expect(decoding).toBe(false);
  await page.goto('/');
  await expect(page.getByTestId('session-item').filter({ hasText: 'zeek-wikipedia.pcap' }).first()).toBeVisible();
});

test('sessions can be renamed and deleted', async ({ page }) => {
  await openFile(page, join(CORPUS, 'zeek-tcp_options.pcap'));
  await waitForSaved(page);
  await page.goto('/');
  const item = page.getByTestId('session-item').filter({ hasText: 'zeek-tcp_options.pcap' }).first();
  await item.getByRole('button', { name: /^Rename/ }).click();
  await page.getByLabel(/New name/).fill('renamed capture');
  await page.getByRole('button', { name: 'Save' }).click();
  const renamed = page.getByTestId('session-item').filter({ hasText: 'renamed capture' });
  await expect(renamed).toHaveCount(1);
  page.once('dialog', (d) => d.accept());
  await renamed.getByRole('button', { name: /^Delete/ }).click();
  await expect(renamed).toHaveCount(0);
});

test('stored sessions open with no network', async ({ page, context }) => {
  await page.goto('/');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // The page must be controlled by the service worker before going offline.
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.locator('main[data-engine="ready"]').waitFor();
  await page.getByTestId('file-input').setInputFiles(join(CORPUS, 'zeek-dns-edns-ecs.pcap'));
  await waitForSaved(page);
  const url = page.url();
  await context.setOffline(true);
  try {
    await page.goto('/');
    await expect(page.getByTestId('session-list')).toBeVisible();
    await page.goto(url);
    await expect(page.getByTestId('packet-count')).toHaveText('89');
    await page.getByTestId('packet-row').nth(2).click();
    await expect(page.getByTestId('detail-tree')).toContainText('Domain Name System');
  } finally {
    await context.setOffline(false);
  }
});

test('a damaged capture shows what is wrong, where, and the packets before', async ({ page }) => {
  await openFile(page, join(CORPUS, 'derived-zeek-http_get-cut-mid-packet.pcap'));
  await expect(page.getByTestId('error-message')).toContainText('byte 590');
  await expect(page.getByTestId('error-message')).toContainText('5 packets before it are shown');
  await expect(page.getByTestId('packet-count')).toHaveText('5');
});

test('a file that is not a capture is refused clearly, and stored sessions are untouched', async ({ page }) => {
  await openFile(page, join(CORPUS, 'zeek-ntp_ntp.pcap'));
  await waitForSaved(page);
  await page.goto('/');
  await expect(page.getByTestId('session-item')).toHaveCount(1);
  const before = await page.getByTestId('session-item').count();
  await openFile(page, join(CORPUS, 'MANIFEST.md'));
  await expect(page.getByTestId('error-message')).toContainText('is not a pcap or pcapng capture');
  await expect(page.getByTestId('packet-count')).toHaveText('0');
  await page.goto('/');
  await expect(page.getByTestId('session-item')).toHaveCount(before);
});

test('text from a hostile capture is shown as text and runs no script', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  await openFile(page, hostileCapture());
  await expect(page.getByTestId('packet-count')).toHaveText('4');
  await expect(page.getByTestId('packet-row').first()).toContainText('<script>window.__pwned = 1</script>');
  const tree = page.getByTestId('detail-tree');
  for (let i = 0; i < 4; i++) {
    await page.getByTestId('packet-row').nth(i).click();
    await expect(tree).toContainText(`Frame ${i + 1}:`);
    // Open every subtree, so that every field's text is rendered.
    await page.getByRole('button', { name: 'Expand all' }).click();
  }
  await expect(tree).toContainText('Host: <img src=x onerror="window.__pwned = 2">');
  await page.goto('/');
  await expect(page.getByTestId('session-list')).toContainText('<img src=x onerror=alert(9)>.pcap');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('img[src="x"], svg[onload]').count()).toBe(0);
  expect(dialogs).toEqual([]);
});

test('no serious accessibility problems on the home, packet and session views', async ({ page }) => {
  const check = async () => {
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
  };
  await page.goto('/');
  await check();
  await openFile(page, join(CORPUS, 'zeek-http_get.pcap'));
  await expect(page.getByTestId('packet-count')).toHaveText('14');
  await page.getByTestId('packet-row').nth(3).click();
  await expect(page.getByTestId('detail-tree')).toBeVisible();
  await check();
  await page.goto('/');
  await expect(page.getByTestId('session-item').first()).toBeVisible();
  await check();
});
