// TCP connections and UDP conversations from the summary columns (their
// stream indexes), with what the detectors ask of them: who opened them,
// whether the server answered, whether the client completed the
// handshake, and how much they carried. Computed over the whole capture: a
// selection limits which packets raise findings, not what is known about
// the conversations they belong to.

import type { ExpertContext } from './context';
import type { AddressKey } from './addresses';

export const TCP = 6;
export const UDP = 17;
export const ICMP = 1;
export const ICMPV6 = 58;

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
export const URG = 0x20;

export interface Conversation {
  /** The side that opened it (TCP: sent the SYN; UDP: sent the first datagram); undefined when the capture missed the opening. */
  client?: AddressKey;
  clientPort: number;
  server?: AddressKey;
  serverPort: number;
  /** The packet that opened it (TCP: the first SYN; UDP: the first datagram), or -1. */
  opened: number;
  /** TCP: the server sent SYN+ACK. UDP: the server sent a datagram back. */
  answered: boolean;
  /** TCP: the client sent an ACK after its SYN (the handshake completed). */
  completed: boolean;
  packets: number;
  bytes: number;
}

export interface Conversations {
  tcp: Map<number, Conversation>;
  udp: Map<number, Conversation>;
}

export function conversations(ctx: ExpertContext): Promise<Conversations> {
  return ctx.memo('conversations', async () => build(ctx));
}

function build(ctx: ExpertContext): Conversations {
  const c = ctx.columns;
  const a = ctx.addresses;
  const tcp = new Map<number, Conversation>();
  const udp = new Map<number, Conversation>();
  for (let i = 0; i < ctx.packetCount; i++) {
    const proto = c.ipProto[i]!;
    const stream = c.stream[i]!;
    if (stream < 0 || (proto !== TCP && proto !== UDP) || !a.isIp(i)) continue;
    const table = proto === TCP ? tcp : udp;
    let conv = table.get(stream);
    if (!conv) {
      conv = { clientPort: 0, serverPort: 0, opened: -1, answered: false, completed: false, packets: 0, bytes: 0 };
      table.set(stream, conv);
    }
    conv.packets++;
    conv.bytes += ctx.index.columns.origLen(i);
    const src = a.source(i);
    const sport = c.srcPort[i]!;
    if (proto === TCP) tcpPacket(conv, i, c.aux[i]!, src, sport, a.destination(i), c.dstPort[i]!);
    else udpPacket(conv, i, src, sport, a.destination(i), c.dstPort[i]!);
  }
  return { tcp, udp };
}

function tcpPacket(conv: Conversation, i: number, flags: number, src: AddressKey, sport: number, dst: AddressKey, dport: number): void {
  const syn = (flags & SYN) !== 0;
  const ack = (flags & ACK) !== 0;
  if (syn && !ack && conv.opened < 0) {
    conv.opened = i;
    conv.client = src;
    conv.clientPort = sport;
    conv.server = dst;
    conv.serverPort = dport;
    return;
  }
  if (conv.opened < 0) return;
  const fromServer = src === conv.server && sport === conv.serverPort;
  if (fromServer && syn && ack) conv.answered = true;
  else if (!fromServer && ack && !syn && (flags & RST) === 0) conv.completed = true;
}

function udpPacket(conv: Conversation, i: number, src: AddressKey, sport: number, dst: AddressKey, dport: number): void {
  if (conv.opened < 0) {
    conv.opened = i;
    conv.client = src;
    conv.clientPort = sport;
    conv.server = dst;
    conv.serverPort = dport;
  } else if (src === conv.server && sport === conv.serverPort) conv.answered = true;
}
