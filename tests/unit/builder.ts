// Hand-made captures for reader tests: classic pcap and pcapng in either
// byte order, with the block types and options the tests need.

export class Bytes {
  private parts: number[] = [];
  constructor(readonly bigEndian = false) {}

  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    const b = [(v >>> 8) & 0xff, v & 0xff];
    this.parts.push(...(this.bigEndian ? b : b.reverse()));
    return this;
  }
  u32(v: number): this {
    const b = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    this.parts.push(...(this.bigEndian ? b : b.reverse()));
    return this;
  }
  u64(v: bigint): this {
    const hi = Number((v >> 32n) & 0xffffffffn);
    const lo = Number(v & 0xffffffffn);
    return this.bigEndian ? this.u32(hi).u32(lo) : this.u32(lo).u32(hi);
  }
  bytes(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i]!);
    return this;
  }
  pad4(): this {
    while (this.parts.length % 4) this.parts.push(0);
    return this;
  }
  get length(): number {
    return this.parts.length;
  }
  build(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** A minimal Ethernet + IPv4 + UDP frame, its payload marked with `tag`. */
export function udpFrame(tag: number, payloadLen = 8): Uint8Array {
  const b = new Bytes(true);
  b.bytes([0, 1, 2, 3, 4, 5]).bytes([6, 7, 8, 9, 10, 11]).u16(0x0800);
  const total = 20 + 8 + payloadLen;
  b.u8(0x45).u8(0).u16(total).u16(tag).u16(0).u8(64).u8(17).u16(0);
  b.bytes([10, 0, 0, 1]).bytes([10, 0, (tag >> 8) & 255, tag & 255]);
  b.u16(1000 + tag).u16(2000).u16(8 + payloadLen).u16(0);
  for (let i = 0; i < payloadLen; i++) b.u8(tag + i);
  return b.build();
}

export interface PcapRecord {
  sec: number;
  frac: number;
  data: Uint8Array;
  origLen?: number;
}

export function pcap(records: PcapRecord[], opts: { bigEndian?: boolean; nanos?: boolean; linkType?: number; snaplen?: number } = {}): Uint8Array {
  const b = new Bytes(opts.bigEndian ?? false);
  b.u32(opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(opts.snaplen ?? 65535).u32(opts.linkType ?? 1);
  for (const r of records) b.u32(r.sec).u32(r.frac).u32(r.data.length).u32(r.origLen ?? r.data.length).bytes(r.data);
  return b.build();
}

export interface Option {
  code: number;
  value: Uint8Array;
}

export function textOption(code: number, s: string): Option {
  return { code, value: new TextEncoder().encode(s) };
}

function options(b: Bytes, opts: Option[]): void {
  if (opts.length === 0) return;
  for (const o of opts) b.u16(o.code).u16(o.value.length).bytes(o.value).pad4();
  b.u16(0).u16(0);
}

/** A pcapng block of `type` whose body is written by `body`. */
function block(bigEndian: boolean, type: number, body: (b: Bytes) => void): Uint8Array {
  const inner = new Bytes(bigEndian);
  body(inner);
  inner.pad4();
  const total = inner.length + 12;
  return new Bytes(bigEndian).u32(type).u32(total).bytes(inner.build()).u32(total).build();
}

export class Pcapng {
  private blocks: Uint8Array[] = [];
  constructor(private bigEndian = false) {}

  section(opts: Option[] = [], bigEndian = this.bigEndian): this {
    this.bigEndian = bigEndian;
    this.blocks.push(block(bigEndian, 0x0a0d0d0a, (b) => {
      b.u32(0x1a2b3c4d).u16(1).u16(0).u64(-1n & 0xffffffffffffffffn);
      options(b, opts);
    }));
    return this;
  }
  iface(linkType: number, opts: Option[] = [], snaplen = 0): this {
    this.blocks.push(block(this.bigEndian, 1, (b) => {
      b.u16(linkType).u16(0).u32(snaplen);
      options(b, opts);
    }));
    return this;
  }
  epb(iface: number, ts: bigint, data: Uint8Array, opts: Option[] = [], origLen = data.length): this {
    this.blocks.push(block(this.bigEndian, 6, (b) => {
      b.u32(iface).u32(Number(ts >> 32n)).u32(Number(ts & 0xffffffffn)).u32(data.length).u32(origLen).bytes(data).pad4();
      options(b, opts);
    }));
    return this;
  }
  spb(data: Uint8Array, origLen = data.length): this {
    this.blocks.push(block(this.bigEndian, 3, (b) => b.u32(origLen).bytes(data)));
    return this;
  }
  obsoletePacket(iface: number, ts: bigint, data: Uint8Array): this {
    this.blocks.push(block(this.bigEndian, 2, (b) => {
      b.u16(iface).u16(0).u32(Number(ts >> 32n)).u32(Number(ts & 0xffffffffn)).u32(data.length).u32(data.length).bytes(data);
    }));
    return this;
  }
  nrb(ipv4: number[], names: string[]): this {
    this.blocks.push(block(this.bigEndian, 4, (b) => {
      const value = new Bytes(this.bigEndian).bytes(ipv4).bytes(new TextEncoder().encode(names.join('\0') + '\0')).build();
      b.u16(1).u16(value.length).bytes(value).pad4().u16(0).u16(0);
    }));
    return this;
  }
  isb(iface: number, received: bigint, dropped: bigint): this {
    const v = (x: bigint) => new Bytes(this.bigEndian).u64(x).build();
    this.blocks.push(block(this.bigEndian, 5, (b) => {
      b.u32(iface).u32(0).u32(0);
      options(b, [{ code: 4, value: v(received) }, { code: 5, value: v(dropped) }]);
    }));
    return this;
  }
  custom(type: number, pen: number, data: Uint8Array): this {
    this.blocks.push(block(this.bigEndian, type, (b) => b.u32(pen).bytes(data)));
    return this;
  }
  unknown(type: number, data: Uint8Array): this {
    this.blocks.push(block(this.bigEndian, type, (b) => b.bytes(data)));
    return this;
  }
  raw(bytes: Uint8Array): this {
    this.blocks.push(bytes);
    return this;
  }
  build(): Uint8Array {
    const total = this.blocks.reduce((n, b) => n + b.length, 0);
    const out = new Uint8Array(total);
    let o = 0;
    for (const b of this.blocks) {
      out.set(b, o);
      o += b.length;
    }
    return out;
  }
}

/** if_tsresol option. */
export function tsresol(v: number): Option {
  return { code: 9, value: Uint8Array.of(v) };
}

/** if_tsoffset option (seconds), in the given byte order. */
export function tsoffset(seconds: bigint, bigEndian = false): Option {
  return { code: 14, value: new Bytes(bigEndian).u64(seconds).build() };
}
