// Packets as CSV or JSON: one record per packet, one value per field, each
// value as tshark -T fields prints it (every occurrence, joined with commas;
// empty when absent). Fields are named as tshark names them: registry fields
// ("ip.src", "dns.qry.name", "frame.comment") and the packet list's columns
// ("_ws.col.No.", "_ws.col.Time", "_ws.col.Source", "_ws.col.Destination",
// "_ws.col.Protocol", "_ws.col.Length", "_ws.col.Info"), whose values are
// those the app's packet list shows.

import type { CaptureIndex, Engine, Rebuilt } from '../engine/engine';
import { FieldExtractor, UnknownFieldsError } from '../engine/fields';
import { rebuildForSync } from '../engine/rebuild';
import { AddressText } from '../worker/addresses';
import { absolute, seconds, type TimeFormat } from '../worker/timefmt';
import { csvRecord } from './csv';
import { selectPackets, type PacketSelection, type ReadPackets } from './selection';
import { ExportCancelled } from './session-file';

export const PACKET_LIST_COLUMNS = ['_ws.col.No.', '_ws.col.Time', '_ws.col.Source', '_ws.col.Destination', '_ws.col.Protocol', '_ws.col.Length', '_ws.col.Info'] as const;
type ListColumn = (typeof PACKET_LIST_COLUMNS)[number];

export interface DissectionExportOptions {
  engine: Engine;
  index: CaptureIndex;
  read: ReadPackets;
  /** tshark field names, and packet list columns as "_ws.col.Info" and the like. */
  fields: string[];
  /** Which packets, in what order; all of them when absent. */
  selection?: PacketSelection;
  /** For the 'marked' selection. */
  marks?: Iterable<number>;
  /** Comments by packet (frame.comment); the index's when absent. */
  comments?: Map<number, string[]>;
  /** How _ws.col.Time is shown: seconds since the first packet by default. */
  timeFormat?: TimeFormat;
  onProgress?: (done: number, total: number) => void;
  /** Checked between batches; when it says so, the export stops with an ExportCancelled. */
  shouldStop?: () => boolean;
}

export type DissectionFormat = 'csv' | 'json';

const BATCH = 512;

/**
 * Writes the packets as CSV (a header of the field names, then a record per
 * packet, RFC 4180) or as JSON (an array of objects keyed by field name, in
 * the order asked), in pieces of text, a batch of packets at a time.
 * Throws UnknownFieldsError, before writing anything, for a name that is not a field.
 */
export async function writeDissections(opts: DissectionExportOptions, format: DissectionFormat, sink: (text: string) => void | Promise<void>): Promise<{ packets: number }> {
  const { engine, index, fields } = opts;
  const rows = new RowMaker(opts);
  const packets = selectPackets(index, opts.selection ?? { kind: 'all' }, opts.marks);
  if (format === 'csv') await sink(csvRecord(fields));
  else await sink('[');
  for (let b = 0; b < packets.length; b += BATCH) {
    if (opts.shouldStop?.()) throw new ExportCancelled();
    const batch = Array.from(packets.subarray(b, b + BATCH));
    const bytes = await opts.read(batch);
    const rebuilt = rows.needsDissection ? await rebuildAll(index, batch, bytes, opts.read) : [];
    let text = '';
    batch.forEach((i, k) => {
      const values = rows.values(engine, i, bytes[k]!, rebuilt[k] ?? []);
      if (format === 'csv') text += csvRecord(values);
      else text += (b + k === 0 ? '\n' : ',\n') + JSON.stringify(Object.fromEntries(fields.map((f, c) => [f, values[c]!])));
    });
    await sink(text);
    opts.onProgress?.(Math.min(b + BATCH, packets.length), packets.length);
  }
  if (format === 'json') await sink(packets.length ? '\n]\n' : ']\n');
  return { packets: packets.length };
}

/** The whole export as one string (for small exports and tests). */
export async function dissectionsToText(opts: DissectionExportOptions, format: DissectionFormat): Promise<string> {
  const parts: string[] = [];
  await writeDissections(opts, format, (t) => {
    parts.push(t);
  });
  return parts.join('');
}

/** Makes each packet's values, in the order of the fields asked for. */
class RowMaker {
  private readonly extractor: FieldExtractor | null;
  /** For each field asked: its packet list column, or its place among the extractor's fields. */
  private readonly slots: ({ column: ListColumn } | { field: number })[];
  private readonly describe: boolean;
  readonly needsDissection: boolean;
  private readonly addresses: AddressText;
  private readonly digits: number;
  private readonly comments: Map<number, string[]>;

