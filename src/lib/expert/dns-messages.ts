// The DNS messages of the selected packets (DNS, mDNS and LLMNR in the
// Protocol column), dissected once for the detectors that read them: the
// DNS anomalies and the malformed-packet checks.

import type { Comparable } from '../filter/compile';
import type { AddressKey } from './addresses';
import type { ExpertContext } from './context';

export interface DnsMessage {
  /** 0-based packet index. */
  packet: number;
  /** The Protocol column: DNS, MDNS or LLMNR. */
  protocol: string;
  /** The whole 12-byte header was there (its record counts were read). */
  hasHeader: boolean;
  /** The capture kept only part of the packet (snapshot length). */
  cut: boolean;
  response: boolean;
  rcode: number;
  queries: string[];
  /** The header counts more questions or records than the message holds: it ends early. */
  endsEarly: boolean;
  /** The packet's source and destination. */
  source: AddressKey;
  destination: AddressKey;
}

const PROTOCOLS = ['DNS', 'MDNS', 'LLMNR'];
const FIELDS = [
  'dns.flags.response',
  'dns.flags.rcode',
  'dns.qry.name',
  'dns.qry.type',
  'dns.resp.type',
  'dns.count.queries',
  'dns.count.answers',
  'dns.count.auth_rr',
  'dns.count.add_rr',
];

export function dnsMessages(ctx: ExpertContext): Promise<DnsMessage[]> {
  return ctx.memo('dns-messages', async () => {
    const ids = new Set(PROTOCOLS.map((p) => ctx.protocolId(p)).filter((id) => id >= 0));
    if (ids.size === 0) return [];
    const proto = ctx.columns.proto;
    const found = await ctx.dissector.collect('frame', FIELDS, (i) => ids.has(proto[i]!) && ctx.selected(i));
    return found.map(({ packet, fields }) => {
      const count = (name: string) => Number(fields[name]?.[0] ?? 0n);
      const expected = count('dns.count.answers') + count('dns.count.auth_rr') + count('dns.count.add_rr');
      const hasHeader = (fields['dns.count.add_rr']?.length ?? 0) > 0;
      const cols = ctx.index.columns;
      return {
        packet,
        protocol: ctx.protocolName(packet),
        hasHeader,
        cut: cols.capLen(packet) < cols.origLen(packet),
        response: first(fields['dns.flags.response']) === 1n,
        rcode: Number(first(fields['dns.flags.rcode']) ?? 0n),
        queries: (fields['dns.qry.name'] ?? []).map(String),
        endsEarly: hasHeader && ((fields['dns.qry.type']?.length ?? 0) < count('dns.count.queries') || (fields['dns.resp.type']?.length ?? 0) < expected),
        source: ctx.addresses.source(packet),
        destination: ctx.addresses.destination(packet),
      };
    });
  });
}

function first(values: Comparable[] | undefined): Comparable | undefined {
  return values?.[0];
}
