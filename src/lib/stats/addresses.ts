// Addresses as numbers, so that statistics count them in typed arrays:
// an IPv4 address is its value; IPv6 and MAC addresses take the id the
// engine interned them under (index.info.addresses), or, for the few only a
// dissection shows (the outer addresses of a tunnel), an id given here.

import type { CaptureIndex } from '../engine/engine';
import { AddrKind, ADDR_KIND_MASK } from '../engine/columns';
import { formatIpv6 } from '../engine/capture';
import { formatIpv4, formatMac } from '../engine/format';

export const enum Family {
  IPV4 = 1,
  IPV6 = 2,
  MAC = 3,
}

/** The family of the addresses in a packet's Source and Destination columns (its addrKind column), or 0. */
export function columnFamily(addrKind: number): Family | 0 {
  switch (addrKind & ADDR_KIND_MASK) {
    case AddrKind.IPV4:
      return Family.IPV4;
    case AddrKind.IPV6:
      return Family.IPV6;
    case AddrKind.MAC:
      return Family.MAC;
    default:
      return 0;
  }
}

/** Ids of addresses the engine did not intern start here. */
const OWN_IDS = 0x80000000;

export class AddressBook {
  private byBytes: Map<string, number> | null = null;
  private readonly own: { kind: AddrKind; bytes: Uint8Array }[] = [];
  private readonly texts = new Map<number, string>();
  private pairIds: Uint32Array | null = null;

  constructor(private readonly index: CaptureIndex) {}

  /** The id of an IPv6 (16 bytes) or MAC (6 bytes) address. */
  id(kind: AddrKind.IPV6 | AddrKind.MAC, bytes: Uint8Array): number {
    const map = this.lookup();
    const key = kind + String.fromCharCode(...bytes);
    let id = map.get(key);
    if (id === undefined) {
      id = OWN_IDS + this.own.length;
      this.own.push({ kind, bytes: bytes.slice() });
      map.set(key, id);
    }
    return id;
  }

  private lookup(): Map<string, number> {
    if (this.byBytes) return this.byBytes;
    const map = new Map<string, number>();
    this.index.info.addresses.forEach((a, id) => {
      if (!a) return;
      const bytes = a.kind === AddrKind.MAC ? a.bytes.subarray(0, 6) : a.bytes.subarray(0, 16);
      map.set(a.kind + String.fromCharCode(...bytes), id);
    });
    this.byBytes = map;
    return map;
  }

  /** The bytes of address `id` of family `family` (IPv4 as 4 bytes). */
  bytes(family: Family, id: number): Uint8Array {
    if (family === Family.IPV4) return new Uint8Array([id >>> 24, (id >>> 16) & 255, (id >>> 8) & 255, id & 255]);
    const a = id >= OWN_IDS ? this.own[id - OWN_IDS] : this.index.info.addresses[id];
    return a ? a.bytes.subarray(0, family === Family.MAC ? 6 : 16) : new Uint8Array(family === Family.MAC ? 6 : 16);
  }

  /** The address as Wireshark writes it. */
  text(family: Family, id: number): string {
    if (family === Family.IPV4) return formatIpv4(id);
    const key = family * 2 ** 33 + id;
    let s = this.texts.get(key);
    if (s === undefined) {
      const b = this.bytes(family, id);
      s = family === Family.MAC ? formatMac(b) : formatIpv6(b);
      this.texts.set(key, s);
    }
    return s;
  }

  /**
   * The MAC ids of an Ethernet pair of the layer table: destination at
   * 2 * pair, source at 2 * pair + 1.
   */
  ethPairs(): Uint32Array {
    const layers = this.index.info.layers;
    if (this.pairIds && this.pairIds.length === 2 * layers.pairs) return this.pairIds;
    const ids = new Uint32Array(2 * layers.pairs);
    for (let p = 0; p < layers.pairs; p++) {
      const { dst, src } = layers.pair(p);
      ids[2 * p] = this.id(AddrKind.MAC, dst);
      ids[2 * p + 1] = this.id(AddrKind.MAC, src);
    }
    this.pairIds = ids;
    return ids;
  }
}
