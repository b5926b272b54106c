// Row colouring by protocol, after Wireshark's default colouring rules: a
// class name per row that the stylesheet maps to light and dark colours.

const BY_PROTOCOL: Record<string, string> = {
  ARP: 'arp',
  ICMP: 'icmp',
  ICMPv6: 'icmp',
  IGMP: 'icmp',
  DNS: 'dns',
  MDNS: 'dns',
  LLMNR: 'dns',
  NBNS: 'dns',
  HTTP: 'http',
  SSDP: 'http',
  DHCP: 'udp',
  NTP: 'udp',
  QUIC: 'tls',
  SSH: 'tls',
  SSHv2: 'tls',
  STP: 'stp',
  CDP: 'stp',
  LLC: 'stp',
};

const TH_FIN = 0x01;
const TH_SYN = 0x02;
const TH_RST = 0x04;

/** The colour class of a row. */
export function rowColor(protocol: string, ipProto: number, tcpFlags: number): string {
  if (ipProto === 6 && tcpFlags & TH_RST) return 'rst';
  const named = BY_PROTOCOL[protocol];
  if (named) return named;
  if (protocol.startsWith('TLS') || protocol.startsWith('SSL')) return 'tls';
  if (ipProto === 6) return tcpFlags & (TH_SYN | TH_FIN) ? 'synfin' : 'tcp';
  if (ipProto === 17) return 'udp';
  return 'other';
}
