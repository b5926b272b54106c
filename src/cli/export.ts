// `packetlens export FILE --pcapng OUT [-Y FILTER]`: the packets (those the
// display filter selects) as a pcapng file, with their comments.
// `packetlens export FILE --parquet DIR [-Y FILTER] [--info]`: DIR/packets.parquet
// and DIR/flows.parquet, for DuckDB, Spark or Trino.

import { openSync, closeSync, readSync, writeSync, writeFileSync, mkdirSync, realpathSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadEngine, readCaptureFile } from '../lib/engine/node';
import { compileFilter } from '../lib/filter/compile';
import { runFilter } from '../lib/filter/evaluate';
import type { CaptureIndex } from '../lib/engine/engine';
import type { PacketSelection, ReadPackets } from '../lib/export/selection';
import { selectPackets } from '../lib/export/selection';
import { writeSessionStream } from '../lib/export/session-file';
import { packetsToParquet, flowTable, tableToParquet } from '../lib/export/tables';
import { infoColumn } from '../lib/export/dissections';
import { UsageError, type ParsedArgs } from './args';
import { captureErrorLine } from './report';

export async function exportCommand(args: ParsedArgs): Promise<number> {
  const file = args.positional[0];
  if (!file) throw new UsageError('a capture file is needed');
  if (args.positional.length > 1) throw new UsageError(`unexpected argument "${args.positional[1]}"`);
  const pcapng = args.options.get('pcapng');
  const parquet = args.options.get('parquet');
  if (pcapng === undefined && parquet === undefined) throw new UsageError('export needs --pcapng OUT or --parquet DIR');
  if (pcapng !== undefined && sameFile(pcapng, file)) throw new UsageError(`--pcapng ${pcapng} would overwrite the capture being read`);

  const engine = await loadEngine();
  const filter = args.filter !== undefined ? compileFilter(args.filter, engine.registry) : null;
  const index = readCaptureFile(engine, file);
  const fd = openSync(file, 'r');
  try {
    const read = fileReader(fd, index);
    const selection: PacketSelection = filter ? { kind: 'displayed', matches: (await runFilter(filter, index, engine, read)).matches } : { kind: 'all' };
    if (pcapng !== undefined) await writePcapng(index, read, selection, pcapng);
    if (parquet !== undefined) {
      mkdirSync(parquet, { recursive: true });
      const chosen = selectPackets(index, selection);
      const info = args.flags.has('info') ? await infoColumn(engine, index, read, chosen) : undefined;
      writeFileSync(join(parquet, 'packets.parquet'), packetsToParquet({ index, registry: engine.registry, selection, ...(info ? { info } : {}) }));
      const flows = flowTable({ index, registry: engine.registry, selection });
      writeFileSync(join(parquet, 'flows.parquet'), tableToParquet(flows));
      process.stdout.write(`${join(parquet, 'packets.parquet')}: ${chosen.length} packets\n${join(parquet, 'flows.parquet')}: ${flows.rows} conversations\n`);
    }
  } finally {
    closeSync(fd);
  }
  const error = captureErrorLine(file, index);
  if (error) process.stderr.write(error + '\n');
  return error ? 2 : 0;
}

async function writePcapng(index: CaptureIndex, read: ReadPackets, selection: PacketSelection, out: string): Promise<void> {
  const fd = openSync(out, 'w');
  try {
    const summary = await writeSessionStream({ index, read, selection }, (chunk) => {
      for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done);
    });
    process.stdout.write(`${out}: ${summary.packets} packets\n`);
    for (const note of summary.notes) process.stderr.write(`packetlens: ${out}: ${note}\n`);
  } finally {
    closeSync(fd);
  }
}

function sameFile(a: string, b: string): boolean {
  if (!existsSync(a)) return false;
  return realpathSync(a) === realpathSync(resolve(b));
}

/** Reads packets' bytes, packets that lie close together in the file in one read (one read a packet is slow for millions). */
function fileReader(fd: number, index: CaptureIndex): ReadPackets {
  const c = index.columns;
  return async (ids) => {
    const out: Uint8Array[] = new Array(ids.length);
    const sorted = ids.map((p, k) => [c.fileOffset(p), c.capLen(p), k] as const).sort((a, b) => a[0] - b[0]);
    for (let g = 0; g < sorted.length; ) {
      const start = sorted[g]![0];
      let end = start + sorted[g]![1];
      let h = g + 1;
      while (h < sorted.length && sorted[h]![0] + sorted[h]![1] - start <= READ_LIMIT && sorted[h]![0] - end < READ_GAP) {
        end = Math.max(end, sorted[h]![0] + sorted[h]![1]);
        h++;
      }
      const buf = new Uint8Array(end - start);
      for (let done = 0; done < buf.length; ) {
        const n = readSync(fd, buf, done, buf.length - done, start + done);
        if (n <= 0) break;
        done += n;
      }
      for (let k = g; k < h; k++) {
        const [offset, length, slot] = sorted[k]!;
        out[slot] = buf.subarray(offset - start, offset - start + length);
      }
      g = h;
    }
    return out;
  };
}

const READ_LIMIT = 4 << 20;
const READ_GAP = 64 << 10;
