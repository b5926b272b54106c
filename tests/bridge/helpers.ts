// Helpers for the bridge's tests: the bridge run as `sudo npm run bridge`
// runs it (bridge/main.ts, as a child process), and a page's side of the
// WebSocket.

import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
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
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        const frames = decodeFrames(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        if (!frames) throw new Error('a binary message that is not frames');
        this.frames.push(...frames);
      } else {
        const m = parseBridgeMessage(data.toString());
        if (!m) throw new Error(`not a bridge message: ${data.toString()}`);
        this.messages.push(m);
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
