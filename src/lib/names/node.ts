// Node only: the name data read from data/names/ (built by scripts/setup.sh).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeNameData, NAME_DATA_FILES, type NameData, type NameDataFile } from './data';

export const NAME_DATA_DIR = fileURLToPath(new URL('../../../data/names/', import.meta.url));

/**
 * The tables named in `which` (all by default). A missing file is an error
 * that says how to build it.
 */
export async function loadNameData(which: readonly NameDataFile[] = Object.keys(NAME_DATA_FILES) as NameDataFile[], dir = NAME_DATA_DIR): Promise<NameData> {
  const files: Partial<Record<NameDataFile, Uint8Array>> = {};
  for (const key of which) {
    const path = join(dir, NAME_DATA_FILES[key]);
    if (!existsSync(path)) throw new Error(`the name data is not built (${path} is missing): run "sh scripts/setup.sh"`);
    files[key] = new Uint8Array(readFileSync(path));
  }
  return decodeNameData(files);
}
