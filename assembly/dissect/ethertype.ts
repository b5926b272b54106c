// Dispatch by EtherType: the table that says which dissector reads the
// payload of Ethernet, VLAN tags, Linux cooked captures, SNAP, GRE and PPPoE.

import { dissectIpv4 } from "./ipv4";
import { dissectIpv6 } from "./ipv6";
import { dissectArp } from "./arp";
import { dissectVlan, dissectQinQ } from "./vlan";
import { dissectMpls } from "./mpls";
import { dissectPppoeSession } from "./pppoe";
import { dissectPpp } from "./ppp";
import { dissectEthernet } from "./ethernet";
import { dissectData } from "./data";

export const ETHERTYPE_IPV4: u32 = 0x0800;
export const ETHERTYPE_ARP: u32 = 0x0806;
export const ETHERTYPE_RARP: u32 = 0x8035;
export const ETHERTYPE_VLAN: u32 = 0x8100;
export const ETHERTYPE_IPV6: u32 = 0x86dd;
export const ETHERTYPE_PPP: u32 = 0x880b;
export const ETHERTYPE_MPLS: u32 = 0x8847;
export const ETHERTYPE_MPLS_MULTI: u32 = 0x8848;
export const ETHERTYPE_PPPOE_DISC: u32 = 0x8863;
export const ETHERTYPE_PPPOE_SESS: u32 = 0x8864;
export const ETHERTYPE_QINQ: u32 = 0x88a8;
export const ETHERTYPE_QINQ_OLD: u32 = 0x9100;
export const ETHERTYPE_TEB: u32 = 0x6558; // transparent Ethernet bridging (in GRE)

/**
 * Dissects the payload [off, end) of the given EtherType. Returns how many
 * bytes the payload says it uses (IP's total length, ARP's size), or -1 when
 * it takes everything, so that Ethernet can show what is left as padding.
 */
export function dissectEthertype(type: u32, off: i32, end: i32): i32 {
  switch (type) {
    case ETHERTYPE_IPV4:
      return dissectIpv4(off, end);
    case ETHERTYPE_IPV6:
      return dissectIpv6(off, end);
    case ETHERTYPE_ARP:
    case ETHERTYPE_RARP:
      return dissectArp(off, end);
    case ETHERTYPE_VLAN:
    case ETHERTYPE_QINQ_OLD:
      return dissectVlan(off, end);
    case ETHERTYPE_QINQ:
      return dissectQinQ(off, end);
    case ETHERTYPE_MPLS:
    case ETHERTYPE_MPLS_MULTI:
      dissectMpls(off, end);
      return -1;
    case ETHERTYPE_PPPOE_SESS:
      return dissectPppoeSession(off, end);
    case ETHERTYPE_PPP:
      dissectPpp(off, end);
      return -1;
    case ETHERTYPE_TEB:
      dissectEthernet(off, end, false);
      return -1;
    default:
      dissectData(off, end);
      return -1;
  }
}
