// Sorting the packet list by a column: a permutation of packet indexes,
// computed from the summary columns (Info from its text).

import type { CaptureIndex } from '../engine/engine';
import type { Registry } from '../engine/registry';
import { AddrKind, ADDR_KIND_MASK, NO_TIME } from '../engine/columns';
import type { SortColumn } from './types';

/** A rank for every interned address, in byte order, so addresses sort as numbers. */
function internedRanks(index: CaptureIndex): Float64Array {
  const list = index.info.addresses.map((a, id) => ({ id, a }));
  list.sort((x, y) => {
    if (x.a.kind !== y.a.kind) return x.a.kind - y.a.kind;
    for (let i = 0; i < x.a.bytes.length; i++) if (x.a.bytes[i] !== y.a.bytes[i]) return x.a.bytes[i]! - y.a.bytes[i]!;
    return 0;
  });
  const ranks = new Float64Array(index.info.addresses.length);
  list.forEach((e, rank) => (ranks[e.id] = rank));
  return ranks;
}

function addressKeys(index: CaptureIndex, values: Uint32Array): Float64Array {
  const c = index.columns.arrays;
  const ranks = internedRanks(index);
  const n = index.columns.length;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const kind = c.addrKind[i]! & ADDR_KIND_MASK;
    // Empty addresses first, then IPv4, IPv6, MAC, each in numeric order.
    const v = kind === AddrKind.IPV4 ? values[i]! : kind === AddrKind.NONE ? 0 : ranks[values[i]!]!;
    keys[i] = kind * 2 ** 33 + v;
  }
  return keys;
}

export function sortOrder(index: CaptureIndex, column: SortColumn, ascending: boolean, info: string[] | null, registry: Registry): Uint32Array {
  const n = index.columns.length;
  const c = index.columns;
  const order = Array.from({ length: n }, (_, i) => i);
  let keys: Float64Array | null = null;
  switch (column) {
    case 'number':
      break;
    case 'time': {
      keys = new Float64Array(n);
      const first = index.firstTime() ?? 0n;
      for (let i = 0; i < n; i++) {
        const t = c.arrays.time[i]!;
        keys[i] = t === NO_TIME ? -Infinity : Number(t - first);
      }
      break;
    }
    case 'length':
      keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = c.origLen(i);
      break;
    case 'source':
      keys = addressKeys(index, c.arrays.src);
      break;
    case 'destination':
      keys = addressKeys(index, c.arrays.dst);
      break;
    case 'protocol': {
      const names = registry.columnProtocols.map((p) => p.name);
      const rank = new Map([...names].sort().map((name, r) => [name, r]));
      keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = rank.get(names[c.arrays.proto[i]!] ?? '') ?? 0;
      break;
    }
    case 'info': {
      const text = info ?? [];
      order.sort((a, b) => (text[a]! < text[b]! ? -1 : text[a]! > text[b]! ? 1 : a - b));
      if (!ascending) order.reverse();
      return Uint32Array.from(order);
    }
  }
  if (keys) {
    const k = keys;
    order.sort((a, b) => k[a]! - k[b]! || a - b);
  }
  if (!ascending) order.reverse();
  return Uint32Array.from(order);
}
