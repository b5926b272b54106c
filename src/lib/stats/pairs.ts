// A hash table from ordered or unordered pairs of 32-bit numbers to small
// ids, in typed arrays: the statistics look one up per packet, a million
// times, where a Map of strings would allocate a key each time.

export class PairIndex {
  private keys: Uint32Array = new Uint32Array(2 * 1024);
  private slots: Int32Array = new Int32Array(2048);
  private mask = 2047;
  size = 0;

  /**
   * The id of (a, b), or of (b, a) too when `unordered`; -1 when absent.
   * Ids count from 0 in the order pairs were added.
   */
  find(a: number, b: number, unordered = false): number {
    const swap = unordered && b < a;
    return this.slots[this.slotOf(swap ? b : a, swap ? a : b)]! - 1;
  }

  /** The slot holding (a, b), or the empty slot where it would go. */
  private slotOf(a: number, b: number): number {
    let s = hash(a, b) & this.mask;
    for (;;) {
      const v = this.slots[s]!;
      if (v === 0 || (this.keys[2 * (v - 1)] === a && this.keys[2 * (v - 1) + 1] === b)) return s;
      s = (s + 1) & this.mask;
    }
  }

  /** The id of the pair, adding it when new (see find()). */
  add(a: number, b: number, unordered = false): number {
    if (unordered && b < a) {
      const t = a;
      a = b;
      b = t;
    }
    const s = this.slotOf(a, b);
    if (this.slots[s] !== 0) return this.slots[s]! - 1;
    const id = this.size++;
    if (2 * this.size > this.keys.length) {
      const keys = new Uint32Array(this.keys.length * 2);
      keys.set(this.keys);
      this.keys = keys;
    }
    this.keys[2 * id] = a;
    this.keys[2 * id + 1] = b;
    this.slots[s] = id + 1;
    if (this.size * 2 > this.mask) this.rehash();
    return id;
  }

  private rehash(): void {
    this.mask = this.mask * 2 + 1;
    this.slots = new Int32Array(this.mask + 1);
    for (let id = 0; id < this.size; id++) {
      let s = hash(this.keys[2 * id]!, this.keys[2 * id + 1]!) & this.mask;
      while (this.slots[s] !== 0) s = (s + 1) & this.mask;
      this.slots[s] = id + 1;
    }
  }
}

function hash(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
