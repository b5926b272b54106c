// Addresses with a meaning of their own, rather than a host on the
// Internet: IANA's IPv4 and IPv6 Special-Purpose Address Registries, the
// multicast blocks and well-known groups of IANA's multicast registries, and
// the MAC addresses and bits IEEE 802 reserves. A short table kept by hand:
// these registries change a few times a decade.

import { parseIpv4, parseIpv6, parseMac, type Address } from './address';

export type SpecialCategory =
  | 'unspecified'
  | 'this-network'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved'
  | 'protocol'
  | 'translation'
  | 'tunnel'
  | 'anycast'
  | 'discard'
  | 'locally-administered';

export interface SpecialRange {
  /** The registry's name for the block, or the group's name ("Private-Use", "mDNS"). */
  label: string;
  category: SpecialCategory;
  /** The block in CIDR notation, as the registry gives it. */
  block: string;
  /** Where it is defined ("RFC 1918"). */
  reference: string;
  /**
   * False when IANA says the block is not globally reachable: such an address
   * is in no country and no AS, and is not looked up in those tables.
   */
  global: boolean;
}

type Row = [block: string, label: string, category: SpecialCategory, reference: string, global?: boolean];

// IANA IPv4 Special-Purpose Address Registry, and the multicast address space.
const IPV4: Row[] = [
  ['0.0.0.0/8', '"This network"', 'this-network', 'RFC 791'],
  ['0.0.0.0/32', '"This host on this network"', 'unspecified', 'RFC 1122'],
  ['10.0.0.0/8', 'Private-Use', 'private', 'RFC 1918'],
  ['100.64.0.0/10', 'Shared Address Space (carrier-grade NAT)', 'shared', 'RFC 6598'],
  ['127.0.0.0/8', 'Loopback', 'loopback', 'RFC 1122'],
  ['169.254.0.0/16', 'Link Local', 'link-local', 'RFC 3927'],
  ['172.16.0.0/12', 'Private-Use', 'private', 'RFC 1918'],
  ['192.0.0.0/24', 'IETF Protocol Assignments', 'protocol', 'RFC 6890'],
  ['192.0.0.0/29', 'IPv4 Service Continuity Prefix', 'translation', 'RFC 7335'],
  ['192.0.0.8/32', 'IPv4 dummy address', 'protocol', 'RFC 7600'],
  ['192.0.0.9/32', 'Port Control Protocol Anycast', 'anycast', 'RFC 7723', true],
  ['192.0.0.10/32', 'Traversal Using Relays around NAT Anycast', 'anycast', 'RFC 8155', true],
  ['192.0.0.170/32', 'NAT64/DNS64 Discovery', 'translation', 'RFC 8880'],
  ['192.0.0.171/32', 'NAT64/DNS64 Discovery', 'translation', 'RFC 8880'],
  ['192.0.2.0/24', 'Documentation (TEST-NET-1)', 'documentation', 'RFC 5737'],
  ['192.31.196.0/24', 'AS112-v4', 'anycast', 'RFC 7535', true],
  ['192.52.193.0/24', 'AMT', 'tunnel', 'RFC 7450', true],
  ['192.88.99.0/24', 'Deprecated (6to4 Relay Anycast)', 'tunnel', 'RFC 7526', true],
  ['192.168.0.0/16', 'Private-Use', 'private', 'RFC 1918'],
  ['192.175.48.0/24', 'Direct Delegation AS112 Service', 'anycast', 'RFC 7534', true],
  ['198.18.0.0/15', 'Benchmarking', 'benchmarking', 'RFC 2544'],
  ['198.51.100.0/24', 'Documentation (TEST-NET-2)', 'documentation', 'RFC 5737'],
  ['203.0.113.0/24', 'Documentation (TEST-NET-3)', 'documentation', 'RFC 5737'],
  ['240.0.0.0/4', 'Reserved', 'reserved', 'RFC 1112'],
  ['255.255.255.255/32', 'Limited Broadcast', 'broadcast', 'RFC 919'],
  ['224.0.0.0/4', 'Multicast', 'multicast', 'RFC 5771'],
  ['224.0.0.0/24', 'Multicast (Local Network Control Block)', 'multicast', 'RFC 5771'],
  ['224.0.1.0/24', 'Multicast (Internetwork Control Block)', 'multicast', 'RFC 5771'],
  ['232.0.0.0/8', 'Multicast (Source-Specific Multicast Block)', 'multicast', 'RFC 4607'],
  ['233.0.0.0/8', 'Multicast (GLOP Block)', 'multicast', 'RFC 3180'],
  ['239.0.0.0/8', 'Multicast (Administratively Scoped Block)', 'multicast', 'RFC 2365'],
  ['224.0.0.1/32', 'Multicast: All Systems on this Subnet', 'multicast', 'RFC 1112'],
  ['224.0.0.2/32', 'Multicast: All Routers on this Subnet', 'multicast', 'RFC 1112'],
  ['224.0.0.5/32', 'Multicast: OSPF All Routers', 'multicast', 'RFC 2328'],
  ['224.0.0.6/32', 'Multicast: OSPF Designated Routers', 'multicast', 'RFC 2328'],
  ['224.0.0.9/32', 'Multicast: RIPv2 Routers', 'multicast', 'RFC 1723'],
  ['224.0.0.13/32', 'Multicast: All PIM Routers', 'multicast', 'RFC 7761'],
  ['224.0.0.18/32', 'Multicast: VRRP', 'multicast', 'RFC 5798'],
  ['224.0.0.22/32', 'Multicast: IGMPv3 reports', 'multicast', 'RFC 3376'],
  ['224.0.0.251/32', 'Multicast: mDNS', 'multicast', 'RFC 6762'],
  ['224.0.0.252/32', 'Multicast: LLMNR', 'multicast', 'RFC 4795'],
  ['224.0.1.1/32', 'Multicast: NTP', 'multicast', 'RFC 1119'],
  ['239.255.255.250/32', 'Multicast: SSDP', 'multicast', 'UPnP Device Architecture'],
];

