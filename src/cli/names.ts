// `packetlens names FILE`: every address of the capture (the packet list's
// Source and Destination) with its traffic and what is known of it: the name
// the capture gives it (DNS answers, Name Resolution Blocks), the vendor of a
// MAC address, the country and AS of an IP address, its special purpose.

import { closeSync, openSync } from 'node:fs';
import type { CaptureIndex, Engine } from '../lib/engine/engine';
import { readCaptureFile, readPacketBytes } from '../lib/engine/node';
import type { NameData } from '../lib/names/data';
import { loadNameData } from '../lib/names/node';
import { AddressText } from '../lib/worker/addresses';
import { AddressNamer, type AddressNames } from '../lib/worker/names';
import { captureErrorLine } from './report';

export interface AddressRow extends AddressNames {
  packets: number;
  bytes: number;
}

/** Packets and bytes (as on the wire) each address sent or received. */
function addressTraffic(index: CaptureIndex): Map<string, { packets: number; bytes: number }> {
  const text = new AddressText(index);
  const out = new Map<string, { packets: number; bytes: number }>();
  const add = (address: string, bytes: number): void => {
    if (!address) return;
    const e = out.get(address);
    if (e) {
      e.packets++;
      e.bytes += bytes;
    } else out.set(address, { packets: 1, bytes });
  };
  for (let i = 0; i < index.packetCount; i++) {
    const bytes = index.columns.origLen(i);
    const src = text.source(i);
    const dst = text.destination(i);
    add(src, bytes);
    if (dst !== src) add(dst, bytes);
  }
  return out;
}

export async function listNames(engine: Engine, file: string, data: NameData, captureNames: boolean): Promise<{ index: CaptureIndex; rows: AddressRow[] }> {
  const index = readCaptureFile(engine, file);
  const namer = new AddressNamer(index, data);
  namer.captureNames = captureNames;
  if (captureNames) {
    const fd = openSync(file, 'r');
    try {
      await namer.learn(engine, async (ids) => ids.map((i) => readPacketBytes(fd, index, i)));
    } finally {
      closeSync(fd);
    }
  }
  const rows = [...addressTraffic(index)].map(([address, t]) => ({ ...namer.describe(address), ...t }));
  rows.sort((a, b) => b.bytes - a.bytes || b.packets - a.packets || (a.address < b.address ? -1 : 1));
  return { index, rows };
}

const HEADER = ['address', 'packets', 'bytes', 'name', 'vendor', 'country', 'as', 'special'];

/** Tab-separated, one address a line, with a header line; empty cells for what is not known. */
export function renderNames(rows: readonly AddressRow[]): string {
  const clean = (s: string | undefined): string => (s ?? '').replace(/[\t\r\n]/g, ' ');
  const lines = [HEADER.join('\t')];
  for (const r of rows) {
    const as = r.asn !== undefined ? `AS${r.asn}${r.asName ? ` ${r.asName}` : ''}` : '';
    const country = r.country ? `${r.country} ${r.countryName ?? ''}`.trim() : '';
    lines.push([r.address, String(r.packets), String(r.bytes), clean(r.name), clean(r.vendor), clean(country), clean(as), clean(r.special?.label)].join('\t'));
  }
  return lines.join('\n') + '\n';
}

/** The command: `names FILE [--json] [--no-capture-names]`. Returns the exit status. */
export async function namesCommand(engine: Engine, file: string, flags: ReadonlySet<string>): Promise<number> {
  const data = await loadNameData();
  const { index, rows } = await listNames(engine, file, data, !flags.has('no-capture-names'));
  process.stdout.write(flags.has('json') ? JSON.stringify(rows, null, 2) + '\n' : renderNames(rows));
  const error = captureErrorLine(file, index);
  if (error) process.stderr.write(error + '\n');
  return error ? 2 : 0;
}
