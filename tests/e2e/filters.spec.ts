// Display filters in the app: typed with completion and checked as they are
// typed, applied with Enter, built from a field of the details pane. The
// packets shown are the ones tshark selects with the same filter.

import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SAMPLE = fileURLToPath(new URL('../../static/sample.pcap', import.meta.url));

/** The frame numbers tshark selects from the sample with this filter. */
function tsharkFrames(filter: string): number[] {
  const out = execFileSync('tshark', ['-n', '-r', SAMPLE, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter(Boolean).map(Number);
}

async function openSample(page: Page) {
  await page.goto('/');
  await page.locator('main[data-engine="ready"]').waitFor();
  await page.getByTestId('open-sample').click();
  await expect(page.getByTestId('packet-count')).toHaveText('136');
  await expect(page.getByTestId('filter-input')).toBeEnabled();
}

async function applyFilter(page: Page, text: string) {
  const input = page.getByTestId('filter-input');
  await input.fill(text);
  await input.press('Escape');
  await input.press('Enter');
}

test('a filter shows the packets tshark selects, "shown of total"', async ({ page }) => {
  await openSample(page);
  for (const filter of ['dns.qry.name contains "wiki" && udp.dstport == 53', 'tcp.flags.syn == 1 && tcp.flags.ack == 0', 'http.request.method == "GET" or arp']) {
    const frames = tsharkFrames(filter);
    expect(frames.length).toBeGreaterThan(0);
    await applyFilter(page, filter);
    await expect(page.getByTestId('shown-count')).toHaveText(String(frames.length));
    await expect(page.getByTestId('packet-count')).toHaveText('136');
    await expect(page.getByTestId('filter-input')).toHaveClass(/valid/);
    // The rows follow the count from the worker; they settle on tshark's frames.
    const numbers = page.locator('[data-testid="packet-row"] .number');
    await expect.poll(async () => {
      const shown = (await numbers.allTextContents()).map(Number);
      return shown.length > 0 && shown.join(' ') === frames.slice(0, shown.length).join(' ');
    }).toBe(true);
  }
  // Clearing shows every packet again.
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('shown-count')).toHaveCount(0);
  await expect(page.locator('[data-testid="packet-row"] .number').first()).toHaveText('1');
});

test('a bad filter says what and where, and leaves the view as it was', async ({ page }) => {
  await openSample(page);
  await applyFilter(page, 'udp');
  await expect(page.getByTestId('shown-count')).toHaveText(String(tsharkFrames('udp').length));
  const input = page.getByTestId('filter-input');
  await input.fill('ip.scr == 10.0.0.1');
  const error = page.getByTestId('filter-error');
  await expect(error).toContainText('"ip.scr" is not a valid field name');
  await expect(error).toContainText('    ip.scr == 10.0.0.1\n    ^~~~~~');
  await expect(error).toContainText('"ip.src"');
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await input.press('Escape');
  await input.press('Enter');
  await expect(error).toBeVisible();
  await expect(page.getByTestId('shown-count')).toHaveText(String(tsharkFrames('udp').length));
  await expect(page.getByTestId('filter-status')).toContainText('filter “udp”');
});

test('field names complete from the registry, with their meaning', async ({ page }) => {
  await openSample(page);
  const input = page.getByTestId('filter-input');
  await input.click();
  await input.pressSequentially('tcp.flags.sy');
  const hints = page.getByTestId('filter-hints');
  await expect(hints).toContainText('tcp.flags.syn');
  await expect(hints).toContainText('Syn');
  await input.press('ArrowDown');
  await input.press('Enter');
  await expect(input).toHaveValue('tcp.flags.syn');
  await input.pressSequentially(' == 1');
  await input.press('Escape');
  await input.press('Enter');
  await expect(page.getByTestId('shown-count')).toHaveText(String(tsharkFrames('tcp.flags.syn == 1').length));
});

test('apply and prepare as filter from a field of the details pane', async ({ page }) => {
  await openSample(page);
  await applyFilter(page, 'tcp');
  await expect(page.getByTestId('shown-count')).toHaveText(String(tsharkFrames('tcp').length));
  await page.getByTestId('packet-row').first().click();
  const tree = page.getByTestId('detail-tree');
  const tcp = tree.getByRole('treeitem', { name: /^Transmission Control Protocol/ });
  await tcp.locator('.twisty').first().click();
  const port = tree.getByText(/^Destination Port: \d+/);
  const portText = (await port.textContent())!;
  const value = /(\d+)/.exec(portText)![1];
  await port.click();
  await page.getByTestId('prepare-as-filter').click();
  await expect(page.getByTestId('filter-input')).toHaveValue(`tcp.dstport == ${value}`);
  await expect(page.getByTestId('filter-input')).toBeFocused();
  await page.getByTestId('apply-as-filter').click();
  await expect(page.getByTestId('shown-count')).toHaveText(String(tsharkFrames(`tcp.dstport == ${value}`).length));
  // The selected packet is still shown, and still selected.
  await expect(page.locator('[data-testid="packet-row"][aria-selected="true"]')).toHaveCount(1);
});

test('Ctrl+F finds packets by filter, string and hex, forwards and backwards', async ({ page }) => {
  await openSample(page);
  await page.getByTestId('packet-row').first().click();
  await page.keyboard.press('Control+f');
  const input = page.getByTestId('find-input');
  await expect(input).toBeFocused();
  const selected = page.locator('[data-testid="packet-row"][aria-selected="true"] .number');
  // By filter: the first and second HTTP requests after frame 1, then back.
  const gets = tsharkFrames('http.request');
  await input.fill('http.request');
  await expect(page.getByTestId('find-next')).toBeEnabled();
  await input.press('Enter');
  await expect(selected).toHaveText(String(gets[0]));
  await expect(page.getByTestId('find-next')).toBeEnabled();
  await input.press('Enter');
  await expect(selected).toHaveText(String(gets[1]));
  await expect(page.getByTestId('find-next')).toBeEnabled();
  await input.press('Shift+Enter');
  await expect(selected).toHaveText(String(gets[0]));
  // A string in the bytes.
  const hosts = tsharkFrames('frame contains "upload.wikimedia.org"');
  await page.getByTestId('find-kind').selectOption('string');
  await input.fill('upload.wikimedia.org');
  await expect(page.getByTestId('find-next')).toBeEnabled();
  await input.press('Enter');
  await expect(selected).toHaveText(String(hosts.find((f) => f > gets[0]!)));
  // A hex sequence: "GET " is 47 45 54 20.
  const after = Number(await selected.textContent());
  await page.getByTestId('find-kind').selectOption('hex');
  await input.fill('47 45 54 20');
  await expect(page.getByTestId('find-next')).toBeEnabled();
  await input.press('Enter');
  const getFrames = tsharkFrames('frame contains 47:45:54:20');
  await expect(selected).toHaveText(String(getFrames.find((f) => f > after) ?? getFrames[0]));
  await input.fill('zz');
  await expect(page.getByTestId('find-next')).toBeEnabled();
  await input.press('Enter');
  await expect(page.getByTestId('find-message')).toContainText('is not a hex sequence');
});

test('a field added as a column shows its values and stays with the session', async ({ page }) => {
  await openSample(page);
  await expect(page.getByText('Saved in this browser')).toBeVisible();
  await applyFilter(page, 'dns');
  await expect(page.getByTestId('shown-count')).toHaveText(String(tsharkFrames('dns').length));
  await page.getByTestId('packet-row').first().click();
  const tree = page.getByTestId('detail-tree');
  await tree.getByRole('treeitem', { name: /^Domain Name System/ }).locator('.twisty').first().click();
  await tree.getByRole('treeitem', { name: /^Queries/ }).locator('.twisty').first().click();
  await tree.getByRole('treeitem', { name: /^\S+: type / }).first().locator('.twisty').first().click();
  await tree.getByText(/^Name: /).first().click();
  await page.getByTestId('add-column').click();
  await expect(page.getByTestId('custom-column')).toHaveText([/^dns\.qry\.name/]);
  // The values are tshark's for the same field, row by row.
  const out = execFileSync('tshark', ['-n', '-r', SAMPLE, '-Y', 'dns', '-T', 'fields', '-e', 'dns.qry.name'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const want = out.split('\n').filter(Boolean);
  const cellsLocator = page.getByTestId('custom-cell');
  await expect.poll(async () => {
    const cells = await cellsLocator.allTextContents();
    return cells.length > 3 && cells.join('\n') === want.slice(0, cells.length).join('\n');
  }).toBe(true);
  // Reloading reopens the session with its column.
  await page.reload();
  await expect(page.getByTestId('custom-column')).toHaveText([/^dns\.qry\.name/]);
  await page.getByRole('button', { name: 'Remove the column dns.qry.name' }).click();
  await expect(page.getByTestId('custom-column')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('packet-count')).toHaveText('136');
  await expect(page.getByTestId('custom-column')).toHaveCount(0);
});
