// What must hold for every input, however hostile, checked on the real
// engine: no exception but a clean, typed capture error; packets inside the
// file; every field's bytes inside its packet's data; a packet's summary
// never changed by the bytes of packets after it; a packet's details never
// changed by what was dissected before it. (Hangs and memory growth are
// watched by the runner, which can stop a stuck engine.)

import { Engine, type CaptureIndex } from '../../src/lib/engine/engine';
import { CaptureErrorKind, FileFormat } from '../../src/lib/engine/capture';
import { PATH_ID_MASK, NO_ETH_PAIR } from '../../src/lib/engine/layers';
import { COLUMN_SPECS } from '../../src/lib/engine/columns';
import { rebuildForSync } from '../../src/lib/engine/rebuild';
import type { PacketDetail } from '../../src/lib/engine/tree';
import { Rng } from './mutate';

export interface Break {
  invariant: string;
  detail: string;
}

/** Packets of one input whose details are checked (the rest only by their summary). */
const DETAIL_LIMIT = 48;

export interface Checked {
  packets: number;
  error: boolean;
  fields: number;
}

/** Runs `bytes` through the engine and checks every invariant; the first break found is thrown as a BreakError. */
export function checkInput(engine: Engine, bytes: Uint8Array, seed: number): Checked {
  const rng = new Rng(seed ^ 0x5bd1e995);
  const index = guarded('no exception', () => feed(engine, bytes, chunkSizes(bytes.length, rng)));
  checkError(index, bytes);
  const count = index.packetCount;
  for (let i = 0; i < count; i++) {
    const end = index.columns.fileOffset(i) + index.columns.capLen(i);
    if (end > bytes.length) fail('packets inside the file', `packet ${i + 1} ends at ${end}, past the end of the ${bytes.length}-byte file`);
  }
  const read = (p: number): Uint8Array => {
    const at = index.columns.fileOffset(p);
    return bytes.subarray(at, at + index.columns.capLen(p));
  };
  let fields = 0;
  const n = Math.min(count, DETAIL_LIMIT);
  for (let i = 0; i < n; i++) {
    const detail = guarded('no exception', () => engine.dissect(index, i, read(i), rebuildForSync(index, i, read)));
    fields += checkRanges(detail, i);
  }
  if (count > 0) {
    checkIsolation(engine, index, read, rng.int(n));
    checkCausality(engine, index, bytes, rng.int(count));
  }
  return { packets: count, error: index.error !== null, fields };
}

export class BreakError extends Error {
  constructor(readonly found: Break) {
    super(`${found.invariant}: ${found.detail}`);
  }
}

function fail(invariant: string, detail: string): never {
  throw new BreakError({ invariant, detail });
}

function guarded<T>(invariant: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof BreakError) throw e;
    fail(invariant, e instanceof Error ? (e.stack ?? e.message) : String(e));
  }
}

function chunkSizes(length: number, rng: Rng): number[] {
  const mode = rng.int(4);
  if (mode === 0) return [length];
  const out: number[] = [];
  for (let left = length; left > 0; ) {
    const n = Math.min(left, mode === 1 ? 1 + rng.int(7) : 1 + rng.int(mode === 2 ? 512 : 64));
    out.push(n);
    left -= n;
  }
  return out;
}

function feed(engine: Engine, bytes: Uint8Array, sizes: number[]): CaptureIndex {
  engine.begin();
  let at = 0;
  for (const n of sizes) {
    if (!engine.push(bytes.subarray(at, at + n))) break;
    at += n;
  }
  return engine.end();
}

function checkError(index: CaptureIndex, bytes: Uint8Array): void {
  const e = index.error;
  if (!e) return;
  if (!Object.values(CaptureErrorKind).includes(e.kind)) fail('typed capture error', `error kind ${e.kind}: ${e.message}`);
  if (!e.message || /\bundefined\b|\bNaN\b/.test(e.message)) fail('typed capture error', `unclear message "${e.message}"`);
  if (!(e.offset >= 0 && e.offset <= bytes.length)) fail('typed capture error', `error at offset ${e.offset} of a ${bytes.length}-byte file`);
  if (e.packetsBefore !== index.packetCount) fail('typed capture error', `says ${e.packetsBefore} packets before the damage, ${index.packetCount} kept`);
}

