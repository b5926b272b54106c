// ICMP floods: echo requests poured on one host far above ping's one a
// second (a ping flood), or echo replies poured on a host that did not ask
// for them (a smurf attack reflects forged pings off many hosts onto it).
// The replies a flooder gets back for its own requests are not a second flood.

import type { AddressKey } from './addresses';
import type { ExpertContext } from './context';
import { ICMP, ICMPV6 } from './conversations';
import { makeFinding, type Detector } from './detector';
import { PacketRefs } from './packets';
import { THRESHOLDS } from './thresholds';
import type { Finding } from './types';
import { peakCount } from './window';

const { minMessages, windowSeconds } = THRESHOLDS.icmpFlood;
/** A host that sent fewer requests than this share of the replies it got did not ask for most of them. */
const SOLICITED_SHARE = 0.1;

export const ICMP_FLOOD_RULE = `At least ${minMessages} ICMP or ICMPv6 echo requests to one host within ${windowSeconds} seconds (ping sends one a second); or at least ${minMessages} echo replies to one host within ${windowSeconds} seconds when that host sent fewer than a tenth as many echo requests (replies it did not ask for).`;

type Kind = 'request' | 'reply';
const ECHO: Record<number, Record<number, Kind>> = {
  [ICMP]: { 8: 'request', 0: 'reply' },
  [ICMPV6]: { 128: 'request', 129: 'reply' },
};

interface Target {
  packets: number[];
  times: number[];
  sources: Set<AddressKey>;
  protocol: string;
}

export const icmpFloodDetector: Detector = {
  id: 'flood.icmp',
  name: 'ICMP floods',
  async run(ctx) {
    const c = ctx.columns;
    const a = ctx.addresses;
    const received: Record<Kind, Map<AddressKey, Target>> = { request: new Map(), reply: new Map() };
    const requestsSent = new Map<AddressKey, number>();
    for (let i = 0; i < ctx.packetCount; i++) {
      const kind = ECHO[c.ipProto[i]!]?.[c.aux[i]! >> 8];
      if (!kind || !a.isIp(i)) continue;
      if (kind === 'request') requestsSent.set(a.source(i), (requestsSent.get(a.source(i)) ?? 0) + 1);
      if (!ctx.selected(i)) continue;
      const dst = a.destination(i);
      let t = received[kind].get(dst);
      if (!t) received[kind].set(dst, (t = { packets: [], times: [], sources: new Set(), protocol: c.ipProto[i] === ICMP ? 'ICMP' : 'ICMPv6' }));
      t.packets.push(i);
      t.times.push(ctx.time(i));
      t.sources.add(a.source(i));
    }
    const out: Finding[] = [];
    for (const kind of ['request', 'reply'] as const) {
      for (const [dst, t] of received[kind]) {
        if (t.packets.length < minMessages) continue;
        if (kind === 'reply' && (requestsSent.get(dst) ?? 0) >= t.packets.length * SOLICITED_SHARE) continue;
        const peak = peakCount(t.times, windowSeconds);
        if (peak.distinct >= minMessages) out.push(finding(ctx, kind, dst, t, peak.distinct));
      }
    }
    return out;
  },
};

function finding(ctx: ExpertContext, kind: Kind, dst: AddressKey, t: Target, peak: number): Finding {
  const a = ctx.addresses;
  const host = a.text(dst);
  const span = t.times[t.times.length - 1]! - t.times[0]!;
  const sources = `${t.sources.size} ${t.sources.size === 1 ? 'source' : 'sources'}`;
  return makeFinding({
    id: `flood.icmp:${kind}:${host}`,
    severity: 'warning',
    category: 'security',
    protocol: t.protocol,
    title: kind === 'request' ? `ICMP echo request flood to ${host}: ${t.packets.length} pings from ${sources}` : `ICMP echo reply flood to ${host}: ${t.packets.length} replies it did not ask for, from ${sources}`,
    rule: ICMP_FLOOD_RULE,
    packets: new PacketRefs().addAll(t.packets),
    details: {
      target: host,
      [kind === 'request' ? 'echo requests' : 'echo replies']: t.packets.length,
      [`most within ${windowSeconds} s`]: peak,
      rate: span > 0 ? `${(t.packets.length / span).toFixed(1)} a second` : 'all at once',
      'first sources': [...t.sources].slice(0, 10).map((s) => a.text(s)),
    },
  });
}
