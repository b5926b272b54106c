// Dispatch by IP protocol number (IPv4's protocol field, IPv6's next header
// after its extension headers).

import { dissectTcp } from "./tcp";
import { dissectUdp } from "./udp";
import { dissectIcmp } from "./icmp";
import { dissectIcmpv6 } from "./icmpv6";
import { dissectIgmp } from "./igmp";
import { dissectGre } from "./gre";
import { dissectSctp } from "./sctp";
import { dissectIpv4 } from "./ipv4";
import { dissectIpv6 } from "./ipv6";
import { dissectData } from "./data";

export const IPPROTO_ICMP: u32 = 1;
export const IPPROTO_IGMP: u32 = 2;
export const IPPROTO_IPIP: u32 = 4;
export const IPPROTO_TCP: u32 = 6;
export const IPPROTO_UDP: u32 = 17;
export const IPPROTO_IPV6: u32 = 41;
export const IPPROTO_GRE: u32 = 47;
export const IPPROTO_ICMPV6: u32 = 58;
export const IPPROTO_NONE: u32 = 59;
export const IPPROTO_SCTP: u32 = 132;

export function dissectIpPayload(proto: u32, off: i32, end: i32): void {
  switch (proto) {
    case IPPROTO_TCP:
      dissectTcp(off, end);
      return;
    case IPPROTO_UDP:
      dissectUdp(off, end);
      return;
    case IPPROTO_ICMP:
      dissectIcmp(off, end);
      return;
    case IPPROTO_ICMPV6:
      dissectIcmpv6(off, end);
      return;
    case IPPROTO_IGMP:
      dissectIgmp(off, end);
      return;
    case IPPROTO_GRE:
      dissectGre(off, end);
      return;
    case IPPROTO_SCTP:
      dissectSctp(off, end);
      return;
    case IPPROTO_IPIP:
      dissectIpv4(off, end);
      return;
    case IPPROTO_IPV6:
      dissectIpv6(off, end);
      return;
    case IPPROTO_NONE:
      return;
    default:
      dissectData(off, end);
  }
}
