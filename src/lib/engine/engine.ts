// The engine host: drives the WebAssembly dissector over a capture fed in
// chunks, collects the summary columns and capture facts, and runs the
// detail pass on single packets. The same code runs in Node and in a Web
// Worker; reading files is the caller's business.

import { instantiateEngine, type EngineExports, type Instance } from './wasm';
import { Registry } from './registry';
import { PacketColumns, NO_INTERFACE, NO_TIME } from './columns';
import { CaptureInfo, applyEvents, FileFormat, type CaptureError, CaptureErrorKind } from './capture';
import { RawNodes, buildDetail, type DataSource, type PacketDetail } from './tree';

enum Status {
  MORE = 0,
  FULL = 1,
  ERROR = 2,
}

/** A message or datagram rebuilt by the host for the detail pass (see rebuild.ts). */
export interface Rebuilt {
  kind: number;
  bytes: Uint8Array;
  tail: number;
}

/** Pseudo link type the engine gives pcapng custom blocks. */
export const LINK_CUSTOM_BLOCK = -2;

const COLUMN_COUNT = 15;
const FEED_SLICE = 1 << 20;

/** Conversations the summary pass numbered, kept so the detail pass can relate packets later. */
export interface FlowTable {
  entries: Uint8Array;
  tcpStreams: number;
  udpStreams: number;
}

/** Everything the summary pass learns about one capture. */
export class CaptureIndex {
  error: CaptureError | null = null;
  bytesRead = 0;
  /** Set when the summary pass ends (or from storage). */
  flows: FlowTable | null = null;

  constructor(
    readonly columns = new PacketColumns(),
    readonly info = new CaptureInfo(),
  ) {}

  get packetCount(): number {
    return this.columns.length;
  }

  /** Link type of packet i (from its interface). */
  linkType(i: number): number {
    const iface = this.columns.arrays.iface[i]!;
    if (iface === NO_INTERFACE) return LINK_CUSTOM_BLOCK;
    return this.info.interfaces[iface]?.linkType ?? 1;
  }

  /** Time of the first frame, which relative times count from (0 when it has no time stamp, as in tshark). */
  firstTime(): bigint | null {
    if (this.columns.length === 0) return null;
    const v = this.columns.arrays.time[0]!;
    return v === NO_TIME ? 0n : v;
  }

  /** An interface's number within its pcapng section (frame.interface_id). */
  localInterface(iface: number): number {
    const interfaces = this.info.interfaces;
    const section = interfaces[iface]?.section;
    let first = iface;
    while (first > 0 && interfaces[first - 1]?.section === section) first--;
    return iface - first;
  }
}

export class Engine {
  private readonly x: EngineExports;
  private columnPointers: number[] = [];
  private sidePointers: number[] = [];
  private index: CaptureIndex | null = null;
  private raw: RawNodes;
  private treeListener: ((packet: number, raw: RawNodes, index: CaptureIndex) => void) | null = null;

  private constructor(
    private readonly instance: Instance,
    readonly registry: Registry,
  ) {
    this.x = instance.exports;
    this.columnPointers = Array.from({ length: COLUMN_COUNT }, (_, i) => this.x.columnPtr(i));
    this.sidePointers = [this.x.sideColumnPtr(0), this.x.sideColumnPtr(1)];
    this.raw = new RawNodes(this.x.memory, this.x.nodesPtr(), this.x.poolPtr());
    instance.onPacketTree = (packet) => {
      if (!this.treeListener || !this.index) return;
      // The packet's row and events (its comments) are complete: take them first.
      this.drain();
      this.raw.load(this.x.nodeCount(), this.x.poolLen());
      this.treeListener(packet, this.raw, this.index);
    };
  }

  /** Loads the engine from the bytes of engine.wasm or a compiled module. */
  static async load(source: BufferSource | WebAssembly.Module): Promise<Engine> {
    const instance = await instantiateEngine(source);
    const x = instance.exports;
    const text = new TextDecoder().decode(new Uint8Array(x.memory.buffer, x.registryPtr(), x.registryLen()));
    return new Engine(instance, new Registry(text));
  }

  /** Size of the engine's memory in bytes (it grows for the largest packet and capture seen, never back). */
  memoryBytes(): number {
    return this.x.memory.buffer.byteLength;
  }

