// Helpers for the bridge's tests: the bridge run as `sudo npm run bridge`
// runs it (bridge/main.ts, as a child process), and a page's side of the
// WebSocket.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { decodeFrames, parseBridgeMessage, type BridgeMessage, type ClientMessage, type Frame } from '../../src/lib/live/wire';
import { typeScriptArgs } from '../../bridge/node-args';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const APP = 'http://127.0.0.1:4173';

export async function until<T>(what: string, get: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface RunningBridge {
  proc: ChildProcess;
  port: number;
  token: string;
  url: string;
  stderr: () => string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `bridge/main.ts ARGS --port 0` as root would, without SUDO_* (so it becomes nobody). */
export async function startBridgeProcess(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningBridge> {
  const env = { ...process.env, ...extraEnv };
  delete env.SUDO_UID;
  delete env.SUDO_GID;
  delete env.SUDO_USER;
  const proc = spawn(process.execPath, [...typeScriptArgs(resolve(ROOT, 'bridge/main.ts')), '--port', '0', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const line = await until('the bridge to print its link', () => {
    if (proc.exitCode !== null) throw new Error(`the bridge exited (${proc.exitCode}): ${err}`);
    return out.includes('\n') ? out.split('\n')[0] : null;
  }, 30_000);
  const m = /^http:\/\/127\.0\.0\.1:4173\/live\?bridge=ws:\/\/127\.0\.0\.1:(\d+)&token=([0-9a-f]{64})$/.exec(line);
  if (!m) throw new Error(`unexpected first line: ${line}`);
  return {
    proc,
    port: Number(m[1]),
    token: m[2]!,
    url: line,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null) proc.kill(signal);
      return exited;
    },
  };
}

export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function procStatus(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A page's end of the WebSocket: every message and frame kept, in order. */
export class PageClient {
  messages: BridgeMessage[] = [];
  frames: Frame[] = [];
  /** Frames received in all, kept or not. */
  frameCount = 0;
  /** Whether frames are kept in `frames` (a flood would take much memory). */
  keepFrames = true;
  /** Called for each frame received. */
  onFrame: ((f: Frame) => void) | null = null;
  /** For each of `messages`, the frames received before it. */
  framesBeforeMessage: number[] = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        const frames = decodeFrames(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        if (!frames) throw new Error('a binary message that is not frames');
        this.frameCount += frames.length;
        if (this.onFrame) for (const f of frames) this.onFrame(f);
        if (this.keepFrames) this.frames.push(...frames);
      } else {
        const m = parseBridgeMessage(data.toString());
        if (!m) throw new Error(`not a bridge message: ${data.toString()}`);
        this.messages.push(m);
        this.framesBeforeMessage.push(this.frameCount);
      }
    });
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    ws.on('error', () => {});
  }

  /** Connects to 127.0.0.1 (or `host`) and waits for 'hello'. */
  static async connect(port: number, token: string, host = '127.0.0.1'): Promise<PageClient> {
    const ws = new WebSocket(`ws://${host}:${port}/?token=${token}`, { origin: APP });
    const c = new PageClient(ws);
    await until('hello', () => c.messages.find((m) => m.type === 'hello'));
    return c;
  }

  /** Connects, or resolves with the HTTP status and text with which the bridge refused. */
  static async tryConnect(port: number, token: string): Promise<PageClient | { status: number; body: string }> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/?token=${token}`, { origin: APP });
    let refused: { status: number; body: string } | null = null;
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => (refused = { status: res.statusCode ?? 0, body }));
    });
    const c = new PageClient(ws);
    return until('hello or a refusal', () => refused ?? (c.messages.some((m) => m.type === 'hello') && c));
  }

  send(m: ClientMessage | string): void {
    this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  }

  /** The first message of `type` after position `from` of the messages. */
  async next<T extends BridgeMessage['type']>(type: T, from: number, timeoutMs = 10_000): Promise<Extract<BridgeMessage, { type: T }>> {
    return until(`a '${type}' message (have: ${JSON.stringify(this.messages.slice(from))})`, () => this.messages.slice(from).find((m) => m.type === type), timeoutMs) as Promise<
      Extract<BridgeMessage, { type: T }>
    >;
  }

  /** Sends a request and waits for the first answer of one of `types`. */
  async ask(m: ClientMessage, ...types: BridgeMessage['type'][]): Promise<BridgeMessage> {
    const from = this.messages.length;
    this.send(m);
    return until(`one of ${types.join(', ')} after ${JSON.stringify(m)}`, () => this.messages.slice(from).find((x) => types.includes(x.type)));
  }

  async waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    return until('the connection to close', () => this.closed, timeoutMs);
  }

  close(): void {
    this.ws.terminate();
  }
}

/** The HTTP status with which the bridge refuses a WebSocket, or 101 when it accepts it. */
export function handshakeStatus(port: number, query: string, origin: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/${query}`, origin === undefined ? {} : { origin });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => {
      ws.terminate();
      resolve({ status: 101, body: '' });
    });
    ws.on('error', (e) => {
      if (!/Unexpected server response/.test(e.message)) reject(e);
    });
  });
}

