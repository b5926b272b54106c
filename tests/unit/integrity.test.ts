// The stored index's checksum and structure checks: every corpus capture's
// index passes after a round trip through structured cloning (as IndexedDB
// stores it), and damage of each kind is caught.

import { describe, it, expect } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine, readCaptureFile } from '../../src/lib/engine/node';
import { storeIndex, type StoredIndex } from '../../src/lib/worker/storage';
import { checkStoredIndex } from '../../src/lib/worker/integrity';
import { indexChecksum } from '../../src/lib/worker/checksum';
import { COLUMN_SPECS } from '../../src/lib/engine/columns';
import { captureFiles, CORPUS } from '../differential/corpus';

const engine = await loadEngine();

function stored(file: string): { s: StoredIndex; size: number } {
  const path = join(CORPUS, file);
  return { s: structuredClone(storeIndex(readCaptureFile(engine, path))), size: statSync(path).size };
}

/** Applies a change and stores a fresh checksum, as if the damage had been saved that way. */
function resealed(s: StoredIndex, change: (s: StoredIndex) => void): StoredIndex {
  const copy = structuredClone(s);
  change(copy);
  copy.checksum = indexChecksum(copy);
  return copy;
}

describe('stored index integrity', () => {
  it('every corpus capture passes after a structured-clone round trip', () => {
    let packets = 0;
    const files = captureFiles();
    for (const file of files) {
      const { s, size } = stored(file);
      expect(checkStoredIndex(s, { packets: s.length, captureSize: size }), file).toBeNull();
      packets += s.length;
    }
    console.log(`integrity: ${files.length} corpus captures, ${packets} packets, all stored indexes pass`);
  });

  it('a flipped byte in any column or side table is caught by the checksum', () => {
    const { s, size } = stored('pcapplusplus-many-protocols.pcap');
    const expect_ = { packets: s.length, captureSize: size };
    const targets: [string, (c: StoredIndex) => ArrayBuffer][] = [
      ...COLUMN_SPECS.map((spec) => [`column ${spec.name}`, (c: StoredIndex) => c.columns[spec.name]] as [string, (c: StoredIndex) => ArrayBuffer]),
      ['layer paths', (c) => c.layers.path],
      ['Ethernet pairs', (c) => c.layers.ethPair],
      ['reassembly records', (c) => c.reassemblies.records],
    ];
    let caught = 0;
    for (const [what, buffer] of targets) {
      const c = structuredClone(s);
      const bytes = new Uint8Array(buffer(c));
      expect(bytes.length, what).toBeGreaterThan(0);
      bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
      const problem = checkStoredIndex(c, expect_);
      expect(problem?.kind, what).toBe('damaged');
      expect(problem?.reason, what).toMatch(/checksum/);
      caught++;
    }
    // Plain data is covered too.
    const c = structuredClone(s);
    c.interfaces[0]!.linkType ^= 1;
    expect(checkStoredIndex(c, expect_)?.reason).toMatch(/checksum/);
    console.log(`integrity: ${caught + 1} of ${targets.length + 1} single-bit flips caught by the checksum`);
  });

  it('structure is checked even when the checksum agrees', () => {
    const { s, size } = stored('zeek-http_get.pcap');
    const ok = { packets: s.length, captureSize: size };
    expect(checkStoredIndex(s, ok)).toBeNull();
    const pastEnd = resealed(s, (c) => (new Uint32Array(c.columns.offset)[3] = size));
    expect(checkStoredIndex(pastEnd, ok)?.reason).toMatch(/packet 4 ends at byte \d+, past the capture/);
    const shortColumn = resealed(s, (c) => (c.columns.srcPort = c.columns.srcPort.slice(0, 4)));
    expect(checkStoredIndex(shortColumn, ok)?.reason).toMatch(/column srcPort holds 4 bytes/);
    const badPath = resealed(s, (c) => (new Uint16Array(c.layers.path)[0] = c.layers.paths.length));
    expect(checkStoredIndex(badPath, ok)?.reason).toMatch(/layer path/);
    expect(checkStoredIndex(s, { packets: s.length + 1, captureSize: size })?.reason).toMatch(/describes 14 packets, the session 15/);
    expect(checkStoredIndex(s, { packets: s.length, captureSize: size - 100 })?.kind).toBe('damaged');
    expect(checkStoredIndex(undefined, ok)?.kind).toBe('damaged');
  });

  it('a reassembly pointing past the packets is caught', () => {
    const { s, size } = stored('pcapplusplus-many-protocols.pcap');
    expect(s.reassemblies.records.byteLength).toBeGreaterThan(0);
    const bad = resealed(s, (c) => (new Int32Array(c.reassemblies.parts)[0] = c.length + 5));
    expect(checkStoredIndex(bad, { packets: s.length, captureSize: size })?.reason).toMatch(/reassembled piece/);
  });

  it('an index stored before checksums is outdated, not damaged', () => {
    const { s, size } = stored('zeek-http_get.pcap');
    const old = structuredClone(s) as Partial<StoredIndex>;
    old.version = 2;
    delete old.checksum;
    expect(checkStoredIndex(old as StoredIndex, { packets: s.length, captureSize: size })).toEqual({ kind: 'outdated', reason: 'stored with index version 2, not 3' });
  });
});
