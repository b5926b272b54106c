// Stealth scans by TCP flags: FIN, NULL and Xmas probes, and SYN+FIN.
// These combinations open no connection and belong to none: a closed port
// answers them with RST and an open one stays silent, which is what scanners
// (nmap -sF, -sN, -sX) use them for.

import { COMPLEX_PACKET } from '../engine/columns';
import type { ExpertContext } from './context';
import { ACK, FIN, PSH, RST, SYN, TCP, URG } from './conversations';
import { makeFinding, type Detector } from './detector';
import { PacketRefs } from './packets';
import { THRESHOLDS } from './thresholds';
import type { Finding } from './types';

const { minProbes } = THRESHOLDS.flagScan;
const MAIN_FLAGS = FIN | SYN | RST | PSH | ACK | URG;

interface Kind {
  key: string;
  name: string;
  flags: string;
  test: (flags: number) => boolean;
}

const KINDS: readonly Kind[] = [
  { key: 'null', name: 'NULL scan', flags: 'no flags at all', test: (f) => (f & MAIN_FLAGS) === 0 },
  { key: 'fin', name: 'FIN scan', flags: 'FIN alone', test: (f) => (f & MAIN_FLAGS) === FIN },
  { key: 'xmas', name: 'Xmas scan', flags: 'FIN, PSH and URG without ACK', test: (f) => (f & MAIN_FLAGS) === (FIN | PSH | URG) },
  { key: 'synfin', name: 'SYN+FIN scan', flags: 'SYN and FIN together', test: (f) => (f & (SYN | FIN)) === (SYN | FIN) },
];

export const FLAG_SCAN_RULE = `One source sends at least ${minProbes} TCP segments with a flag combination no connection uses: no flags (NULL), FIN alone, FIN+PSH+URG without ACK (Xmas), or SYN with FIN.`;

export const flagScanDetector: Detector = {
  id: 'scan.flags',
  name: 'TCP flag scans',
  async run(ctx) {
    const groups = new Map<string, { kind: Kind; source: number; packets: number[] }>();
    const c = ctx.columns;
    for (let i = 0; i < ctx.packetCount; i++) {
      // A fragment's flags column is empty: only whole, plain packets count.
      if (c.ipProto[i] !== TCP || (c.addrKind[i]! & COMPLEX_PACKET) !== 0 || !ctx.selected(i) || !ctx.addresses.isIp(i)) continue;
      const kind = KINDS.find((k) => k.test(c.aux[i]!));
      if (!kind) continue;
      const source = ctx.addresses.source(i);
      const key = `${kind.key}|${source}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { kind, source, packets: [] }));
      g.packets.push(i);
    }
    const out: Finding[] = [];
    for (const g of groups.values()) if (g.packets.length >= minProbes) out.push(finding(ctx, g.kind, g.source, g.packets));
    return out;
  },
};

function finding(ctx: ExpertContext, kind: Kind, source: number, packets: number[]): Finding {
  const c = ctx.columns;
  const a = ctx.addresses;
  const hosts = new Set(packets.map((i) => a.destination(i)));
  const ports = new Set(packets.map((i) => c.dstPort[i]!));
  const src = a.text(source);
  return makeFinding({
    id: `scan.flags:${kind.key}:${src}`,
    severity: 'warning',
    category: 'security',
    protocol: 'TCP',
    title: `${kind.name} from ${src}: ${packets.length} probes to ${ports.size} ports on ${hosts.size} ${hosts.size === 1 ? 'host' : 'hosts'}`,
    rule: FLAG_SCAN_RULE,
    packets: new PacketRefs().addAll(packets),
    details: {
      source: src,
      flags: kind.flags,
      probes: packets.length,
      targets: [...hosts].slice(0, 10).map((h) => a.text(h)),
      ports: ports.size,
    },
  });
}
