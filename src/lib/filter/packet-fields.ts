// The values a filter reads from one dissected packet's nodes.

import { FieldType, type FieldInfo } from '../engine/registry';
import type { RawNodes, SourceBytes } from '../engine/tree';
import type { Comparable, PacketFields } from './compile';

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Collects, in one walk over the nodes, the values of the fields a filter reads. */
export class NodeFields implements PacketFields {
  private byId = new Map<number, Comparable[]>();

  constructor(
    wanted: Set<number>,
    private readonly registry: { field(id: number): FieldInfo },
    raw: RawNodes,
    sources: SourceBytes,
    private readonly comments: string[] = [],
  ) {
    for (let i = 0; i < raw.count; i++) {
      const id = raw.fieldId(i);
      if (!wanted.has(id)) continue;
      const v = comparable(registry.field(id), raw, i, sources);
      if (v === null) continue;
      const list = this.byId.get(id);
      if (list) list.push(v);
      else this.byId.set(id, [v]);
    }
  }

  values(ids: number[], field: FieldInfo): Comparable[] {
    if (field.id < 0) return field.abbrev === 'frame.comment' ? this.comments : [];
    if (ids.length === 1) return this.byId.get(ids[0]!) ?? [];
    return ids.flatMap((id) => this.byId.get(id) ?? []);
  }
}

function comparable(field: FieldInfo, raw: RawNodes, i: number, sources: SourceBytes): Comparable | null {
  switch (field.type) {
    case FieldType.PROTOCOL: {
      // As in Wireshark, a protocol's value is its bytes and everything it
      // carries: from its start to the end of the last layer after it.
      const source = raw.source(i);
      const src = sources(source);
      if (!src) return new Uint8Array();
      const off = raw.offset(i);
      let end = off + raw.length(i);
      for (let j = i + 1; j < raw.count; j++) {
        if (raw.source(j) === source && !raw.isGenerated(j)) end = Math.max(end, raw.offset(j) + raw.length(j));
      }
      return src.slice(off, Math.min(end, src.length));
    }
    case FieldType.NONE:
    case FieldType.BYTES:
    case FieldType.ETHER:
    case FieldType.IPV6: {
      if (raw.hasPoolValue(i)) return (raw.poolBytes(i) ?? new Uint8Array()).slice();
      const src = sources(raw.source(i));
      const off = raw.offset(i);
      return src ? src.slice(off, off + raw.length(i)) : new Uint8Array();
    }
    case FieldType.STRING:
      return raw.hasPoolValue(i) ? utf8.decode(raw.poolBytes(i) ?? new Uint8Array()) : '';
    case FieldType.IPV4:
      return raw.valueLow(i);
    case FieldType.ABSOLUTE_TIME:
    case FieldType.RELATIVE_TIME:
      return BigInt.asIntN(64, raw.value64(i)) * 1_000_000_000n + BigInt(raw.nanos(i));
    case FieldType.DOUBLE:
      return raw.valueLow(i);
    case FieldType.BOOLEAN:
      return raw.value64(i) !== 0n ? 1n : 0n;
    case FieldType.INT32:
    case FieldType.INT64:
      return BigInt.asIntN(64, raw.value64(i));
    default:
      return raw.value64(i);
  }
}
