// Live capture end to end: the real bridge on the loopback interface (this
// suite runs as root, as CI does), the Live page connected to it through the
// link the bridge prints, and datagrams sent to 127.0.0.1 appearing in the
// list, decoded, within two seconds. A capture filter keeps out what it should.

import { test, expect } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { typeScriptArgs } from '../../bridge/node-args';

const APP = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 4173)}`;
const PORT = 20000 + Math.floor(Math.random() * 20000);

let bridge: ChildProcess;
let link = '';

test.skip(process.getuid?.() !== 0, 'live capture needs root (CI runs as root)');

test.beforeAll(async () => {
  // Node itself, not through npx: npx does not pass SIGTERM on, so the bridge would outlive the test.
  bridge = spawn(process.execPath, [...typeScriptArgs('bridge/main.ts'), '--interface', 'lo', '--port', String(PORT), '--app', APP], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  bridge.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  let err = '';
  bridge.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!/^http\S+\/live\?\S+$/m.test(out)) {
    if (Date.now() > deadline || bridge.exitCode !== null) throw new Error(`the bridge did not start: ${out} ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  link = /^(http\S+\/live\?\S+)$/m.exec(out)![1]!;
});

test.afterAll(async () => {
  if (bridge && bridge.exitCode === null) {
    bridge.kill('SIGTERM');
    await once(bridge, 'exit');
  }
});

/** Sends `count` UDP datagrams of `size` bytes to 127.0.0.1:port. */
async function sendUdp(port: number, count: number, size = 32): Promise<void> {
  const s = createSocket('udp4');
  for (let k = 0; k < count; k++) {
    await new Promise<void>((resolve, reject) => s.send(Buffer.alloc(size, 0x41 + (k % 26)), port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  }
  s.close();
}

test('datagrams sent to this machine appear in the list, decoded, as they arrive', async ({ page }) => {
  expect(link.startsWith(`${APP}/live?bridge=`)).toBe(true);
  await page.goto(link.slice(APP.length));
  // The page is ready (hydrated: it has read the link's bridge address) before Connect is pressed.
  await expect(page.getByTestId('live-bridge')).not.toHaveValue('');
  await page.getByTestId('live-connect').click();
  await expect(page.getByTestId('live-status')).toHaveText('Connected to the bridge.');
  await expect(page.getByTestId('live-interface')).toHaveValue('lo');
  const wanted = PORT + 1;
  const other = PORT + 2;
  await page.getByTestId('live-filter').fill(`udp port ${wanted}`);
  await page.getByTestId('live-start').click();
  await expect(page.getByTestId('live-status')).toContainText('Capturing on lo');
  await sendUdp(other, 5);
  const sent = Date.now();
  await sendUdp(wanted, 10, 48);
  await expect(page.getByTestId('live-received')).toHaveText('10', { timeout: 2000 });
  expect(Date.now() - sent).toBeLessThan(2000);
  await expect(page.getByTestId('packet-row')).toHaveCount(10);
  const row = page.getByTestId('packet-row').first();
  await expect(row.locator('.protocol')).toHaveText('UDP');
  await expect(row.locator('.source')).toHaveText('127.0.0.1');
  await expect(row.locator('.destination')).toHaveText('127.0.0.1');
  await expect(row.locator('.info')).toContainText(`→ ${wanted}`);
  await expect(page.getByTestId('live-dropped')).toHaveText('0');
  // A display filter applies live, to packets that arrive after it too.
  const bar = page.getByTestId('filter-input');
  await bar.fill('udp.length > 50');
  await bar.press('Escape');
  await bar.press('Enter');
  await expect(page.getByTestId('live-shown')).toHaveText('10');
  await sendUdp(wanted, 3, 8);
  await expect(page.getByTestId('live-received')).toHaveText('13', { timeout: 2000 });
  await expect(page.getByTestId('live-shown')).toHaveText('10');
  // Stopping keeps the capture as a session.
  await page.getByTestId('live-stop').click();
  await expect(page.getByTestId('live-status')).toContainText('13 packets captured');
  await expect(page.getByTestId('live-open-session')).toBeVisible();
  await page.getByTestId('live-open-session').click();
  await expect(page.getByTestId('packet-count')).toHaveText('13');
});

test('when I ping this machine, the packets appear', async ({ page }) => {
  await page.goto(link.slice(APP.length));
  // The page is ready (hydrated: it has read the link's bridge address) before Connect is pressed.
  await expect(page.getByTestId('live-bridge')).not.toHaveValue('');
  await page.getByTestId('live-connect').click();
  await expect(page.getByTestId('live-status')).toHaveText('Connected to the bridge.');
  await page.getByTestId('live-filter').fill('icmp');
  await page.getByTestId('live-start').click();
  await expect(page.getByTestId('live-status')).toContainText('Capturing on lo');
  execFileSync('ping', ['-c', '3', '-i', '0.2', '127.0.0.1'], { stdio: 'ignore' });
  // Each echo request and its reply.
  await expect(page.getByTestId('live-received')).toHaveText('6', { timeout: 2000 });
  const rows = page.getByTestId('packet-row');
  await expect(rows).toHaveCount(6);
  await expect(rows.first().locator('.protocol')).toHaveText('ICMP');
  await expect(rows.first().locator('.info')).toContainText('Echo (ping) request');
  await expect(rows.nth(1).locator('.info')).toContainText('Echo (ping) reply');
  await page.getByTestId('live-stop').click();
  await expect(page.getByTestId('live-status')).toContainText('6 packets captured');
});

test('a bad capture filter is reported with libpcap\'s words', async ({ page }) => {
  await page.goto(link.slice(APP.length));
  // The page is ready (hydrated: it has read the link's bridge address) before Connect is pressed.
  await expect(page.getByTestId('live-bridge')).not.toHaveValue('');
  await page.getByTestId('live-connect').click();
  await expect(page.getByTestId('live-status')).toHaveText('Connected to the bridge.');
  await page.getByTestId('live-filter').fill('udp port banana');
  await page.getByTestId('live-start').click();
  await expect(page.getByTestId('live-error')).toContainText(/banana|syntax|port/i);
  await expect(page.getByTestId('live-start')).toBeEnabled();
});
