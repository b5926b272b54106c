// The bridge's WebSocket server: who may connect, the control messages, and
// one capture per connection, its frames sent on with bounded buffering.

import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  MAX_CONTROL_BYTES,
  WIRE_VERSION,
  parseClientMessage,
  type BridgeMessage,
  type CaptureStats,
  type ClientMessage,
} from '../src/lib/live/wire';
import { CaptureProcess, type CaptureRequest } from './capture';
import { CAP_SNAPLEN, interfaceIndex, listInterfaces, rememberLinkType } from './libpcap';

/** Bytes queued for one connection beyond which its frames are dropped (and counted), not queued. */
export const SEND_BUFFER_LIMIT = 8 * 1024 * 1024;
/** Connections at once; each may run one capture, in a process of its own. */
export const MAX_CLIENTS = 8;
/**
 * Sockets open at once: pages and requests not yet answered. A connection
 * beyond it is answered 503 at once.
 */
export const MAX_CONNECTIONS = 32;
/** How long a connection may take to send its whole request; then 408 (Node's). */
export const REQUEST_TIMEOUT_MS = 10_000;
/** Messages (control messages, pings and pongs) a page may send: this many at once, then MESSAGES_PER_SECOND. */
export const MESSAGE_BURST = 40;
export const MESSAGES_PER_SECOND = 20;
/** Captures a page may start: this many at once, then one a second (each is a process). */
export const START_BURST = 8;
export const STARTS_PER_SECOND = 1;
const STATS_INTERVAL_MS = 1000;
/** How long a socket refused on connecting is read before it is closed. */
const LINGER_MS = 1000;
/** How long clients have to answer the closing handshake when the bridge stops. */
const CLOSE_GRACE_MS = 1000;

export interface BridgeOptions {
  /** 0 picks a free port. */
  port: number;
  /** Each connection must give it as ?token=. */
  token: string;
  /** The Packetlens app's URL: its origin may connect. */
  app: string;
  /** More origins that may connect (a development server). */
  origins?: string[];
  /** Listen on every address, not only loopback. */
  listenAny?: boolean;
  /** The defaults offered to the page in 'hello'. */
  interface: string | null;
  filter: string;
  snaplen: number;
  /** For capture processes that run as root: the user they become once their device is open. */
  dropTo?: { uid: number; gid: number } | null;
  /** Where warnings go (default: standard error). */
  warn?: (message: string) => void;
}

export interface Bridge {
  port: number;
  /** Where it listens, as host:port. */
  addresses: string[];
  /** Tells every client `reason` ('stopped'), closes their sockets with 1001, and stops listening. */
  close(reason?: string): Promise<void>;
}

export const STOPPED_BY_SIGNAL = 'the bridge was stopped';

const zeroStats = (): CaptureStats => ({ received: 0, sent: 0, droppedBridge: 0, droppedPcap: 0, droppedInterface: 0 });

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Compares digests, so the time taken depends on neither the token's bytes nor its length. */
export function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

/**
 * Whether a request's Host header names the bridge on loopback. A page of
 * another site whose name was made to resolve to 127.0.0.1 (DNS rebinding)
 * sends its own name.
 */
export function loopbackHost(host: string | undefined, port: number): boolean {
  const h = host?.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `[::1]:${port}` || h === `localhost:${port}`;
}

/** A token bucket: `burst` at once, refilled at `perSecond`. */
export class RateLimit {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.tokens = burst;
  }

  /** Takes one; false when there is none left. */
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Names an interface may have (Linux: at most 15 bytes, no '/', no spaces).
 * A name that is neither listed by libpcap nor such a name is refused before
 * any capture process starts.
 */
export function plausibleInterfaceName(name: string): boolean {
  return /^[A-Za-z0-9_.:@+-]{1,15}$/.test(name) && name !== '.' && name !== '..';
}

