// Services on unusual ports: a server answering on a port outside the list
// of well-known services, with enough traffic to matter. Backdoors and
// remote-access tools listen on such ports (4444, 31337, IRC's 6667 for
// botnets), and so do many harmless in-house services: this is a note, for
// a person to look at.
//
// Only conversations whose opening was captured count, so the server side
// is known (the SYN's destination; the first UDP datagram's destination,
// sent from an ephemeral port). Server ports in the ephemeral range, and FTP
// data connections between hosts that also speak FTP, are left out.

import type { AddressKey } from './addresses';
import type { ExpertContext } from './context';
import { conversations, TCP, UDP, type Conversation } from './conversations';
import { makeFinding, plural, type Detector } from './detector';
import { PacketRefs } from './packets';
import { THRESHOLDS } from './thresholds';
import type { Finding } from './types';
import { WELL_KNOWN_PORTS } from './well-known-ports';

const { maxServerPort, minPackets, minBytes } = THRESHOLDS.unusualPort;
const EPHEMERAL_LOW = 32768;
const FTP_CONTROL = 21;
const FTP_DATA = 20;

export const UNUSUAL_PORT_RULE = `A server answers on a TCP or UDP port from 1 to ${maxServerPort} that is not a well-known service port, and its conversations on that port carry at least ${minPackets} packets or ${minBytes} bytes. TCP counts connections whose SYN was answered with SYN+ACK; UDP counts conversations opened from an ephemeral port (${EPHEMERAL_LOW} or above) that the server answered. FTP data connections are left out.`;

interface Service {
  transport: 'tcp' | 'udp';
  server: AddressKey;
  port: number;
  streams: number[];
  clients: Set<AddressKey>;
  packets: number;
  bytes: number;
}

export const unusualPortDetector: Detector = {
  id: 'ports.unusual',
  name: 'Unusual server ports',
  async run(ctx) {
    const { tcp, udp } = await conversations(ctx);
    const ftpPairs = new Set<string>();
    for (const conv of tcp.values()) if (conv.serverPort === FTP_CONTROL) ftpPairs.add(pair(conv.client, conv.server));
    const services = new Map<string, Service>();
    const consider = (transport: 'tcp' | 'udp', stream: number, conv: Conversation) => {
      if (!qualifies(ctx, transport, conv, ftpPairs)) return;
      const key = `${transport}|${conv.server}|${conv.serverPort}`;
      let s = services.get(key);
      if (!s) services.set(key, (s = { transport, server: conv.server!, port: conv.serverPort, streams: [], clients: new Set(), packets: 0, bytes: 0 }));
      s.streams.push(stream);
      s.clients.add(conv.client!);
      s.packets += conv.packets;
      s.bytes += conv.bytes;
    };
    for (const [stream, conv] of tcp) consider('tcp', stream, conv);
    for (const [stream, conv] of udp) consider('udp', stream, conv);
    const notable = [...services.values()].filter((s) => s.packets >= minPackets || s.bytes >= minBytes);
    const packets = packetsOf(ctx, notable);
    return notable.map((s, k) => finding(ctx, s, packets[k]!));
  },
};

/** The selected packets of each service's conversations, in one pass over the capture. */
function packetsOf(ctx: ExpertContext, services: Service[]): PacketRefs[] {
  const refs = services.map(() => new PacketRefs());
  if (services.length === 0) return refs;
  const owner = { tcp: new Map<number, number>(), udp: new Map<number, number>() };
  services.forEach((s, k) => {
    for (const stream of s.streams) owner[s.transport].set(stream, k);
  });
  const c = ctx.columns;
  for (let i = 0; i < ctx.packetCount; i++) {
    const proto = c.ipProto[i];
    const table = proto === TCP ? owner.tcp : proto === UDP ? owner.udp : null;
    const k = table?.get(c.stream[i]!);
    if (k !== undefined && ctx.selected(i)) refs[k]!.add(i);
  }
  return refs;
}

function qualifies(ctx: ExpertContext, transport: 'tcp' | 'udp', conv: Conversation, ftpPairs: Set<string>): boolean {
  if (conv.opened < 0 || !conv.answered || !ctx.selected(conv.opened)) return false;
  const port = conv.serverPort;
  if (port === 0 || port > maxServerPort || WELL_KNOWN_PORTS.has(port)) return false;
  if (transport === 'udp' && conv.clientPort < EPHEMERAL_LOW) return false;
  if (transport === 'tcp' && (conv.clientPort === FTP_DATA || ftpPairs.has(pair(conv.client, conv.server)) || ftpPairs.has(pair(conv.server, conv.client)))) return false;
  return !ctx.addresses.isGroup(conv.server!);
}

function pair(a: AddressKey | undefined, b: AddressKey | undefined): string {
  return `${a}|${b}`;
}

function finding(ctx: ExpertContext, s: Service, refs: PacketRefs): Finding {
  const server = ctx.addresses.text(s.server);
  return makeFinding({
    id: `ports.unusual:${s.transport}:${server}:${s.port}`,
    severity: 'note',
    category: 'security',
    protocol: s.transport.toUpperCase(),
    title: `Traffic to unusual port ${s.port}/${s.transport} on ${server}: ${plural(s.streams.length, 'conversation')}, ${plural(s.packets, 'packet')}`,
    rule: UNUSUAL_PORT_RULE,
    packets: refs,
    details: {
      server,
      port: s.port,
      transport: s.transport.toUpperCase(),
      conversations: s.streams.length,
      packets: s.packets,
      bytes: s.bytes,
      clients: [...s.clients].slice(0, 10).map((k) => ctx.addresses.text(k)),
      filter: `${s.transport}.port == ${s.port} && ip.addr == ${server}`.replace('ip.addr', server.includes(':') ? 'ipv6.addr' : 'ip.addr'),
    },
  });
}
