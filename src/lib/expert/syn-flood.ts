// SYN floods: a host and port flooded with connection requests whose
// handshake is never completed, filling the server's queue of half-open
// connections. The sources are often forged, so there may be thousands.

import { conversations, ACK, RST, SYN, TCP } from './conversations';
import { makeFinding, type Detector } from './detector';
import { PacketRefs } from './packets';
import { THRESHOLDS } from './thresholds';
import type { Finding } from './types';
import { peakCount } from './window';

const { minIncomplete, windowSeconds } = THRESHOLDS.synFlood;

export const SYN_FLOOD_RULE = `At least ${minIncomplete} SYNs to one host and port, within ${windowSeconds} seconds, on connections whose client never completed the handshake (no ACK from the client after its SYN).`;

interface Target {
  packets: number[];
  times: number[];
  sources: Set<number>;
  answered: number;
}

export const synFloodDetector: Detector = {
  id: 'flood.syn',
  name: 'SYN floods',
  async run(ctx) {
    const { tcp } = await conversations(ctx);
    const c = ctx.columns;
    const a = ctx.addresses;
    const targets = new Map<string, Target>();
    for (let i = 0; i < ctx.packetCount; i++) {
      if (c.ipProto[i] !== TCP || (c.aux[i]! & (SYN | ACK | RST)) !== SYN || !ctx.selected(i) || !a.isIp(i)) continue;
      const conv = tcp.get(c.stream[i]!);
      if (conv?.completed) continue;
      const key = `${a.destination(i)}|${c.dstPort[i]}`;
      let t = targets.get(key);
      if (!t) targets.set(key, (t = { packets: [], times: [], sources: new Set(), answered: 0 }));
      t.packets.push(i);
      t.times.push(ctx.time(i));
      t.sources.add(a.source(i));
      if (conv?.answered) t.answered++;
    }
    const out: Finding[] = [];
    for (const t of targets.values()) {
      if (t.packets.length < minIncomplete) continue;
      const peak = peakCount(t.times, windowSeconds);
      if (peak.distinct < minIncomplete) continue;
      const first = t.packets[0]!;
      const host = `${a.text(a.destination(first))}:${c.dstPort[first]}`;
      const span = t.times[t.times.length - 1]! - t.times[0]!;
      out.push(
        makeFinding({
          id: `flood.syn:${host}`,
          severity: 'warning',
          category: 'security',
          protocol: 'TCP',
          title: `SYN flood to ${host}: ${t.packets.length} handshakes not completed, from ${t.sources.size} ${t.sources.size === 1 ? 'source' : 'sources'}`,
          rule: SYN_FLOOD_RULE,
          packets: new PacketRefs().addAll(t.packets),
          details: {
            target: host,
            'SYNs without completion': t.packets.length,
            [`most within ${windowSeconds} s`]: peak.distinct,
            sources: t.sources.size,
            'answered by the server (SYN+ACK)': t.answered,
            duration: `${span.toFixed(3)} s`,
            'first sources': [...t.sources].slice(0, 10).map((s) => a.text(s)),
          },
        }),
      );
    }
    return out;
  },
};
