// Bursts of NXDOMAIN ("no such name") answers to one client: a program
// looking up many names that do not exist, as malware does when it tries
// generated domain names (DGA) to find its controller, or a misconfigured
// search domain.

import { makeFinding, type Detector } from './detector';
import { dnsMessages } from './dns-messages';
import { splitDomain } from './dns-names';
import { PacketRefs } from './packets';
import { THRESHOLDS } from './thresholds';
import type { Finding } from './types';
import { peakCount } from './window';

const { minAnswers, windowSeconds } = THRESHOLDS.nxdomain;
const NXDOMAIN = 3;

export const NXDOMAIN_RULE = `At least ${minAnswers} DNS answers with reply code 3 (NXDOMAIN, no such name) to one client within ${windowSeconds} seconds (mDNS and LLMNR are left out).`;

export const nxdomainDetector: Detector = {
  id: 'dns.nxdomain',
  name: 'NXDOMAIN bursts',
  async run(ctx) {
    const byClient = new Map<number, { packets: number[]; names: string[] }>();
    for (const m of await dnsMessages(ctx)) {
      if (m.protocol !== 'DNS' || !m.response || m.rcode !== NXDOMAIN) continue;
      let c = byClient.get(m.destination);
      if (!c) byClient.set(m.destination, (c = { packets: [], names: [] }));
      c.packets.push(m.packet);
      c.names.push(...m.queries);
    }
    const out: Finding[] = [];
    for (const [client, c] of byClient) {
      if (c.packets.length < minAnswers) continue;
      const peak = peakCount(
        c.packets.map((i) => ctx.time(i)),
        windowSeconds,
      );
      if (peak.distinct < minAnswers) continue;
      const who = ctx.addresses.text(client);
      const names = [...new Set(c.names)];
      const domains = new Map<string, number>();
      for (const n of names) domains.set(splitDomain(n).domain, (domains.get(splitDomain(n).domain) ?? 0) + 1);
      out.push(
        makeFinding({
          id: `dns.nxdomain:${who}`,
          severity: 'warning',
          category: 'security',
          protocol: 'DNS',
          title: `NXDOMAIN burst: ${who} got ${c.packets.length} "no such name" answers for ${names.length} names`,
          rule: NXDOMAIN_RULE,
          packets: new PacketRefs().addAll(c.packets),
          details: {
            client: who,
            answers: c.packets.length,
            [`most within ${windowSeconds} s`]: peak.distinct,
            'distinct names': names.length,
            'first names': names.slice(0, 10),
            domains: [...domains.entries()]
              .sort((a, b) => b[1] - a[1])
              .slice(0, 10)
              .map(([d, n]) => `${d}: ${n}`),
          },
        }),
      );
    }
    return out;
  },
};
