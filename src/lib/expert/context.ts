// What every detector works from: the capture's summary columns, the
// packets selected for analysis, times in seconds, addresses, the Protocol
// column's ids, and a dissector for the packets the columns cannot answer
// for. Results several detectors share (TCP conversations, DNS messages) are
// computed once and kept here.

import type { CaptureIndex, Engine } from '../engine/engine';
import { NO_TIME, type ColumnArrays } from '../engine/columns';
import type { ReadPackets } from '../filter/evaluate';
import { Addresses } from './addresses';
import { PacketDissector } from './dissect';

export class ExpertContext {
  readonly addresses: Addresses;
  readonly dissector: PacketDissector;
  readonly columns: ColumnArrays;
  readonly packetCount: number;
  private seconds: Float64Array | null = null;
  private readonly memos = new Map<string, unknown>();

  constructor(
    readonly index: CaptureIndex,
    readonly engine: Engine,
    read: ReadPackets,
    /** 1 for each packet to analyse (a display filter's matches); null for all. */
    private readonly selection: Uint8Array | null,
    shouldStop: () => boolean = () => false,
  ) {
    this.columns = index.columns.arrays;
    this.packetCount = index.packetCount;
    this.addresses = new Addresses(index);
    this.dissector = new PacketDissector(index, engine, read, shouldStop);
  }

  /** Whether packet i is among those analysed. */
  selected(i: number): boolean {
    return this.selection === null || this.selection[i] === 1;
  }

  get selectedCount(): number {
    if (this.selection === null) return this.packetCount;
    let n = 0;
    for (let i = 0; i < this.packetCount; i++) n += this.selection[i] === 1 ? 1 : 0;
    return n;
  }

  /**
   * Packet i's time in seconds since the first packet. A record without a
   * time stamp takes the time of the packet before it, so windows stay ordered.
   */
  time(i: number): number {
    if (!this.seconds) this.seconds = this.computeSeconds();
    return this.seconds[i]!;
  }

  private computeSeconds(): Float64Array {
    const out = new Float64Array(this.packetCount);
    const t = this.columns.time;
    const first = this.index.firstTime() ?? 0n;
    let last = 0;
    for (let i = 0; i < this.packetCount; i++) {
      const v = t[i]!;
      if (v !== NO_TIME) last = Number(v - first) / 1e9;
      out[i] = last;
    }
    return out;
  }

  /** The id of a Protocol column name ("DNS"), or -1 when the engine has none. */
  protocolId(name: string): number {
    return this.engine.registry.columnProtocols.find((p) => p.name === name)?.id ?? -1;
  }

  /** Packet i's Protocol column. */
  protocolName(i: number): string {
    return this.engine.registry.columnProtocols[this.columns.proto[i]!]?.name ?? '';
  }

  /** Computes a value once per analysis: shared work of several detectors. */
  memo<T>(key: string, make: () => Promise<T>): Promise<T> {
    let value = this.memos.get(key) as Promise<T> | undefined;
    if (!value) {
      value = make();
      this.memos.set(key, value);
    }
    return value;
  }
}
