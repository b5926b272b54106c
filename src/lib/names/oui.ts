// MAC address vendors: the IEEE registries of MAC address blocks (MA-L,
// 24-bit prefixes; MA-M, 28-bit; MA-S, 36-bit), from the oui-data package.
// The longest registered prefix of an address names its vendor.
//
// On disk: the distinct vendor names, then for each prefix length its
// prefixes in order (as differences) and each prefix's name.

import type { ByteReader, ByteWriter } from './binary';

interface Block {
  /** Prefix length in hex digits: 9, 7 or 6. */
  nibbles: number;
  prefixes: Float64Array;
  names: Uint32Array;
}

export class OuiTable {
  private constructor(
    private readonly blocks: readonly Block[],
    private readonly names: readonly string[],
  ) {}

  get size(): number {
    return this.blocks.reduce((n, b) => n + b.prefixes.length, 0);
  }

  /** The organisation the address's block is registered to. */
  vendor(mac: Uint8Array): string | undefined {
    // The first 9 hex digits (36 bits) of the address, as a number.
    const nine = ((mac[0]! << 16) | (mac[1]! << 8) | mac[2]!) * 4096 + ((mac[3]! << 4) | (mac[4]! >> 4));
    for (const b of this.blocks) {
      const key = Math.floor(nine / 16 ** (9 - b.nibbles));
      const i = search(b.prefixes, key);
      if (i >= 0) return this.names[b.names[i]!];
    }
    return undefined;
  }

  static read(r: ByteReader): OuiTable {
    const names: string[] = [];
    const nameCount = r.varint();
    for (let k = 0; k < nameCount; k++) names.push(r.string());
    const blocks: Block[] = [];
    const blockCount = r.u8();
    for (let k = 0; k < blockCount; k++) {
      const nibbles = r.u8();
      const { keys, ids } = r.keyedIds(nameCount, (prefix, id) => `OUI prefix ${prefix.toString(16)} names vendor ${id} of ${nameCount}`);
      blocks.push({ nibbles, prefixes: keys, names: ids });
    }
    blocks.sort((a, b) => b.nibbles - a.nibbles);
    return new OuiTable(blocks, names);
  }
}

function search(a: Float64Array, key: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = a[mid]!;
    if (v === key) return mid;
    if (v < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Writes registry entries keyed by 6, 7 or 9 upper-case hex digits, as oui-data gives them. */
export function writeOuiTable(w: ByteWriter, entries: Iterable<[string, string]>): { prefixes: number; vendors: number } {
  const ids = new Map<string, number>();
  const byLength = new Map<number, [number, number][]>();
  let prefixes = 0;
  for (const [hex, vendor] of entries) {
    if (!/^[0-9A-Fa-f]{6,9}$/.test(hex) || hex.length === 8) throw new Error(`OUI prefix "${hex}" is not 6, 7 or 9 hex digits`);
    let id = ids.get(vendor);
    if (id === undefined) ids.set(vendor, (id = ids.size));
    let list = byLength.get(hex.length);
    if (!list) byLength.set(hex.length, (list = []));
    list.push([parseInt(hex, 16), id]);
    prefixes++;
  }
  w.varint(ids.size);
  for (const name of ids.keys()) w.string(name);
  w.u8(byLength.size);
  for (const [nibbles, list] of byLength) {
    w.u8(nibbles);
    w.keyedIds(list);
  }
  return { prefixes, vendors: ids.size };
}
