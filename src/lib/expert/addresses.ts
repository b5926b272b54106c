// Addresses from the summary columns as numbers detectors can key maps by,
// and as text for findings.

import { ADDR_KIND_MASK, AddrKind } from '../engine/columns';
import type { CaptureIndex } from '../engine/engine';
import { formatIpv6 } from '../engine/capture';
import { formatIpv4, formatMac } from '../engine/format';

/** An address as one number: its kind times 2^32 plus its column value (an IPv4 address, or an interned id). */
export type AddressKey = number;

const KIND_UNIT = 2 ** 32;

export class Addresses {
  private readonly kind: Uint8Array;
  private readonly src: Uint32Array;
  private readonly dst: Uint32Array;
  private readonly texts = new Map<AddressKey, string>();

  constructor(private readonly index: CaptureIndex) {
    const c = index.columns.arrays;
    this.kind = c.addrKind;
    this.src = c.src;
    this.dst = c.dst;
  }

  /** The kind of packet i's Source and Destination columns. */
  kindOf(i: number): AddrKind {
    return (this.kind[i]! & ADDR_KIND_MASK) as AddrKind;
  }

  /** Packet i carries IP addresses in its columns. */
  isIp(i: number): boolean {
    const k = this.kindOf(i);
    return k === AddrKind.IPV4 || k === AddrKind.IPV6;
  }

  source(i: number): AddressKey {
    return this.kindOf(i) * KIND_UNIT + this.src[i]!;
  }

  destination(i: number): AddressKey {
    return this.kindOf(i) * KIND_UNIT + this.dst[i]!;
  }

  text(key: AddressKey): string {
    let s = this.texts.get(key);
    if (s !== undefined) return s;
    const kind = Math.floor(key / KIND_UNIT) as AddrKind;
    const value = key % KIND_UNIT;
    if (kind === AddrKind.IPV4) s = formatIpv4(value);
    else {
      const a = this.index.info.addresses[value];
      s = !a ? '?' : kind === AddrKind.MAC ? formatMac(a.bytes) : formatIpv6(a.bytes);
    }
    this.texts.set(key, s);
    return s;
  }

  /** Multicast or broadcast: many hosts receive it, so it proves no interest in one of them. */
  isGroup(key: AddressKey): boolean {
    const kind = Math.floor(key / KIND_UNIT) as AddrKind;
    const value = key % KIND_UNIT;
    if (kind === AddrKind.IPV4) return value >>> 28 === 0xe || value === 0xffffffff;
    const a = this.index.info.addresses[value];
    if (!a) return false;
    if (kind === AddrKind.IPV6) return a.bytes[0] === 0xff;
    return (a.bytes[0]! & 1) === 1;
  }
}