  /** Starts a new capture; the returned index fills as bytes are pushed. */
  begin(): CaptureIndex {
    this.x.reset();
    this.x.treePerPacket(this.treeListener ? 1 : 0);
    this.index = new CaptureIndex();
    return this.index;
  }

  /**
   * While set, the listener sees the detail tree of every packet as the
   * summary pass reads it (the CLI's field output). Set before begin().
   */
  onPacketTree(listener: ((packet: number, raw: RawNodes, index: CaptureIndex) => void) | null): void {
    this.treeListener = listener;
  }

  /** Feeds one chunk of the capture, of any size. Returns false once an error stopped reading. */
  push(chunk: Uint8Array): boolean {
    let done = 0;
    while (done < chunk.length) {
      const view = this.reserve(Math.min(chunk.length - done, FEED_SLICE));
      const n = Math.min(view.length, chunk.length - done);
      view.set(chunk.subarray(done, done + n));
      if (!this.commit(n)) return false;
      done += n;
    }
    return true;
  }

  /**
   * A writable view of engine memory for up to `max` more bytes of the
   * capture, for hosts that read straight into it; then call commit().
   */
  reserve(max: number): Uint8Array {
    const ptr = this.x.inputReserve(max);
    const space = this.x.inputSpace();
    return new Uint8Array(this.x.memory.buffer, ptr, Math.min(space, max));
  }

  /** Takes `n` bytes written into the last reserve() view and reads what they complete. */
  commit(n: number): boolean {
    const index = this.current();
    if (index.error) return false;
    this.x.inputCommit(n);
    index.bytesRead += n;
    return this.drive();
  }

  /** The input has ended: reports a record cut short, if any. */
  end(): CaptureIndex {
    const index = this.current();
    if (!index.error && this.x.finish() === Status.ERROR) this.recordError();
    this.drain();
    index.info.format = this.x.fileFormat() as FileFormat;
    index.flows = this.saveFlows();
    return index;
  }

  private saveFlows(): FlowTable {
    const x = this.x;
    const counts = x.flowStreamCounts();
    return {
      entries: new Uint8Array(x.memory.buffer, x.flowTablePtr(), x.flowTableBytes()).slice(),
      tcpStreams: Number(counts >> 32n),
      udpStreams: Number(counts & 0xffffffffn),
    };
  }

  /**
   * Makes `index` the capture the detail pass works on, with its flow table
   * (a capture reopened from storage, or one of several open ones).
   */
  use(index: CaptureIndex): void {
    if (this.index === index) return;
    const x = this.x;
    x.reset();
    this.index = index;
    const flows = index.flows;
    if (!flows) return;
    const n = flows.entries.length / 64;
    const ptr = x.flowTableReserve(n);
    new Uint8Array(x.memory.buffer, ptr, flows.entries.length).set(flows.entries);
    x.flowTableLoad(n, flows.tcpStreams, flows.udpStreams);
  }

  private current(): CaptureIndex {
    if (!this.index) throw new Error('begin() must be called before feeding a capture');
    return this.index;
  }

  private drive(): boolean {
    for (;;) {
      const status = this.x.parse() as Status;
      this.drain();
      if (status === Status.FULL) continue;
      if (status === Status.ERROR) {
        this.recordError();
        return false;
      }
      return true;
    }
  }

  private drain(): void {
    const index = this.current();
    const count = this.x.batchCount();
    const memory = this.x.memory.buffer;
    const evLen = this.x.eventsLen();
    if (evLen > 0) {
      applyEvents(index.info, new Uint8Array(memory, this.x.eventsPtr(), evLen), index.columns.bigLengths);
      this.x.eventsReset();
    }
    if (count > 0) {
      index.columns.appendFrom(memory, this.columnPointers, count);
      index.info.layers.appendFrom(memory, this.sidePointers[0]!, this.sidePointers[1]!, count);
      this.x.batchReset();
    }
  }

  private recordError(): void {
    const index = this.current();
    this.drain();
    const text = new TextDecoder().decode(new Uint8Array(this.x.memory.buffer, this.x.errorTextPtr(), this.x.errorTextLen()));
    index.error = {
      kind: this.x.errorKind() as CaptureErrorKind,
      offset: Number(this.x.errorOffset()),
      message: text,
      packetsBefore: index.columns.length,
    };
    index.info.format = this.x.fileFormat() as FileFormat;
  }

