// Every corpus capture through the CLI's field output, compared cell by cell
// with tshark's: `packetlens fields` must match `tshark -T fields`.

import { describe, it, expect, afterAll } from 'vitest';
import { join } from 'node:path';
import { loadEngine } from '../../src/lib/engine/node';
import { writeFields } from '../../src/cli/fields';
import { captureFiles, expectedFields, statusTable, CORPUS } from './corpus';
import { deviationFor } from './deviations';

/** tshark's frame.protocols names its internal dissectors; it is not compared. */
const NOT_COMPARED = new Set(['frame.protocols']);

const engine = await loadEngine();
const status = statusTable();
let cells = 0;
let agreeing = 0;
let deviating = 0;

describe('fields agree with tshark -T fields', () => {
  for (const file of captureFiles()) {
    const expected = expectedFields(file);
    if (!expected) continue;
    it(file, () => {
      const wanted = expected.header.filter((h) => !NOT_COMPARED.has(h));
      const lines: string[] = [];
      let buffer = '';
      const index = writeFields(engine, join(CORPUS, file), { fields: wanted, header: false, separator: '\t' }, (s) => (buffer += s));
      lines.push(...buffer.split('\n').filter((l) => l.length > 0));
      const st = status.get(file);
      // Files tshark cannot read to the end must give an error here too, after the same packets.
      if (st && st.tsharkRc !== 0) expect(index.error, `${file} should be reported as damaged`).not.toBeNull();
      else expect(index.error).toBeNull();
      expect(lines.length, `${file}: packet count`).toBe(expected.rows.length);
      const mismatches: string[] = [];
      expected.rows.forEach((row, r) => {
        const got = lines[r]!.split('\t');
        let c = 0;
        expected.header.forEach((name, col) => {
          if (NOT_COMPARED.has(name)) return;
          const want = row[col] ?? '';
          const have = got[c++] ?? '';
          cells++;
          if (want === have) agreeing++;
          else if (deviationFor(file, name, r + 1)) deviating++;
          else mismatches.push(`frame ${r + 1} ${name}: got "${have}", tshark "${want}"`);
        });
      });
      expect(mismatches.slice(0, 20)).toEqual([]);
    });
  }
  afterAll(() => {
    const rate = ((100 * agreeing) / Math.max(cells, 1)).toFixed(3);
    console.log(`fields agreement with tshark: ${agreeing}/${cells} cells (${rate}%), ${deviating} listed deviations`);
  });
});
