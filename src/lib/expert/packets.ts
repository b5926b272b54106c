// The packets a finding links to: every one is counted, the first ones are
// listed (a flood may hold a million packets; the list stays short).

import { THRESHOLDS } from './thresholds';

export class PacketRefs {
  private list: number[] = [];
  private sorted = true;
  private last = -1;

  /** Adds packet i (0-based index in the capture). */
  add(i: number): this {
    if (i < this.last) this.sorted = false;
    else if (i === this.last) return this;
    this.last = i;
    this.list.push(i);
    return this;
  }

  addAll(items: Iterable<number>): this {
    for (const i of items) this.add(i);
    return this;
  }

  get size(): number {
    this.normalise();
    return this.list.length;
  }

  /** The packets' frame numbers (1-based), in order, at most `cap`, and how many there are. */
  frames(cap: number = THRESHOLDS.packetCap): { packets: number[]; packetCount: number } {
    this.normalise();
    return { packets: this.list.slice(0, cap).map((i) => i + 1), packetCount: this.list.length };
  }

  private normalise(): void {
    if (this.sorted) return;
    const unique = [...new Set(this.list)].sort((a, b) => a - b);
    this.list = unique;
    this.last = unique.length ? unique[unique.length - 1]! : -1;
    this.sorted = true;
  }
}
