// Dissecting the packets a statistic cannot count from the index: in
// batches, their bytes read in one request per batch, with the messages and
// datagrams the summary pass reassembled rebuilt first (as the filters do),
// so that each packet shows what it showed in the pass over the file.

import type { RawNodes } from '../engine/tree';
import { rebuildForSync } from '../engine/rebuild';
import type { Rebuilt } from '../engine/engine';
import type { StatsSource } from './source';

const BATCH = 1024;

/**
 * Dissects `packets` in order and calls `visit` with each one's nodes
 * (valid during the call only; `sources` gives the bytes of its data
 * sources). Returns how many were dissected (fewer when stopped).
 */
export async function dissectEach(
  src: StatsSource,
  packets: readonly number[],
  visit: (packet: number, raw: RawNodes, sources: (s: number) => Uint8Array | undefined) => void,
): Promise<number> {
  const { index, engine } = src;
  const sources = (s: number) => engine.sourceBytes(s);
  let done = 0;
  for (let b = 0; b < packets.length; b += BATCH) {
    if (src.shouldStop?.()) break;
    const batch = packets.slice(b, b + BATCH);
    const bytes = await src.read(batch);
    const rebuilt = await rebuildBatch(src, batch, bytes);
    for (let k = 0; k < batch.length; k++) {
      const raw = engine.dissectNodes(index, batch[k]!, bytes[k]!, rebuilt[k]);
      visit(batch[k]!, raw, sources);
    }
    done += batch.length;
    src.onProgress?.(done, packets.length);
  }
  return done;
}

/** The reassemblies of each packet of a batch, from pieces read in one more request. */
async function rebuildBatch(src: StatsSource, batch: number[], bytes: Uint8Array[]): Promise<Rebuilt[][]> {
  const { index } = src;
  const have = new Map<number, Uint8Array>();
  batch.forEach((i, k) => have.set(i, bytes[k]!));
  const lists = batch.map((i) => index.info.reassemblies.get(i));
  const wanted = new Set<number>();
  for (const list of lists) for (const r of list ?? []) for (const p of r.parts) if (!have.has(p.packet)) wanted.add(p.packet);
  if (wanted.size) {
    const more = [...wanted].sort((x, y) => x - y);
    const got = await src.read(more);
    more.forEach((p, k) => have.set(p, got[k]!));
  }
  return batch.map((i, k) => (lists[k] ? rebuildForSync(index, i, (p) => have.get(p) ?? new Uint8Array()) : []));
}
