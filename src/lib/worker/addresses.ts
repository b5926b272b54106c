// Text for the Source and Destination columns, from the summary columns and
// the engine's table of interned IPv6 and MAC addresses.

import { AddrKind, ADDR_KIND_MASK } from '../engine/columns';
import type { CaptureIndex } from '../engine/engine';
import { formatIpv4, formatMac } from '../engine/format';
import { formatIpv6 } from '../engine/capture';

export class AddressText {
  private cache = new Map<number, string>();

  constructor(private readonly index: CaptureIndex) {}

  /** The address of kind `kind` held in a column as `value`. */
  text(kind: AddrKind, value: number): string {
    switch (kind) {
      case AddrKind.IPV4:
        return formatIpv4(value);
      case AddrKind.IPV6:
      case AddrKind.MAC: {
        const key = kind * 2 ** 32 + value;
        let s = this.cache.get(key);
        if (s === undefined) {
          const a = this.index.info.addresses[value];
          s = a ? (kind === AddrKind.MAC ? formatMac(a.bytes) : formatIpv6(a.bytes)) : '';
          this.cache.set(key, s);
        }
        return s;
      }
      default:
        return '';
    }
  }

  source(i: number): string {
    const c = this.index.columns.arrays;
    return this.text((c.addrKind[i]! & ADDR_KIND_MASK) as AddrKind, c.src[i]!);
  }

  destination(i: number): string {
    const c = this.index.columns.arrays;
    return this.text((c.addrKind[i]! & ADDR_KIND_MASK) as AddrKind, c.dst[i]!);
  }
}
