// The byte encoding of the name data files: unsigned LEB128 integers and
// length-prefixed UTF-8 strings, written by scripts/build-names.ts and read
// in the worker and in Node. Small numbers take one byte, which is what
// makes sorted tables (stored as differences) compact.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export class ByteWriter {
  private bytes = new Uint8Array(1 << 16);
  private length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.bytes[this.length++] = v & 0xff;
  }

  /** An unsigned integer up to 2^53, seven bits a byte, low bits first. */
  varint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`varint: ${v} is not a non-negative safe integer`);
    this.ensure(8);
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.length++] = v;
  }

  string(s: string): void {
    const b = encoder.encode(s);
    this.varint(b.length);
    this.ensure(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
  }

  /**
   * A table of [key, id] pairs, sorted here by key: the count, the keys as
   * differences from the one before, then the ids in the same order.
   */
  keyedIds(pairs: [number, number][]): void {
    pairs.sort((a, b) => a[0] - b[0]);
    this.varint(pairs.length);
    let previous = 0;
    for (const [key] of pairs) {
      this.varint(key - previous);
      previous = key;
    }
    for (const [, id] of pairs) this.varint(id);
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

export class ByteReader {
  private at = 0;

  constructor(
    private readonly bytes: Uint8Array,
    /** Named in errors: which file is being read. */
    private readonly what: string,
  ) {}

  get offset(): number {
    return this.at;
  }

  get done(): boolean {
    return this.at >= this.bytes.length;
  }

  private fail(expected: string): never {
    throw new Error(`${this.what}: byte ${this.at}: expected ${expected}, but the data ends or is damaged (${this.bytes.length} bytes)`);
  }

  u8(): number {
    if (this.at >= this.bytes.length) this.fail('a byte');
    return this.bytes[this.at++]!;
  }

  varint(): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.at >= this.bytes.length) this.fail('an integer');
      const b = this.bytes[this.at++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 0x80;
    }
    this.fail('an integer of at most 8 bytes');
  }

  string(): string {
    const n = this.varint();
    if (this.at + n > this.bytes.length) this.fail(`a string of ${n} bytes`);
    const s = decoder.decode(this.bytes.subarray(this.at, this.at + n));
    this.at += n;
    return s;
  }

  /** A table written by ByteWriter.keyedIds, each id below `idCount`; `invalid` says what an id out of range means. */
  keyedIds(idCount: number, invalid: (key: number, id: number) => string): { keys: Float64Array; ids: Uint32Array } {
    const count = this.varint();
    const keys = new Float64Array(count);
    let key = 0;
    for (let i = 0; i < count; i++) keys[i] = key += this.varint();
    const ids = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const id = this.varint();
      if (id >= idCount) throw new Error(invalid(keys[i]!, id));
      ids[i] = id;
    }
    return { keys, ids };
  }

  bytesOf(n: number): Uint8Array {
    if (this.at + n > this.bytes.length) this.fail(`${n} bytes`);
    const b = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
}