function httpError(status: number, text: string): string {
  const body = `${text}\n`;
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n` +
    `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** Answers an upgrade request with an HTTP error, before any WebSocket exists. */
function refuse(socket: Duplex, status: number, text: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(httpError(status, text));
}

function origins(o: BridgeOptions): Set<string> {
  return new Set([o.app, ...(o.origins ?? [])].map((u) => new URL(u).origin));
}

/** Starts the bridge; resolves once it listens. */
export async function startBridge(o: BridgeOptions): Promise<Bridge> {
  const warn = o.warn ?? ((m: string) => process.stderr.write(`packetlens bridge: ${m}\n`));
  const allowed = origins(o);
  const clients = new Set<Client>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CONTROL_BYTES, perMessageDeflate: false, clientTracking: false });
  const context: ClientContext = { options: o, warn, port: 0 };

  const sockets = new Set<Socket>();
  /** Sockets refused on connecting, whose request is read (and ignored) for a moment. */
  const lingering = new Set<Socket>();
  const onConnection = (socket: Socket): void => {
    if (sockets.size >= MAX_CONNECTIONS) {
      // Answered before the request comes. Closed at once, the socket would
      // answer the request with a reset, which may reach the client before
      // this answer does; so it reads the request first, a moment at most.
      socket.on('error', () => socket.destroy());
      socket.end(httpError(503, `The bridge has ${MAX_CONNECTIONS} connections open, as many as it accepts; try again later.`));
      if (lingering.size >= MAX_CONNECTIONS) {
        socket.once('finish', () => socket.destroy());
        return;
      }
      lingering.add(socket);
      const timer = setTimeout(() => socket.destroy(), LINGER_MS);
      socket.once('close', () => {
        clearTimeout(timer);
        lingering.delete(socket);
      });
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    // Refused when it connected (too many connections).
    if (socket.writableEnded) return;
    if (!o.listenAny && !loopbackHost(req.headers.host, context.port)) {
      refuse(socket, 403, `The Host header is "${req.headers.host ?? ''}", not this bridge on loopback (127.0.0.1:${context.port}, [::1]:${context.port} or localhost:${context.port}).`);
      return;
    }
    const origin = req.headers.origin;
    if (!origin || !allowed.has(origin)) {
      refuse(socket, 403, `Connections from ${origin ?? 'a page of no origin'} are not allowed; only from ${[...allowed].join(', ')}.`);
      return;
    }
    const token = new URL(req.url ?? '/', 'ws://bridge.invalid').searchParams.get('token');
    if (token === null || !sameToken(token, o.token)) {
      refuse(socket, 401, `The token is ${token === null ? 'missing' : 'wrong'}: open the link the bridge printed (each run makes a new one).`);
      return;
    }
    if (clients.size >= MAX_CLIENTS) {
      refuse(socket, 503, `The bridge serves at most ${MAX_CLIENTS} pages at once.`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client = new Client(ws, context);
      clients.add(client);
      ws.on('close', () => clients.delete(client));
    });
  };

  const servers: Server[] = [];
  const makeServer = (): Server => {
    const server = createServer({ headersTimeout: REQUEST_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 }, (req, res) => {
      if (req.socket.writableEnded) return;
      res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket', Connection: 'close' });
      res.end('This is the Packetlens capture bridge. It speaks WebSocket only: open the link it printed.\n');
    });
    server.on('connection', onConnection);
    server.on('upgrade', onUpgrade);
    servers.push(server);
    return server;
  };
  const { port, addresses } = await listen(o, makeServer, servers, warn);
  context.port = port;

  return {
    port,
    addresses,
    async close(reason = STOPPED_BY_SIGNAL) {
      for (const s of servers) s.close();
      await Promise.all([...clients].map((c) => c.shutDown(reason)));
      for (const s of servers) s.closeAllConnections();
      wss.close();
    },
  };
}

