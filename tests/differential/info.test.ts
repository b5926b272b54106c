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
        packets: ref['Number of packets'],
        dataSize: ref['Data size (bytes)'],
        encapsulation: ref['File encapsulation'],
        precision: ref['File time precision'],
        start: ref['Start time'],
        end: ref['End time'],
        duration: ref['Capture duration (seconds)'],
        averageSize: ref['Average packet size (bytes)'],
        byteRate: ref['Data byte rate (bytes/sec)'],
        hardware: ref['Capture hardware'],
        os: ref['Capture oper-sys'],
        application: ref['Capture application'],
        comment: ref['Capture comment']!,
      };
      for (const d of INFO_DEVIATIONS) {
        if (d.file === file) delete got[d.column], delete want[d.column];
      }
      expect(got).toEqual(want);
    });
  }
});
