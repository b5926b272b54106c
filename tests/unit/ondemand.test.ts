// The detail pass on a single packet (what the app shows when a packet is
// selected, what filters look at) must show what the single pass over the
// file showed, reassembled messages included.

import { describe, it, expect } from 'vitest';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine, readCaptureFile, readPacketBytes } from '../../src/lib/engine/node';
import { FieldExtractor } from '../../src/lib/engine/fields';
import { rebuildForSync } from '../../src/lib/engine/rebuild';
import { captureFiles, expectedFields, CORPUS } from '../differential/corpus';
import { engineFields } from '../differential/tshark';

const engine = await loadEngine();

/**
 * Where the detail pass of one packet knowingly shows more than the single
 * pass did: the summary pass does not decrypt QUIC Initial packets (it only
 * numbers connections), so a client's repeated ClientHello after a Retry is
 * shown again instead of as a retransmission of the first.
 */
const KNOWN: { file: string; frame: number; field: string }[] = [{ file: 'tcpdump-quic_retry.pcap', frame: 3, field: 'tls.handshake.extensions_server_name' }];

/**
 * Time stamps the index cannot hold as they are: a nanosecond part of a
 * second or more (shown unnormalised by the single pass, as tshark does), or
 * seconds past the range of 64-bit nanoseconds (year 2262).
 */
function unrepresentableTime(field: string, value: string): boolean {
  if (field !== 'frame.time_epoch' || !value) return false;
  const [sec, frac] = value.split('.');
  return (frac ?? '').length > 9 || Math.abs(Number(sec)) > 9.2e9;
}

describe('the detail pass on one packet agrees with the pass over the file', () => {
  for (const file of captureFiles()) {
    const expected = expectedFields(file);
    if (!expected || expected.header.length === 0) continue;
    const fields = expected.header.filter((h) => h !== 'frame.protocols');
    it(file, () => {
      const path = join(CORPUS, file);
      const streamed = engineFields(engine, path, fields);
      const index = readCaptureFile(engine, path);
      const extractor = new FieldExtractor(engine.registry, fields);
      const fd = openSync(path, 'r');
      const differences: string[] = [];
      try {
        const read = (p: number) => readPacketBytes(fd, index, p);
        for (let i = 0; i < index.packetCount; i++) {
          const raw = engine.dissectNodes(index, i, read(i), rebuildForSync(index, i, read));
          const got = extractor.extract(raw, (s) => engine.sourceBytes(s), { comments: index.info.comments.get(i) });
          got.forEach((v, c) => {
            const single = streamed[i]![c] ?? '';
            if (unrepresentableTime(fields[c]!, single)) return;
            if (KNOWN.some((k) => k.file === file && k.frame === i + 1 && k.field === fields[c])) return;
            if (v !== single) differences.push(`frame ${i + 1} ${fields[c]}: detail "${v}", single pass "${streamed[i]![c]}"`);
          });
        }
      } finally {
        closeSync(fd);
      }
      expect(differences.slice(0, 20)).toEqual([]);
    });
  }
});