/** Every field's bytes lie inside its data source: the packet's captured bytes or a buffer rebuilt from them. */
function checkRanges(detail: PacketDetail, i: number): number {
  for (const node of detail.nodes) {
    const source = detail.sources[node.source];
    if (!source) fail('field inside its packet', `packet ${i + 1}: ${node.field.abbrev} names data source ${node.source} of ${detail.sources.length}`);
    if (node.offset < 0 || node.length < 0 || node.offset + node.length > source.bytes.length) {
      fail('field inside its packet', `packet ${i + 1}: ${node.field.abbrev} covers ${node.offset}+${node.length} of ${source.name}'s ${source.bytes.length} bytes`);
    }
  }
  return detail.nodes.length;
}

function fingerprint(detail: PacketDetail): string {
  let out = `${detail.protocol}|${detail.info}`;
  for (const n of detail.nodes) out += `\n${n.field.id},${n.parent},${n.source},${n.offset},${n.length},${n.label}`;
  for (const s of detail.sources) out += `\n${s.name}:${Array.from(s.bytes).join(',')}`;
  return out;
}

/**
 * Packet i's details are the same whatever the engine dissected before: a
 * large packet of one filler, or of another, cannot show through.
 */
function checkIsolation(engine: Engine, index: CaptureIndex, read: (p: number) => Uint8Array, i: number): void {
  const other = index.packetCount > 1 ? (i + 1) % index.packetCount : i;
  const views: string[] = [];
  for (const fill of [0xa5, 0x3c]) {
    engine.dissect(index, other, new Uint8Array(4096).fill(fill));
    views.push(fingerprint(engine.dissect(index, i, read(i), rebuildForSync(index, i, read))));
  }
  if (views[0] !== views[1]) fail("no bytes from another packet", `packet ${i + 1}'s details change with the packet dissected before it`);
}

function rows(index: CaptureIndex, upTo: number): string {
  const c = index.columns;
  let out = '';
  for (let i = 0; i <= upTo; i++) {
    for (const spec of COLUMN_SPECS) out += `${c.arrays[spec.name][i]},`;
    const layers = index.info.layers;
    const path = layers.path[i]!;
    const pair = layers.ethPair[i]!;
    out += `${layers.paths[path & PATH_ID_MASK]?.join('.')}/${path & ~PATH_ID_MASK}|${pair === NO_ETH_PAIR ? '-' : layers.pairKey(pair).join('.')}|${c.capLen(i)},${c.origLen(i)};`;
  }
  return out;
}

/**
 * Packet i's summary (its row of columns and its layers) is the same when
 * the data of every later packet is replaced, and, in a classic pcap, when
 * the file ends just after it with noise.
 */
function checkCausality(engine: Engine, index: CaptureIndex, bytes: Uint8Array, i: number): void {
  const want = rows(index, i);
  const variants: Uint8Array[] = [];
  const later = bytes.slice();
  for (let k = i + 1; k < index.packetCount; k++) {
    const at = index.columns.fileOffset(k);
    later.fill(0x5a ^ k, at, at + index.columns.capLen(k));
  }
  variants.push(later);
  if (index.info.format === FileFormat.PCAP) {
    const end = index.columns.fileOffset(i) + index.columns.capLen(i);
    for (const fill of [0x00, 0xff]) {
      const cut = new Uint8Array(end + 40).fill(fill);
      cut.set(bytes.subarray(0, end));
      variants.push(cut);
    }
  }
  for (const v of variants) {
    const other = guarded('no exception', () => feed(engine, v, [v.length]));
    if (other.packetCount <= i || rows(other, i) !== want) {
      fail('summary from its own bytes', `packet ${i + 1}'s summary changes when the bytes after it change`);
    }
  }
}
