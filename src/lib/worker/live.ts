// A live capture in the worker: the WebSocket to the bridge, the frames it
// sends written as a pcapng stream (in large chunks, each kept as a Blob once
// full, so packet bytes can be read back by offset as from a file) and handed
// to the engine in small batches, and the bridge's messages passed on to the
// page.

import { decodeFrames, parseBridgeMessage, WIRE_VERSION, type BridgeMessage, type ClientMessage, type Frame } from '../live/wire';
import { enhancedPacket, interfaceDescription, sectionHeader } from '../live/pcapng-writer';

/** Frames are handed to the engine at least this often. */
const FLUSH_MS = 25;
const CHUNK = 1 << 20;

export interface LiveLimits {
  /** The capture stops (and is kept) when it holds this many packets or bytes. */
  maxPackets: number;
  maxBytes: number;
}

export class LiveFeed {
  private ws: WebSocket | null = null;
  /**
   * The pcapng stream: full chunks, as Blobs (so that blob(), called for every
   * page of rows, copies only the chunk being filled, not the whole capture),
   * then the one being filled.
   */
  private chunks: Blob[] = [];
  private current = new Uint8Array(CHUNK);
  private used = 0;
  private cachedBlob: Blob | null = null;
  /** Bytes of `current` already given to the engine; the rest are not yet. */
  private fed = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** pcapng interface number of each bridge interface index. */
  private interfaces = new Map<number, number>();
  private started = false;
  /** Frames received from the bridge, and their bytes as captured. */
  received = 0;
  receivedBytes = 0;
  totalBytes = 0;
  limitReached: string | null = null;

  constructor(
    private readonly feed: (bytes: Uint8Array) => void,
    private readonly onMessage: (m: BridgeMessage) => void,
    private readonly onClose: (reason: string) => void,
  ) {}

  private limits: LiveLimits = { maxPackets: Infinity, maxBytes: Infinity };

  /** Opens the WebSocket; resolves once the bridge has said hello. */
  connect(url: string, token: string): Promise<BridgeMessage> {
    return new Promise((resolve, reject) => {
      let address: URL;
      try {
        address = new URL(url);
      } catch {
        reject(new Error(`"${url}" is not a bridge address (it looks like ws://127.0.0.1:8765).`));
        return;
      }
      if (address.protocol !== 'ws:' && address.protocol !== 'wss:') {
        reject(new Error(`"${url}" is not a WebSocket address (it starts with ws://).`));
        return;
      }
      address.searchParams.set('token', token);
      const ws = new WebSocket(address.href);
      ws.binaryType = 'arraybuffer';
      this.ws = ws;
      let hello = false;
      ws.onmessage = (e) => {
        if (typeof e.data === 'string') {
          const m = parseBridgeMessage(e.data);
          if (!m) return;
          if (m.type === 'hello' && !hello) {
            if (m.version !== WIRE_VERSION) {
              reject(new Error(`The bridge speaks version ${m.version} of the live-capture protocol and this page version ${WIRE_VERSION}: run the bridge from the same Packetlens as the app.`));
              ws.close(1000, 'another protocol version');
              return;
            }
            hello = true;
            resolve(m);
          }
          if (m.type === 'started') this.noteInterface(m.index, m.linkType, m.snaplen, m.interface);
          this.onMessage(m);
        } else {
          for (const f of decodeFrames(new Uint8Array(e.data as ArrayBuffer)) ?? []) this.frame(f);
        }
      };
      ws.onclose = (e) => {
        this.flush();
        const reason = e.reason || (e.code === 1006 ? 'the connection to the bridge was lost (is it running, and is the token right?)' : `closed (code ${e.code})`);
        if (!hello) reject(new Error(`The bridge refused the connection: ${reason}`));
        this.onClose(reason);
      };
    });
  }

  send(m: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }

  close(): void {
    this.flush();
    this.ws?.close(1000, 'closed by the page');
    this.ws = null;
  }

  /** The capture so far, as a pcapng file. */
  blob(): Blob {
    this.cachedBlob ??= new Blob([...this.chunks, this.current.slice(0, this.used)], { type: 'application/octet-stream' });
    return this.cachedBlob;
  }

  private noteInterface(index: number, linkType: number, snaplen: number, name: string): void {
    if (!this.started) {
      this.write(sectionHeader('Packetlens live capture'));
      this.started = true;
    }
    if (!this.interfaces.has(index)) {
      this.interfaces.set(index, this.interfaces.size);
      this.write(interfaceDescription(linkType, snaplen, name));
    }
  }

  private frame(f: Frame): void {
    if (this.limitReached) return;
    const iface = this.interfaces.get(f.interface);
    if (iface === undefined) return;
    this.received++;
    this.receivedBytes += f.data.length;
    this.write(enhancedPacket(iface, f.time, f.data, f.originalLength));
    if (this.received >= this.limits.maxPackets) this.limitReached = `${this.received} packets`;
    else if (this.totalBytes >= this.limits.maxBytes) this.limitReached = `${Math.round(this.totalBytes / 1e6)} MB`;
    if (this.limitReached) {
      this.send({ type: 'stop' });
      this.onMessage({ type: 'stopped', reason: `the capture reached its limit of ${this.limitReached}; what was captured is kept` });
    }
  }

  /** Starts a new capture on the same connection: nothing written yet. */
  restart(limits: LiveLimits): void {
    this.flush();
    this.limits = limits;
    this.chunks = [];
    this.current = new Uint8Array(CHUNK);
    this.used = 0;
    this.fed = 0;
    this.cachedBlob = null;
    this.interfaces.clear();
    this.started = false;
    this.received = 0;
    this.receivedBytes = 0;
    this.totalBytes = 0;
    this.limitReached = null;
  }

  private write(b: Uint8Array): void {
    this.cachedBlob = null;
    this.totalBytes += b.length;
    if (this.used + b.length > this.current.length) {
      this.flush();
      if (this.used > 0) this.chunks.push(new Blob([this.current.subarray(0, this.used)]));
      this.current = new Uint8Array(Math.max(CHUNK, b.length));
      this.used = 0;
      this.fed = 0;
    }
    this.current.set(b, this.used);
    this.used += b.length;
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Hands what was written to the engine (a view of bytes that are never written again). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.fed === this.used) return;
    const bytes = this.current.subarray(this.fed, this.used);
    this.fed = this.used;
    this.feed(bytes);
  }
}
