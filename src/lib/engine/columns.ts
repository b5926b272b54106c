// The summary index: one typed array per column, grown as batches arrive
// from the engine. 40 bytes per packet; see assembly/summary/columns.ts.

export const COLUMN_SPECS = [
  { name: 'time', array: BigInt64Array },
  { name: 'offset', array: Uint32Array },
  { name: 'offsetHigh', array: Uint8Array },
  { name: 'capLen', array: Uint16Array },
  { name: 'origLen', array: Uint16Array },
  { name: 'src', array: Uint32Array },
  { name: 'dst', array: Uint32Array },
  { name: 'srcPort', array: Uint16Array },
  { name: 'dstPort', array: Uint16Array },
  { name: 'stream', array: Int32Array },
  { name: 'aux', array: Uint16Array },
  { name: 'iface', array: Uint16Array },
  { name: 'addrKind', array: Uint8Array },
  { name: 'ipProto', array: Uint8Array },
  { name: 'proto', array: Uint8Array },
] as const;

export type ColumnName = (typeof COLUMN_SPECS)[number]['name'];
type ArrayOf<N extends ColumnName> = InstanceType<Extract<(typeof COLUMN_SPECS)[number], { name: N }>['array']>;
export type ColumnArrays = { [N in ColumnName]: ArrayOf<N> };

/** Time column value of a record without a time stamp. */
export const NO_TIME = -(2n ** 63n);
/** Length columns hold this when the real value is in the overflow map. */
export const LEN_OVERFLOW = 0xffff;
/** Interface column value of a record with no interface (pcapng custom blocks). */
export const NO_INTERFACE = 0xffff;
/** ipProto column value when the packet has no IP layer. */
export const NO_IP_PROTO = 255;

export enum AddrKind {
  NONE = 0,
  IPV4 = 1,
  IPV6 = 2,
  MAC = 3,
}

/** The address kind is in the low bits of the addrKind column. */
export const ADDR_KIND_MASK = 0x03;
/** Bit of the addrKind column set when the columns do not tell the packet's fields exactly (see pinfo.complex). */
export const COMPLEX_PACKET = 0x80;
/** Bit of the addrKind column set when a shim sits between link and network layer (802.1Q, MPLS, PPPoE, PPP, LLC). */
export const SHIMMED_PACKET = 0x40;
/** Bit of the addrKind column set when an application message starts in the packet and goes on in later ones. */
export const APP_PENDING_PACKET = 0x20;

export const BYTES_PER_PACKET = COLUMN_SPECS.reduce((sum, c) => sum + c.array.BYTES_PER_ELEMENT, 0);

export class PacketColumns {
  length = 0;
  private capacity: number;
  arrays: ColumnArrays;
  /** Captured and original lengths too large for their 16-bit columns. */
  readonly bigLengths = new Map<number, { capLen: number; origLen: number }>();

  constructor(capacity = 1024) {
    this.capacity = capacity;
    this.arrays = Object.fromEntries(COLUMN_SPECS.map((c) => [c.name, new c.array(capacity)])) as unknown as ColumnArrays;
  }

  /** Rebuilds columns from stored buffers (a saved session). */
  static fromBuffers(length: number, buffers: Record<ColumnName, ArrayBuffer>, bigLengths: Iterable<[number, { capLen: number; origLen: number }]>): PacketColumns {
    const c = new PacketColumns(0);
    c.arrays = Object.fromEntries(COLUMN_SPECS.map((s) => [s.name, new s.array(buffers[s.name])])) as unknown as ColumnArrays;
    for (const s of COLUMN_SPECS) {
      if (c.arrays[s.name].length < length) throw new RangeError(`stored column ${s.name} holds fewer than ${length} rows`);
    }
    c.length = length;
    c.capacity = length;
    for (const [k, v] of bigLengths) c.bigLengths.set(k, v);
    return c;
  }

  private grow(min: number): void {
    let cap = this.capacity * 2;
    while (cap < min) cap *= 2;
    for (const spec of COLUMN_SPECS) {
      const old = this.arrays[spec.name];
      const next = new spec.array(cap);
      (next as { set(a: ArrayLike<number | bigint>): void }).set(old as ArrayLike<number | bigint>);
      (this.arrays as Record<string, unknown>)[spec.name] = next;
    }
    this.capacity = cap;
  }

  /** Appends `count` rows from the engine's batch columns at the given pointers. */
  appendFrom(memory: ArrayBuffer, pointers: readonly number[], count: number): void {
    if (this.length + count > this.capacity) this.grow(this.length + count);
    COLUMN_SPECS.forEach((spec, i) => {
      const src = new spec.array(memory, pointers[i]!, count);
      (this.arrays[spec.name] as { set(a: ArrayLike<number | bigint>, o: number): void }).set(src as ArrayLike<number | bigint>, this.length);
    });
    this.length += count;
  }

  capLen(i: number): number {
    const v = this.arrays.capLen[i]!;
    return v === LEN_OVERFLOW ? (this.bigLengths.get(i)?.capLen ?? v) : v;
  }

  origLen(i: number): number {
    const v = this.arrays.origLen[i]!;
    return v === LEN_OVERFLOW ? (this.bigLengths.get(i)?.origLen ?? v) : v;
  }

  /** File offset of packet i's data. */
  fileOffset(i: number): number {
    return this.arrays.offsetHigh[i]! * 2 ** 32 + this.arrays.offset[i]!;
  }

  /** Time stamp of packet i in nanoseconds since the epoch, or null when it has none. */
  time(i: number): bigint | null {
    const t = this.arrays.time[i]!;
    return t === NO_TIME ? null : t;
  }

  /** Each column trimmed to the packets it holds (for storage). */
  buffers(): Record<ColumnName, ArrayBuffer> {
    return Object.fromEntries(
      COLUMN_SPECS.map((s) => {
        const a = this.arrays[s.name];
        return [s.name, a.buffer.slice(0, this.length * a.BYTES_PER_ELEMENT)];
      }),
    ) as Record<ColumnName, ArrayBuffer>;
  }

  /** Bytes the index uses per packet, not counting spare capacity. */
  static readonly bytesPerPacket = BYTES_PER_PACKET;
}
