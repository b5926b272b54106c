// The layers of each packet, as the summary pass records them beside the
// columns (assembly/summary/layers.ts): the protocols at the top level of its
// tree, as an interned path, and the Ethernet addresses of its first
// Ethernet header, as an interned pair. Statistics read them to count
// protocol hierarchies and Ethernet conversations without dissecting again.
// 6 bytes per packet, beside the 40 of the columns.

/** Path id of a packet whose layers were not recorded (too many, or the table was full): dissect it. */
export const PATH_UNKNOWN = 0x3fff;
/** Bits of the path column besides the id. */
export const PATH_ID_MASK = 0x3fff;
/** The packet is an IP fragment. */
export const PATH_FRAGMENT = 0x4000;
/** The dissection stopped at a read past the data (Wireshark's bounds exception: a short or malformed packet). */
export const PATH_CUT = 0x8000;
/** Pair id of a packet with no Ethernet header. */
export const NO_ETH_PAIR = 0xffffffff;

/** Events of the engine that define paths and pairs (see assembly/summary/layers.ts). */
export const EV_LAYER_PATH = 11;
export const EV_ETH_PAIR = 12;

export interface StoredLayers {
  length: number;
  path: ArrayBuffer;
  ethPair: ArrayBuffer;
  paths: number[][];
  pairs: ArrayBuffer;
}

export class LayerTable {
  /** Bytes per packet: its path (u16) and its Ethernet pair (u32). */
  static readonly bytesPerPacket = 6;
  length = 0;
  /** Each packet's path: an index into `paths`, or PATH_UNKNOWN, with the flags PATH_FRAGMENT and PATH_CUT. */
  path: Uint16Array<ArrayBuffer> = new Uint16Array(1024);
  /** Each packet's first Ethernet header: an index into the pairs, or NO_ETH_PAIR. */
  ethPair: Uint32Array<ArrayBuffer> = new Uint32Array(1024);
  /** Field ids of the protocols at the top level, outermost first, by path id. */
  readonly paths: number[][] = [];
  /** 12 bytes per pair: destination then source. */
  private pairBytes: Uint8Array<ArrayBuffer> = new Uint8Array(12 * 64);
  private pairCount = 0;

  get pairs(): number {
    return this.pairCount;
  }

  /** The destination and source addresses of pair `id` (views, 6 bytes each). */
  pair(id: number): { dst: Uint8Array; src: Uint8Array } {
    const o = id * 12;
    return { dst: this.pairBytes.subarray(o, o + 6), src: this.pairBytes.subarray(o + 6, o + 12) };
  }

  /** The 12 bytes of pair `id`: destination then source. */
  pairKey(id: number): Uint8Array {
    return this.pairBytes.subarray(id * 12, id * 12 + 12);
  }

  definePath(id: number, fields: number[]): void {
    this.paths[id] = fields;
  }

  definePair(id: number, bytes: Uint8Array): void {
    if ((id + 1) * 12 > this.pairBytes.length) {
      let n = this.pairBytes.length * 2;
      while (n < (id + 1) * 12) n *= 2;
      const next = new Uint8Array(n);
      next.set(this.pairBytes);
      this.pairBytes = next;
    }
    this.pairBytes.set(bytes.subarray(0, 12), id * 12);
    this.pairCount = Math.max(this.pairCount, id + 1);
  }

  /** Appends `count` rows from the engine's side columns at the given pointers. */
  appendFrom(memory: ArrayBuffer, pathPtr: number, pairPtr: number, count: number): void {
    const need = this.length + count;
    if (need > this.path.length) {
      let cap = this.path.length * 2;
      while (cap < need) cap *= 2;
      const path = new Uint16Array(cap);
      path.set(this.path.subarray(0, this.length));
      const pair = new Uint32Array(cap);
      pair.set(this.ethPair.subarray(0, this.length));
      this.path = path;
      this.ethPair = pair;
    }
    this.path.set(new Uint16Array(memory, pathPtr, count), this.length);
    this.ethPair.set(new Uint32Array(memory, pairPtr, count), this.length);
    this.length = need;
  }

  /** Trimmed copies, for storage. */
  toStored(): StoredLayers {
    return {
      length: this.length,
      path: this.path.buffer.slice(0, this.length * 2),
      ethPair: this.ethPair.buffer.slice(0, this.length * 4),
      paths: this.paths.map((p) => p ?? []),
      pairs: this.pairBytes.buffer.slice(0, this.pairCount * 12),
    };
  }

  static fromStored(s: StoredLayers): LayerTable {
    const t = new LayerTable();
    t.length = s.length;
    t.path = new Uint16Array(s.path.slice(0));
    t.ethPair = new Uint32Array(s.ethPair.slice(0));
    if (t.path.length < s.length || t.ethPair.length < s.length) throw new RangeError(`stored layers hold fewer than ${s.length} rows`);
    t.paths.push(...s.paths);
    const pairs = new Uint8Array(s.pairs.slice(0));
    t.pairBytes = pairs.length ? pairs : new Uint8Array(12 * 64);
    t.pairCount = pairs.length / 12;
    return t;
  }
}
