// Statistics of a capture, computed from the engine's index: a library for
// the worker and the CLI. Each function takes a StatsSource (the index, the
// engine, a reader of packets' bytes, and optionally the packets a display
// filter selected) and returns plain data (numbers and strings, no typed
// arrays), ready to post from a worker.
//
//   conversations(src, 'eth' | 'ip' | 'ipv6' | 'tcp' | 'udp')   tshark -z conv,...
//   endpoints(src, 'eth' | 'ip' | 'ipv6' | 'tcp' | 'udp')       tshark -z endpoints,...
//   protocolHierarchy(src)                                      tshark -z io,phs
//   packetLengths(src)                                          tshark -z plen,tree
//   captureSummary(src)                                         capinfos, Capture File Properties
//   dnsStats(src), tlsStats(src), httpStats(src)                application summaries

export type { StatsSource, ReadPackets } from './source';
export { conversations, type Conversation, type ConversationKind, type ConversationTable } from './conversations';
export { endpoints, type Endpoint, type EndpointKind, type EndpointTable } from './endpoints';
export { protocolHierarchy, type ProtocolHierarchy, type ProtocolNode } from './hierarchy';
export { packetLengths, type PacketLengths, type LengthRow } from './lengths';
export { captureSummary, type CaptureSummaryStats, type Totals, type InterfaceSummary } from './summary';
export { dnsStats, type DnsStats, type DnsAnswerTime } from './dns';
export { tlsStats, type TlsStats, type TlsSession } from './tls';
export { httpStats, type HttpStats } from './http';
export { conversationFilter, endpointFilter } from './filters';
export { TALK_KINDS, type TalkKind } from './talks';
