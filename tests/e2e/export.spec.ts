// Sharing: a session exported as one .pcapng downloads, tshark reads the
// same packets and comments from it, and dropping it into a browser with no
// stored sessions brings the whole session back.

import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('export the session, wipe storage, import it: everything is back', async ({ page, context }) => {
  await page.goto('/');
  await page.locator('main[data-engine="ready"]').waitFor();
  await page.getByTestId('open-sample').click();
  await expect(page.getByText('Saved in this browser')).toBeVisible();
  const rows = page.getByTestId('packet-row');
  // A comment, two marks, a note, a column.
  await rows.nth(1).click();
  await page.getByTestId('comment-edit').click();
  await page.getByTestId('comment-input').fill('first look');
  await page.getByTestId('comment-save').click();
  await page.getByTestId('mark-packet').click();
  await rows.nth(5).click();
  await page.keyboard.press('Control+m');
  await page.getByTestId('note-toggle').click();
  await page.getByTestId('session-note').fill('Handed over to the network team.');
  await page.getByTestId('session-note').blur();
  await page.getByTestId('detail-tree').getByText(/^Frame 6:/).click();
  await page.getByTestId('add-column').click();
  // Export.
  await page.getByTestId('export-toggle').click();
  const download = page.waitForEvent('download');
  await page.getByTestId('export-pcapng').click();
  const file = join(mkdtempSync(join(tmpdir(), 'packetlens-export-')), 'session.pcapng');
  await (await download).saveAs(file);
  await expect(page.getByTestId('export-message')).toContainText('Saved sample.pcapng');
  // tshark reads the same packets, with the comment.
  const lines = execFileSync('tshark', ['-n', '-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.comment'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
  expect(lines.length).toBe(136);
  expect(lines[1]).toBe('2\tfirst look');
  // Wipe this browser's storage, then import the file by dropping it.
  await page.goto('/');
  await page.evaluate(async () => {
    const dbs = await indexedDB.databases();
    await Promise.all(dbs.map((d) => new Promise((resolve) => {
      const r = indexedDB.deleteDatabase(d.name!);
      r.onsuccess = r.onerror = r.onblocked = () => resolve(null);
    })));
  });
  await page.reload();
  await page.locator('main[data-engine="ready"]').waitFor();
  await expect(page.getByTestId('session-item')).toHaveCount(0);
  await page.getByTestId('file-input').setInputFiles(file);
  await page.waitForURL(/\/view/);
  await expect(page.getByTestId('packet-count')).toHaveText('136');
  await expect(page.getByTestId('session-notice')).toContainText('were restored');
  await expect(rows.nth(1)).toHaveClass(/marked/);
  await expect(rows.nth(5)).toHaveClass(/marked/);
  await expect(page.getByTestId('custom-column')).toHaveCount(1);
  await rows.nth(1).click();
  await expect(page.getByTestId('packet-comments').locator('li')).toHaveText(['✎ first look']);
  await page.getByTestId('note-toggle').click();
  await expect(page.getByTestId('session-note')).toHaveValue('Handed over to the network team.');
  void context;
});
