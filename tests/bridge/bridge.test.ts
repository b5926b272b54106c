// The live-capture bridge (bridge/), run as `sudo npm run bridge` runs it:
// who may connect, the control messages, captures on lo with BPF filters,
// errors from libpcap, loopback-only listening, an interface going away,
// back-pressure under a flood, privileges, and shutting down.
//
// Each attack (a refused handshake, a bad message or frame, a flood of
// messages, connections or captures, a bad interface or filter) is counted,
// and must leave another page, capturing all along, open and receiving. A
// flood with two slow pages and a fast one follows. The suite ends by
// printing the count and the flood's figures.
//
// Capturing needs root (or CAP_NET_RAW): without it the suite is skipped.
// Everything happens on lo, or on a veth pair in a network namespace the
// suite makes and removes (skipped when `ip netns` is not permitted).

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBridgeArgs } from '../../bridge/args';
import { FrameSplitter } from '../../bridge/capture';
import { setprivWorks, unprivilegedUser } from '../../bridge/privileges';
import { MAX_CLIENTS, MAX_CONNECTIONS, MESSAGE_BURST, MESSAGES_PER_SECOND, REQUEST_TIMEOUT_MS, START_BURST, STARTS_PER_SECOND } from '../../bridge/server';
import { decodeFrames, DEFAULT_PORT, encodeFrame, MAX_CONTROL_BYTES, WIRE_VERSION, type BridgeMessage, type Frame } from '../../src/lib/live/wire';
import {
  alive,
  APP,
  childrenOf,
  clientFrame,
  freeUdpPort,
  handshakeStatus,
  PageClient,
  procStatus,
  rawExchange,
  RawWebSocket,
  sendDatagrams,
  sleep,
  startBridgeProcess,
  until,
  upgradeStatus,
  type RunningBridge,
} from './helpers';

const isRoot = process.getuid?.() === 0;
const ETH_IP_UDP = 14 + 20 + 8;
const CAP_NET_RAW_ONLY = '0000000000002000';
/** What a connection the bridge did not close in time is taken to have been closed with. */
const stillOpen = { code: 0, reason: 'still open' };
/** A /proc status size ("123456 kB") in kB. */
const kb = (field: string | undefined): number => Number(field!.split(/\s+/)[0]);

/** The attacks the suite made, refused or not, and the flood's figures: printed at the end. */
const attacks = { refused: 0, accepted: [] as string[] };
const figures: string[] = [];
function attack(what: string, refused: boolean): void {
  if (refused) attacks.refused++;
  else attacks.accepted.push(what);
}

afterAll(() => {
  if (!isRoot) return;
  const accepted = attacks.accepted.length ? ` (${attacks.accepted.join('; ')})` : '';
  console.log(`bridge: ${attacks.refused} attacks refused, ${attacks.accepted.length} accepted${accepted}; ${figures.join('; ') || 'flood: not run'}`);
});

describe('the bridge command line', () => {
  it('has the documented defaults and refuses mistakes', () => {
    expect(parseBridgeArgs([])).toEqual({
      help: false,
      interface: null,
      filter: '',
      snaplen: 262144,
      port: DEFAULT_PORT,
      app: 'http://127.0.0.1:4173',
      origins: [],
      listenAny: false,
    });
    const a = parseBridgeArgs(['--interface', 'lo', '--filter', 'udp port 53', '--snaplen', '128', '--port', '9000', '--app', 'http://localhost:5173/', '--origin', 'http://127.0.0.1:5173/x', '--listen-any']);
    expect(a).toMatchObject({ interface: 'lo', filter: 'udp port 53', snaplen: 128, port: 9000, app: 'http://localhost:5173', origins: ['http://127.0.0.1:5173'], listenAny: true });
    expect(() => parseBridgeArgs(['--snaplen', '10'])).toThrow(/--snaplen takes a whole number from 64/);
    expect(() => parseBridgeArgs(['--port', '70000'])).toThrow(/--port/);
    expect(() => parseBridgeArgs(['--app', 'ftp://x'])).toThrow(/http or https/);
    expect(() => parseBridgeArgs(['--bogus'])).toThrow();
  });
});

describe('cutting the capture pipe into frames', () => {
  it('finds frames split anywhere across chunks, and hands on those of a chunk together', () => {
    const frames: Frame[] = [10, 0, 1500, 65535, 3].map((n, i) => ({ interface: i, linkType: 1, time: BigInt(i) * 1000n, originalLength: n + 7, data: new Uint8Array(n).fill(i) }));
    const bytes = Buffer.concat(frames.map((f) => encodeFrame(f)));
    for (const step of [1, 7, 24, 1000, bytes.length]) {
      const runs: Buffer[] = [];
      const counts: number[] = [];
      const s = new FrameSplitter((run, count) => {
        runs.push(Buffer.from(run));
        counts.push(count);
      });
      for (let i = 0; i < bytes.length; i += step) s.push(bytes.subarray(i, i + step));
      expect(Buffer.concat(runs).equals(bytes)).toBe(true);
      const decoded = runs.map((r) => decodeFrames(r));
      expect(decoded.map((d) => d?.length)).toEqual(counts);
      expect(decoded.flatMap((d) => d!.map((f) => f.data.length))).toEqual(frames.map((f) => f.data.length));
      if (step === bytes.length) expect(counts).toEqual([frames.length]);
    }
  });
});