// IANA IPv6 Special-Purpose Address Registry, and the multicast address space.
const IPV6: Row[] = [
  ['::/128', 'Unspecified Address', 'unspecified', 'RFC 4291'],
  ['::1/128', 'Loopback Address', 'loopback', 'RFC 4291'],
  ['::ffff:0:0/96', 'IPv4-mapped Address', 'translation', 'RFC 4291'],
  ['64:ff9b::/96', 'IPv4-IPv6 Translation', 'translation', 'RFC 6052', true],
  ['64:ff9b:1::/48', 'IPv4-IPv6 Translation (local use)', 'translation', 'RFC 8215'],
  ['100::/64', 'Discard-Only Address Block', 'discard', 'RFC 6666'],
  ['100:0:0:1::/64', 'Dummy IPv6 Prefix', 'protocol', 'RFC 9780'],
  ['2001::/23', 'IETF Protocol Assignments', 'protocol', 'RFC 2928'],
  ['2001::/32', 'TEREDO', 'tunnel', 'RFC 4380', true],
  ['2001:1::1/128', 'Port Control Protocol Anycast', 'anycast', 'RFC 7723', true],
  ['2001:1::2/128', 'Traversal Using Relays around NAT Anycast', 'anycast', 'RFC 8155', true],
  ['2001:1::3/128', 'DNS-SD Service Registration Protocol Anycast', 'anycast', 'RFC 9665', true],
  ['2001:2::/48', 'Benchmarking', 'benchmarking', 'RFC 5180'],
  ['2001:3::/32', 'AMT', 'tunnel', 'RFC 7450', true],
  ['2001:4:112::/48', 'AS112-v6', 'anycast', 'RFC 7535', true],
  ['2001:10::/28', 'Deprecated (previously ORCHID)', 'reserved', 'RFC 4843'],
  ['2001:20::/28', 'ORCHIDv2', 'protocol', 'RFC 7343', true],
  ['2001:30::/28', 'Drone Remote ID Protocol Entity Tags (DETs) Prefix', 'protocol', 'RFC 9374', true],
  ['2001:db8::/32', 'Documentation', 'documentation', 'RFC 3849'],
  ['2002::/16', '6to4', 'tunnel', 'RFC 3056', true],
  ['2620:4f:8000::/48', 'Direct Delegation AS112 Service', 'anycast', 'RFC 7534', true],
  ['3fff::/20', 'Documentation', 'documentation', 'RFC 9637'],
  ['5f00::/16', 'Segment Routing (SRv6) SIDs', 'protocol', 'RFC 9602'],
  ['fc00::/7', 'Unique-Local', 'unique-local', 'RFC 4193'],
  ['fe80::/10', 'Link-Local Unicast', 'link-local', 'RFC 4291'],
  ['ff00::/8', 'Multicast', 'multicast', 'RFC 4291'],
  ['ff01::/16', 'Multicast (interface-local scope)', 'multicast', 'RFC 7346'],
  ['ff02::/16', 'Multicast (link-local scope)', 'multicast', 'RFC 7346'],
  ['ff05::/16', 'Multicast (site-local scope)', 'multicast', 'RFC 7346'],
  ['ff08::/16', 'Multicast (organization-local scope)', 'multicast', 'RFC 7346'],
  ['ff0e::/16', 'Multicast (global scope)', 'multicast', 'RFC 7346', true],
  ['ff02::1/128', 'Multicast: All Nodes', 'multicast', 'RFC 4291'],
  ['ff02::2/128', 'Multicast: All Routers', 'multicast', 'RFC 4291'],
  ['ff02::5/128', 'Multicast: OSPF All Routers', 'multicast', 'RFC 5340'],
  ['ff02::6/128', 'Multicast: OSPF Designated Routers', 'multicast', 'RFC 5340'],
  ['ff02::9/128', 'Multicast: RIPng Routers', 'multicast', 'RFC 2080'],
  ['ff02::c/128', 'Multicast: SSDP', 'multicast', 'UPnP Device Architecture'],
  ['ff02::d/128', 'Multicast: All PIM Routers', 'multicast', 'RFC 7761'],
  ['ff02::16/128', 'Multicast: All MLDv2-capable Routers', 'multicast', 'RFC 3810'],
  ['ff02::fb/128', 'Multicast: mDNS', 'multicast', 'RFC 6762'],
  ['ff02::1:2/128', 'Multicast: All DHCP Relay Agents and Servers', 'multicast', 'RFC 8415'],
  ['ff02::1:3/128', 'Multicast: LLMNR', 'multicast', 'RFC 4795'],
  ['ff02::1:ff00:0/104', 'Multicast: Solicited-Node Address', 'multicast', 'RFC 4291'],
  ['ff05::1:3/128', 'Multicast: All DHCP Servers', 'multicast', 'RFC 8415'],
];

