// Every view of the app on a capture whose every text is HTML and script:
// DNS names, TLS SNI and ALPN, HTTP lines and headers, packet comments,
// interface and section header options, a name record, the session's note,
// and the file name. After each view: no payload ran (each sets its own
// window global), nothing was injected, no dialog opened, the
// Content-Security-Policy blocked nothing (so nothing was stopped only by
// the policy), and the payloads that belong in the view are there as text.

import { test, expect, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { damagedSessionFile, hostileSessionFile, notACaptureFile, Payloads, renamedSessionFile, type HostileFile } from './captures';
import { Guard, sweep } from './hostile-guard';

async function openHostile(page: Page, file: HostileFile) {
  await page.goto('/');
  await page.locator('main[data-engine="ready"]').waitFor();
  await page.getByTestId('file-input').setInputFiles({ name: file.name, mimeType: 'application/octet-stream', buffer: Buffer.from(file.bytes) });
  await page.waitForURL(/\/view/);
}

async function applyFilter(page: Page, text: string) {
  const bar = page.getByTestId('filter-input');
  await bar.fill(text);
  await bar.press('Escape');
  await bar.press('Enter');
}

/** The text of a row's cells, by packet number (the list shows every packet of these small captures). */
function row(page: Page, frame: number): Locator {
  return page.getByTestId('packet-row').filter({ has: page.locator('.number', { hasText: new RegExp(`^●?${frame}✎?$`) }) });
}

test('a capture made of HTML and script is shown as text in every view, and runs nothing', async ({ page }) => {
  test.setTimeout(300_000);
  const guard = await Guard.watch(page);
  const main = hostileSessionFile();
  const damaged = damagedSessionFile();
  const renamed = renamedSessionFile();
  const refused = notACaptureFile();
  // What a person types or pastes: a comment, the note, an I/O graph series, a session's new name.
  const typed = new Payloads();
  const typedComment = typed.add('typed comment', { kind: 1 });
  const typedNote = typed.add('typed note', { kind: 2 });
  const typedSeries = typed.add('typed series', { tight: true, kind: 0 });
  const typedName = typed.add('typed session name', { kind: 4 });
  const payloads = [main, damaged, renamed, refused].flatMap((f) => f.payloads.all).concat(typed.all);
  const globals = payloads.map((p) => p.global);
  expect(new Set(globals).size).toBe(payloads.length);
  const P = (place: string) => main.payloads.text(place);

  const visited: string[] = [];
  const injected: string[] = [];
  const ran = new Set<string>();
  let literals = 0;
  /** After a view: its payloads are there as text, nothing ran or was injected, nothing was blocked. */
  async function check(view: string, texts: [Locator, string | RegExp][]) {
    const r = await sweep(page, globals);
    r.ran.forEach((g) => ran.add(g));
    injected.push(...r.injected.map((i) => `${view}: ${i}`));
    visited.push(view);
    expect(r.ran, `${view}: payloads that ran`).toEqual([]);
    expect(r.injected, `${view}: injected`).toEqual([]);
    expect(guard.problems(), `${view}: dialogs, CSP violations, errors`).toEqual([]);
    for (const [where, text] of texts) {
      await expect(where, `${view}: ${text}`).toContainText(text, { useInnerText: false });
      literals++;
    }
  }

  try {
    // The packet list, with the columns and note the session file restores.
    await openHostile(page, main);
    await expect(page.getByTestId('packet-count')).toHaveText(String(main.packets));
    await expect(page.getByText('Saved in this browser')).toBeVisible();
    await expect(page.getByTestId('custom-column')).toHaveCount(2);
    const header = page.locator('header.bar .name');
    await check('packet list', [
      [header, main.name],
      [row(page, 1), `Standard query 0x4242 A ${P('dns query')}.example.com`],
      [row(page, 1).getByTestId('custom-cell').nth(1), `${P('dns query')}.example.com`],
      [row(page, 2), `CNAME ${P('dns cname')}.example.net`],
      [row(page, 6), `GET /${P('http uri')}?next=${P('http query')} HTTP/1.1`],
      [row(page, 6).getByTestId('custom-cell').first(), P('http user agent')],
      [row(page, 7), `HTTP/1.1 200 ${P('http reason')}`],
    ]);
    expect(await page.title()).toBe(`${main.name} — Packetlens`);
    await expect(row(page, 1)).toHaveClass(/marked/);

    // Names from the capture: the DNS answer and the name record name addresses.
    await page.getByTestId('resolve-names').check();
    await expect(page.getByTestId('names-note')).toBeVisible();
    await check('packet list with names from the capture', [
      [row(page, 11).locator('.destination'), `${P('name record')}.example.org`],
      [row(page, 6).locator('.destination'), `${P('dns query')}.example.com`],
    ]);
    await page.getByTestId('resolve-names').uncheck();
    await expect(page.getByTestId('names-note')).toHaveCount(0);

    // The details tree, every node open, and the bytes pane, for each packet that carries text.
    const tree = page.getByTestId('detail-tree');
    const ascii = async () => (await page.locator('[data-testid="hex-pane"] .ascii').allTextContents()).join('');
    const treeTexts: Record<number, string[]> = {
      1: [`${P('dns query')}.example.com`],
      2: [`${P('dns query')}.example.com`, `${P('dns cname')}.example.net`],
      6: [`/${P('http uri')}?next=${P('http query')}`, `Host: ${P('http host')}`, `User-Agent: ${P('http user agent')}`, `${P('http basic user')}:not-shown`, `Referer: ${P('http referer')}`],
      7: [P('http reason'), `Server: ${P('http server')}`, `Location: ${P('http location')}`, P('http body')],
      11: [P('tls sni'), P('tls alpn')],
    };
    const bytesTexts: Record<number, string[]> = {
      6: [`Host: ${P('http host')}`, `User-Agent: ${P('http user agent')}`],
      7: [`HTTP/1.1 200 ${P('http reason')}`, P('http body')],
      11: [P('tls sni'), P('tls alpn')],
    };
    for (let frame = 1; frame <= main.packets; frame++) {
      await row(page, frame).click();
      await expect(tree).toContainText(`Frame ${frame}:`);
      await page.getByRole('button', { name: 'Expand all' }).click();
      await check(`details of packet ${frame}`, (treeTexts[frame] ?? []).map((t) => [tree, t]));
      for (const t of bytesTexts[frame] ?? []) {
        await expect.poll(ascii, { message: `bytes of packet ${frame}: ${t}` }).toContain(t);
        literals++;
      }
      await check(`bytes of packet ${frame}`, []);
    }

    // Annotations: the file's comment, one typed, and the note the session file carried.
    await row(page, 1).click();
    const comments = page.getByTestId('packet-comments');
    await check('packet comments', [[comments, `✎ ${main.payloads.text('comment dns')}`]]);
    await page.getByTestId('comment-edit').click();
    await expect(page.getByTestId('comment-input')).toHaveValue(P('comment dns'));
    await page.getByTestId('comment-input').fill(`${P('comment dns')}\n${typedComment}`);
    await page.getByTestId('comment-save').click();
    await check('packet comments, one typed', [
      [comments.locator('li').nth(0), `✎ ${P('comment dns')}`],
      [comments.locator('li').nth(1), `✎ ${typedComment}`],
      [page.locator('footer.status'), `comment: ${P('comment dns')} / ${typedComment}`],
    ]);
    await page.getByTestId('note-toggle').click();
    await expect(page.getByTestId('session-note')).toHaveValue(P('session note'));
    await page.getByTestId('session-note').fill(`${P('session note')}\n${typedNote}`);
    await page.getByTestId('session-note').blur();
    await check('session note', []);
    await page.getByTestId('note-toggle').click();

    // Apply as filter from a field holding a payload: the filter bar and the status show it.
    await row(page, 1).click();
    await page.getByRole('button', { name: 'Expand all' }).click();
    await tree.getByText(`Name: ${P('dns query')}.example.com`).first().click();
    await expect(page.locator('.field-filter')).toContainText(`dns.qry.name == "${P('dns query')}.example.com"`);
    await page.getByTestId('apply-as-filter').click();
    await expect(page.getByTestId('shown-count')).toHaveText('2');
    await check('a payload as a display filter', [[page.getByTestId('filter-status'), `filter “dns.qry.name == "${P('dns query')}.example.com"”`]]);
    await expect(page.getByTestId('filter-input')).toHaveValue(`dns.qry.name == "${P('dns query')}.example.com"`);
    await applyFilter(page, '');
    await expect(page.getByTestId('shown-count')).toHaveCount(0);

    // Statistics: every table it offers.
    await page.getByTestId('tab-stats').click();
    const choice = page.getByTestId('stats-choice');
    const statsTexts: Record<string, string[]> = {
      summary: [P('interface name'), P('interface description'), P('section hardware'), P('section os'), P('section application'), P('section comment')],
      dns: [`${P('dns query')}.example.com`],
      tls: [P('tls sni'), P('tls alpn')],
      http: [P('http host'), `/${P('http uri')}?next=${P('http query')}`, P('http reason')],
    };
    const stats = page.locator('.stats');
    for (const key of await choice.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))) {
      await choice.selectOption(key);
      await expect(stats.getByText('computing…')).toHaveCount(0);
      await expect(page.getByTestId('stats-table').first()).toBeVisible();
      await check(`statistics: ${key}`, (statsTexts[key] ?? []).map((t) => [stats, t]));
    }
    // A table saved as CSV carries the text as it is.
    await choice.selectOption('dns');
    await expect(page.getByTestId('stats-table').first()).toContainText(P('dns query'));
    const csv = page.waitForEvent('download');
    await page.getByTestId('stats-csv').first().click();
    expect(readFileSync(await (await csv).path(), 'utf8')).toContain(P('dns query'));
    // A table row made a filter.
    await page.getByTestId('stats-table').first().getByRole('button', { name: 'Filter' }).first().click();
    await expect(page.getByTestId('shown-count')).toHaveText('2');
    await check('a statistics row as a filter', [[page.getByTestId('filter-status'), `${P('dns query')}.example.com`]]);
    await applyFilter(page, '');
    await expect(page.getByTestId('shown-count')).toHaveCount(0);

    // Expert: every finding open.
    await page.getByTestId('tab-expert').click();
    await expect(page.getByTestId('expert-summary')).toBeVisible();
    const findings = page.getByTestId('expert-finding');
    for (let k = 0; k < (await findings.count()); k++) await findings.nth(k).locator('.head').click();
    const expert = page.locator('.expert');
    await check('expert', [
      [expert, P('comment dns')],
      [expert, P('comment http')],
      [expert, P('comment tls')],
      [expert, typedComment],
      [expert, `"${P('http basic user')}"`],
      [expert, P('http host')],
    ]);

    // I/O graph, with a series whose filter is a payload.
    await page.getByTestId('tab-io').click();
    await expect(page.getByTestId('io-series-total')).toHaveText([`${main.packets} packets`]);
    await page.getByTestId('io-new-series').fill(`http.request.uri contains "${typedSeries}"`);
    await page.getByTestId('io-new-series').press('Enter');
    await expect(page.getByTestId('io-series-total')).toHaveCount(2);
    await check('I/O graph', [[page.locator('.io .series'), `http.request.uri contains "${typedSeries}"`]]);

    // Host graph and countries: addresses only, drawn and listed.
    await page.getByTestId('tab-graph').click();
    await expect(page.getByTestId('graph-summary')).toContainText('4 hosts');
    await check('host graph', [[page.getByTestId('graph-summary'), 'conversations']]);
    await page.getByTestId('tab-countries').click();
    await expect(page.getByTestId('country-table')).toBeVisible();
    await check('countries', []);

    // Follow the HTTP stream (ASCII, hex dump, raw) and the DNS datagrams.
    await page.getByTestId('tab-packets').click();
    await row(page, 6).click();
    await page.getByTestId('follow-button').click();
    const follow = page.getByTestId('follow-data');
    await check('follow TCP stream (ASCII)', [
      [follow, `GET /${P('http uri')}?next=${P('http query')} HTTP/1.1`],
      [follow, `Host: ${P('http host')}`],
      [follow, `User-Agent: ${P('http user agent')}`],
      [follow, `HTTP/1.1 200 ${P('http reason')}`],
      [follow, `<html><body>${P('http body')}</body></html>`],
    ]);
    for (const mode of ['hex', 'raw']) {
      await page.getByTestId('follow-mode').selectOption(mode);
      // The hex dump's text column breaks lines every 16 bytes: a tag that fits in a half line is there whole.
      await check(`follow TCP stream (${mode})`, mode === 'hex' ? [[follow, /ml><bod y><img s/]] : [[follow, /^[0-9a-f\s]+$/]]);
    }
    await page.getByRole('button', { name: 'Close the stream' }).click();
    await row(page, 1).click();
    await expect(page.getByTestId('follow-button')).toHaveText('Follow UDP stream');
    await page.getByTestId('follow-button').click();
    // Label lengths show as dots: the labels themselves are there as they are.
    await check('follow UDP stream', [[follow, '__hostile_dns_query=1</script>'], [follow, '<script>window']]);
    await page.getByRole('button', { name: 'Close the stream' }).click();

    // Export: every format; the message names the file, as text.
    await page.getByTestId('export-toggle').click();
    for (const format of ['pcapng', 'csv', 'json', 'parquet-packets', 'parquet-flows']) {
      const download = page.waitForEvent('download');
      await page.getByTestId(`export-${format}`).click();
      const saved = await download;
      const stem = main.name.replace(/\.pcapng$/, '');
      expect(saved.suggestedFilename().length).toBeGreaterThan(0);
      await check(`export ${format}`, [[page.getByTestId('export-message'), `Saved ${stem}`]]);
      if (format === 'csv' || format === 'json') {
        const text = readFileSync(await saved.path(), 'utf8');
        expect(text).toContain(format === 'csv' ? P('dns query') : JSON.stringify(P('dns query')).slice(1, -1));
      }
    }

    // The home page's session list, and renaming a session to a payload.
    await page.goto('/');
    const item = page.getByTestId('session-item').filter({ hasText: main.name });
    await check('session list', [[item.locator('.name'), main.name]]);
    await item.getByRole('button', { name: /^Rename/ }).click();
    await page.getByLabel(/New name/).fill(typedName);
    await page.getByRole('button', { name: 'Save' }).click();
    await check('session list, renamed', [[page.getByTestId('session-list'), typedName]]);
    // The stored session reopens with all of it.
    await page.getByTestId('session-item').filter({ hasText: typedName }).locator('button.open').click();
    await expect(page.getByTestId('packet-count')).toHaveText(String(main.packets));
    await check('stored session reopened', [[header, typedName], [row(page, 6), P('http uri')]]);

    // A session file whose state is damaged by a payload: the notice quotes it.
    await openHostile(page, damaged);
    await expect(page.getByTestId('packet-count')).toHaveText('1');
    await check('damaged session notice', [
      [page.getByTestId('session-notice'), damaged.payloads.text('state version')],
      [header, damaged.name],
    ]);
    // A session file that names its session with a payload.
    await openHostile(page, renamed);
    await expect(page.getByTestId('packet-count')).toHaveText('1');
    await expect(page.getByText('Saved in this browser')).toBeVisible();
    await check('session named by its file', [[header, renamed.payloads.text('state name')]]);
    await page.goto('/');
    await check('session list with a named session', [[page.getByTestId('session-list'), renamed.payloads.text('state name')]]);
    // A file that is not a capture: the refusal names it.
    await openHostile(page, refused);
    await check('refused file', [[page.getByTestId('error-message'), refused.name]]);
    await page.goto('/');
    await check('home page at the end', []);
  } finally {
    console.log(
      `hostile sweep: ${visited.length} views, ${payloads.length} payloads, ${ran.size} ran, ${injected.length} injected, ${literals} shown as text, ${guard.dialogs.length} dialogs, ${guard.violations.length} CSP violations`,
    );
  }
});
