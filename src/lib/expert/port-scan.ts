// Port scans: one source trying many ports of one host, most of them in
// vain (closed or filtered ports do not answer a SYN with SYN+ACK, nor a
// UDP datagram with one back). The attempts that were answered are the
// host's open ports, listed in the finding.

import { makeFinding, type Detector } from './detector';
import { PacketRefs } from './packets';
import { groupBy, probes, type Probe } from './probes';
import { THRESHOLDS } from './thresholds';
import type { Finding } from './types';
import { peakWindow } from './window';

const { minPorts, windowSeconds } = THRESHOLDS.portScan;

export const PORT_SCAN_RULE = `One source tries at least ${minPorts} different ports of one host (TCP SYN, or the first UDP datagram of a conversation) that do not answer (no SYN+ACK; no datagram back), within ${windowSeconds} seconds. UDP ports ${THRESHOLDS.tracerouteUdpPorts.low}-${THRESHOLDS.tracerouteUdpPorts.high} (traceroute) are not counted.`;

export const portScanDetector: Detector = {
  id: 'scan.ports',
  name: 'Port scans',
  async run(ctx) {
    const all = (await probes(ctx)).filter((p) => p.protocol !== 'ICMP');
    const out: Finding[] = [];
    for (const list of groupBy(all, (p) => `${p.protocol}|${p.source}|${p.target}`).values()) {
      const failed = list.filter((p) => p.failed);
      if (new Set(failed.map((p) => p.port)).size < minPorts) continue;
      const peak = peakWindow(
        failed.map((p) => p.time),
        failed.map((p) => p.port),
        windowSeconds,
      );
      if (peak.distinct < minPorts) continue;
      out.push(finding(ctx.addresses.text.bind(ctx.addresses), list, failed, peak.distinct));
    }
    return out;
  },
};

function finding(text: (k: number) => string, list: Probe[], failed: Probe[], peak: number): Finding {
  const { protocol, source, target } = list[0]!;
  const ports = new Set(list.map((p) => p.port));
  const open = [...new Set(list.filter((p) => !p.failed).map((p) => p.port))].sort((a, b) => a - b);
  const span = list[list.length - 1]!.time - list[0]!.time;
  return makeFinding({
    id: `scan.ports:${protocol}:${text(source)}>${text(target)}`,
    severity: 'warning',
    category: 'security',
    protocol,
    title: `${protocol === 'TCP' ? 'TCP SYN' : 'UDP'} port scan from ${text(source)} to ${text(target)}: ${ports.size} ports`,
    rule: PORT_SCAN_RULE,
    packets: new PacketRefs().addAll(list.map((p) => p.packet)),
    details: {
      source: text(source),
      target: text(target),
      'ports tried': ports.size,
      'ports without answer': new Set(failed.map((p) => p.port)).size,
      [`most unanswered ports within ${windowSeconds} s`]: peak,
      'ports that answered': open.length ? open.slice(0, 50).map(String) : 'none',
      'port range': `${Math.min(...ports)}-${Math.max(...ports)}`,
      duration: `${span.toFixed(3)} s`,
    },
  });
}
