// The shared corpus of captures and tshark's reference output for them
// (../shared/corpus, beside the repository).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS = resolve(fileURLToPath(new URL('../../../shared/corpus', import.meta.url)));
export const EXPECTED = join(CORPUS, 'expected');

export function corpusAvailable(): boolean {
  return existsSync(EXPECTED);
}

export function captureFiles(): string[] {
  return readdirSync(CORPUS)
    .filter((f) => /\.(pcap|pcapng)$/.test(f))
    .sort();
}

export interface ExpectedFields {
  header: string[];
  rows: string[][];
}

export function expectedFields(file: string): ExpectedFields | null {
  const path = join(EXPECTED, `${file}.fields.tsv`);
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines.length === 0) return { header: [], rows: [] };
  return { header: lines[0]!.split('\t'), rows: lines.slice(1).map((l) => l.split('\t')) };
}

export interface FileStatus {
  tsharkRc: number;
  packets: number;
  diagnostics: string;
}

export function statusTable(): Map<string, FileStatus> {
  const lines = readFileSync(join(EXPECTED, 'status.tsv'), 'utf8').split('\n').filter(Boolean);
  const out = new Map<string, FileStatus>();
  for (const line of lines.slice(1)) {
    const [file, rc, , , packets, diagnostics] = line.split('\t');
    out.set(file!, { tsharkRc: Number(rc), packets: Number(packets), diagnostics: diagnostics ?? '' });
  }
  return out;
}

/** capinfos -M -T -m -Q output: one record per file, keyed by column name. */
export function capinfosTable(): Map<string, Record<string, string>> {
  const text = readFileSync(join(EXPECTED, 'capinfos.csv'), 'utf8');
  const records = parseCsv(text);
  const header = records[0]!;
  const out = new Map<string, Record<string, string>>();
  for (const r of records.slice(1)) {
    const rec: Record<string, string> = {};
    header.forEach((h, i) => (rec[h] = r[i] ?? ''));
    out.set(rec['File name']!, rec);
  }
  return out;
}

/**
 * RFC 4180 CSV with double-quoted fields that may hold newlines. Records end
 * with LF or CRLF; with `crlfOnly`, only with CRLF (a lone CR or LF is text),
 * and a last record without its CRLF is not returned.
 */
export function parseCsv(text: string, crlfOnly = false): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (crlfOnly ? ch === '\r' && text[i + 1] === '\n' : ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      if (crlfOnly) i++;
    } else if (crlfOnly || ch !== '\r') cell += ch;
  }
  if (!crlfOnly && (cell.length || row.length)) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
