// Remaking one fuzz input from its seed in the runner's own thread, to keep
// an input whose worker had to be stopped.

import { loadEngine } from '../../src/lib/engine/node';
import { loadPool } from './pool';
import { makeInput, type SeedPool } from './mutate';

let pool: SeedPool | null = null;

export async function makeInputForReport(seed: number): Promise<Uint8Array> {
  pool ??= loadPool(await loadEngine());
  return makeInput(pool, seed).bytes;
}
