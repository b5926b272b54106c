// The packet table and the flow table, from the index's columns alone (no
// dissection), as typed columns; and Parquet files of them (hyparquet-writer:
// pure JavaScript, in Node and in the browser), for DuckDB, Spark or Trino.
//
// packets: a row per frame. number, time (TIMESTAMP, microseconds, UTC:
//   the precision DuckDB, Spark and Trino all read as a time stamp) and
//   time_ns (the exact time, nanoseconds since the epoch), interface and
//   interface_name, src and dst (address text as the packet
//   list shows it), src_port and dst_port (TCP, UDP, SCTP), ip_proto,
//   protocol (the Protocol column), length and captured_length,
//   tcp_stream and udp_stream (tshark's numbering), tcp_flags, and info
//   when the caller has it (it needs every packet dissected).
// flows: a row per TCP or UDP conversation (tcp.stream / udp.stream) among
//   the packets taken. Endpoint A sent the conversation's first packet.
//   Packets and bytes (frame lengths) each way, start (TIMESTAMP, micro-
//   seconds, UTC) and
//   duration in seconds, and the first packet's number.

import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ColumnSource, SchemaElement } from 'hyparquet-writer';
import type { CaptureIndex } from '../engine/engine';
import type { Registry } from '../engine/registry';
import { ADDR_KIND_MASK, NO_INTERFACE, NO_IP_PROTO } from '../engine/columns';
import { AddressText } from '../worker/addresses';
import { tableToCsv, type Cell } from './csv';
import { selectPackets, type PacketSelection } from './selection';

export type ColumnKind = 'int32' | 'int64' | 'double' | 'string' | 'timestamp';

export interface TableColumn {
  name: string;
  kind: ColumnKind;
  /** Whether the column may hold nulls (Parquet OPTIONAL). */
  nullable: boolean;
  /** int32 and double: numbers; int64 and timestamp (nanoseconds since the epoch, UTC; written as microseconds): bigints; null where there is no value. */
  values: (number | bigint | string | null)[];
}

export interface Table {
  name: 'packets' | 'flows';
  rows: number;
  columns: TableColumn[];
}

export interface TableOptions {
  index: CaptureIndex;
  registry: Registry;
  /** Which packets; all of them when absent. */
  selection?: PacketSelection;
  marks?: Iterable<number>;
}

export interface PacketTableOptions extends TableOptions {
  /** The Info column of packet i, when the caller has it (the packet table then has an info column). */
  info?: (i: number) => string;
}

/** The version of the tables' layout, kept in each Parquet file's metadata ("packetlens" key). */
export const TABLE_LAYOUT_VERSION = 1;

const TCP = 6;
const UDP = 17;
const SCTP = 132;

export function packetTable(opts: PacketTableOptions): Table {
  const packets = selectPackets(opts.index, opts.selection ?? { kind: 'all' }, opts.marks);
  return new PacketRows(opts).table(packets);
}

/** Makes the packet table's rows for any packets of one capture. */
class PacketRows {
  private readonly addresses: AddressText;
  private readonly names: (string | null)[];
  private readonly protocols: string[];

  constructor(private readonly opts: PacketTableOptions) {
    this.addresses = new AddressText(opts.index);
    this.names = opts.index.info.interfaces.map((f) => f.name ?? null);
    this.protocols = opts.registry.columnProtocols.map((p) => p.name);
  }

