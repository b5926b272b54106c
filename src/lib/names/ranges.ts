// Sorted address ranges with a value each (a country code, an AS), for
// IPv4 (one 32-bit word a key) or IPv6 (four words). Stored as the start of
// every range, gaps included (value 0: nothing known), so a lookup is a
// binary search for the last start at or below the address.
//
// On disk: words, count, then each start as the difference from the one
// before at its first changed word (and the later words as they are), then
// each start's value index into the values the file lists first.

import type { ByteReader, ByteWriter } from './binary';
import { ipv6Words, mappedIpv4 } from './address';

export class RangeTable {
  private constructor(
    /** 1 for IPv4, 4 for IPv6. */
    readonly words: number,
    private readonly starts: Uint32Array,
    private readonly valueOf: Uint32Array,
    /** values[0] is unused: index 0 means no value. */
    private readonly values: readonly string[],
  ) {}

  get size(): number {
    return this.valueOf.length;
  }

  /** The value of the range holding `key` (`words` words, most significant first). */
  lookup(key: ArrayLike<number>): string | undefined {
    const w = this.words;
    let lo = 0;
    let hi = this.valueOf.length;
    // Find the first start above the key; the range before it holds the key.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(this.starts, mid * w, key, w) <= 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return undefined;
    const v = this.valueOf[lo - 1]!;
    return v === 0 ? undefined : this.values[v];
  }

  /** Reads a table whose values are `values` (shared by the tables of one file; values[0] is unused). */
  static read(r: ByteReader, values: readonly string[]): RangeTable {
    const words = r.u8();
    if (words !== 1 && words !== 4) throw new Error(`a range table with ${words}-word keys (1 or 4 expected)`);
    const count = r.varint();
    const starts = new Uint32Array(count * words);
    const prev = new Uint32Array(words);
    for (let i = 0; i < count; i++) {
      const j = words > 1 ? r.u8() : 0;
      prev[j] = prev[j]! + r.varint();
      for (let k = j + 1; k < words; k++) prev[k] = r.varint();
      starts.set(prev, i * words);
    }
    const valueOf = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const v = r.varint();
      if (v >= values.length) throw new Error(`range ${i} names value ${v} of ${values.length - 1}`);
      valueOf[i] = v;
    }
    return new RangeTable(words, starts, valueOf, values);
  }
}

function compare(starts: Uint32Array, at: number, key: ArrayLike<number>, words: number): number {
  for (let k = 0; k < words; k++) {
    const a = starts[at + k]!;
    const b = key[k]!;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

/** A range as the build script reads it from a CSV: inclusive bounds as 32·words-bit integers. */
export interface SourceRange {
  first: bigint;
  last: bigint;
  value: string;
}

/**
 * The values of several tables, most frequent first (so most ranges name
 * theirs in one byte), with the id each gets (from 1).
 */
export function valueIds(tables: readonly (readonly SourceRange[])[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tables) for (const r of t) counts.set(r.value, (counts.get(r.value) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return new Map(sorted.map(([value], k) => [value, k + 1]));
}

export function writeValues(w: ByteWriter, ids: ReadonlyMap<string, number>): void {
  w.varint(ids.size);
  for (const value of ids.keys()) w.string(value);
}

export function readValues(r: ByteReader): string[] {
  const values = [''];
  const n = r.varint();
  for (let k = 0; k < n; k++) values.push(r.string());
  return values;
}

/**
 * Writes ranges sorted by their first address, with values numbered by
 * `ids`. Touching ranges with the same value are merged; a range
 * overlapping the one before loses its overlap.
 */
export function writeRangeTable(w: ByteWriter, words: 1 | 4, ranges: readonly SourceRange[], ids: ReadonlyMap<string, number>): number {
  const bits = BigInt(32 * words);
  const top = (1n << bits) - 1n;
  const starts: bigint[] = [];
  const valueOf: number[] = [];
  const push = (start: bigint, id: number): void => {
    if (starts.length && valueOf[valueOf.length - 1] === id) return;
    starts.push(start);
    valueOf.push(id);
  };
  let next = 0n; // the first address not yet covered
  for (const r of ranges) {
    if (r.last < next) continue;
    const first = r.first < next ? next : r.first;
    if (first > next) push(next, 0);
    const id = ids.get(r.value);
    if (id === undefined) throw new Error(`value "${r.value}" has no id`);
    push(first, id);
    next = r.last + 1n;
    if (next > top) break;
  }
  if (next <= top) push(next, 0);
  w.u8(words);
  w.varint(starts.length);
  const mask = 0xffffffffn;
  let prev: number[] = new Array<number>(words).fill(0);
  for (const start of starts) {
    const cur = Array.from({ length: words }, (_, k) => Number((start >> BigInt(32 * (words - 1 - k))) & mask));
    let j = 0;
    while (j < words && cur[j] === prev[j]) j++;
    if (j === words) j = 0;
    if (words > 1) w.u8(j);
    w.varint(cur[j]! - prev[j]!);
    for (let k = j + 1; k < words; k++) w.varint(cur[k]!);
    prev = cur;
  }
  for (const id of valueOf) w.varint(id);
  return starts.length;
}

/** Writes an IpRanges file body: the values, the IPv4 table, the IPv6 table. */
export function writeIpRanges(w: ByteWriter, v4: readonly SourceRange[], v6: readonly SourceRange[]): { v4: number; v6: number; values: number } {
  const ids = valueIds([v4, v6]);
  writeValues(w, ids);
  return { v4: writeRangeTable(w, 1, v4, ids), v6: writeRangeTable(w, 4, v6, ids), values: ids.size };
}

/** A value for every IPv4 and IPv6 address: a file holds the values, the IPv4 table, then the IPv6 one. */
export class IpRanges {
  private constructor(
    readonly v4: RangeTable,
    readonly v6: RangeTable,
  ) {}

  ipv4(value: number): string | undefined {
    return this.v4.lookup([value]);
  }

  /** IPv4-mapped addresses (::ffff:a.b.c.d) are looked up as IPv4. */
  ipv6(bytes: Uint8Array): string | undefined {
    const v4 = mappedIpv4(bytes);
    return v4 !== null ? this.ipv4(v4) : this.v6.lookup(ipv6Words(bytes));
  }

  static read(r: ByteReader): IpRanges {
    const values = readValues(r);
    const v4 = RangeTable.read(r, values);
    const v6 = RangeTable.read(r, values);
    if (v4.words !== 1 || v6.words !== 4) throw new Error('expected an IPv4 range table followed by an IPv6 one');
    return new IpRanges(v4, v6);
  }
}
