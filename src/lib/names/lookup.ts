// What the offline data says about one address: the vendor of a MAC
// address, the country and autonomous system of an IP address, and the
// special-purpose block either is in.

import { mappedIpv4, type Address } from './address';
import { countryName } from './countries';
import type { NameData } from './data';
import { specialRange, type SpecialRange } from './special';

export interface AddressFacts {
  /** MAC addresses: the organisation its block is registered to. */
  vendor?: string;
  /** ISO 3166-1 alpha-2 code ("DE") and English name ("Germany"). */
  country?: string;
  countryName?: string;
  /** The autonomous system that announces the address. */
  asn?: number;
  asName?: string;
  /** The special-purpose block (private, loopback, multicast, documentation ...). */
  special?: SpecialRange;
}

export function addressFacts(a: Address, data: NameData | null): AddressFacts {
  // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address it holds.
  const v4 = a.kind === 'ipv6' ? mappedIpv4(a.bytes) : null;
  if (v4 !== null) {
    const facts = addressFacts({ kind: 'ipv4', value: v4 }, data);
    facts.special ??= specialRange(a);
    return facts;
  }
  const facts: AddressFacts = {};
  const special = specialRange(a);
  if (special) facts.special = special;
  if (a.kind === 'mac') {
    // Group and locally administered addresses are not from a vendor's block.
    const vendor = a.bytes[0]! & 0x03 ? undefined : data?.oui?.vendor(a.bytes);
    if (vendor) facts.vendor = vendor;
    return facts;
  }
  if (special && !special.global) return facts;
  const country = a.kind === 'ipv4' ? data?.country?.ipv4(a.value) : data?.country?.ipv6(a.bytes);
  if (country) {
    facts.country = country;
    facts.countryName = countryName(country);
  }
  const as = a.kind === 'ipv4' ? data?.asn?.ipv4(a.value) : data?.asn?.ipv6(a.bytes);
  if (as) {
    const tab = as.indexOf('\t');
    facts.asn = Number(tab < 0 ? as : as.slice(0, tab));
    const name = tab < 0 ? '' : as.slice(tab + 1);
    if (name) facts.asName = name;
  }
  return facts;
}
