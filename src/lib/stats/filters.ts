// Display filters that select a conversation's or an endpoint's packets, for
// "Apply as filter" beside a row of the tables.

import type { Conversation, ConversationKind } from './conversations';
import type { Endpoint, EndpointKind } from './endpoints';

function addressField(kind: ConversationKind, address: string): string {
  if (kind === 'eth') return 'eth.addr';
  if (kind === 'ipv6') return 'ipv6.addr';
  if (kind === 'ip') return 'ip.addr';
  return address.includes(':') ? 'ipv6.addr' : 'ip.addr';
}

/** The packets of a conversation: its stream for TCP and UDP, else both addresses. */
export function conversationFilter(kind: ConversationKind, c: Conversation): string {
  if ((kind === 'tcp' || kind === 'udp') && c.stream !== undefined && c.stream >= 0) return `${kind}.stream == ${c.stream}`;
  const a = `${addressField(kind, c.addressA)} == ${c.addressA}`;
  const b = `${addressField(kind, c.addressB)} == ${c.addressB}`;
  if (kind === 'tcp' || kind === 'udp') return `${a} && ${kind}.port == ${c.portA} && ${b} && ${kind}.port == ${c.portB}`;
  return `${a} && ${b}`;
}

/** The packets an endpoint sent or received. */
export function endpointFilter(kind: EndpointKind, e: Endpoint): string {
  const a = `${addressField(kind, e.address)} == ${e.address}`;
  return (kind === 'tcp' || kind === 'udp') && e.port !== null ? `${a} && ${kind}.port == ${e.port}` : a;
}
