// The layers the summary pass records for statistics (engine/layers.ts):
// each packet's top-level protocols must be those of its detail tree, and
// its Ethernet pair the addresses of its first Ethernet header, on every
// corpus packet; the table must survive a session's storage; and the CLI's
// streaming pass (a tree per packet) must record the same layers.

import { describe, it, expect } from 'vitest';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine, readCaptureFile, readPacketBytes } from '../../src/lib/engine/node';
import { rebuildForSync } from '../../src/lib/engine/rebuild';
import { FieldType } from '../../src/lib/engine/registry';
import { formatMac } from '../../src/lib/engine/format';
import { NO_ETH_PAIR, PATH_ID_MASK, PATH_UNKNOWN } from '../../src/lib/engine/layers';
import { storeIndex, restoreIndex } from '../../src/lib/worker/storage';
import { conversations, protocolHierarchy } from '../../src/lib/stats';
import { writeFields } from '../../src/cli/fields';
import { captureFiles, CORPUS } from '../differential/corpus';

const engine = await loadEngine();
const registry = engine.registry;
const frameId = registry.get('frame')!.id;
const ethId = registry.get('eth')!.id;

describe('the summary pass records the layers the detail tree has', () => {
  for (const file of captureFiles()) {
    it(file, () => {
      const path = join(CORPUS, file);
      const index = readCaptureFile(engine, path);
      const layers = index.info.layers;
      expect(layers.length).toBe(index.packetCount);
      const fd = openSync(path, 'r');
      const differences: string[] = [];
      try {
        const read = (p: number) => readPacketBytes(fd, index, p);
        for (let i = 0; i < index.packetCount; i++) {
          const raw = engine.dissectNodes(index, i, read(i), rebuildForSync(index, i, read));
          const tree: string[] = [];
          let eth = '';
          for (let n = 0; n < raw.count; n++) {
            const f = raw.fieldId(n);
            if (raw.parent(n) !== -1 || f === frameId || registry.field(f).type !== FieldType.PROTOCOL) continue;
            tree.push(registry.field(f).abbrev);
            if (f === ethId && !eth) {
              const bytes = engine.sourceBytes(raw.source(n));
              const off = raw.offset(n);
              if (bytes && off + 14 <= bytes.length) eth = `${formatMac(bytes.subarray(off, off + 6))} ${formatMac(bytes.subarray(off + 6, off + 12))}`;
            }
          }
          const id = layers.path[i]! & PATH_ID_MASK;
          const recorded = id === PATH_UNKNOWN ? '(unknown)' : layers.paths[id]!.map((f) => registry.field(f).abbrev).join('/');
          if (recorded !== tree.join('/')) differences.push(`frame ${i + 1}: recorded ${recorded}, tree ${tree.join('/')}`);
          const p = layers.ethPair[i]!;
          const pair = p === NO_ETH_PAIR ? '' : `${formatMac(layers.pair(p).dst)} ${formatMac(layers.pair(p).src)}`;
          if (pair !== eth) differences.push(`frame ${i + 1}: Ethernet pair ${pair || '(none)'}, tree ${eth || '(none)'}`);
        }
      } finally {
        closeSync(fd);
      }
      expect(differences).toEqual([]);
    });
  }
});

describe('layers with a session and in the streaming pass', () => {
  const file = 'zeek-tunnels_gre-sample.pcap';
  const path = join(CORPUS, file);

  it('survive storing and restoring the index', async () => {
    const index = readCaptureFile(engine, path);
    const restored = restoreIndex(structuredClone(storeIndex(index)));
    expect(Array.from(restored.info.layers.path.subarray(0, restored.packetCount))).toEqual(Array.from(index.info.layers.path.subarray(0, index.packetCount)));
    expect(restored.info.layers.paths).toEqual(index.info.layers.paths);
    const fd = openSync(path, 'r');
    try {
      const src = (i: typeof index) => ({ index: i, engine, read: async (ids: number[]) => ids.map((p) => readPacketBytes(fd, i, p)) });
      expect(await protocolHierarchy(src(restored))).toMatchObject({ roots: (await protocolHierarchy(src(index))).roots });
      expect((await conversations(src(restored), 'eth')).conversations).toEqual((await conversations(src(index), 'eth')).conversations);
    } finally {
      closeSync(fd);
    }
  });

  it('are the same when the pass builds a tree per packet (the CLI fields command)', () => {
    const plain = readCaptureFile(engine, path);
    const streamed = writeFields(engine, path, { fields: ['frame.number'], header: false, separator: '\t' }, () => {});
    expect(streamed.info.layers.paths).toEqual(plain.info.layers.paths);
    expect(Array.from(streamed.info.layers.ethPair.subarray(0, streamed.packetCount))).toEqual(Array.from(plain.info.layers.ethPair.subarray(0, plain.packetCount)));
    // The CUT flag may differ where the detail tree shows a trailer after a cut payload; the paths may not.
    const ids = (x: typeof plain) => Array.from(x.info.layers.path.subarray(0, x.packetCount), (v) => v & PATH_ID_MASK);
    expect(ids(streamed)).toEqual(ids(plain));
  });
});
