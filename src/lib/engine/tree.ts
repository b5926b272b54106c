// Reading the detail pass's output: a flat array of nodes in the engine's
// memory (see assembly/core/tree.ts for the layout), turned into values,
// tshark-style text and a tree of labelled nodes.

import { FieldType, INTEGER_TYPES, type FieldInfo, type Registry } from './registry';
import { formatAbsoluteTime, formatHex, formatInteger, formatIpv4, formatIpv6Bytes, formatMac, formatRelativeTime, formatStringBytes } from './format';

export const NODE_WORDS = 8;
const FLAG_HIDDEN = 1;
const FLAG_GENERATED = 2;
const FLAG_POOLVALUE = 4;
const FLAG_LABEL = 8;
const FLAG_CUT = 16;
/** Source id of nodes whose data source could not be recorded. */
const LOST_SOURCE = 0x7f;

export type FieldValue = bigint | number | string | Uint8Array | { sec: bigint; nsec: number } | null;

export interface DetailNode {
  index: number;
  field: FieldInfo;
  parent: number;
  /** Byte range in its data source. */
  offset: number;
  length: number;
  /** 0 for the frame; otherwise an entry of PacketDetail.sources. */
  source: number;
  hidden: boolean;
  generated: boolean;
  value: FieldValue;
  /** The value as tshark's -T fields prints it ('' for protocols and labels). */
  display: string;
  /** The line shown in the details pane. */
  label: string;
  children: DetailNode[];
}

export interface DataSource {
  /** A field naming the source ("Reassembled IPv4 data"), or the frame. */
  name: string;
  bytes: Uint8Array;
}

export interface PacketDetail {
  nodes: DetailNode[];
  roots: DetailNode[];
  info: string;
  protocol: string;
  sources: DataSource[];
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Raw view of the node array, for readers that want values without building a tree. */
export class RawNodes {
  private words!: Uint32Array;
  private pool!: Uint8Array;
  count = 0;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly nodesPtr: number,
    private readonly poolPtr: number,
  ) {}

  /** Refreshes the views after a dissection (memory may have grown). */
  load(count: number, poolLen: number): void {
    this.words = new Uint32Array(this.memory.buffer, this.nodesPtr, count * NODE_WORDS);
    this.pool = new Uint8Array(this.memory.buffer, this.poolPtr, poolLen);
    this.count = count;
  }

  fieldId(i: number): number {
    return this.words[i * NODE_WORDS]! & 0xffff;
  }
  flags(i: number): number {
    return (this.words[i * NODE_WORDS]! >>> 16) & 0xff;
  }
  source(i: number): number {
    return this.words[i * NODE_WORDS]! >>> 24;
  }
  parent(i: number): number {
    return this.words[i * NODE_WORDS + 1]! | 0;
  }
  offset(i: number): number {
    return this.words[i * NODE_WORDS + 2]! | 0;
  }
  length(i: number): number {
    return this.words[i * NODE_WORDS + 3]! | 0;
  }
  valueLow(i: number): number {
    return this.words[i * NODE_WORDS + 4]!;
  }
  value64(i: number): bigint {
    return (BigInt(this.words[i * NODE_WORDS + 5]!) << 32n) | BigInt(this.words[i * NODE_WORDS + 4]!);
  }
  poolBytes(i: number): Uint8Array | null {
    const len = this.words[i * NODE_WORDS + 7]!;
    if (!len) return null;
    const off = this.words[i * NODE_WORDS + 6]!;
    return this.pool.subarray(off, off + len);
  }
  nanos(i: number): number {
    return this.words[i * NODE_WORDS + 6]!;
  }
  isHidden(i: number): boolean {
    return (this.flags(i) & FLAG_HIDDEN) !== 0;
  }
  isGenerated(i: number): boolean {
    return (this.flags(i) & FLAG_GENERATED) !== 0;
  }
  hasPoolValue(i: number): boolean {
    return (this.flags(i) & FLAG_POOLVALUE) !== 0;
  }
  isLabel(i: number): boolean {
    return (this.flags(i) & FLAG_LABEL) !== 0;
  }
  /** The node claimed bytes past the end of its data (it covers them only up to the cut). */
  isCut(i: number): boolean {
    return (this.flags(i) & FLAG_CUT) !== 0;
  }
}

/** Bytes of a node's data source, for byte-valued fields. */
export type SourceBytes = (source: number) => Uint8Array | undefined;

/** The value of node i, typed by its field. */
export function nodeValue(raw: RawNodes, i: number, field: FieldInfo, sources: SourceBytes): FieldValue {
  switch (field.type) {
    case FieldType.NONE:
    case FieldType.PROTOCOL:
      return null;
    case FieldType.BOOLEAN:
      return raw.value64(i) !== 0n ? 1n : 0n;
    case FieldType.IPV4:
      return raw.valueLow(i);
    case FieldType.STRING:
      return raw.hasPoolValue(i) ? formatStringBytes(raw.poolBytes(i) ?? new Uint8Array()) : '';
    case FieldType.ABSOLUTE_TIME:
    case FieldType.RELATIVE_TIME:
      return { sec: BigInt.asIntN(64, raw.value64(i)), nsec: raw.nanos(i) };
    case FieldType.IPV6:
    case FieldType.ETHER:
    case FieldType.BYTES: {
      if (raw.hasPoolValue(i)) return (raw.poolBytes(i) ?? new Uint8Array()).slice();
      const src = raw.source(i) === LOST_SOURCE ? undefined : sources(raw.source(i));
      const off = raw.offset(i);
      return src ? src.slice(off, off + raw.length(i)) : new Uint8Array();
    }
    case FieldType.INT32:
    case FieldType.INT64:
      return BigInt.asIntN(64, raw.value64(i));
    case FieldType.DOUBLE:
      return raw.valueLow(i);
    default:
      return raw.value64(i);
  }
}

