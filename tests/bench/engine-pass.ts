// One summary pass of the engine over a file, in its own process so that its
// peak memory is its own. Prints one JSON line.

import { loadEngine, readCaptureFile } from '../../src/lib/engine/node';
import { PacketColumns } from '../../src/lib/engine/columns';
import { LayerTable } from '../../src/lib/engine/layers';

const file = process.argv[2]!;
const engine = await loadEngine();
const start = performance.now();
const index = readCaptureFile(engine, file);
const seconds = (performance.now() - start) / 1000;
console.log(
  JSON.stringify({
    seconds,
    packets: index.columns.length,
    error: index.error?.message ?? null,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    columnBytesPerPacket: PacketColumns.bytesPerPacket,
    layerBytesPerPacket: LayerTable.bytesPerPacket,
  }),
);
