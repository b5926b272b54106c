// Follow TCP stream and follow UDP stream: see follow.ts (the data, in
// order) and format.ts (as tshark prints it).

export { followStream, followStreamSync, streamCandidates, segmentOf, packetEnds, TcpFollower, UdpFollower } from './follow';
export type { FollowedStream, StreamChunk, StreamEndpoint, StreamProtocol, StreamSegment, FollowOptions } from './follow';
export { formatFollow, formatChunk, followFilter, rawText, asciiText, hexDump, FOLLOW_MODES } from './format';
export type { FollowMode } from './format';