/** A value as tshark's -T fields prints it. */
export function displayValue(field: FieldInfo, value: FieldValue): string {
  // tshark prints "1" for a field of type NONE, so that its presence shows.
  if (field.type === FieldType.NONE) return '1';
  if (value === null) return '';
  switch (field.type) {
    case FieldType.BOOLEAN:
      return value === 1n ? '1' : '0';
    case FieldType.IPV4:
      return formatIpv4(value as number);
    case FieldType.IPV6:
      return (value as Uint8Array).length === 16 ? formatIpv6Bytes(value as Uint8Array) : formatHex(value as Uint8Array);
    case FieldType.ETHER:
      return formatMac(value as Uint8Array);
    case FieldType.BYTES:
      return formatHex(value as Uint8Array);
    case FieldType.STRING:
      return value as string;
    case FieldType.ABSOLUTE_TIME: {
      const t = value as { sec: bigint; nsec: number };
      return formatAbsoluteTime(t.sec, t.nsec);
    }
    case FieldType.RELATIVE_TIME: {
      const t = value as { sec: bigint; nsec: number };
      return formatRelativeTime(t.sec, t.nsec);
    }
    case FieldType.DOUBLE:
      return String(value);
    default:
      if (INTEGER_TYPES.has(field.type)) return formatInteger(field, value as bigint);
      return String(value);
  }
}

/** "IPv4 (0x0800)", "Set", "TCP (6)": a value with its name, when the field names its values. */
function namedValue(field: FieldInfo, value: FieldValue, display: string): string {
  const key = typeof value === 'bigint' ? value : typeof value === 'number' ? BigInt(value) : null;
  const name = key !== null ? field.values?.get(key) : undefined;
  if (field.type === FieldType.BOOLEAN) return name ?? (value === 1n ? 'True' : 'False');
  return name !== undefined ? `${name} (${display})` : display;
}

/** ".... ..1. ": where a bit field's value sits in its bytes, as Wireshark shows it. */
function bitPattern(field: FieldInfo, value: FieldValue, bytes: number): string {
  if (!field.mask || bytes < 1 || bytes > 4 || (typeof value !== 'bigint' && typeof value !== 'number')) return '';
  // At most 32 bits: plain numbers are much faster than BigInt here.
  const mask = Number(field.mask & 0xffffffffn) >>> 0;
  if (mask === 0) return '';
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const raw = (Number(BigInt.asUintN(32, BigInt(value) << BigInt(shift))) & mask) >>> 0;
  let out = '';
  for (let bit = bytes * 8 - 1; bit >= 0; bit--) {
    out += (mask >>> bit) & 1 ? ((raw >>> bit) & 1 ? '1' : '0') : '.';
    if (bit % 4 === 0 && bit > 0) out += ' ';
  }
  return `${out} = `;
}

function labelFor(field: FieldInfo, value: FieldValue, display: string, note: string | null, bytes: number): string {
  if (field.type === FieldType.PROTOCOL || field.type === FieldType.NONE) return note ?? field.name;
  return `${bitPattern(field, value, bytes)}${field.name}: ${note ?? namedValue(field, value, display)}`;
}

/** Builds the labelled tree of the nodes in `raw`. */
export function buildDetail(registry: Registry, raw: RawNodes, sources: DataSource[], info: string, protocol: string): PacketDetail {
  const nodes: DetailNode[] = [];
  const roots: DetailNode[] = [];
  const bytesOf: SourceBytes = (s) => sources[s]?.bytes;
  for (let i = 0; i < raw.count; i++) {
    const field = registry.field(raw.fieldId(i));
    const value = nodeValue(raw, i, field, bytesOf);
    const display = displayValue(field, value);
    const noteBytes = raw.hasPoolValue(i) || field.type === FieldType.ABSOLUTE_TIME || field.type === FieldType.RELATIVE_TIME ? null : raw.poolBytes(i);
    const note = noteBytes ? utf8.decode(noteBytes) : null;
    const label = raw.isLabel(i) && note !== null ? note : labelFor(field, value, display, note, raw.length(i));
    const node: DetailNode = {
      index: i,
      field,
      parent: raw.parent(i),
      offset: raw.offset(i),
      length: raw.length(i),
      source: raw.source(i) === LOST_SOURCE ? 0 : raw.source(i),
      hidden: raw.isHidden(i),
      generated: raw.isGenerated(i),
      value,
      display,
      label: raw.isGenerated(i) ? `[${label}]` : label,
      children: [],
    };
    nodes.push(node);
    const parent = node.parent >= 0 ? nodes[node.parent] : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return { nodes, roots, info, protocol, sources };
}