  table(packets: ArrayLike<number>): Table {
    const { index } = this.opts;
    const a = index.columns.arrays;
    const n = packets.length;
    const col = (name: string, kind: ColumnKind, nullable = true): TableColumn => ({ name, kind, nullable, values: new Array(n) });
    const number = col('number', 'int32', false);
    const time = col('time', 'timestamp');
    const timeNs = col('time_ns', 'int64');
    const iface = col('interface', 'int32');
    const ifaceName = col('interface_name', 'string');
    const src = col('src', 'string');
    const dst = col('dst', 'string');
    const srcPort = col('src_port', 'int32');
    const dstPort = col('dst_port', 'int32');
    const ipProto = col('ip_proto', 'int32');
    const protocol = col('protocol', 'string');
    const length = col('length', 'int32', false);
    const capLen = col('captured_length', 'int32', false);
    const tcpStream = col('tcp_stream', 'int32');
    const udpStream = col('udp_stream', 'int32');
    const tcpFlags = col('tcp_flags', 'int32');
    const info = this.opts.info ? col('info', 'string') : null;
    for (let r = 0; r < n; r++) {
      const i = packets[r]!;
      const proto = a.ipProto[i]!;
      const ported = proto === TCP || proto === UDP || proto === SCTP;
      const stream = a.stream[i]!;
      const f = a.iface[i]!;
      number.values[r] = i + 1;
      time.values[r] = timeNs.values[r] = index.columns.time(i);
      iface.values[r] = f === NO_INTERFACE ? null : f;
      ifaceName.values[r] = f === NO_INTERFACE ? null : (this.names[f] ?? null);
      src.values[r] = this.addresses.source(i) || null;
      dst.values[r] = this.addresses.destination(i) || null;
      srcPort.values[r] = ported ? a.srcPort[i]! : null;
      dstPort.values[r] = ported ? a.dstPort[i]! : null;
      ipProto.values[r] = proto === NO_IP_PROTO ? null : proto;
      protocol.values[r] = this.protocols[a.proto[i]!] ?? null;
      length.values[r] = index.columns.origLen(i);
      capLen.values[r] = index.columns.capLen(i);
      tcpStream.values[r] = proto === TCP && stream >= 0 ? stream : null;
      udpStream.values[r] = proto === UDP && stream >= 0 ? stream : null;
      tcpFlags.values[r] = proto === TCP ? a.aux[i]! : null;
      if (info) info.values[r] = this.opts.info!(i);
    }
    const columns = [number, time, timeNs, iface, ifaceName, src, dst, srcPort, dstPort, ipProto, protocol, length, capLen, tcpStream, udpStream, tcpFlags];
    if (info) columns.push(info);
    return { name: 'packets', rows: n, columns };
  }
}

interface Flow {
  tcp: boolean;
  stream: number;
  first: number;
  /** Endpoint A: the first packet's source (address kind and column value) and port. */
  kind: number;
  addrA: number;
  portA: number;
  packetsAB: number;
  bytesAB: number;
  packetsBA: number;
  bytesBA: number;
  start: bigint | null;
  end: bigint | null;
}

export function flowTable(opts: TableOptions): Table {
  const { index } = opts;
  const a = index.columns.arrays;
  const packets = selectPackets(index, opts.selection ?? { kind: 'all' }, opts.marks);
  const flows = new Map<number, Flow>();
  for (const i of packets) {
    const proto = a.ipProto[i]!;
    const stream = a.stream[i]!;
    if ((proto !== TCP && proto !== UDP) || stream < 0) continue;
    const key = (proto === TCP ? 0 : 2 ** 32) + stream;
    const kind = a.addrKind[i]! & ADDR_KIND_MASK;
    let f = flows.get(key);
    if (!f) {
      f = { tcp: proto === TCP, stream, first: i, kind, addrA: a.src[i]!, portA: a.srcPort[i]!, packetsAB: 0, bytesAB: 0, packetsBA: 0, bytesBA: 0, start: null, end: null };
      flows.set(key, f);
    }
    const fromA = kind === f.kind && a.src[i] === f.addrA && a.srcPort[i] === f.portA;
    const bytes = index.columns.origLen(i);
    if (fromA) {
      f.packetsAB++;
      f.bytesAB += bytes;
    } else {
      f.packetsBA++;
      f.bytesBA += bytes;
    }
    const t = index.columns.time(i);
    if (t !== null) {
      if (f.start === null || t < f.start) f.start = t;
      if (f.end === null || t > f.end) f.end = t;
    }
  }
  // TCP conversations first, each kind in stream order, as tshark -z conv lists them by first appearance.
  const list = [...flows.values()].sort((x, y) => Number(y.tcp) - Number(x.tcp) || x.stream - y.stream);
  const addresses = new AddressText(index);
  const n = list.length;
  const col = (name: string, kind: ColumnKind, value: (f: Flow) => number | bigint | string | null): TableColumn => {
    const values = list.map(value);
    return { name, kind, nullable: values.includes(null), values };
  };
  const columns = [
    col('protocol', 'string', (f) => (f.tcp ? 'TCP' : 'UDP')),
    col('stream', 'int32', (f) => f.stream),
    col('address_a', 'string', (f) => addresses.source(f.first) || null),
    col('port_a', 'int32', (f) => f.portA),
    col('address_b', 'string', (f) => addresses.destination(f.first) || null),
    col('port_b', 'int32', (f) => a.dstPort[f.first]!),
    col('packets', 'int64', (f) => BigInt(f.packetsAB + f.packetsBA)),
    col('bytes', 'int64', (f) => BigInt(f.bytesAB + f.bytesBA)),
    col('packets_a_to_b', 'int64', (f) => BigInt(f.packetsAB)),
    col('bytes_a_to_b', 'int64', (f) => BigInt(f.bytesAB)),
    col('packets_b_to_a', 'int64', (f) => BigInt(f.packetsBA)),
    col('bytes_b_to_a', 'int64', (f) => BigInt(f.bytesBA)),
    col('start', 'timestamp', (f) => f.start),
    col('duration', 'double', (f) => (f.start === null || f.end === null ? null : Number(f.end - f.start) / 1e9)),
    col('first_packet', 'int32', (f) => f.first + 1),
  ];
  return { name: 'flows', rows: n, columns };
}