async function listenOn(server: Server, host: string, port: number, ipv6Only = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    server.once('error', onError);
    server.listen({ host, port, ipv6Only, exclusive: true }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

function describeListenError(e: unknown, port: number): Error {
  if (code(e) === 'EADDRINUSE') return new Error(`port ${port} is in use (is another bridge running?); --port chooses another`);
  if (code(e) === 'EACCES') return new Error(`port ${port} may not be used by this user; --port chooses another (1024 or above)`);
  return e as Error;
}

/**
 * Loopback only (127.0.0.1 and ::1, on the same port), or every address with
 * --listen-any. Port 0 picks one free on both loopback addresses.
 */
async function listen(o: BridgeOptions, makeServer: () => Server, servers: Server[], warn: (m: string) => void): Promise<{ port: number; addresses: string[] }> {
  if (o.listenAny) {
    try {
      const port = await listenOn(makeServer(), '::', o.port);
      return { port, addresses: [`[::]:${port}`] };
    } catch (e) {
      if (code(e) !== 'EAFNOSUPPORT' && code(e) !== 'EADDRNOTAVAIL') throw describeListenError(e, o.port);
      servers.pop();
      const port = await listenOn(makeServer(), '0.0.0.0', o.port).catch((e2) => Promise.reject(describeListenError(e2, o.port)));
      return { port, addresses: [`0.0.0.0:${port}`] };
    }
  }
  for (let attempt = 0; ; attempt++) {
    const v4 = makeServer();
    const port = await listenOn(v4, '127.0.0.1', o.port).catch((e) => Promise.reject(describeListenError(e, o.port)));
    try {
      await listenOn(makeServer(), '::1', port, true);
      return { port, addresses: [`127.0.0.1:${port}`, `[::1]:${port}`] };
    } catch (e) {
      servers.pop();
      if (code(e) === 'EADDRNOTAVAIL' || code(e) === 'EAFNOSUPPORT') {
        warn('IPv6 loopback (::1) is not available; listening on 127.0.0.1 only');
        return { port, addresses: [`127.0.0.1:${port}`] };
      }
      // A free port on 127.0.0.1 may be taken on ::1: try another.
      if (o.port === 0 && code(e) === 'EADDRINUSE' && attempt < 10) {
        servers.pop();
        await new Promise((r) => v4.close(r));
        continue;
      }
      v4.close();
      throw describeListenError(e, port);
    }
  }
}

interface ClientContext {
  /** The port the bridge listens on: its own traffic is kept out of captures. */
  port: number;
  options: BridgeOptions;
  warn: (message: string) => void;
}

/** One connection: its control messages, and at most one capture. */
class Client {
  private capture: CaptureProcess | null = null;
  /** Whether 'started' was sent for the current capture. */
  private running = false;
  private statsTimer: NodeJS.Timeout | null = null;
  /** Counters of the current (or last) capture, on this side of the pipe. */
  private framesIn = 0;
  private sent = 0;
  private droppedHere = 0;
  /** The capture process's drops, kept when it ends. */
  private lastDroppedInChild = 0;
  private readonly messages = new RateLimit(MESSAGE_BURST, MESSAGES_PER_SECOND);
  private readonly starts = new RateLimit(START_BURST, STARTS_PER_SECOND);

  constructor(
    private readonly ws: WebSocket,
    private readonly context: ClientContext,
  ) {
    // ws closes the connection itself on protocol errors (1009 for a message
    // over maxPayload); 'close' follows.
    ws.on('error', () => {});
    ws.on('close', () => this.endCapture());
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    // ws answers pings itself; they count as messages all the same.
    ws.on('ping', () => this.withinRate());
    ws.on('pong', () => this.withinRate());
    const o = context.options;
    this.send({ type: 'hello', version: WIRE_VERSION, interface: o.interface, filter: o.filter, snaplen: o.snaplen });
  }

  private send(m: BridgeMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }

  /** Counts a message; closes the connection (1008) when the page sends too many. */
  private withinRate(): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.messages.take()) return true;
    this.ws.close(1008, `too many messages: at most ${MESSAGE_BURST} at once, then ${MESSAGES_PER_SECOND} a second`);
    return false;
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (!this.withinRate()) return;
    if (isBinary) {
      this.ws.close(1008, 'binary messages are not accepted');
      return;
    }
    // binaryType is 'nodebuffer' (ws's default): a message is one Buffer, fragments joined.
    const text = (data as Buffer).toString('utf8');
    const m = parseClientMessage(text);
    if (!m) {
      this.ws.close(1008, isJson(text) ? 'not a control message (see src/lib/live/wire.ts)' : 'control messages are JSON');
      return;
    }
    this.handle(m);
  }

  private handle(m: ClientMessage): void {
    switch (m.type) {
      case 'list':
        try {
          this.send({ type: 'interfaces', list: listInterfaces() });
        } catch (e) {
          this.send({ type: 'error', message: `The interfaces could not be listed: ${(e as Error).message}` });
        }
        break;
      case 'start':
        if (!this.starts.take()) {
          this.send({ type: 'error', message: `Too many captures started: at most ${START_BURST} at once, then ${STARTS_PER_SECOND} a second. This one was not started.` });
          break;
        }
        this.start(m.interface, m.filter, m.snaplen ?? this.context.options.snaplen);
        break;
      case 'stop':
        this.endCapture();
        this.send({ type: 'stats', stats: this.stats() });
        this.send({ type: 'stopped', reason: 'stopped on request' });
        break;
      case 'stats':
        this.send({ type: 'stats', stats: this.stats() });
        break;
    }
  }

  private start(device: string, filter: string, requestedSnaplen: number): void {
    // A request refused outright leaves the running capture alone.
    let list;
    try {
      list = listInterfaces();
    } catch (e) {
      this.send({ type: 'error', message: `The interfaces could not be listed: ${(e as Error).message}` });
      return;
    }
    if (!list.some((d) => d.name === device) && !plausibleInterfaceName(device)) {
      this.send({ type: 'error', message: `Cannot capture on ${JSON.stringify(device)}: no interface has that name, nor could one (at most 15 letters, digits and _.:@+-).` });
      return;
    }
    if (this.running) {
      this.endCapture();
      this.send({ type: 'stopped', reason: 'replaced by a new capture' });
    } else this.endCapture();
    const request: CaptureRequest = {
      device,
      filter: withoutBridgeTraffic(filter, this.context.port),
      snaplen: Math.min(requestedSnaplen, CAP_SNAPLEN),
      index: interfaceIndex(list, device),
      dropTo: this.context.options.dropTo ?? null,
    };
    this.framesIn = this.sent = this.droppedHere = this.lastDroppedInChild = 0;
    const capture: CaptureProcess = new CaptureProcess(request, {
      opened: (linkType) => {
        rememberLinkType(device, linkType);
        this.running = true;
        this.send({ type: 'started', interface: device, index: request.index, linkType, filter, snaplen: request.snaplen });
        this.statsTimer = setInterval(() => this.send({ type: 'stats', stats: this.stats() }), STATS_INTERVAL_MS);
      },
      failed: (message) => {
        if (this.capture === capture) this.capture = null;
        const what = filter ? `on "${device}" with the filter "${filter}"` : `on "${device}"`;
        this.send({ type: 'error', message: `Cannot capture ${what}: ${message}` });
      },
      frames: (run, count) => this.frames(run, count),
      ended: (reason) => {
        this.endCapture(capture);
        this.send({ type: 'stats', stats: this.stats() });
        this.send({ type: 'stopped', reason });
      },
    });
    this.capture = capture;
  }

  /** Frames read together from the capture process go in one message (a message per packet costs the page dearly). */
  private frames(run: Buffer, count: number): void {
    this.framesIn += count;
    if (this.ws.readyState !== WebSocket.OPEN || this.ws.bufferedAmount > SEND_BUFFER_LIMIT) {
      this.droppedHere += count;
      return;
    }
    // The run is a slice of a read from the capture pipe: queued as is, it
    // would keep the whole read alive. Only what is queued is copied.
    this.ws.send(this.ws.bufferedAmount > 0 ? Buffer.from(run) : run, { binary: true });
    this.sent += count;
  }

  private stats(): CaptureStats {
    const inChild = this.capture?.droppedInChild ?? this.lastDroppedInChild;
    return { ...zeroStats(), received: this.framesIn + inChild, sent: this.sent, droppedBridge: this.droppedHere + inChild };
  }

  /** Stops the current capture, if any (or `only` when given and current), without a message. */
  private endCapture(only?: CaptureProcess): void {
    if (only && this.capture !== only) return;
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = null;
    this.running = false;
    if (this.capture) {
      this.lastDroppedInChild = this.capture.droppedInChild;
      this.capture.stop();
      this.capture = null;
    }
  }

  /** The bridge is stopping: says why, then closes with 1001 (going away). */
  async shutDown(reason: string): Promise<void> {
    this.endCapture();
    this.send({ type: 'stopped', reason });
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    this.ws.close(1001, reason);
    const timer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(timer);
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The capture filter libpcap gets: the page's, and never the bridge's own
 * WebSocket traffic (on loopback it would capture the frames it sends, and
 * the frames of those, without end).
 */
export function withoutBridgeTraffic(filter: string, port: number): string {
  const own = `not tcp port ${port}`;
  return filter.trim() ? `(${filter}) and ${own}` : own;
}
