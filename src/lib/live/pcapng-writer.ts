// Writing a pcapng stream, block by block: the section header, an interface
// description per interface (nanosecond time stamps), and an enhanced packet
// block per frame. Live captures are kept in this form, so the engine reads
// them as it reads a file, and a stopped capture is a pcapng file already.

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPT_END = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;

const encoder = new TextEncoder();

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Options as pcapng encodes them: code, length, value padded to 4 bytes, then an end marker. */
function options(list: { code: number; value: Uint8Array }[]): Uint8Array {
  if (list.length === 0) return new Uint8Array(0);
  const size = list.reduce((s, o) => s + 4 + pad4(o.value.length), 0) + 4;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  let at = 0;
  for (const o of list) {
    v.setUint16(at, o.code, true);
    v.setUint16(at + 2, o.value.length, true);
    out.set(o.value, at + 4);
    at += 4 + pad4(o.value.length);
  }
  v.setUint16(at, OPT_END, true);
  return out;
}

function block(type: number, body: Uint8Array): Uint8Array {
  const total = 12 + body.length;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, total, true);
  out.set(body, 8);
  v.setUint32(total - 4, total, true);
  return out;
}

export function sectionHeader(application: string, comment?: string): Uint8Array {
  const opts = options([
    ...(comment ? [{ code: OPT_COMMENT, value: encoder.encode(comment) }] : []),
    { code: SHB_USERAPPL, value: encoder.encode(application) },
  ]);
  const body = new Uint8Array(16 + opts.length);
  const v = new DataView(body.buffer);
  v.setUint32(0, BYTE_ORDER_MAGIC, true);
  v.setUint16(4, 1, true);
  v.setUint16(6, 0, true);
  // Section length unknown.
  v.setBigInt64(8, -1n, true);
  body.set(opts, 16);
  return block(SHB, body);
}

export function interfaceDescription(linkType: number, snaplen: number, name: string, description = ''): Uint8Array {
  const opts = options([
    { code: IF_NAME, value: encoder.encode(name) },
    ...(description ? [{ code: IF_DESCRIPTION, value: encoder.encode(description) }] : []),
    // Time stamps in nanoseconds.
    { code: IF_TSRESOL, value: Uint8Array.of(9) },
  ]);
  const body = new Uint8Array(8 + opts.length);
  const v = new DataView(body.buffer);
  v.setUint16(0, linkType, true);
  v.setUint32(4, snaplen, true);
  body.set(opts, 8);
  return block(IDB, body);
}

/** An enhanced packet block; `time` in nanoseconds since the epoch. */
export function enhancedPacket(iface: number, time: bigint, data: Uint8Array, originalLength: number): Uint8Array {
  const body = new Uint8Array(20 + pad4(data.length));
  const v = new DataView(body.buffer);
  const t = BigInt.asUintN(64, time);
  v.setUint32(0, iface, true);
  v.setUint32(4, Number(t >> 32n), true);
  v.setUint32(8, Number(t & 0xffffffffn), true);
  v.setUint32(12, data.length, true);
  v.setUint32(16, originalLength, true);
  body.set(data, 20);
  return block(EPB, body);
}
