// Comments, marks and the session note: added in the app, found by the
// frame.comment filter, and still there after a reload.

import { test, expect } from '@playwright/test';

test('comments, marks and the note are kept with the session', async ({ page }) => {
  await page.goto('/');
  await page.locator('main[data-engine="ready"]').waitFor();
  await page.getByTestId('open-sample').click();
  await expect(page.getByText('Saved in this browser')).toBeVisible();
  const rows = page.getByTestId('packet-row');
  await rows.nth(2).click();
  await page.getByTestId('comment-edit').click();
  await page.getByTestId('comment-input').fill('looks <b>odd</b>\nsecond line');
  await page.getByTestId('comment-save').click();
  await expect(page.getByTestId('packet-comments').locator('li')).toHaveText(['✎ looks <b>odd</b>', '✎ second line']);
  await expect(rows.nth(2).locator('.comment')).toBeVisible();
  // Marks: the button and Ctrl+M.
  await page.getByTestId('mark-packet').click();
  await expect(rows.nth(2)).toHaveClass(/marked/);
  await rows.nth(4).click();
  await page.keyboard.press('Control+m');
  await expect(rows.nth(4)).toHaveClass(/marked/);
  // The note.
  await page.getByTestId('note-toggle').click();
  await page.getByTestId('session-note').fill('Checked on Monday.');
  await page.getByTestId('session-note').blur();
  // frame.comment finds the packet.
  const bar = page.getByTestId('filter-input');
  await bar.fill('frame.comment contains "odd"');
  await bar.press('Escape');
  await bar.press('Enter');
  await expect(page.getByTestId('shown-count')).toHaveText('1');
  await expect(rows.first().locator('.number')).toContainText('3');
  // All of it survives a reload.
  await page.reload();
  await expect(page.getByTestId('packet-count')).toHaveText('136');
  await expect(rows.nth(2)).toHaveClass(/marked/);
  await expect(rows.nth(4)).toHaveClass(/marked/);
  await expect(rows.nth(3)).not.toHaveClass(/marked/);
  await rows.nth(2).click();
  await expect(page.getByTestId('packet-comments').locator('li')).toHaveText(['✎ looks <b>odd</b>', '✎ second line']);
  await page.getByTestId('note-toggle').click();
  await expect(page.getByTestId('session-note')).toHaveValue('Checked on Monday.');
  // Deleting the comments.
  await page.getByTestId('comment-delete').click();
  await expect(page.getByTestId('packet-comments')).toHaveCount(0);
  await expect(rows.nth(2).locator('.comment')).toHaveCount(0);
});
