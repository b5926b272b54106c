// Connection attempts, from the columns: what the scan detectors count.
// A TCP attempt is a SYN without ACK; a UDP attempt is the first datagram
// of a conversation; an ICMP attempt is an echo request. An attempt failed
// when the other side never answered it: no SYN+ACK on the TCP connection,
// no datagram back on the UDP conversation.

import type { AddressKey } from './addresses';
import type { ExpertContext } from './context';
import { ACK, conversations, ICMP, ICMPV6, RST, SYN, TCP, UDP } from './conversations';
import { THRESHOLDS } from './thresholds';

export type ProbeProtocol = 'TCP' | 'UDP' | 'ICMP';

export interface Probe {
  packet: number;
  time: number;
  protocol: ProbeProtocol;
  source: AddressKey;
  target: AddressKey;
  /** Destination port (0 for ICMP). */
  port: number;
  failed: boolean;
}

const ECHO_REQUEST = 8;
const ECHO_REQUEST_V6 = 128;

/** The selected packets' connection attempts to single hosts (not multicast or broadcast), in packet order. */
export function probes(ctx: ExpertContext): Promise<Probe[]> {
  return ctx.memo('probes', async () => {
    const { tcp, udp } = await conversations(ctx);
    const c = ctx.columns;
    const a = ctx.addresses;
    const trace = THRESHOLDS.tracerouteUdpPorts;
    const out: Probe[] = [];
    for (let i = 0; i < ctx.packetCount; i++) {
      if (!ctx.selected(i) || !a.isIp(i)) continue;
      const proto = c.ipProto[i]!;
      let protocol: ProbeProtocol;
      let failed: boolean;
      if (proto === TCP) {
        if ((c.aux[i]! & (SYN | ACK | RST)) !== SYN) continue;
        protocol = 'TCP';
        failed = !tcp.get(c.stream[i]!)?.answered;
      } else if (proto === UDP) {
        const conv = udp.get(c.stream[i]!);
        if (!conv || conv.opened !== i) continue;
        const port = c.dstPort[i]!;
        if (port >= trace.low && port <= trace.high) continue;
        protocol = 'UDP';
        failed = !conv.answered;
      } else if (proto === ICMP || proto === ICMPV6) {
        const type = c.aux[i]! >> 8;
        if (type !== (proto === ICMP ? ECHO_REQUEST : ECHO_REQUEST_V6)) continue;
        protocol = 'ICMP';
        failed = false;
      } else continue;
      const target = a.destination(i);
      if (a.isGroup(target)) continue;
      out.push({ packet: i, time: ctx.time(i), protocol, source: a.source(i), target, port: protocol === 'ICMP' ? 0 : c.dstPort[i]!, failed });
    }
    return out;
  });
}

/** Groups items by a key, keeping their order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
