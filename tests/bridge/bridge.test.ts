// The live-capture bridge (bridge/), run as `sudo npm run bridge` runs it:
// who may connect, the control messages, captures on lo with BPF filters,
// errors from libpcap, loopback-only listening, an interface going away,
// back-pressure under a flood, privileges, and shutting down.
//
// Capturing needs root (or CAP_NET_RAW): without it the suite is skipped.
// Everything happens on lo, or on a veth pair in a network namespace the
// suite makes and removes (skipped when `ip netns` is not permitted).

import { execFileSync, spawnSync } from 'node:child_process';
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
import { decodeFrames, DEFAULT_PORT, encodeFrame, MAX_CONTROL_BYTES, WIRE_VERSION, type Frame } from '../../src/lib/live/wire';
import {
  alive,
  childrenOf,
  freeUdpPort,
  handshakeStatus,
  PageClient,
  procStatus,
  sendDatagrams,
  sleep,
  startBridgeProcess,
  until,
  type RunningBridge,
} from './helpers';

const isRoot = process.getuid?.() === 0;
const ETH_IP_UDP = 14 + 20 + 8;
const CAP_NET_RAW_ONLY = '0000000000002000';

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

  beforeAll(async () => {
    bridge = await startBridgeProcess(['--interface', 'lo', '--filter', 'udp port 9', '--snaplen', '2000']);
    page = await PageClient.connect(bridge.port, bridge.token);
  });

  afterAll(async () => {
    page?.close();
    await bridge?.stop();
  });

  it('says hello with the defaults from its command line', () => {
    expect(page.messages[0]).toEqual({ type: 'hello', version: WIRE_VERSION, interface: 'lo', filter: 'udp port 9', snaplen: 2000 });
  });

  it('refuses, before the upgrade, connections without the token, with a wrong one, or from another origin', async () => {
    const ok = `?token=${bridge.token}`;
    expect((await handshakeStatus(bridge.port, ok, 'http://127.0.0.1:4173')).status).toBe(101);
    const missing = await handshakeStatus(bridge.port, '', 'http://127.0.0.1:4173');
    expect(missing.status).toBe(401);
    expect(missing.body).toMatch(/token is missing/);
    expect((await handshakeStatus(bridge.port, `?token=${'0'.repeat(64)}`, 'http://127.0.0.1:4173')).status).toBe(401);
    expect((await handshakeStatus(bridge.port, `?token=${bridge.token.slice(1)}`, 'http://127.0.0.1:4173')).status).toBe(401);
    const foreign = await handshakeStatus(bridge.port, ok, 'https://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatch(/evil\.example.*not allowed/);
    expect((await handshakeStatus(bridge.port, ok, 'http://localhost:4173')).status).toBe(403);
    expect((await handshakeStatus(bridge.port, ok, undefined)).status).toBe(403);
  });

  it('answers a request that is not a WebSocket upgrade with 426', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port: bridge.port, path: `/?token=${bridge.token}` }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(426);
    expect(body).toMatch(/WebSocket only/);
  });

  it('closes a connection that sends an oversized, malformed, binary or unknown message, and only that one', async () => {
    const cases: [string | Buffer, number, RegExp][] = [
      // ws closes with 1009 (message too big) by itself, with no reason text.
      [JSON.stringify({ type: 'list', pad: 'x'.repeat(MAX_CONTROL_BYTES) }), 1009, /^$/],
      ['{"type": "list"', 1008, /JSON/],
      [Buffer.from([1, 2, 3]), 1008, /binary/],
      ['{"type":"frobnicate"}', 1008, /not a control message/],
      ['{"type":"start","interface":"lo","filter":"","snaplen":1}', 1008, /not a control message/],
      // Text that is not UTF-8: ws closes with 1007, with no reason text.
      [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 1007, /^$/],
    ];
    for (const [message, code, reason] of cases) {
      const c = await PageClient.connect(bridge.port, bridge.token);
      c.ws.send(message, { binary: typeof message !== 'string' && code !== 1007 });
      const closed = await c.waitClosed();
      expect(closed.code, String(message).slice(0, 40)).toBe(code);
      expect(closed.reason).toMatch(reason);
    }
    // The first connection, open all along, still works.
    const answer = await page.ask({ type: 'list' }, 'interfaces');
    expect(answer.type).toBe('interfaces');
  });

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
      expect(answer.type).toBe('error');
      expect(answer.type === 'error' && answer.message).toMatch(/^Cannot capture on "lo" with the filter "udp port and and": .*syntax error/);
    }
    const port = await freeUdpPort();
    const answer = await page.ask({ type: 'start', interface: 'lo', filter: `udp port ${port} and not udp port 5 and unknownkeyword` }, 'error', 'started');
    expect(answer.type === 'error' && answer.message).toMatch(/unknownkeyword/);
    expect(alive(bridge.proc.pid!)).toBe(true);
    expect((await page.ask({ type: 'list' }, 'interfaces')).type).toBe('interfaces');
  });

  it('reports an unknown interface', async () => {
    const answer = await page.ask({ type: 'start', interface: 'nosuchif0', filter: '' }, 'error', 'started');
    expect(answer.type === 'error' && answer.message).toMatch(/^Cannot capture on "nosuchif0": .*(No such device|doesn't exist)/);
  });

  it('runs as nobody with CAP_NET_RAW only, and so does each capture process', async () => {
    const [server] = childrenOf(bridge.proc.pid!);
    expect(server).toBeDefined();
    const s = procStatus(server!);
    expect(s.Uid!.split(/\s+/)).toEqual(['65534', '65534', '65534', '65534']);
    expect(s.CapEff).toBe(CAP_NET_RAW_ONLY);
    expect(s.CapBnd).toBe(CAP_NET_RAW_ONLY);
    expect(s.NoNewPrivs).toBe('1');
    const from = page.messages.length;
    page.send({ type: 'start', interface: 'lo', filter: 'udp port 9' });
    await page.next('started', from);
    const captures = childrenOf(server!);
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
      expect(reachFromNamespace(bridge.port)).toBe('ECONNREFUSED');
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

describe.skipIf(!isRoot)('the bridge under a flood, with a page that reads slowly', () => {
  it('drops and counts frames instead of queueing them, stays small, and captures normally afterwards', async () => {
    const bridge = await startBridgeProcess([]);
    const page = await PageClient.connect(bridge.port, bridge.token);
    try {
      const server = childrenOf(bridge.proc.pid!)[0]!;
      const rss = (pid: number): number => Number(procStatus(pid).VmRSS!.split(/\s+/)[0]) / 1024;
      const port = await freeUdpPort();
      const from = page.messages.length;
      page.send({ type: 'start', interface: 'lo', filter: `udp port ${port}` });
      await page.next('started', from);
      const capture = childrenOf(server)[0]!;
      const baseline = { server: rss(server), capture: rss(capture) };

      // Flood for at most 5 s or 400,000 datagrams of 8000 bytes (large, so
      // that a few thousand fill the page's queue even on a busy machine); the
      // page reads for 20 ms once a second.
      page.ws.pause();
      const peak = { ...baseline };
      const sock = createSocket('udp4');
      const payload = Buffer.alloc(8000, 0x5a);
      const start = Date.now();
      let sent = 0;
      let nextRead = start + 1000;
      while (Date.now() - start < 5000 && sent < 400_000) {
        for (let i = 0; i < 50; i++, sent++) sock.send(payload, port, '127.0.0.1');
        await new Promise((r) => setImmediate(r));
        if (Date.now() >= nextRead) {
          nextRead += 1000;
          peak.server = Math.max(peak.server, rss(server));
          peak.capture = Math.max(peak.capture, rss(capture));
          page.ws.resume();
          await sleep(20);
          page.ws.pause();
        }
      }
      const seconds = (Date.now() - start) / 1000;
      await sleep(200);
      sock.close();
      peak.server = Math.max(peak.server, rss(server));
      peak.capture = Math.max(peak.capture, rss(capture));
      expect(alive(server)).toBe(true);

      page.ws.resume();
      const stats = await until('stats showing drops', () => {
        const s = page.messages.filter((m) => m.type === 'stats').pop();
        return s && s.type === 'stats' && s.stats.droppedBridge > 0 ? s.stats : null;
      }, 30_000);
      const hwm = Number(procStatus(server).VmHWM!.split(/\s+/)[0]) / 1024;
      console.log(
        `flood: ${sent} datagrams (${((sent * payload.length) / 1e9).toFixed(1)} GB) in ${seconds.toFixed(1)} s; bridge stats ${JSON.stringify(stats)}; ` +
          `server RSS ${baseline.server.toFixed(0)} MB at start, peak ${peak.server.toFixed(0)} MB (VmHWM ${hwm.toFixed(0)} MB); ` +
          `capture process RSS ${baseline.capture.toFixed(0)} MB at start, peak ${peak.capture.toFixed(0)} MB; frames the page read ${page.frames.length}`,
      );
      expect(stats.droppedBridge).toBeGreaterThan(0);
      expect(stats.received).toBe(stats.sent + stats.droppedBridge);
      // Bounded, by the 8 MiB queued per page and the capture process's 4 MiB
      // (plus its 8 MiB libpcap ring and garbage not yet collected), while
      // gigabytes are offered: queueing them would take hundreds of MB.
      expect(peak.server - baseline.server).toBeLessThan(150);
      expect(peak.capture - baseline.capture).toBeLessThan(150);

      // Normal again: a fresh capture gets every frame.
      await page.ask({ type: 'stop' }, 'stopped');
      const port2 = await freeUdpPort();
      const from2 = page.messages.length;
      const framesBefore = page.frames.length;
      page.send({ type: 'start', interface: 'lo', filter: `udp port ${port2}` });
      await page.next('started', from2);
      await sendDatagrams(port2, 20, () => 64);
      await until('20 frames after the flood', () => page.frames.length - framesBefore >= 20 && page.frames.slice(framesBefore));
      await sleep(200);
      const after = page.frames.slice(framesBefore).filter((f) => new DataView(f.data.buffer, f.data.byteOffset).getUint16(36) === port2);
      expect(after).toHaveLength(20);
    } finally {
      page.close();
      expect(await bridge.stop()).toBe(0);
    }
  }, 90_000);
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
