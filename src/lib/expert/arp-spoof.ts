// ARP spoofing: an IPv4 address claimed by more than one MAC address. A
// host that answers ARP for another's address (or announces it) receives
// the traffic meant for it: the first step of a man-in-the-middle attack.
// Failover (VRRP, HSRP) and a changed network card do the same legitimately,
// which the person reading the finding can tell from the MACs.

import { formatIpv4, formatMac } from '../engine/format';
import { makeFinding, plural, type Detector } from './detector';
import { PacketRefs } from './packets';
import { THRESHOLDS } from './thresholds';
import type { Finding } from './types';

const { minMacs } = THRESHOLDS.arpSpoof;

export const ARP_SPOOF_RULE = `One IPv4 address is claimed by at least ${minMacs} different MAC addresses, as the sender of ARP replies or of gratuitous ARP announcements (sender address 0.0.0.0, used by address probes, is left out).`;

export const arpSpoofDetector: Detector = {
  id: 'arp.spoof',
  name: 'ARP spoofing',
  async run(ctx) {
    const arp = ctx.protocolId('ARP');
    if (arp < 0) return [];
    const proto = ctx.columns.proto;
    const found = await ctx.dissector.collect('arp.opcode == 2 || arp.isgratuitous', ['arp.src.proto_ipv4', 'arp.src.hw_mac'], (i) => proto[i] === arp && ctx.selected(i));
    const claims = new Map<number, Map<string, number[]>>();
    for (const { packet, fields } of found) {
      const ip = fields['arp.src.proto_ipv4']?.[0];
      const mac = fields['arp.src.hw_mac']?.[0];
      if (typeof ip !== 'number' || ip === 0 || !(mac instanceof Uint8Array)) continue;
      let macs = claims.get(ip);
      if (!macs) claims.set(ip, (macs = new Map()));
      const key = formatMac(mac);
      const list = macs.get(key);
      if (list) list.push(packet);
      else macs.set(key, [packet]);
    }
    const out: Finding[] = [];
    for (const [ip, macs] of claims) {
      if (macs.size < minMacs) continue;
      const address = formatIpv4(ip);
      const refs = new PacketRefs();
      for (const list of macs.values()) refs.addAll(list);
      out.push(
        makeFinding({
          id: `arp.spoof:${address}`,
          severity: 'warning',
          category: 'security',
          protocol: 'ARP',
          title: `ARP spoofing: ${address} claimed by ${macs.size} MAC addresses (${[...macs.keys()].join(', ')})`,
          rule: ARP_SPOOF_RULE,
          packets: refs,
          details: {
            address,
            claims: [...macs.entries()].map(([mac, list]) => `${mac}: ${plural(list.length, 'packet')}, first in frame ${list[0]! + 1}`),
            filter: `arp.src.proto_ipv4 == ${address}`,
          },
        }),
      );
    }
    return out;
  },
};
