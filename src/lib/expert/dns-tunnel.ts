// DNS tunnelling: data carried out (or commands in) through the names of
// DNS queries under a domain the other end controls (iodine, dnscat2,
// malware). Such names are long, or look random where host names do not.
// Some legitimate services (antivirus reputation lookups, DNS blocklists)
// encode hashes the same way; the finding names the domain so a person can
// tell.

import { makeFinding, type Detector } from './detector';
import { dnsMessages } from './dns-messages';
import { judgeName, splitDomain } from './dns-names';
import { PacketRefs } from './packets';
import { THRESHOLDS } from './thresholds';
import type { Finding } from './types';

const t = THRESHOLDS.dnsTunnel;

export const DNS_TUNNEL_RULE = `At least ${t.minQueries} DNS queries under one domain whose names look like encoded data: ${t.longName} characters or more, or a label of ${t.longLabel} or more, or a part before the domain of ${t.entropyMinChars} characters or more with a Shannon entropy of ${t.entropyBits.toFixed(1)} bits a character or more. Reverse lookups (.arpa) and mDNS names (.local) are left out.`;

interface Domain {
  packets: number[];
  names: Set<string>;
  clients: Set<number>;
  reasons: Map<string, string>;
  longest: number;
  entropy: number;
}

export const dnsTunnelDetector: Detector = {
  id: 'dns.tunnel',
  name: 'DNS tunnelling',
  async run(ctx) {
    const domains = new Map<string, Domain>();
    for (const m of await dnsMessages(ctx)) {
      if (m.protocol !== 'DNS' || m.response) continue;
      for (const name of m.queries) {
        const verdict = judgeName(name);
        if (!verdict.suspicious) continue;
        const { domain } = splitDomain(name);
        let d = domains.get(domain);
        if (!d) domains.set(domain, (d = { packets: [], names: new Set(), clients: new Set(), reasons: new Map(), longest: 0, entropy: 0 }));
        if (d.packets[d.packets.length - 1] !== m.packet) d.packets.push(m.packet);
        d.names.add(name);
        d.clients.add(m.source);
        if (!d.reasons.has(name)) d.reasons.set(name, verdict.reason);
        d.longest = Math.max(d.longest, name.length);
        d.entropy = Math.max(d.entropy, verdict.entropy);
      }
    }
    const out: Finding[] = [];
    for (const [domain, d] of domains) {
      if (d.packets.length < t.minQueries) continue;
      out.push(
        makeFinding({
          id: `dns.tunnel:${domain}`,
          severity: 'warning',
          category: 'security',
          protocol: 'DNS',
          title: `Possible DNS tunnel through ${domain}: ${d.packets.length} queries with encoded-looking names`,
          rule: DNS_TUNNEL_RULE,
          packets: new PacketRefs().addAll(d.packets),
          details: {
            domain,
            queries: d.packets.length,
            'distinct names': d.names.size,
            clients: [...d.clients].slice(0, 10).map((c) => ctx.addresses.text(c)),
            'longest name': `${d.longest} characters`,
            'highest entropy': `${d.entropy.toFixed(2)} bits a character`,
            examples: [...d.reasons.entries()].slice(0, 5).map(([n, why]) => `${n} (${why})`),
          },
        }),
      );
    }
    return out;
  },
};