  constructor(private readonly opts: DissectionExportOptions) {
    const registryFields: string[] = [];
    const unknown: string[] = [];
    this.slots = opts.fields.map((name) => {
      if (name.startsWith('_ws.col.')) {
        if (!(PACKET_LIST_COLUMNS as readonly string[]).includes(name)) unknown.push(name);
        return { column: name as ListColumn };
      }
      registryFields.push(name);
      return { field: registryFields.length - 1 };
    });
    let extractor: FieldExtractor | null = null;
    try {
      if (registryFields.length) extractor = new FieldExtractor(opts.engine.registry, registryFields);
    } catch (e) {
      if (!(e instanceof UnknownFieldsError)) throw e;
      unknown.push(...e.fields);
    }
    if (unknown.length) throw new UnknownFieldsError(unknown);
    this.extractor = extractor;
    this.describe = opts.fields.includes('_ws.col.Protocol') || opts.fields.includes('_ws.col.Info');
    this.needsDissection = this.describe || this.extractor !== null;
    this.addresses = new AddressText(opts.index);
    const ifaces = opts.index.info.interfaces;
    this.digits = ifaces.some((f) => f.tsresol === 9 || (f.tsresol & 0x80) !== 0 || f.tsresol > 6) ? 9 : 6;
    this.comments = opts.comments ?? opts.index.info.comments;
  }

  values(engine: Engine, i: number, bytes: Uint8Array, rebuilt: Rebuilt[]): string[] {
    const index = this.opts.index;
    const described = this.describe ? engine.describe(index, i, bytes, rebuilt) : null;
    let fieldValues: string[] = [];
    if (this.extractor) {
      const raw = engine.dissectNodes(index, i, bytes, rebuilt);
      const comments = this.comments.get(i);
      fieldValues = this.extractor.extract(raw, (s) => engine.sourceBytes(s), comments ? { comments } : {});
    }
    return this.slots.map((slot) => {
      if ('field' in slot) return fieldValues[slot.field]!;
      switch (slot.column) {
        case '_ws.col.No.':
          return String(i + 1);
        case '_ws.col.Time':
          return this.time(i);
        case '_ws.col.Source':
          return this.addresses.source(i);
        case '_ws.col.Destination':
          return this.addresses.destination(i);
        case '_ws.col.Protocol':
          return described!.protocol;
        case '_ws.col.Length':
          return String(index.columns.origLen(i));
        case '_ws.col.Info':
          return described!.info;
      }
    });
  }

  private time(i: number): string {
    const c = this.opts.index.columns;
    const t = c.time(i);
    if (t === null) return '';
    switch (this.opts.timeFormat ?? 'relative') {
      case 'absolute':
        return absolute(t, this.digits);
      case 'delta': {
        for (let j = i - 1; j >= 0; j--) {
          const p = c.time(j);
          if (p !== null) return seconds(t - p, this.digits);
        }
        return seconds(0n, this.digits);
      }
      default:
        return seconds(t - (this.opts.index.firstTime() ?? t), this.digits);
    }
  }
}

/**
 * The messages and datagrams each packet of a batch completed, rebuilt from
 * the packets they came from (read in one request), so that a packet's fields
 * are those the app shows for it.
 */
export async function rebuildAll(index: CaptureIndex, batch: number[], bytes: Uint8Array[], read: ReadPackets): Promise<Rebuilt[][]> {
  const have = new Map<number, Uint8Array>();
  batch.forEach((i, k) => have.set(i, bytes[k]!));
  const wanted = new Set<number>();
  for (const i of batch) for (const r of index.info.reassemblies.get(i) ?? []) for (const p of r.parts) if (!have.has(p.packet)) wanted.add(p.packet);
  if (wanted.size) {
    const more = [...wanted].sort((x, y) => x - y);
    const got = await read(more);
    more.forEach((p, k) => have.set(p, got[k]!));
  }
  return batch.map((i) => (index.info.reassemblies.has(i) ? rebuildForSync(index, i, (p) => have.get(p)!) : []));
}

/**
 * The Info column of each of these packets (each one dissected, with what it
 * completed rebuilt), for the packet table's info column.
 */
export async function infoColumn(engine: Engine, index: CaptureIndex, read: ReadPackets, packets: ArrayLike<number>): Promise<(i: number) => string> {
  const infos = new Map<number, string>();
  const all = Array.from(packets);
  for (let b = 0; b < all.length; b += BATCH) {
    const batch = all.slice(b, b + BATCH);
    const bytes = await read(batch);
    const rebuilt = await rebuildAll(index, batch, bytes, read);
    batch.forEach((i, k) => infos.set(i, engine.describe(index, i, bytes[k]!, rebuilt[k]).info));
  }
  return (i) => infos.get(i) ?? '';
}