// IEEE 802 group addresses with a meaning of their own.
const MAC: Row[] = [
  ['ff:ff:ff:ff:ff:ff/48', 'Broadcast', 'broadcast', 'IEEE 802'],
  ['01:00:5e:00:00:00/25', 'IPv4 multicast', 'multicast', 'RFC 1112'],
  ['33:33:00:00:00:00/16', 'IPv6 multicast', 'multicast', 'RFC 2464'],
  ['01:80:c2:00:00:00/44', 'IEEE 802.1 reserved group', 'multicast', 'IEEE 802.1Q'],
  ['01:80:c2:00:00:00/48', 'Spanning Tree (Bridge Group)', 'multicast', 'IEEE 802.1D'],
  ['01:80:c2:00:00:01/48', 'MAC Control (pause frames)', 'multicast', 'IEEE 802.3'],
  ['01:80:c2:00:00:02/48', 'Slow Protocols (LACP)', 'multicast', 'IEEE 802.3'],
  ['01:80:c2:00:00:03/48', 'Port Access Entity (802.1X)', 'multicast', 'IEEE 802.1X'],
  ['01:80:c2:00:00:0e/48', 'LLDP (Nearest Bridge)', 'multicast', 'IEEE 802.1AB'],
  ['01:00:0c:cc:cc:cc/48', 'Cisco CDP/VTP/DTP', 'multicast', 'Cisco'],
  ['01:00:0c:cc:cc:cd/48', 'Cisco PVST+', 'multicast', 'Cisco'],
  ['00:00:5e:00:01:00/40', 'VRRP virtual router (IPv4)', 'anycast', 'RFC 5798', true],
  ['00:00:5e:00:02:00/40', 'VRRP virtual router (IPv6)', 'anycast', 'RFC 5798', true],
];

interface Entry extends SpecialRange {
  bytes: Uint8Array;
  bits: number;
}

function entries(rows: Row[], parse: (s: string) => Uint8Array | null): Entry[] {
  return rows
    .map(([block, label, category, reference, global]) => {
      const slash = block.lastIndexOf('/');
      const bytes = parse(block.slice(0, slash));
      if (!bytes) throw new Error(`special range ${block}: not an address`);
      return { block, label, category, reference, global: global ?? false, bytes, bits: Number(block.slice(slash + 1)) };
    })
    .sort((a, b) => b.bits - a.bits); // most specific first
}

function ipv4Bytes(s: string): Uint8Array | null {
  const v = parseIpv4(s);
  return v === null ? null : new Uint8Array([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
}

const TABLES = {
  ipv4: entries(IPV4, ipv4Bytes),
  ipv6: entries(IPV6, parseIpv6),
  mac: entries(MAC, parseMac),
};

function matches(e: Entry, bytes: Uint8Array): boolean {
  const whole = e.bits >> 3;
  for (let k = 0; k < whole; k++) if (bytes[k] !== e.bytes[k]) return false;
  const rest = e.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((bytes[whole]! ^ e.bytes[whole]!) & mask) === 0;
}

const MAC_GROUP: SpecialRange = { label: 'Multicast (group address)', category: 'multicast', block: '01:00:00:00:00:00/8 (I/G bit)', reference: 'IEEE 802', global: false };
const MAC_LOCAL: SpecialRange = {
  label: 'Locally administered (not from a vendor; often randomised)',
  category: 'locally-administered',
  block: '02:00:00:00:00:00/8 (U/L bit)',
  reference: 'IEEE 802',
  global: false,
};

/** The most specific special-purpose block the address is in, if any. */
export function specialRange(a: Address): SpecialRange | undefined {
  const bytes = a.kind === 'ipv4' ? new Uint8Array([a.value >>> 24, (a.value >>> 16) & 0xff, (a.value >>> 8) & 0xff, a.value & 0xff]) : a.bytes;
  const found = TABLES[a.kind].find((e) => matches(e, bytes));
  if (found) {
    const { bytes: _b, bits: _n, ...range } = found;
    return range;
  }
  if (a.kind === 'mac') {
    if (bytes[0]! & 1) return MAC_GROUP;
    if (bytes[0]! & 2) return MAC_LOCAL;
  }
  return undefined;
}
