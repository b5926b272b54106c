// Running a filter over a whole capture: the summary columns answer for
// most packets at once; the packets they cannot tell about are dissected
// (in batches, their bytes read back from the capture) and the filter is
// evaluated on their fields.

import type { CaptureIndex, Engine } from '../engine/engine';
import { rebuildFor } from '../engine/rebuild';
import { evaluatePlan, type CompiledFilter } from './compile';
import { ColumnEvaluator, UNKNOWN, YES } from './columns';
import { NodeFields } from './packet-fields';

/** Reads packets' captured bytes (from a File in the browser, a file in Node). */
export type ReadPackets = (packets: number[]) => Promise<Uint8Array[]>;

export interface FilterResult {
  /** 1 for each packet the filter matches. */
  matches: Uint8Array;
  count: number;
  /** Packets that had to be dissected (the columns could not answer for them). */
  dissected: number;
  milliseconds: number;
}

export interface FilterProgress {
  dissected: number;
  toDissect: number;
}

const BATCH = 1024;

export async function runFilter(
  filter: CompiledFilter,
  index: CaptureIndex,
  engine: Engine,
  read: ReadPackets,
  onProgress?: (p: FilterProgress) => void,
  shouldStop?: () => boolean,
): Promise<FilterResult> {
  const started = performance.now();
  const n = index.packetCount;
  const matches = new Uint8Array(n);
  const test = new ColumnEvaluator(index, engine.registry).compile(filter.plan);
  const unknown: number[] = [];
  let count = 0;
  for (let i = 0; i < n; i++) {
    const a = test(i);
    if (a === YES) {
      matches[i] = 1;
      count++;
    } else if (a === UNKNOWN) unknown.push(i);
  }
  const registry = engine.registry;
  for (let b = 0; b < unknown.length; b += BATCH) {
    if (shouldStop?.()) break;
    const batch = unknown.slice(b, b + BATCH);
    const bytes = await read(batch);
    for (let k = 0; k < batch.length; k++) {
      const i = batch[k]!;
      const rebuilt = await rebuildFor(index, i, async (p) => (await read([p]))[0]!);
      const raw = engine.dissectNodes(index, i, bytes[k]!, rebuilt);
      const fields = new NodeFields(filter.fieldIds, registry, raw, (s) => engine.sourceBytes(s), index.info.comments.get(i));
      if (evaluatePlan(filter.plan, fields)) {
        matches[i] = 1;
        count++;
      }
    }
    onProgress?.({ dissected: Math.min(b + BATCH, unknown.length), toDissect: unknown.length });
  }
  return { matches, count, dissected: unknown.length, milliseconds: performance.now() - started };
}