describe.skipIf(!isRoot)('the live-capture bridge', () => {
  let bridge: RunningBridge;
  let page: PageClient;
  // The witness: another page, connected before every attack and capturing
  // all along, fed a datagram every 20 ms. Each attack must leave it open and
  // receiving.
  let witness: PageClient;
  let witnessCapture = 0;
  let witnessTicker: NodeJS.Timeout | null = null;
  let witnessSocket: ReturnType<typeof createSocket> | null = null;

  beforeAll(async () => {
    bridge = await startBridgeProcess(['--interface', 'lo', '--filter', 'udp port 9', '--snaplen', '2000']);
    page = await PageClient.connect(bridge.port, bridge.token);
    witness = await PageClient.connect(bridge.port, bridge.token);
    witness.keepFrames = false;
    const port = await freeUdpPort();
    const from = witness.messages.length;
    witness.send({ type: 'start', interface: 'lo', filter: `udp dst port ${port}` });
    await witness.next('started', from);
    witnessCapture = childrenOf(server())[0]!;
    // Bounded: at most 30,000 datagrams (10 minutes), stopped in afterAll.
    const socket = createSocket('udp4');
    witnessSocket = socket;
    let ticks = 0;
    witnessTicker = setInterval(() => {
      if (++ticks > 30_000 && witnessTicker) clearInterval(witnessTicker);
      socket.send(Buffer.alloc(16, 0x77), port, '127.0.0.1');
    }, 20);
    await until('the witness to receive frames', () => witness.frameCount >= 3);
  });

  afterAll(async () => {
    if (witnessTicker) clearInterval(witnessTicker);
    witnessSocket?.close();
    page?.close();
    witness?.close();
    await bridge?.stop();
  });

  /** The bridge's serving process (the one setpriv started). */
  const server = (): number => childrenOf(bridge.proc.pid!)[0]!;

  /** The witness (and the first page) are still open, and the witness still receives frames. */
  async function othersUnaffected(after: string): Promise<void> {
    const n = witness.frameCount;
    await until(`the witness to receive frames after ${after}`, () => witness.frameCount >= n + 3, 5000);
    expect(witness.closed, after).toBeNull();
    expect(page.closed, after).toBeNull();
    expect(witness.messages.filter((m) => m.type === 'stopped' || m.type === 'error'), after).toEqual([]);
    expect(alive(witnessCapture)).toBe(true);
  }

  it('says hello with the defaults from its command line', () => {
    expect(page.messages[0]).toEqual({ type: 'hello', version: WIRE_VERSION, interface: 'lo', filter: 'udp port 9', snaplen: 2000 });
  });

  it('refuses, before the upgrade, a wrong or missing token, another origin or another host, saying why', async () => {
    const T = bridge.token;
    const port = bridge.port;
    const ok = `/?token=${T}`;
    const good = { Host: `127.0.0.1:${port}`, Origin: APP };
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      expect((await upgradeStatus(port, ok, { ...good, Host: host })).status, host).toBe(101);
    }
    const missing = /^The token is missing: open the link the bridge printed/;
    const wrong = /^The token is wrong: open the link the bridge printed/;
    const foreign = (origin: string): RegExp => new RegExp(`^Connections from ${origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} are not allowed; only from http://127\\.0\\.0\\.1:4173\\.`);
    const badHost = (host: string): RegExp => new RegExp(`^The Host header is "${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}", not this bridge on loopback`);
    const other = port === 65535 ? port - 1 : port + 1;
    const cases: [string, string, Record<string, string>, number, RegExp][] = [
      ['no token', '/', good, 401, missing],
      ['an empty token', '/?token=', good, 401, wrong],
      ['a wrong token of the same length', `/?token=${'0'.repeat(64)}`, good, 401, wrong],
      ['the token less its last digit', `/?token=${T.slice(0, -1)}`, good, 401, wrong],
      ['the token and one digit more', `/?token=${T}0`, good, 401, wrong],
      ['a short token', '/?token=abc', good, 401, wrong],
      ['a token of 10,000 digits', `/?token=${T.repeat(157).slice(0, 10_000)}`, good, 401, wrong],
      ['the token in capitals', `/?token=${T.toUpperCase()}`, good, 401, wrong],
      ['a wrong token before the right one', `/?token=${'1'.repeat(64)}&token=${T}`, good, 401, wrong],
      ['the token under another name', `/?t=${T}`, good, 401, missing],
      ['the token as the path', `/${T}`, good, 401, missing],
      ['the token in an Authorization header', '/', { ...good, Authorization: `Bearer ${T}` }, 401, missing],
      ['the token in a cookie', '/', { ...good, Cookie: `token=${T}` }, 401, missing],
      ['the token as the WebSocket subprotocol', '/', { ...good, 'Sec-WebSocket-Protocol': T }, 401, missing],
      ['a foreign origin', ok, { ...good, Origin: 'https://evil.example' }, 403, foreign('https://evil.example')],
      ["the app's address by another name", ok, { ...good, Origin: 'http://localhost:4173' }, 403, foreign('http://localhost:4173')],
      ['Origin null (a sandboxed frame, a file)', ok, { ...good, Origin: 'null' }, 403, foreign('null')],
      ['no Origin', ok, { Host: good.Host }, 403, /^Connections from a page of no origin are not allowed/],
      ["an origin that starts with the app's", ok, { ...good, Origin: 'http://127.0.0.1:4173.evil.com' }, 403, foreign('http://127.0.0.1:4173.evil.com')],
      ["an origin with the app's as its user", ok, { ...good, Origin: 'http://127.0.0.1:4173@evil.com' }, 403, foreign('http://127.0.0.1:4173@evil.com')],
      ["the app's origin over https", ok, { ...good, Origin: 'https://127.0.0.1:4173' }, 403, foreign('https://127.0.0.1:4173')],
      ["the app's origin with a path", ok, { ...good, Origin: `${APP}/live` }, 403, foreign(`${APP}/live`)],
      ['a foreign Host (DNS rebinding)', ok, { ...good, Host: 'evil.com' }, 403, badHost('evil.com')],
      ["a foreign Host with the bridge's port", ok, { ...good, Host: `evil.com:${port}` }, 403, badHost(`evil.com:${port}`)],
      ['a Host that starts with a loopback address', ok, { ...good, Host: `127.0.0.1.evil.com:${port}` }, 403, badHost(`127.0.0.1.evil.com:${port}`)],
      ['a Host with a user', ok, { ...good, Host: `evil.com@127.0.0.1:${port}` }, 403, badHost(`evil.com@127.0.0.1:${port}`)],
      ['a loopback Host with another port', ok, { ...good, Host: `127.0.0.1:${other}` }, 403, badHost(`127.0.0.1:${other}`)],
      ['a WebSocket version the bridge does not speak', ok, { ...good, 'Sec-WebSocket-Version': '99' }, 400, /Sec-WebSocket-Version/],
    ];
    for (const [what, path, headers, status, body] of cases) {
      const answer = await upgradeStatus(port, path, headers);
      attack(what, answer.status !== 101);
      expect(answer.status, what).toBe(status);
      expect(answer.body, what).toMatch(body);
    }
    // As the page's browser does it.
    expect((await handshakeStatus(port, `?token=${T}`, APP)).status).toBe(101);
    expect((await handshakeStatus(port, '', APP)).status).toBe(401);
    await othersUnaffected('the refused handshakes');
  });

  it('answers a request that is not a WebSocket upgrade with 426, and one with huge headers with 431', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port: bridge.port, path: `/?token=${bridge.token}` }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
        .on('error', reject)
        .end();
    });
    attack('a plain HTTP request', status === 426);
    expect(status).toBe(426);
    expect(body).toMatch(/WebSocket only/);
    const big = await rawExchange(bridge.port, `GET /?token=${bridge.token} HTTP/1.1\r\nHost: 127.0.0.1:${bridge.port}\r\nX-Pad: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    attack('64 KiB of headers', /^HTTP\/1\.1 431 /.test(big));
    expect(big).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large/);
    await othersUnaffected('plain HTTP');
  });

  it('closes a connection that sends an oversized, malformed, binary or unknown message, and only that one', async () => {
    const start = (fields: string): string => `{"type":"start","interface":"lo","filter":""${fields}}`;
    const notControl = /not a control message/;
    const cases: [string, string | Buffer, number, RegExp][] = [
      // ws closes with 1009 (message too big) by itself, with no reason text.
      ['a message over 4096 bytes', JSON.stringify({ type: 'list', pad: 'x'.repeat(MAX_CONTROL_BYTES) }), 1009, /^$/],
      ['a message of 1 MiB', JSON.stringify({ type: 'list', pad: 'x'.repeat(1 << 20) }), 1009, /^$/],
      ['JSON cut short', '{"type": "list"', 1008, /JSON/],
      ['an empty message', '', 1008, /JSON/],
      ['a binary message', Buffer.from([1, 2, 3]), 1008, /binary/],
      ['an unknown type', '{"type":"frobnicate"}', 1008, notControl],
      ['JSON null', 'null', 1008, notControl],
      ['an array', '["list"]', 1008, notControl],
      ['2000 nested arrays', '['.repeat(2000) + ']'.repeat(2000), 1008, notControl],
      ['a type under __proto__', '{"__proto__":{"type":"list"}}', 1008, notControl],
      ['a snapshot length of 1', start(',"snaplen":1'), 1008, notControl],
      ['a negative snapshot length', start(',"snaplen":-1'), 1008, notControl],
      ['a snapshot length of 10^12', start(',"snaplen":1e12'), 1008, notControl],
      ['an infinite snapshot length', start(',"snaplen":1e309'), 1008, notControl],
      ['a fractional snapshot length', start(',"snaplen":1500.5'), 1008, notControl],
      ['a snapshot length as text', start(',"snaplen":"1500"'), 1008, notControl],
      ['a snapshot length over 262144', start(',"snaplen":262145'), 1008, notControl],
      ['an interface name of 257 characters', `{"type":"start","interface":"${'a'.repeat(257)}","filter":""}`, 1008, notControl],
      ['an empty interface name', '{"type":"start","interface":"","filter":""}', 1008, notControl],
      ['an interface that is not text', '{"type":"start","interface":["lo"],"filter":""}', 1008, notControl],
      ['a filter of 2049 characters', `{"type":"start","interface":"lo","filter":"${'a'.repeat(2049)}"}`, 1008, notControl],
      ['a start without a filter', '{"type":"start","interface":"lo"}', 1008, notControl],
      // Text that is not UTF-8: ws closes with 1007, with no reason text.
      ['text that is not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 1007, /^$/],
    ];
    for (const [what, message, code, reason] of cases) {
      const c = await PageClient.connect(bridge.port, bridge.token);
      c.ws.send(message, { binary: typeof message !== 'string' && code !== 1007 });
      const closed = await c.waitClosed().catch(() => stillOpen);
      c.close();
      attack(what, closed.code === code);
      expect(closed.code, what).toBe(code);
      expect(closed.reason, what).toMatch(reason);
      expect(c.messages.map((m) => m.type), what).toEqual(['hello']);
    }
    // The first connection, open all along, still works.
    const answer = await page.ask({ type: 'list' }, 'interfaces');
    expect(answer.type).toBe('interfaces');
    await othersUnaffected('the bad messages');
  });

  it('closes a connection that sends a huge, over-long fragmented, unmasked or bad WebSocket frame', async () => {
    const text = 0x1;
    const cases: [string, Buffer[], number][] = [
      // Only the header: ws refuses the length it announces before any payload comes.
      ['a frame that announces 1 TiB', [clientFrame(text, Buffer.alloc(0), { length: 1n << 40n })], 1009],
      ['a frame that announces 2^62 bytes', [clientFrame(text, Buffer.alloc(0), { length: 1n << 62n })], 1009],
      ['a binary frame of 64 MiB', [clientFrame(0x2, Buffer.alloc(64 << 20, 1))], 1009],
      ['fragments adding up to more than 4096 bytes', [clientFrame(text, Buffer.alloc(3000, 0x20), { fin: false }), clientFrame(0x0, Buffer.alloc(3000, 0x20), { fin: false })], 1009],
      ['an unmasked frame', [clientFrame(text, Buffer.from('{"type":"list"}'), { masked: false })], 1002],
      ['a reserved opcode', [clientFrame(0x3, Buffer.from('x'))], 1002],
      ['a ping of 200 bytes', [clientFrame(0x9, Buffer.alloc(200))], 1002],
      ['a continuation with nothing to continue', [clientFrame(0x0, Buffer.from('x'))], 1002],
    ];
    for (const [what, frames, code] of cases) {
      const raw = await RawWebSocket.open(bridge.port, bridge.token, APP);
      for (const f of frames) await raw.write(f).catch(() => {});
      const closed = await raw.closedWith().catch(() => stillOpen);
      raw.destroy();
      attack(what, closed.code === code);
      expect(closed.code, what).toBe(code);
    }
    await othersUnaffected('the bad frames');
  });

  it('closes a connection that sends messages or pings faster than a page would', async () => {
    // Control messages: each would be answered.
    const c = await PageClient.connect(bridge.port, bridge.token);
    for (let i = 0; i < 1000; i++) c.send({ type: 'stats' });
    const closed = await c.waitClosed().catch(() => stillOpen);
    c.close();
    attack('1000 control messages at once', closed.code === 1008);
    expect(closed).toEqual({ code: 1008, reason: `too many messages: at most ${MESSAGE_BURST} at once, then ${MESSAGES_PER_SECOND} a second` });
    const answered = c.messages.filter((m) => m.type === 'stats').length;
    expect(answered).toBeGreaterThanOrEqual(MESSAGE_BURST - 1);
    expect(answered).toBeLessThan(MESSAGE_BURST + 10);
    // Pings, which ws answers itself, from a client that reads nothing back.
    const raw = await RawWebSocket.open(bridge.port, bridge.token, APP);
    await raw.write(Buffer.concat(Array.from({ length: 1000 }, () => clientFrame(0x9, Buffer.alloc(125, 1)))));
    const pinged = await raw.closedWith().catch(() => stillOpen);
    raw.destroy();
    attack('1000 pings at once', pinged.code === 1008);
    expect(pinged.code).toBe(1008);
    expect(pinged.reason).toMatch(/^too many messages/);
    expect(raw.frames().filter((f) => f.opcode === 0xa).length).toBeLessThanOrEqual(MESSAGE_BURST + 10);
    // Unanswered pongs.
    const pongs = await RawWebSocket.open(bridge.port, bridge.token, APP);
    await pongs.write(Buffer.concat(Array.from({ length: 1000 }, () => clientFrame(0xa, Buffer.alloc(125, 1)))));
    const ponged = await pongs.closedWith().catch(() => stillOpen);
    pongs.destroy();
    attack('1000 pongs at once', ponged.code === 1008);
    expect(ponged.code).toBe(1008);
    // At a page's pace, many messages are fine.
    const calm = await PageClient.connect(bridge.port, bridge.token);
    for (let i = 0; i < 2 * MESSAGE_BURST; i++) {
      calm.send({ type: 'stats' });
      await sleep(1000 / MESSAGES_PER_SECOND + 5);
    }
    await until('every answer', () => calm.messages.filter((m) => m.type === 'stats').length === 2 * MESSAGE_BURST);
    expect(calm.closed).toBeNull();
    calm.close();
    await othersUnaffected('the message floods');
  });

  it('refuses captures started faster than a page would, without closing the connection', async () => {
    const c = await PageClient.connect(bridge.port, bridge.token);
    const port = await freeUdpPort();
    const t0 = Date.now();
    for (let i = 0; i < 30; i++) c.send({ type: 'start', interface: 'lo', filter: `udp dst port ${port}` });
    const refusals = (): BridgeMessage[] => c.messages.filter((m) => m.type === 'error' && /^Too many captures started/.test(m.message));
    await until('the refusals', () => refusals().length >= 30 - START_BURST - Math.ceil((Date.now() - t0) / 1000) && c.messages.some((m) => m.type === 'started')).catch(() => {});
    const seconds = (Date.now() - t0) / 1000;
    attack('30 captures started at once', refusals().length >= 30 - START_BURST - Math.ceil(seconds * STARTS_PER_SECOND));
    expect(refusals().length).toBeGreaterThanOrEqual(30 - START_BURST - Math.ceil(seconds * STARTS_PER_SECOND));
    expect(refusals()[0]).toEqual({ type: 'error', message: `Too many captures started: at most ${START_BURST} at once, then ${STARTS_PER_SECOND} a second. This one was not started.` });
    expect(c.closed).toBeNull();
    // The last capture that was started runs; the others' processes are gone.
    await until('the replaced capture processes to end', () => childrenOf(server()).length === 2, 10_000);
    await sendDatagrams(port, 3, () => 10);
    await until('3 frames', () => c.frames.length === 3);
    await c.ask({ type: 'stop' }, 'stopped');
    c.close();
    await othersUnaffected('the capture flood');
  });

  it('refuses interface names no interface has, before starting a capture process', async () => {
    const marker = join(tmpdir(), `packetlens-pwned-${process.pid}`);
    const names = [
      `lo; touch ${marker}`,
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      'lo && id',
      'lo|id',
      '../../../../etc/passwd',
      '/dev/null',
      '/sys/class/net/lo',
      'lo\n',
      'lo\u0000x',
      ' lo',
      '.',
      '..',
      'a'.repeat(16),
      'lo\u200b',
    ];
    const capturesBefore = childrenOf(server()).length;
    for (const name of names) {
      const c = await PageClient.connect(bridge.port, bridge.token);
      const answer = await c.ask({ type: 'start', interface: name, filter: '' }, 'error', 'started');
      const refused = answer.type === 'error' && answer.message.startsWith(`Cannot capture on ${JSON.stringify(name)}: no interface has that name`);
      attack(`the interface ${JSON.stringify(name)}`, refused);
      expect(answer, JSON.stringify(name)).toEqual({ type: 'error', message: `Cannot capture on ${JSON.stringify(name)}: no interface has that name, nor could one (at most 15 letters, digits and _.:@+-).` });
      expect(childrenOf(server()).length).toBe(capturesBefore);
      expect(c.closed).toBeNull();
      c.close();
    }
    // A name an interface could have goes to libpcap, which says it does not exist.
    for (const name of ['--help', 'lo0.evil']) {
      const answer = await page.ask({ type: 'start', interface: name, filter: '' }, 'error', 'started');
      attack(`the interface ${name}`, answer.type === 'error');
      expect(answer.type === 'error' && answer.message).toMatch(new RegExp(`^Cannot capture on "${name}": .*(No such device|doesn't exist)`));
    }
    expect(existsSync(marker)).toBe(false);
    await othersUnaffected('the interface names');
  });

  it(`serves at most ${MAX_CLIENTS} pages at once, refusing more with 503`, async () => {
    // Two are open (the first page and the witness); ask for twelve more at once.
    const tries = await Promise.all(Array.from({ length: 12 }, () => PageClient.tryConnect(bridge.port, bridge.token)));
    const opened = tries.filter((t): t is PageClient => t instanceof PageClient);
    const refused = tries.filter((t): t is { status: number; body: string } => !(t instanceof PageClient));
    attack(`connections beyond ${MAX_CLIENTS}`, opened.length === MAX_CLIENTS - 2);
    expect(opened).toHaveLength(MAX_CLIENTS - 2);
    for (const r of refused) expect(r).toEqual({ status: 503, body: `The bridge serves at most ${MAX_CLIENTS} pages at once.\n` });
    await othersUnaffected('too many pages');
    for (const c of opened) c.close();
    // Once they are gone, others may connect.
    let again: PageClient | { status: number } = { status: 0 };
    for (let i = 0; i < 50 && !(again instanceof PageClient); i++) {
      if (i > 0) await sleep(100);
      again = await PageClient.tryConnect(bridge.port, bridge.token);
    }
    expect(again).toBeInstanceOf(PageClient);
    (again as PageClient).close();
  });

  it(`keeps at most ${MAX_CONNECTIONS} sockets open, answering more with 503, and closes those that send no request`, async () => {
    await sleep(300);
    // Forty sockets that send nothing (two are open: the first page and the witness).
    const idle = await Promise.all(
      Array.from({ length: 40 }, () =>
        new Promise<{ socket: ReturnType<typeof connect>; got: () => string; ended: () => boolean }>((resolve) => {
          const socket = connect({ host: '127.0.0.1', port: bridge.port });
          let got = '';
          let ended = false;
          socket.on('data', (d: Buffer) => (got += d.toString()));
          socket.on('close', () => (ended = true));
          socket.on('error', () => {});
          socket.on('connect', () => resolve({ socket, got: () => got, ended: () => ended }));
        }),
      ),
    );
    await sleep(500);
    const refused = idle.filter((s) => s.ended());
    attack(`sockets beyond ${MAX_CONNECTIONS}`, refused.length === 40 - (MAX_CONNECTIONS - 2));
    expect(refused).toHaveLength(40 - (MAX_CONNECTIONS - 2));
    for (const s of refused) expect(s.got()).toMatch(new RegExp(`^HTTP/1\\.1 503 Service Unavailable\\r\\n[^]*\\r\\n\\r\\nThe bridge has ${MAX_CONNECTIONS} connections open, as many as it accepts; try again later\\.\\n$`));
    // A page is refused too while they last ...
    expect((await handshakeStatus(bridge.port, `?token=${bridge.token}`, APP)).status).toBe(503);
    await othersUnaffected('too many sockets');
    // ... which is not long: the bridge closes them when they have sent no request in time.
    await until('the bridge to close the idle sockets', () => idle.every((s) => s.ended()), REQUEST_TIMEOUT_MS + 5000);
    const timedOut = idle.filter((x) => !refused.includes(x));
    attack('sockets that send no request', timedOut.every((s) => /^HTTP\/1\.1 408 /.test(s.got())));
    for (const s of timedOut) expect(s.got()).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
    const c = await PageClient.connect(bridge.port, bridge.token);
    c.close();
    await othersUnaffected('the idle sockets');
  }, 30_000);

  it('lists the interfaces with their addresses', async () => {
    const answer = await page.ask({ type: 'list' }, 'interfaces');
    if (answer.type !== 'interfaces') throw new Error('no list');
    const lo = answer.list.find((d) => d.name === 'lo');
    expect(lo).toBeDefined();
    expect(lo!.addresses).toContain('127.0.0.1');
    expect(lo!.description).toBe('Loopback');
  });

  it('streams the frames a BPF filter selects on lo, as the wire format says', async () => {
    const port = await freeUdpPort();
    const other = port === 65535 ? port - 1 : port + 1;
    const listed = await page.ask({ type: 'list' }, 'interfaces');
    const loIndex = listed.type === 'interfaces' ? listed.list.findIndex((d) => d.name === 'lo') : -1;
    const from = page.messages.length;
    page.frames = [];
    page.send({ type: 'start', interface: 'lo', filter: `udp port ${port}` });
    const started = await page.next('started', from);
    expect(started).toEqual({ type: 'started', interface: 'lo', index: loIndex, linkType: 1, filter: `udp port ${port}`, snaplen: 2000 });

    const before = BigInt(Date.now() - 1000) * 1_000_000n;
    for (let i = 0; i < 20; i++) {
      await sendDatagrams(port, 1, () => 100 + i);
      await sendDatagrams(other, 1, () => 50);
    }
    await until('20 frames', () => page.frames.length >= 20);
    await sleep(300);
    const after = BigInt(Date.now() + 1000) * 1_000_000n;
    expect(page.frames.length).toBe(20);
    page.frames.forEach((f, i) => {
      expect(f.interface).toBe(loIndex);
      expect(f.linkType).toBe(1);
      expect(f.originalLength).toBe(ETH_IP_UDP + 100 + i);
      expect(f.data.length).toBe(ETH_IP_UDP + 100 + i);
      const view = new DataView(f.data.buffer, f.data.byteOffset);
      expect(view.getUint16(12)).toBe(0x0800);
      expect(view.getUint16(14 + 20 + 2)).toBe(port);
      expect(f.data[ETH_IP_UDP]).toBe(100 + i);
      expect(f.time > before && f.time < after).toBe(true);
      if (i > 0) expect(f.time >= page.frames[i - 1]!.time).toBe(true);
    });

    const statsFrom = page.messages.length;
    page.send({ type: 'stats' });
    const stats = await page.next('stats', statsFrom);
    expect(stats.stats).toEqual({ received: 20, sent: 20, droppedBridge: 0, droppedPcap: 0, droppedInterface: 0 });

    const stopped = await page.ask({ type: 'stop' }, 'stopped');
    expect(stopped).toEqual({ type: 'stopped', reason: 'stopped on request' });
    // The link type is known now that lo was opened.
    const again = await page.ask({ type: 'list' }, 'interfaces');
    expect(again.type === 'interfaces' && again.list.find((d) => d.name === 'lo')?.linkType).toBe(1);
  });

  it('cuts frames to the snapshot length asked for and keeps the original length', async () => {
    const port = await freeUdpPort();
    const from = page.messages.length;
    page.frames = [];
    page.send({ type: 'start', interface: 'lo', filter: `udp dst port ${port}`, snaplen: 64 });
    expect((await page.next('started', from)).snaplen).toBe(64);
    await sendDatagrams(port, 3, () => 1000);
    await until('3 frames', () => page.frames.length >= 3);
    for (const f of page.frames) {
      expect(f.data.length).toBe(64);
      expect(f.originalLength).toBe(ETH_IP_UDP + 1000);
    }
    // A start refused outright leaves the running capture alone.
    const fromRefused = page.messages.length;
    const refusedAnswer = await page.ask({ type: 'start', interface: '../lo', filter: '' }, 'error', 'started');
    expect(refusedAnswer.type).toBe('error');
    const framesBefore = page.frames.length;
    await sendDatagrams(port, 2, () => 1000);
    await until('2 more frames', () => page.frames.length >= framesBefore + 2);
    expect(page.messages.slice(fromRefused).filter((m) => m.type === 'stopped')).toEqual([]);
    // A new start replaces the capture: 'stopped' for the old one, then 'started'.
    const from2 = page.messages.length;
    page.send({ type: 'start', interface: 'lo', filter: `udp dst port ${port}`, snaplen: 200000 });
    expect(await page.next('stopped', from2)).toEqual({ type: 'stopped', reason: 'replaced by a new capture' });
    expect((await page.next('started', from2)).snaplen).toBe(65535);
    await page.ask({ type: 'stop' }, 'stopped');
  });

  it("reports libpcap's error for a bad filter, and keeps running", async () => {
    // Three times: cap aborts the process that garbage-collects a failed capture;
    // here that process is the capture's own, not the bridge.
    for (let i = 0; i < 3; i++) {
      const answer = await page.ask({ type: 'start', interface: 'lo', filter: 'udp port and and' }, 'error', 'started');
      attack('a bad capture filter', answer.type === 'error');
      expect(answer.type).toBe('error');
      expect(answer.type === 'error' && answer.message).toMatch(/^Cannot capture on "lo" with the filter "udp port and and": .*syntax error/);
    }
    const port = await freeUdpPort();
    const answer = await page.ask({ type: 'start', interface: 'lo', filter: `udp port ${port} and not udp port 5 and unknownkeyword` }, 'error', 'started');
    attack('an unknown word in a capture filter', answer.type === 'error');
    expect(answer.type === 'error' && answer.message).toMatch(/unknownkeyword/);
    expect(alive(bridge.proc.pid!)).toBe(true);
    expect((await page.ask({ type: 'list' }, 'interfaces')).type).toBe('interfaces');
    await othersUnaffected('the bad filters');
  });

  it('reports an unknown interface', async () => {
    const answer = await page.ask({ type: 'start', interface: 'nosuchif0', filter: '' }, 'error', 'started');
    attack('an unknown interface', answer.type === 'error');
    expect(answer.type === 'error' && answer.message).toMatch(/^Cannot capture on "nosuchif0": .*(No such device|doesn't exist)/);
    await othersUnaffected('the unknown interface');
  });

  it('runs as nobody with CAP_NET_RAW only, and so does each capture process', async () => {
    const s = procStatus(server());
    expect(s.Uid!.split(/\s+/)).toEqual(['65534', '65534', '65534', '65534']);
    expect(s.CapEff).toBe(CAP_NET_RAW_ONLY);
    expect(s.CapBnd).toBe(CAP_NET_RAW_ONLY);
    expect(s.NoNewPrivs).toBe('1');
    const from = page.messages.length;
    page.send({ type: 'start', interface: 'lo', filter: 'udp port 9' });
    await page.next('started', from);
    const captures = childrenOf(server()).filter((pid) => pid !== witnessCapture);
    expect(captures).toHaveLength(1);
    const c = procStatus(captures[0]!);
    expect(c.Uid!.split(/\s+/)[1]).toBe('65534');
    expect(c.CapEff).toBe(CAP_NET_RAW_ONLY);
    await page.ask({ type: 'stop' }, 'stopped');
    await until('the capture process to end', () => !alive(captures[0]!));
  });

  it('listens on loopback only', async () => {
    const v6 = await PageClient.connect(bridge.port, bridge.token, '[::1]');
    v6.close();
    const local = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && !a.internal && a.family === 'IPv4');
    if (!local) return;
    const result = await new Promise<string>((resolve) => {
      const s = connect({ host: local.address, port: bridge.port });
      s.on('connect', () => (s.destroy(), resolve('connected')));
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    attack(`a connection to ${local.address}`, result === 'ECONNREFUSED');
    expect(result).toBe('ECONNREFUSED');
  });

  describe('in a network namespace of the test', () => {
    const suffix = `${process.pid % 10000}`;
    const ns = `pltest${suffix}`;
    const hostSide = `plv${suffix}a`;
    const nsSide = `plv${suffix}b`;
    const octet = (process.pid % 250) + 1;
    const hostAddr = `198.19.${octet}.1`;
    let unavailable: string | null = null;
    let anyBridge: RunningBridge | null = null;

    const ip = (...args: string[]): void => {
      execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    };
    /** Tries a TCP connection from inside the namespace. */
    const reachFromNamespace = (port: number): string => {
      const script = `const s=require('net').connect({host:'${hostAddr}',port:${port}});s.setTimeout(3000);s.on('connect',()=>{console.log('connected');s.destroy()});s.on('timeout',()=>{console.log('timeout');s.destroy()});s.on('error',e=>console.log(e.code))`;
      return spawnSync('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { encoding: 'utf8', timeout: 10_000 }).stdout.trim();
    };

    beforeAll(() => {
      try {
        ip('netns', 'add', ns);
        ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nsSide);
        ip('link', 'set', nsSide, 'netns', ns);
        ip('addr', 'add', `${hostAddr}/30`, 'dev', hostSide);
        ip('link', 'set', hostSide, 'up');
        ip('-n', ns, 'addr', 'add', `198.19.${octet}.2/30`, 'dev', nsSide);
        ip('-n', ns, 'link', 'set', nsSide, 'up');
        ip('-n', ns, 'link', 'set', 'lo', 'up');
      } catch (e) {
        unavailable = ((e as { stderr?: Buffer }).stderr?.toString() || (e as Error).message).trim();
      }
    });

    afterAll(async () => {
      await anyBridge?.stop();
      spawnSync('ip', ['link', 'del', hostSide], { stdio: 'ignore' });
      spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    });

    it('cannot be reached from another namespace through a veth; with --listen-any it can', async (ctx) => {
      if (unavailable) ctx.skip(`ip netns or veth is not permitted here: ${unavailable}`);
      const fromNamespace = reachFromNamespace(bridge.port);
      attack('a connection from another network namespace', fromNamespace === 'ECONNREFUSED');
      expect(fromNamespace).toBe('ECONNREFUSED');
      await othersUnaffected('the connection from the namespace');
      anyBridge = await startBridgeProcess(['--listen-any']);
      expect(anyBridge.stderr()).toMatch(/--listen-any: listening on every address/);
      expect(reachFromNamespace(anyBridge.port)).toBe('connected');
    });

    it('tells the page when the interface it captures on goes away', async (ctx) => {
      if (unavailable) ctx.skip(`ip netns or veth is not permitted here: ${unavailable}`);
      const from = page.messages.length;
      page.send({ type: 'start', interface: hostSide, filter: '' });
      await page.next('started', from);
      ip('link', 'del', hostSide);
      const stopped = await page.next('stopped', from);
      expect(stopped.reason).toBe(`the interface ${hostSide} went away`);
      // The bridge and this connection carry on.
      expect((await page.ask({ type: 'stats' }, 'stats')).type).toBe('stats');
    });
  });
});

describe.skipIf(!isRoot)('the bridge under a flood, with two slow pages and a fast one', () => {
  // Each flood: datagrams of FLOOD_BYTES at FLOOD_RATE a second for
  // FLOOD_SECONDS (at most FLOOD_RATE * FLOOD_SECONDS of them), sent by a
  // process of its own so that this one is free to read. Each capture gets
  // 64 MB: far more than a paused page's queues hold (8 MiB at the bridge,
  // the sockets' buffers), at a rate one capture process keeps up with.
  const FLOOD_RATE = 2000;
  const FLOOD_SECONDS = 4;
  const FLOOD_BYTES = 8000;
  const FLOOD_FRAMES = FLOOD_RATE * FLOOD_SECONDS;
  const SENDER = `
    const [port, count, rate, ms, bytes] = process.argv.slice(1).map(Number);
    const s = require('dgram').createSocket('udp4');
    const t0 = Date.now();
    let sent = 0, done = 0;
    const tick = () => {
      const due = Math.min(count, Math.floor(((Date.now() - t0) * rate) / 1000));
      for (; sent < due; sent++) {
        const b = Buffer.alloc(bytes, 0x5a);
        b.writeUInt32BE(sent, 0);
        s.send(b, port, '127.0.0.1', () => done++);
      }
      if (sent < count && Date.now() - t0 < ms) return setTimeout(tick, 2);
      const end = () => (done === sent ? (console.log(JSON.stringify({ sent, ms: Date.now() - t0 })), s.close()) : setTimeout(end, 5));
      end();
    };
    tick();`;

  /** Runs the sender; resolves with what it sent, killing it if it overruns. */
  function flood(port: number): Promise<{ sent: number; ms: number }> {
    const child = spawn(process.execPath, ['-e', SENDER, String(port), String(FLOOD_FRAMES), String(FLOOD_RATE), String(FLOOD_SECONDS * 1000 + 2000), String(FLOOD_BYTES)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), FLOOD_SECONDS * 1000 + 10_000);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    return new Promise((resolve, reject) =>
      child.on('exit', (code) => {
        clearTimeout(killer);
        if (code === 0) resolve(JSON.parse(out) as { sent: number; ms: number });
        else reject(new Error(`the flood's sender exited with ${code}`));
      }),
    );
  }

  /** Starts a capture of `udp dst port PORT` for each page. */
  async function capture(pages: PageClient[], port: number): Promise<void> {
    for (const p of pages) {
      const from = p.messages.length;
      p.send({ type: 'start', interface: 'lo', filter: `udp dst port ${port}` });
      await p.next('started', from);
    }
  }

  const dstPort = (f: Frame): number => new DataView(f.data.buffer, f.data.byteOffset).getUint16(14 + 20 + 2);

  /**
   * Floods `port` while `fast` reads all it gets and each of `slow` reads
   * 10 ms a second; returns what was sent and the share of it (by sequence
   * number) the fast page had one second after the flood ended.
   */
  async function floodWith(fast: PageClient, slow: PageClient[], port: number): Promise<{ sent: number; ms: number; fastShare: number }> {
    const seen = new Uint8Array(FLOOD_FRAMES);
    let got = 0;
    fast.onFrame = (f) => {
      if (dstPort(f) !== port || f.data.length < ETH_IP_UDP + 4) return;
      const seq = new DataView(f.data.buffer, f.data.byteOffset).getUint32(ETH_IP_UDP);
      if (seq < FLOOD_FRAMES && !seen[seq]) {
        seen[seq] = 1;
        got++;
      }
    };
    for (const p of slow) p.ws.pause();
    let reading = true;
    const slowReader = (async () => {
      while (reading) {
        await sleep(1000);
        for (const p of slow) p.ws.resume();
        await sleep(10);
        for (const p of slow) p.ws.pause();
      }
    })();
    const result = await flood(port);
    await sleep(1000);
    const fastShare = got / result.sent;
    reading = false;
    await slowReader;
    fast.onFrame = null;
    return { ...result, fastShare };
  }

  it('counts and reports the slow pages’ drops, keeps the fast page whole, stays small, and captures normally afterwards', async () => {
    const bridge = await startBridgeProcess([]);
    const pages: PageClient[] = [];
    const peak = new Map<number, number>();
    let peakTotal = 0;
    const rssOf = (pid: number): number => {
      try {
        return kb(procStatus(pid).VmRSS) / 1024;
      } catch {
        return 0;
      }
    };
    let server = 0;
    const sample = (): void => {
      const pids = [server, ...childrenOf(server)];
      let total = 0;
      for (const pid of pids) {
        const r = rssOf(pid);
        peak.set(pid, Math.max(peak.get(pid) ?? 0, r));
        total += r;
      }
      peakTotal = Math.max(peakTotal, total);
    };
    const sampler = setInterval(sample, 100);
    try {
      server = childrenOf(bridge.proc.pid!)[0]!;
      const fast = await PageClient.connect(bridge.port, bridge.token);
      pages.push(fast);
      fast.keepFrames = false;

      // The fast page alone, for comparison.
      const port1 = await freeUdpPort();
      await capture([fast], port1);
      const alone = await floodWith(fast, [], port1);

      // The fast page and two that read slowly (each page has its own capture).
      const slow = [await PageClient.connect(bridge.port, bridge.token), await PageClient.connect(bridge.port, bridge.token)];
      pages.push(...slow);
      for (const p of slow) p.keepFrames = false;
      const port2 = await freeUdpPort();
      await capture([fast, ...slow], port2);
      const fastFramesBefore = fast.frameCount;
      const baseline = { server: rssOf(server), total: [server, ...childrenOf(server)].reduce((sum, pid) => sum + rssOf(pid), 0) };
      const together = await floodWith(fast, slow, port2);
      const hwm = new Map([server, ...childrenOf(server)].map((pid) => [pid, kb(procStatus(pid).VmHWM) / 1024]));
      sample();
      expect(alive(server)).toBe(true);

      // Each slow page, reading again, gets every frame it was sent and is
      // told how many it missed: the statistics follow the frames on the same
      // socket, so those before them are exactly `sent`.
      for (const p of slow) p.ws.resume();
      const told = [];
      for (const p of slow) {
        const from = p.messages.length;
        p.send({ type: 'stats' });
        const m = await p.next('stats', from, 30_000);
        const i = p.messages.indexOf(m);
        told.push({ ...m.stats, framesBefore: p.framesBeforeMessage[i]! });
      }
      const fastFrom = fast.messages.length;
      fast.send({ type: 'stats' });
      const fastStats = (await fast.next('stats', fastFrom)).stats;

      const pct = (x: number): string => (100 * x).toFixed(1);
      const slowGot = told.map((t) => t.framesBefore);
      const slowDropped = told.map((t) => t.droppedBridge);
      const peakServer = Math.max(...hwm.values(), peak.get(server) ?? 0);
      console.log(
        `flood: ${together.sent} datagrams of ${FLOOD_BYTES} bytes in ${(together.ms / 1000).toFixed(1)} s to each of 3 captures; ` +
          `fast page got ${pct(together.fastShare)}% within 1 s (alone: ${pct(alone.fastShare)}% of ${alone.sent}), bridge stats ${JSON.stringify(fastStats)}; ` +
          `slow pages got ${slowGot.join(' and ')} frames, told of ${slowDropped.join(' and ')} dropped (${told.map((t) => JSON.stringify(t)).join(', ')}); ` +
          `RSS in MB before the flood: bridge ${baseline.server.toFixed(0)}, with captures ${baseline.total.toFixed(0)}; peak sum ${peakTotal.toFixed(0)}; ` +
          `VmHWM: ${[...hwm].map(([pid, m]) => `${pid === server ? 'bridge' : 'capture'} ${m.toFixed(0)}`).join(', ')}`,
      );
      figures.push(
        `flood: ${together.sent} frames x 3 captures, fast page got ${pct(together.fastShare)}% (alone ${pct(alone.fastShare)}%), ` +
          `slow pages got ${slowGot.join('/')} and dropped ${slowDropped.join('/')} (told), peak RSS ${peakTotal.toFixed(0)} MB (bridge ${peakServer.toFixed(0)} MB + 3 capture processes)`,
      );

      // Drops counted and reported to the slow pages.
      for (const t of told) {
        expect(t.droppedBridge).toBeGreaterThan(0);
        expect(t.received).toBe(t.sent + t.droppedBridge);
        expect(t.framesBefore).toBe(t.sent);
        expect(t.received).toBeLessThanOrEqual(together.sent);
        // Far fewer than the fast page.
        expect(t.framesBefore).toBeLessThan(0.5 * together.sent);
      }
      // The fast page is not held back by the slow ones: (nearly) everything, in time.
      expect(together.sent).toBe(FLOOD_FRAMES);
      expect(together.fastShare).toBeGreaterThanOrEqual(0.95);
      expect(together.fastShare).toBeGreaterThanOrEqual(alone.fastShare - 0.05);
      expect(fast.frameCount - fastFramesBefore).toBeGreaterThanOrEqual(0.95 * together.sent);
      expect(fastStats.droppedBridge).toBeLessThanOrEqual(0.01 * fastStats.received);

      // Memory: three captures of 64 MB each, two of them unread; queueing
      // would take 100 MB and more. Bounded by 8 MiB queued per page (plus
      // socket buffers and garbage not yet collected) at the bridge, and
      // 4 MiB queued plus an 8 MiB ring in each capture process.
      // (Measured: the bridge grows by about 10 MB, to about 125 MB; queueing
      // without limit, by 75 MB or more.)
      expect(peakServer).toBeLessThan(180);
      expect(peakServer - baseline.server).toBeLessThan(50);
      for (const [pid, m] of hwm) if (pid !== server) expect(m).toBeLessThan(200);
      expect(peakTotal).toBeLessThan(700);

      // Normal again: each page, the slow ones too, gets every frame of a new capture.
      const port3 = await freeUdpPort();
      for (const p of pages) {
        await p.ask({ type: 'stop' }, 'stopped');
        p.keepFrames = true;
        p.frames = [];
      }
      await capture(pages, port3);
      await sendDatagrams(port3, 20, (i) => 64 + i);
      for (const p of pages) await until('20 frames after the flood', () => p.frames.length >= 20);
      await sleep(200);
      for (const p of pages) {
        expect(p.frames.map((f) => [dstPort(f), f.data.length])).toEqual(Array.from({ length: 20 }, (_, i) => [port3, ETH_IP_UDP + 64 + i]));
        expect(p.closed).toBeNull();
      }
    } finally {
      clearInterval(sampler);
      for (const p of pages) p.close();
      expect(await bridge.stop()).toBe(0);
    }
  }, 120_000);
});

describe.skipIf(!isRoot)('the bridge where setpriv cannot be used', () => {
  it('notices when the unprivileged user could not read the code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'packetlens-private-'));
    try {
      writeFileSync(join(dir, 'main.ts'), '');
      const nobody = unprivilegedUser({});
      expect(setprivWorks(nobody, ['/etc/hostname'])).toBeNull();
      expect(setprivWorks(nobody, ['/etc/hostname', join(dir, 'main.ts')])).toBe(`nobody cannot read ${join(dir, 'main.ts')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stays root and says so, and each capture process gives up root once its device is open', async () => {
    // A PATH that holds `id` and no setpriv.
    const dir = mkdtempSync(join(tmpdir(), 'packetlens-bridge-'));
    symlinkSync(existsSync('/usr/bin/id') ? '/usr/bin/id' : '/bin/id', join(dir, 'id'));
    const bridge = await startBridgeProcess([], { PATH: dir });
    const page = await PageClient.connect(bridge.port, bridge.token);
    try {
      await until('the warning', () => /could not give up root \(setpriv \(util-linux\) is not installed\)/.test(bridge.stderr()));
      expect(procStatus(bridge.proc.pid!).Uid!.split(/\s+/)[1]).toBe('0');
      const port = await freeUdpPort();
      const from = page.messages.length;
      page.send({ type: 'start', interface: 'lo', filter: `udp port ${port}` });
      await page.next('started', from);
      const [capture] = childrenOf(bridge.proc.pid!);
      const c = procStatus(capture!);
      expect(c.Uid!.split(/\s+/)).toEqual(['65534', '65534', '65534', '65534']);
      expect(c.CapEff).toBe('0000000000000000');
      await sendDatagrams(port, 3, () => 10);
      await until('3 frames', () => page.frames.length === 3);
    } finally {
      page.close();
      await bridge.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!isRoot)('stopping the bridge', () => {
  it('tells every page, closes with 1001, ends its capture processes and exits with 0', async () => {
    const bridge = await startBridgeProcess([]);
    const a = await PageClient.connect(bridge.port, bridge.token);
    const b = await PageClient.connect(bridge.port, bridge.token, '[::1]');
    const from = a.messages.length;
    a.send({ type: 'start', interface: 'lo', filter: 'udp port 9' });
    await a.next('started', from);
    const server = childrenOf(bridge.proc.pid!)[0]!;
    const captures = childrenOf(server);
    expect(captures).toHaveLength(1);

    expect(await bridge.stop('SIGTERM')).toBe(0);
    for (const page of [a, b]) {
      expect(await page.waitClosed()).toEqual({ code: 1001, reason: 'the bridge was stopped' });
      expect(page.messages.at(-1)).toEqual({ type: 'stopped', reason: 'the bridge was stopped' });
    }
    await until('the server and capture processes to end', () => !alive(server) && !alive(captures[0]!));
  });
});

describe('the capture filter libpcap gets', () => {
  it("keeps the bridge's own WebSocket traffic out, with or without the page's filter", async () => {
    const { withoutBridgeTraffic } = await import('../../bridge/server');
    expect(withoutBridgeTraffic('', 8765)).toBe('not tcp port 8765');
    expect(withoutBridgeTraffic('  ', 8765)).toBe('not tcp port 8765');
    expect(withoutBridgeTraffic('udp or icmp', 9000)).toBe('(udp or icmp) and not tcp port 9000');
  });
});
