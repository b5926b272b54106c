// What every statistic reads: the capture's index, the engine (to dissect the
// packets the index cannot tell about), a way to read packets' bytes back,
// and optionally the packets a display filter selected.

import type { CaptureIndex, Engine } from '../engine/engine';

/** Reads packets' captured bytes (a File in the worker, a file in Node), in the order asked. */
export type ReadPackets = (packets: number[]) => Promise<Uint8Array[]>;

export interface StatsSource {
  index: CaptureIndex;
  engine: Engine;
  read: ReadPackets;
  /**
   * The packets to count: 1 for each selected packet, as runFilter's
   * `matches`. All packets when absent.
   */
  selection?: Uint8Array;
  /** Called now and then while packets are dissected. */
  onProgress?: (done: number, total: number) => void;
  /** Returning true stops the dissection early (the result counts what was done). */
  shouldStop?: () => boolean;
}

/** The time column read as pairs of 32-bit words (low word first on little-endian hosts). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const NO_TIME_HIGH = -0x80000000;

/**
 * Times of packets relative to the first frame of the capture, in
 * nanoseconds, as doubles: exact up to 104 days, and read without BigInt
 * arithmetic per packet. A packet without a time stamp is at time 0 (the
 * epoch), as tshark takes it.
 */
export class RelativeTimes {
  private readonly words: Int32Array;
  private readonly firstHigh: number;
  private readonly firstLow: number;
  private readonly hi = LITTLE_ENDIAN ? 1 : 0;
  private readonly lo = LITTLE_ENDIAN ? 0 : 1;

  constructor(index: CaptureIndex) {
    const t = index.columns.arrays.time;
    this.words = new Int32Array(t.buffer, t.byteOffset, t.length * 2);
    const first = index.firstTime() ?? 0n;
    this.firstHigh = Number(BigInt.asIntN(32, first >> 32n));
    this.firstLow = Number(BigInt.asUintN(32, first));
  }

  /** Nanoseconds from the first frame to packet i. */
  ns(i: number): number {
    const high = this.words[2 * i + this.hi]!;
    const low = this.words[2 * i + this.lo]! >>> 0;
    if (high === NO_TIME_HIGH && low === 0) return -(this.firstHigh * 4294967296 + this.firstLow);
    return (high - this.firstHigh) * 4294967296 + (low - this.firstLow);
  }
}
