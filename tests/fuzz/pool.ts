// The seeds the fuzzer starts from: the packets of the shared corpus
// captures and of the test fixtures, read by the engine itself.

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../src/lib/engine/engine';
import type { SeedPacket } from './containers';
import type { SeedPool } from './mutate';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const CORPUS_DIR = resolve(HERE, '../../../shared/corpus');
export const FIXTURES_DIR = resolve(HERE, '../fixtures');
/** Inputs that once broke an invariant, replayed on every run. */
export const FOUND_DIR = join(FIXTURES_DIR, 'fuzz');

/** At most this many packets of each capture (spread over it), to keep inputs small and varied. */
const PER_CAPTURE = 600;

export function seedFiles(): string[] {
  const files: string[] = [];
  for (const dir of [CORPUS_DIR, FIXTURES_DIR]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (/\.(pcap|pcapng)$/.test(f)) files.push(join(dir, f));
  }
  return files;
}

export function loadPool(engine: Engine): SeedPool {
  const pool: SeedPool = [];
  for (const path of seedFiles()) {
    const bytes = readFileSync(path);
    engine.begin();
    engine.push(bytes);
    const index = engine.end();
    const count = index.packetCount;
    if (count === 0) continue;
    const step = Math.max(1, Math.floor(count / PER_CAPTURE));
    const packets: SeedPacket[] = [];
    // Runs of consecutive packets, so that conversations and reassembly stay whole.
    for (let start = 0; start < count && packets.length < PER_CAPTURE; start += step * 16) {
      for (let i = start; i < Math.min(count, start + 16); i++) {
        const link = index.linkType(i);
        if (link < 0) continue;
        const at = index.columns.fileOffset(i);
        const time = index.columns.arrays.time[i]!;
        packets.push({
          data: bytes.subarray(at, at + index.columns.capLen(i)).slice(),
          origLen: index.columns.origLen(i),
          link,
          time: time < 0n ? 0n : time,
        });
      }
    }
    if (packets.length) pool.push(packets);
  }
  return pool;
}
