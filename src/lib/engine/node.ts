// Node-only helpers: load the engine from disk and read a capture file into
// it straight from the file descriptor into engine memory, chunk by chunk.

import { readFileSync, openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Engine, type CaptureIndex } from './engine';

export const WASM_PATH = fileURLToPath(new URL('../../../assembly/build/engine.wasm', import.meta.url));

let compiled: WebAssembly.Module | null = null;

/** A fresh engine instance (each has its own memory and state). */
export async function loadEngine(): Promise<Engine> {
  if (!compiled) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(WASM_PATH);
    } catch {
      throw new Error(`the engine is not built (${WASM_PATH} is missing): run "npm run build:wasm"`);
    }
    compiled = await WebAssembly.compile(new Uint8Array(bytes));
  }
  return Engine.load(compiled);
}

export const DEFAULT_CHUNK = 16 << 20;

/**
 * Reads a whole capture file through the engine in chunks of `chunk` bytes.
 * Stops at the first error (kept in the index); the packets before it stay.
 */
export function readCaptureFile(engine: Engine, path: string, chunk = DEFAULT_CHUNK): CaptureIndex {
  const index = engine.begin();
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    let position = 0;
    while (position < size) {
      const view = engine.reserve(Math.min(chunk, size - position));
      const n = readSync(fd, view, 0, view.length, position);
      if (n <= 0) break;
      position += n;
      if (!engine.commit(n)) break;
    }
  } finally {
    closeSync(fd);
  }
  return engine.end();
}

/** Reads packet i's captured bytes from the file, by its offset in the index. */
export function readPacketBytes(fd: number, index: CaptureIndex, i: number): Uint8Array {
  const len = index.columns.capLen(i);
  const buf = new Uint8Array(len);
  readSync(fd, buf, 0, len, index.columns.fileOffset(i));
  return buf;
}
