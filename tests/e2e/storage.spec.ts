// Sessions under storage trouble, in Debian's chromium: a save refused for
// lack of space (a real QuotaExceededError, with the origin's quota made
// small through the DevTools protocol) leaves no trace and the earlier
// sessions intact; a later edit of a saved session (a comment, a name) that
// no longer fits says so, stays in the tab and leaves the stored session as
// it was; a stored index damaged in IndexedDB is noticed, rebuilt from the
// capture bytes and stored again.

import { test, expect, type Page } from '@playwright/test';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { CORPUS, expectedFields } from '../differential/corpus';

const SMALL = 'zeek-http_get.pcap';
const LARGE = 'pcapplusplus-many-protocols.pcap';

async function openFile(page: Page, path: string) {
  await page.goto('/');
  await page.locator('main[data-engine="ready"]').waitFor();
  await page.getByTestId('file-input').setInputFiles(path);
  await page.waitForURL(/\/view/);
}

async function waitForSaved(page: Page): Promise<number> {
  await expect(page.getByText('Saved in this browser')).toBeVisible();
  await expect(page).toHaveURL(/session=\d+/);
  return Number(new URL(page.url()).searchParams.get('session'));
}

/** The primary keys of every table of the app's database, read with indexedDB directly. */
async function storedKeys(page: Page): Promise<Record<string, number[]>> {
  return page.evaluate(
    () =>
      new Promise<Record<string, number[]>>((resolve, reject) => {
        const open = indexedDB.open('packetlens');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames];
          const tx = db.transaction(names, 'readonly');
          const out: Record<string, number[]> = {};
          for (const name of names) {
            const r = tx.objectStore(name).getAllKeys();
            r.onsuccess = () => (out[name] = (r.result as number[]).slice());
          }
          tx.oncomplete = () => {
            db.close();
            resolve(out);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

/** The text of the first `n` rows' Source, Destination, Protocol, Length and Info cells. */
async function firstRows(page: Page, n: number): Promise<string[][]> {
  const rows = page.getByTestId('packet-row');
  await expect(rows.nth(n - 1).locator('.cell.info')).not.toBeEmpty();
  const out: string[][] = [];
  for (let i = 0; i < n; i++) {
    out.push(await rows.nth(i).locator('.cell.source, .cell.destination, .cell.protocol, .cell.length, .cell.info').allTextContents());
  }
  return out;
}

/**
 * Opens the home page and limits the origin's storage to what it uses now
 * plus `headroom` bytes, through Chromium's real quota override; returns what
 * it used and a function that lifts the limit.
 */
async function limitStorage(page: Page, headroom: number): Promise<{ usage: number; lift: () => Promise<void> }> {
  await page.goto('/');
  await page.locator('main[data-engine="ready"]').waitFor();
  await page.evaluate(async () => void (await navigator.serviceWorker.ready));
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(page.url()).origin;
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + headroom });
  return { usage, lift: async () => void (await cdp.send('Storage.overrideQuotaForOrigin', { origin })) };
}

test('a save refused for lack of space says so, leaves no partial session, and keeps the earlier ones', async ({ page }) => {
  const small = expectedFields(SMALL)!.rows.length;
  const large = expectedFields(LARGE)!.rows.length;
  // Leave room for the small capture but not for the large one's bytes. The
  // quota is set before anything is stored: Chromium caches the space left
  // for a few seconds after a write is allowed, and would not see a later change.
  const headroom = Math.floor(statSync(join(CORPUS, LARGE)).size / 2);
  const { usage, lift } = await limitStorage(page, headroom);
  try {
    await page.getByTestId('file-input').setInputFiles(join(CORPUS, SMALL));
    await page.waitForURL(/\/view/);
    await expect(page.getByTestId('packet-count')).toHaveText(String(small));
    const first = await waitForSaved(page);

    await openFile(page, join(CORPUS, LARGE));
    const message = page.getByTestId('save-message');
    await expect(message).toContainText("Not saved: this browser's storage is full");
    // The browser's own figures (its estimate does not show the overridden quota), and what the capture needs.
    await expect(message).toContainText(/\d+(\.\d)? (KB|MB) used of \d+(\.\d)? (KB|MB|GB)/);
    const needed = Number(/about (\d+\.\d) MB/.exec((await message.textContent()) ?? '')?.[1]);
    expect(needed).toBeGreaterThanOrEqual(Math.floor(statSync(join(CORPUS, LARGE)).size / 1e5) / 10);
    await expect(message).toContainText('The capture is still open');
    await expect(page.getByText('Saved in this browser')).toHaveCount(0);

    // The capture is still shown, whole, in this tab.
    await expect(page.getByTestId('packet-count')).toHaveText(String(large));
    await page.getByTestId('packet-row').nth(2).click();
    await expect(page.getByTestId('detail-tree')).toContainText('Frame 3:');

    // Only the first session is stored: nothing of the refused one in any table.
    const keys = await storedKeys(page);
    expect(Object.keys(keys).sort()).toEqual(['captures', 'indexes', 'sessions']);
    const orphans = Object.values(keys)
      .flat()
      .filter((k) => k !== first).length;
    expect(keys).toEqual({ sessions: [first], captures: [first], indexes: [first] });

    // The earlier session is listed once and opens with its packets.
    await page.goto('/');
    await expect(page.getByTestId('session-item')).toHaveCount(1);
    await expect(page.getByTestId('session-item')).toContainText(SMALL);
    await page.getByTestId('session-item').locator('button.open').click();
    await expect(page.getByTestId('packet-count')).toHaveText(String(small));
    await expect(page.getByTestId('index-notice')).toHaveCount(0);
    console.log(`storage: quota refusal (quota ${usage + headroom} bytes) left ${orphans} orphan records; session ${first} intact with ${small} packets`);
  } finally {
    await lift();
  }
});

type StoredSession = { name: string; comments?: Record<number, string[]>; marks?: number[]; note?: string };

/**
 * Record `id` of table `store` as stored, read with indexedDB directly; its
 * binary buffers come back as arrays of byte values.
 */
async function storedRecord<T>(page: Page, store: string, id: number): Promise<T | undefined> {
  return page.evaluate(
    ({ store, id }) =>
      new Promise<T | undefined>((resolve, reject) => {
        const plain = (v: unknown): unknown => {
          if (v instanceof ArrayBuffer) return [...new Uint8Array(v)];
          if (Array.isArray(v)) return v.map(plain);
          if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
          return v;
        };
        const open = indexedDB.open('packetlens');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction(store).objectStore(store).get(id);
          get.onsuccess = () => {
            db.close();
            resolve(plain(get.result) as T | undefined);
          };
          get.onerror = () => reject(get.error);
        };
      }),
    { store, id },
  );
}

/** Session `id`'s record as stored. */
async function storedSession(page: Page, id: number): Promise<StoredSession | undefined> {
  return storedRecord<StoredSession>(page, 'sessions', id);
}

test('an edit of a saved session that no longer fits says so, stays in the tab, and the stored session keeps its earlier state', async ({ page }) => {
  const packets = expectedFields(SMALL)!.rows.length;
  // Errors in the page (unhandled rejections among them) and in its workers' consoles.
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console${m.worker() ? ' (worker)' : ''}: ${m.text().slice(0, 300)}`);
  });

  // Room for the small capture's session and a short comment, not for a long
  // one. Set before anything is stored: Chromium caches the space it granted
  // for a few seconds and counts later writes against that.
  const headroom = 256 * 1024;
  const { usage, lift } = await limitStorage(page, headroom);
  try {
    await page.getByTestId('file-input').setInputFiles(join(CORPUS, SMALL));
    await page.waitForURL(/\/view/);
    await expect(page.getByTestId('packet-count')).toHaveText(String(packets));
    const id = await waitForSaved(page);

    // The earlier state: a short comment and a mark on packet 1, a note; all stored.
    await page.getByTestId('packet-row').first().click();
    await page.getByTestId('comment-edit').click();
    await page.getByTestId('comment-input').fill('first look');
    await page.getByTestId('comment-save').click();
    await expect(page.getByTestId('packet-comments')).toHaveText('✎ first look');
    await page.getByTestId('mark-packet').click();
    await expect(page.getByTestId('mark-packet')).toHaveText('Unmark packet 1');
    await page.getByTestId('note-toggle').click();
    await page.getByTestId('session-note').fill('before the disk filled');
    await page.getByTestId('session-note').blur();
    await expect.poll(async () => (await storedSession(page, id))?.note).toBe('before the disk filled');
    await expect(page.getByTestId('edit-message')).toHaveCount(0);
    const earlier = await storedSession(page, id);
    expect(earlier?.comments).toEqual({ 0: ['first look'] });
    expect(earlier?.marks).toEqual([0]);

    // A long comment (incompressible text, well beyond the room left) is refused by storage.
    const long = randomBytes(768 * 1024).toString('base64');
    await page.getByTestId('comment-edit').click();
    await page.getByTestId('comment-input').fill(long);
    await page.getByTestId('comment-save').click();
    const message = page.getByTestId('edit-message');
    await expect(message).toHaveCount(1);
    await expect(message).toContainText("Comment not saved: this browser's storage is full");
    await expect(message).toContainText('The change is kept in this tab until it is closed or reloaded');
    await expect(message).toContainText('free space by deleting sessions');
    // What the change needs (the browser's estimate does not show the overridden quota, so the message says the refusal is not explained by it).
    const needed = /the change needs (?:about )?\(?about ([\d.]+) (KB|MB)/.exec((await message.textContent()) ?? '');
    expect(needed, 'the message says what the change needs').toBeTruthy();
    expect(Number(needed![1]) * (needed![2] === 'MB' ? 1e6 : 1e3)).toBeGreaterThanOrEqual(Math.floor(long.length / 1e5) * 1e5);
    // The tab shows the change, and the capture stays open.
    await expect(page.getByTestId('packet-comments')).toContainText(long.slice(0, 40));
    await expect(page.getByTestId('packet-count')).toHaveText(String(packets));
    await expect(page.getByText('Saved in this browser')).toBeVisible();

    // Storage holds the earlier record whole.
    const after = await storedSession(page, id);
    expect(after).toEqual(earlier);
    expect(await storedKeys(page)).toEqual({ sessions: [id], captures: [id], indexes: [id] });

    // Reopened, the session has its earlier state.
    await page.reload();
    await expect(page.getByTestId('packet-count')).toHaveText(String(packets));
    await page.getByTestId('packet-row').first().click();
    await expect(page.getByTestId('packet-comments')).toHaveText('✎ first look');
    await expect(page.getByTestId('mark-packet')).toHaveText('Unmark packet 1');
    await page.getByTestId('note-toggle').click();
    await expect(page.getByTestId('session-note')).toHaveValue('before the disk filled');
    await expect(page.getByTestId('edit-message')).toHaveCount(0);

    // A note that does not fit is said the same way, and the stored note is kept.
    await page.getByTestId('session-note').fill(long);
    await page.getByTestId('session-note').blur();
    await expect(page.getByTestId('edit-message')).toContainText("Note not saved: this browser's storage is full");
    expect((await storedSession(page, id))?.note).toBe('before the disk filled');

    // Renaming on the home page to a name that does not fit: said, and the earlier name kept.
    await page.goto('/');
    const item = page.getByTestId('session-item');
    await expect(item).toContainText(SMALL);
    await item.getByRole('button', { name: /^Rename/ }).click();
    await page.getByLabel(/New name/).fill(long);
    await page.getByLabel(/New name/).press('Enter');
    const failure = page.getByTestId('error-message');
    await expect(failure).toContainText("Name not saved: this browser's storage is full");
    await expect(failure).toContainText('The session keeps its earlier name');
    await expect(item).toHaveCount(1);
    await expect(item.locator('.name')).toHaveText(SMALL);
    expect((await storedSession(page, id))?.name).toBe(SMALL);

    expect(errors).toEqual([]);
    console.log(`storage: edits refused under a quota of ${usage + headroom} bytes (${headroom} above the ${usage} used): a ${long.length}-character comment (needs about ${needed![1]} ${needed![2]}), note and name; session ${id} kept its comment, mark and note; ${errors.length} page errors`);
  } finally {
    await lift();
  }
});

/** Changes the stored index of session `id` in IndexedDB; returns the src column's bytes before. */
async function tamper(page: Page, id: number, how: 'flip' | 'old'): Promise<number[]> {
  return page.evaluate(
    ({ id, how }) =>
      new Promise<number[]>((resolve, reject) => {
        const open = indexedDB.open('packetlens');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('indexes', 'readwrite');
          const store = tx.objectStore('indexes');
          let before: number[] = [];
          const get = store.get(id);
          get.onsuccess = () => {
            const record = get.result as { id: number; index: { version: number; checksum?: number; columns: Record<string, ArrayBuffer> } };
            before = [...new Uint8Array(record.index.columns.src!)];
            if (how === 'flip') {
              // Change the source address of the first five packets, and the protocol of the first.
              const src = new Uint8Array(record.index.columns.src!);
              for (let p = 0; p < 5; p++) src[p * 4]! ^= 0xff;
              new Uint8Array(record.index.columns.proto!)[0]! ^= 0x01;
            } else {
              record.index.version = 2;
              delete record.index.checksum;
            }
            store.put(record);
          };
          tx.oncomplete = () => {
            db.close();
            resolve(before);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { id, how },
  );
}

/** The stored src column of session `id`'s index, byte by byte. */
async function storedSrc(page: Page, id: number): Promise<number[]> {
  const record = await storedRecord<{ index: { columns: Record<string, number[]> } }>(page, 'indexes', id);
  return record!.index.columns.src!;
}

test('a damaged stored index is rebuilt from the capture, and the rebuilt one is stored', async ({ page }) => {
  const expected = expectedFields(SMALL)!;
  const ipSrc = expected.header.indexOf('ip.src');
  const ipDst = expected.header.indexOf('ip.dst');
  await openFile(page, join(CORPUS, SMALL));
  await expect(page.getByTestId('packet-count')).toHaveText(String(expected.rows.length));
  const id = await waitForSaved(page);
  const before = await firstRows(page, 5);
  // What tshark says of the same packets.
  expect(before.map((r) => [r[0], r[1]])).toEqual(expected.rows.slice(0, 5).map((r) => [r[ipSrc], r[ipDst]]));

  const original = await tamper(page, id, 'flip');
  expect(await storedSrc(page, id)).not.toEqual(original);
  await page.reload();
  const notice = page.getByTestId('index-notice');
  await expect(notice).toContainText('The stored index of this session was damaged; it was rebuilt from the capture');
  await expect(notice).toContainText('checksum');
  await expect(page.getByTestId('packet-count')).toHaveText(String(expected.rows.length));
  expect(await firstRows(page, 5)).toEqual(before);
  // The rebuilt index replaced the damaged record: it holds the addresses again, and opens without a notice.
  expect(await storedSrc(page, id)).toEqual(original);
  await page.reload();
  await expect(page.getByTestId('packet-count')).toHaveText(String(expected.rows.length));
  expect(await firstRows(page, 5)).toEqual(before);
  await expect(page.getByTestId('index-notice')).toHaveCount(0);
  console.log(`storage: damaged index (5 addresses, 1 protocol flipped) rebuilt, ${expected.rows.length} packets as tshark, first 5 rows as before`);
});

test('a session stored before index checksums opens, its index rebuilt once', async ({ page }) => {
  const packets = expectedFields(SMALL)!.rows.length;
  await openFile(page, join(CORPUS, SMALL));
  const id = await waitForSaved(page);
  const before = await firstRows(page, 5);
  await tamper(page, id, 'old');
  await page.reload();
  await expect(page.getByTestId('index-notice')).toContainText('stored by an earlier version of Packetlens; its index was rebuilt from the capture');
  await expect(page.getByTestId('packet-count')).toHaveText(String(packets));
  expect(await firstRows(page, 5)).toEqual(before);
  await page.reload();
  await expect(page.getByTestId('packet-count')).toHaveText(String(packets));
  expect(await firstRows(page, 5)).toEqual(before);
  await expect(page.getByTestId('index-notice')).toHaveCount(0);
});