function schemaElement(c: TableColumn): SchemaElement {
  const repetition_type = c.nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (c.kind) {
    case 'int32':
      return { name: c.name, type: 'INT32', repetition_type };
    case 'int64':
      return { name: c.name, type: 'INT64', repetition_type };
    case 'double':
      return { name: c.name, type: 'DOUBLE', repetition_type };
    case 'string':
      return { name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type };
    case 'timestamp':
      return { name: c.name, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' }, repetition_type };
  }
}

const ROW_GROUP = 100_000;

/**
 * Tables as Parquet, a row group at a time: the caller gives the rows in
 * slices (all of the same columns), so a million packets never exist as
 * JavaScript values all at once.
 */
class ParquetTableWriter {
  private readonly bytes = new ByteWriter();
  private writer: ParquetWriter | null = null;

  constructor(private readonly rowGroup = ROW_GROUP) {}

  write(table: Table): void {
    this.writer ??= new ParquetWriter({
      writer: this.bytes,
      schema: [{ name: 'root', num_children: table.columns.length }, ...table.columns.map(schemaElement)],
      createdBy: 'Packetlens',
      kvMetadata: [{ key: 'packetlens', value: JSON.stringify({ table: table.name, version: TABLE_LAYOUT_VERSION }) }],
    });
    if (table.rows === 0) return;
    const columnData: ColumnSource[] = table.columns.map((c) => ({ name: c.name, data: (c.kind === 'timestamp' ? c.values.map(toMicros) : c.values) as ColumnSource['data'] }));
    void this.writer.write({ columnData, rowGroupSize: this.rowGroup });
  }

  finish(): Uint8Array {
    if (!this.writer) throw new Error('no table was written');
    void this.writer.finish();
    return this.bytes.getBytes();
  }
}

/** A table as a Parquet file (Snappy-compressed, typed columns, row groups of 100,000 rows). */
export function tableToParquet(table: Table): Uint8Array {
  const out = new ParquetTableWriter();
  out.write(table);
  return out.finish();
}

/** The packet table as a Parquet file, built a row group (of `rowGroup` rows) at a time. */
export function packetsToParquet(opts: PacketTableOptions, rowGroup = ROW_GROUP): Uint8Array {
  const packets = selectPackets(opts.index, opts.selection ?? { kind: 'all' }, opts.marks);
  const rows = new PacketRows(opts);
  const out = new ParquetTableWriter(rowGroup);
  out.write(rows.table(packets.subarray(0, 0)));
  for (let from = 0; from < packets.length; from += rowGroup) out.write(rows.table(packets.subarray(from, from + rowGroup)));
  return out.finish();
}

/** The flow table as a Parquet file. */
export function flowsToParquet(opts: TableOptions): Uint8Array {
  return tableToParquet(flowTable(opts));
}

/** Nanoseconds to whole microseconds, rounding down (towards the past). */
function toMicros(v: number | bigint | string | null): bigint | null {
  if (typeof v !== 'bigint') return null;
  return v >= 0n ? v / 1000n : -((-v + 999n) / 1000n);
}

/** The table as CSV: time stamps as ISO 8601 UTC with nanoseconds, absent values empty. */
export function tableAsCsv(table: Table): string {
  const rows: Cell[][] = Array.from({ length: table.rows }, (_, r) =>
    table.columns.map((c) => {
      const v = c.values[r];
      return c.kind === 'timestamp' && typeof v === 'bigint' ? isoNanos(v) : v;
    }),
  );
  return tableToCsv(
    table.columns.map((c) => c.name),
    rows,
  );
}

/** "2013-03-07T21:42:06.869344000Z". */
export function isoNanos(ns: bigint): string {
  const sec = ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n);
  const frac = String(ns - sec * 1_000_000_000n).padStart(9, '0');
  const d = new Date(Number(sec) * 1000);
  return Number.isNaN(d.getTime()) ? String(ns) : `${d.toISOString().slice(0, 19)}.${frac}Z`;
}