  /**
   * The detail tree of packet i, given its captured bytes. Flows are looked
   * up in the state the summary pass left, never changed.
   */
  dissect(index: CaptureIndex, i: number, bytes: Uint8Array, rebuilt: Rebuilt[] = []): PacketDetail {
    this.dissectRaw(index, i, bytes, rebuilt);
    const x = this.x;
    const sources: DataSource[] = [{ name: 'Frame', bytes }];
    const memory = x.memory.buffer;
    for (let s = 1; s < x.sourceCount(); s++) {
      const ptr = x.sourcePtr(s);
      const len = x.sourceLen(s);
      sources.push({ name: this.registry.field(x.sourceName(s)).name, bytes: new Uint8Array(memory, ptr, len).slice() });
    }
    const info = new TextDecoder().decode(new Uint8Array(memory, x.infoPtr(), x.infoLen()));
    const proto = this.registry.columnProtocols[x.protocolColumn()]?.name ?? '';
    return buildDetail(this.registry, this.raw, sources, info, proto);
  }

  /**
   * Bytes of data source s of the packet last dissected (0 is the frame): a
   * view of engine memory, valid until the engine runs again.
   */
  sourceBytes(s: number): Uint8Array | undefined {
    const x = this.x;
    if (s < 0 || s >= x.sourceCount()) return undefined;
    return new Uint8Array(x.memory.buffer, x.sourcePtr(s), x.sourceLen(s));
  }

  /** The Info column of the packet last dissected. */
  lastInfo(): string {
    const x = this.x;
    return new TextDecoder().decode(new Uint8Array(x.memory.buffer, x.infoPtr(), x.infoLen()));
  }

  /** The Protocol column of the packet last dissected. */
  lastProtocol(): string {
    return this.registry.columnProtocols[this.x.protocolColumn()]?.name ?? '';
  }

  /**
   * Packet i's nodes, for readers that want field values without a tree
   * (filters, field export); valid until the engine runs again.
   */
  dissectNodes(index: CaptureIndex, i: number, bytes: Uint8Array, rebuilt: Rebuilt[] = []): RawNodes {
    this.dissectRaw(index, i, bytes, rebuilt);
    return this.raw;
  }

  /** The Info and Protocol columns of packet i, without building a tree. */
  describe(index: CaptureIndex, i: number, bytes: Uint8Array, rebuilt: Rebuilt[] = []): { info: string; protocol: string } {
    this.dissectRaw(index, i, bytes, rebuilt);
    return { info: this.lastInfo(), protocol: this.lastProtocol() };
  }

  private dissectRaw(index: CaptureIndex, i: number, bytes: Uint8Array, rebuilt: Rebuilt[]): void {
    this.use(index);
    const c = index.columns;
    const x = this.x;
    for (const r of rebuilt) {
      const at = x.inject(r.kind, r.bytes.length, r.tail);
      if (at) new Uint8Array(x.memory.buffer, at, r.bytes.length).set(r.bytes);
    }
    const ptr = x.packetBuffer(bytes.length);
    new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
    const time = c.arrays.time[i]!;
    const hasTime = time !== NO_TIME;
    const sec = hasTime ? (time >= 0n ? time / 1_000_000_000n : -((-time + 999_999_999n) / 1_000_000_000n)) : 0n;
    const nsec = hasTime ? Number(time - sec * 1_000_000_000n) : 0;
    const first = index.firstTime() ?? NO_TIME;
    let prev = NO_TIME;
    for (let j = i - 1; j >= 0; j--) {
      if (c.arrays.time[j] !== NO_TIME) {
        prev = c.arrays.time[j]!;
        break;
      }
    }
    const iface = c.arrays.iface[i]!;
    const count = x.dissect(
      bytes.length,
      c.origLen(i),
      index.linkType(i),
      iface === NO_INTERFACE ? -1 : iface,
      iface === NO_INTERFACE ? -1 : index.localInterface(iface),
      index.info.format === FileFormat.PCAPNG ? 1 : 0,
      i + 1,
      hasTime ? 1 : 0,
      sec,
      nsec,
      first,
      prev,
      c.arrays.stream[i]!,
    );
    this.raw.load(count, x.poolLen());
  }
}

export { CaptureErrorKind };
