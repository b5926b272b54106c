// Host sweeps: one source trying the same port (or pinging) on many hosts,
// looking for the ones that are up or run a service.

import { makeFinding, type Detector } from './detector';
import { PacketRefs } from './packets';
import { groupBy, probes, type Probe } from './probes';
import { THRESHOLDS } from './thresholds';
import type { Finding } from './types';
import { peakWindow } from './window';

const { minHosts, windowSeconds } = THRESHOLDS.hostSweep;

export const HOST_SWEEP_RULE = `One source tries the same TCP or UDP port on at least ${minHosts} different hosts that do not answer (no SYN+ACK; no datagram back), or sends ICMP echo requests (pings) to at least ${minHosts} different hosts, answered or not, within ${windowSeconds} seconds.`;

export const hostSweepDetector: Detector = {
  id: 'scan.hosts',
  name: 'Host sweeps',
  async run(ctx) {
    const all = await probes(ctx);
    const out: Finding[] = [];
    for (const list of groupBy(all, (p) => `${p.protocol}|${p.source}|${p.port}`).values()) {
      const counted = list.filter((p) => p.failed || p.protocol === 'ICMP');
      if (new Set(counted.map((p) => p.target)).size < minHosts) continue;
      const peak = peakWindow(
        counted.map((p) => p.time),
        counted.map((p) => p.target),
        windowSeconds,
      );
      if (peak.distinct < minHosts) continue;
      out.push(finding(ctx.addresses.text.bind(ctx.addresses), list, peak.distinct));
    }
    return out;
  },
};

function finding(text: (k: number) => string, list: Probe[], peak: number): Finding {
  const { protocol, source, port } = list[0]!;
  const hosts = new Set(list.map((p) => p.target));
  const answered = [...new Set(list.filter((p) => !p.failed && p.protocol !== 'ICMP').map((p) => p.target))];
  const what = protocol === 'ICMP' ? 'Ping sweep' : `${protocol} port ${port} sweep`;
  return makeFinding({
    id: `scan.hosts:${protocol}:${text(source)}:${port}`,
    severity: 'warning',
    category: 'security',
    protocol,
    title: `${what} from ${text(source)}: ${hosts.size} hosts`,
    rule: HOST_SWEEP_RULE,
    packets: new PacketRefs().addAll(list.map((p) => p.packet)),
    details: {
      source: text(source),
      ...(protocol === 'ICMP' ? {} : { port }),
      'hosts tried': hosts.size,
      [`most hosts within ${windowSeconds} s`]: peak,
      ...(protocol === 'ICMP' ? {} : { 'hosts that answered': answered.length ? answered.slice(0, 50).map(text) : 'none' }),
      'first hosts': [...hosts].slice(0, 10).map(text),
    },
  });
}
