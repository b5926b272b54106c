// Connection events Wireshark's expert info lists for TCP, read from the
// flags column alone: resets (a warning) and the openings and closings of
// connections (chat).

import type { ExpertContext } from './context';
import { ACK, FIN, RST, SYN, TCP } from './conversations';
import { makeFinding, plural, type Detector } from './detector';
import { PacketRefs } from './packets';
import type { Finding, Severity } from './types';

interface Event {
  key: string;
  severity: Severity;
  title: string;
  rule: string;
  test: (flags: number) => boolean;
  /** The server's port, for the details: the destination of a SYN, the source of a SYN+ACK. */
  serverPort?: 'destination' | 'source';
}

const EVENTS: readonly Event[] = [
  {
    key: 'reset',
    severity: 'warning',
    title: 'Connection reset (RST)',
    rule: 'A TCP segment with the RST flag: the connection was aborted (often because nothing listens on the port).',
    test: (f) => (f & RST) !== 0,
  },
  {
    key: 'syn',
    severity: 'chat',
    title: 'Connection establish request (SYN)',
    rule: 'A TCP segment with SYN and without ACK: a client opens a connection.',
    test: (f) => (f & (SYN | ACK | RST)) === SYN,
    serverPort: 'destination',
  },
  {
    key: 'synack',
    severity: 'chat',
    title: 'Connection establish acknowledge (SYN+ACK)',
    rule: 'A TCP segment with SYN and ACK: a server accepts a connection.',
    test: (f) => (f & (SYN | ACK | RST)) === (SYN | ACK),
    serverPort: 'source',
  },
  {
    key: 'fin',
    severity: 'chat',
    title: 'Connection finish (FIN)',
    rule: 'A TCP segment with FIN: its sender has no more data and closes its half of the connection.',
    test: (f) => (f & (FIN | RST)) === FIN,
  },
];

export const tcpEventsDetector: Detector = {
  id: 'tcp.events',
  name: 'TCP connection events',
  async run(ctx) {
    const out: Finding[] = [];
    for (const event of EVENTS) {
      const f = find(ctx, event);
      if (f) out.push(f);
    }
    return out;
  },
};

function find(ctx: ExpertContext, event: Event): Finding | null {
  const c = ctx.columns;
  const refs = new PacketRefs();
  const ports = new Map<number, number>();
  for (let i = 0; i < ctx.packetCount; i++) {
    if (c.ipProto[i] !== TCP || !ctx.selected(i) || !event.test(c.aux[i]!)) continue;
    refs.add(i);
    if (event.serverPort) {
      const port = event.serverPort === 'destination' ? c.dstPort[i]! : c.srcPort[i]!;
      ports.set(port, (ports.get(port) ?? 0) + 1);
    }
  }
  if (refs.size === 0) return null;
  const details: Record<string, string[]> = {};
  if (ports.size) {
    details['server ports'] = [...ports.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, 10)
      .map(([p, n]) => `${p}: ${plural(n, 'packet')}`);
  }
  return makeFinding({ id: `tcp.events:${event.key}`, severity: event.severity, category: 'sequence', protocol: 'TCP', title: event.title, rule: event.rule, packets: refs, details });
}
