// `packetlens info` against capinfos on every corpus file capinfos can read.

import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { loadEngine, readCaptureFile } from '../../src/lib/engine/node';
import { summarise } from '../../src/cli/info';
import { capinfosTable, CORPUS } from './corpus';
import { INFO_DEVIATIONS } from './deviations';

const engine = await loadEngine();
const reference = capinfosTable();

describe('info agrees with capinfos', () => {
  for (const [file, ref] of reference) {
    it(file, () => {
      const s = summarise(join(CORPUS, file), readCaptureFile(engine, join(CORPUS, file)));
      const na = (v: string | null) => v ?? 'n/a';
      const col = (name: string) => ref[name] ?? '';
      const got: Record<string, string> = {
        packets: String(s.packets),
        dataSize: String(s.dataSize),
        encapsulation: s.encapsulation,
        precision: s.mixedPrecision ? 'per-packet' : s.timePrecision === 9 ? 'nanoseconds' : 'microseconds',
        start: na(s.firstTime),
        end: na(s.lastTime),
        duration: na(s.durationSeconds),
        averageSize: na(s.averagePacketSize),
        byteRate: na(s.dataByteRate),
        hardware: s.hardware ?? '',
        os: s.os ?? '',
        application: s.application ?? '',
        comment: s.comments[0] ?? '',
      };
      const want: Record<string, string> = {
        packets: col('Number of packets'),
        dataSize: col('Data size (bytes)'),
        encapsulation: col('File encapsulation'),
        precision: col('File time precision'),
        start: col('Start time'),
        end: col('End time'),
        duration: col('Capture duration (seconds)'),
        averageSize: col('Average packet size (bytes)'),
        byteRate: col('Data byte rate (bytes/sec)'),
        hardware: col('Capture hardware'),
        os: col('Capture oper-sys'),
        application: col('Capture application'),
        comment: col('Capture comment'),
      };
      for (const d of INFO_DEVIATIONS) {
        if (d.file === file) delete got[d.column], delete want[d.column];
      }
      expect(got).toEqual(want);
    });
  }
});