/**
 * Sends an upgrade request as written (headers exactly as given: Host too)
 * and resolves with the HTTP status, 101 when the bridge accepts it.
 */
export function upgradeStatus(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      setHost: false,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'), ...headers },
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer to the upgrade request in 10 s')));
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, body: '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A client frame: masked, as the protocol requires of clients (unless `masked` is false); `length` may claim another payload length. */
export function clientFrame(opcode: number, payload: Buffer, o: { fin?: boolean; masked?: boolean; length?: bigint } = {}): Buffer {
  const length = o.length ?? BigInt(payload.length);
  const masked = o.masked ?? true;
  const head = [((o.fin ?? true) ? 0x80 : 0) | opcode];
  const maskBit = masked ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (length < 126n) head.push(maskBit | Number(length));
  else if (length < 65536n) {
    head.push(maskBit | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(Number(length));
  } else {
    head.push(maskBit | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(length);
  }
  const key = masked ? randomBytes(4) : Buffer.alloc(0);
  const body = Buffer.from(payload);
  if (masked) for (let i = 0; i < body.length; i++) body[i]! ^= key[i % 4]!;
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

/** A WebSocket at the level of frames: what a program other than a browser can send. */
export class RawWebSocket {
  /** Bytes from the bridge after the handshake. */
  received = Buffer.alloc(0);
  ended = false;

  private constructor(readonly socket: Socket) {}

  static async open(port: number, token: string, origin: string): Promise<RawWebSocket> {
    const socket = connect({ host: '127.0.0.1', port });
    const raw = new RawWebSocket(socket);
    let head = Buffer.alloc(0);
    let upgraded = false;
    socket.on('data', (d: Buffer) => {
      if (upgraded) {
        raw.received = Buffer.concat([raw.received, d]);
        raw.answerClose();
        return;
      }
      head = Buffer.concat([head, d]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!/^HTTP\/1\.1 101 /.test(head.toString('latin1'))) throw new Error(`not upgraded: ${head.toString('latin1')}`);
      upgraded = true;
      raw.received = head.subarray(end + 4);
      raw.answerClose();
    });
    socket.on('close', () => (raw.ended = true));
    socket.on('error', () => {});
    socket.write(
      `GET /?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${origin}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
    );
    await until('the upgrade', () => upgraded || raw.ended);
    if (!upgraded) throw new Error('the bridge closed the connection during the handshake');
    return raw;
  }

  private closeAnswered = false;

  /** Answers the bridge's close frame, as a client does. */
  private answerClose(): void {
    if (this.closeAnswered) return;
    const close = this.frames().find((f) => f.opcode === 8);
    if (!close) return;
    this.closeAnswered = true;
    this.socket.write(clientFrame(8, close.payload.subarray(0, 2)));
  }

  write(b: Buffer): Promise<void> {
    return new Promise((resolve) => this.socket.write(b, () => resolve()));
  }

  /** The frames the bridge sent (unmasked), as opcode and payload. */
  frames(): { opcode: number; payload: Buffer }[] {
    const out: { opcode: number; payload: Buffer }[] = [];
    const b = this.received;
    let at = 0;
    while (b.length - at >= 2) {
      let len = b[at + 1]! & 0x7f;
      let off = at + 2;
      if (len === 126) {
        if (b.length < off + 2) break;
        len = b.readUInt16BE(off);
        off += 2;
      } else if (len === 127) {
        if (b.length < off + 8) break;
        len = Number(b.readBigUInt64BE(off));
        off += 8;
      }
      if (b.length < off + len) break;
      out.push({ opcode: b[at]! & 0x0f, payload: b.subarray(off, off + len) });
      at = off + len;
    }
    return out;
  }

  /** The close frame's code and reason, once the bridge has sent one and closed the connection. */
  async closedWith(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    return until('a close frame and the end of the connection', () => {
      const close = this.frames().find((f) => f.opcode === 8);
      return this.ended && close ? { code: close.payload.readUInt16BE(0), reason: close.payload.subarray(2).toString() } : null;
    }, timeoutMs);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Writes `text` on a plain TCP connection; resolves with all that comes back until the bridge closes it. */
export function rawExchange(port: number, text: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    let got = '';
    const timer = setTimeout(() => (s.destroy(), reject(new Error(`the bridge did not close the connection in ${timeoutMs} ms; got: ${got}`))), timeoutMs);
    s.on('data', (d: Buffer) => (got += d.toString('latin1')));
    s.on('error', () => {});
    s.on('close', () => (clearTimeout(timer), resolve(got)));
    s.write(text);
  });
}

/** Sends `count` UDP datagrams to 127.0.0.1:port, the i-th of size(i) bytes, each byte the size's low byte. */
export async function sendDatagrams(port: number, count: number, size: (i: number) => number): Promise<void> {
  const s = createSocket('udp4');
  for (let i = 0; i < count; i++) {
    const payload = Buffer.alloc(size(i), size(i) & 0xff);
    await new Promise<void>((r, j) => s.send(payload, port, '127.0.0.1', (e) => (e ? j(e) : r())));
  }
  s.close();
}

/** A port no one listens on: bound and released by the kernel's choice. */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  s.close();
  return port;
}
