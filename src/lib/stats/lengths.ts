// Packet lengths, as Wireshark's Packet Lengths window and tshark -z
// plen,tree count them: frames by length on the wire, in buckets that double
// (0-19, 20-39, 40-79 ... 5120 and greater), with each bucket's average,
// smallest and largest length, rate and busiest 100 ms (its "burst"). Read
// from the columns alone.

import { RelativeTimes, type StatsSource } from './source';

export interface LengthRow {
  /** "Packet Lengths" for the whole, "80-159" or "5120 and greater" for a bucket. */
  label: string;
  /** The bucket's lengths: from `low` to `high` (null: no upper bound). */
  low: number;
  high: number | null;
  count: number;
  /** Average, smallest and largest length in the bucket; null when it is empty. */
  average: number | null;
  min: number | null;
  max: number | null;
  /** Packets per millisecond over the time the counted packets span (null when they span none). */
  rate: number | null;
  /** Share of all counted packets, 0 to 100. */
  percent: number;
  /** Most packets in any 100 ms, per millisecond (tshark's Burst Rate), and when that window starts, in seconds. */
  burstRate: number;
  burstStart: number | null;
}

export interface PacketLengths {
  total: LengthRow;
  buckets: LengthRow[];
  milliseconds: number;
}

/** tshark's buckets: [low, high] inclusive. */
const BUCKETS: [number, number | null][] = [
  [0, 19],
  [20, 39],
  [40, 79],
  [80, 159],
  [160, 319],
  [320, 639],
  [640, 1279],
  [1280, 2559],
  [2560, 5119],
  [5120, null],
];

/** Wireshark's burst settings (statistics preferences): a 100 ms window, slid by 5 ms. */
const BURST_WINDOW_MS = 100;
const BURST_RESOLUTION_MS = 5;

export function packetLengths(src: StatsSource): PacketLengths {
  const started = performance.now();
  const { index } = src;
  const c = index.columns;
  const times = new RelativeTimes(index);
  const sel = src.selection;
  const n = index.packetCount;
  const rows = [null, ...BUCKETS].map(() => new Row());
  let firstMs = NaN;
  let lastMs = 0;
  for (let i = 0; i < n; i++) {
    if (sel && sel[i] !== 1) continue;
    const len = c.origLen(i);
    const ms = times.ns(i) / 1e6;
    if (Number.isNaN(firstMs)) firstMs = ms;
    lastMs = ms;
    rows[0]!.add(len, ms);
    rows[1 + bucketOf(len)]!.add(len, ms);
  }
  const elapsed = Number.isNaN(firstMs) ? 0 : lastMs - firstMs;
  const total = rows[0]!.count;
  const out = rows.map((r, k) => {
    const [low, high] = k === 0 ? [0, null] : BUCKETS[k - 1]!;
    return r.result(k === 0 ? 'Packet Lengths' : high === null ? `${low} and greater` : `${low}-${high}`, low, high, elapsed, total);
  });
  return { total: out[0]!, buckets: out.slice(1), milliseconds: performance.now() - started };
}

function bucketOf(len: number): number {
  for (let b = 0; b < BUCKETS.length - 1; b++) if (len <= BUCKETS[b]![1]!) return b;
  return BUCKETS.length - 1;
}

/**
 * One row's counts, and its burst as Wireshark's stats_tree measures it:
 * packets are counted in 5 ms slots, the window holds the slots of the last
 * 100 ms, and the burst starts at the first packet of the window's oldest
 * slot (an empty slot at time 0 begins the window, as in Wireshark).
 */
class Row {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  // The window's slots, oldest first: slot number, packets, time of the first packet (ms).
  private slot: number[] = [0];
  private slotCount: number[] = [0];
  private slotStart: number[] = [0];
  private head = 0;
  private inWindow = 0;
  maxBurst = 0;
  burstTime = 0;

  add(len: number, ms: number): void {
    this.count++;
    this.sum += len;
    if (len < this.min) this.min = len;
    if (len > this.max) this.max = len;
    this.burst(ms);
  }

  private burst(ms: number): void {
    const cur = Math.floor(ms / BURST_RESOLUTION_MS);
    const width = BURST_WINDOW_MS / BURST_RESOLUTION_MS;
    const { slot, slotCount, slotStart } = this;
    const tail = slot.length - 1;
    if (cur > slot[tail]!) {
      slot.push(cur);
      slotCount.push(1);
      slotStart.push(ms);
      this.inWindow++;
      while (cur >= slot[this.head]! + width) this.inWindow -= slotCount[this.head++]!;
    } else if (cur < slot[this.head]!) {
      // Time going back before the window: a slot of its own at its start.
      slot.splice(this.head, 0, cur);
      slotCount.splice(this.head, 0, 1);
      slotStart.splice(this.head, 0, ms);
      this.inWindow++;
    } else {
      let k = tail;
      while (k > this.head && slot[k]! > cur) k--;
      if (slot[k] === cur) slotCount[k]!++;
      else {
        slot.splice(k + 1, 0, cur);
        slotCount.splice(k + 1, 0, 1);
        slotStart.splice(k + 1, 0, ms);
      }
      this.inWindow++;
    }
    if (this.inWindow > this.maxBurst) {
      this.maxBurst = this.inWindow;
      this.burstTime = slotStart[this.head]!;
    }
    if (this.head > 4096) {
      this.slot = slot.slice(this.head);
      this.slotCount = slotCount.slice(this.head);
      this.slotStart = slotStart.slice(this.head);
      this.head = 0;
    }
  }

  result(label: string, low: number, high: number | null, elapsedMs: number, total: number): LengthRow {
    const empty = this.count === 0;
    return {
      label,
      low,
      high,
      count: this.count,
      average: empty ? null : this.sum / this.count,
      min: empty ? null : this.min,
      max: empty ? null : this.max,
      rate: elapsedMs > 0 ? this.count / elapsedMs : null,
      percent: total ? (100 * this.count) / total : 0,
      burstRate: this.maxBurst / BURST_WINDOW_MS,
      burstStart: empty ? null : this.burstTime / 1000,
    };
  }
}
