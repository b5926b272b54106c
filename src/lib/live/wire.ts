// The live-capture wire protocol between the bridge (bridge/) and the page:
// one module, used by both.
//
// Over one WebSocket (ws://127.0.0.1:PORT/?token=TOKEN):
//
// - Control messages are text frames holding one JSON object, at most
//   MAX_CONTROL_BYTES long. The page sends ClientMessage, the bridge answers
//   with BridgeMessage. Anything else closes that connection: code 1009
//   (message too big) for a message longer than MAX_CONTROL_BYTES bytes, 1007
//   for text that is not UTF-8, 1008 for any other (binary, not JSON, an
//   unknown type, bad fields). So does sending messages faster than a page
//   would (1008; bridge/server.ts says how fast: MESSAGE_BURST,
//   MESSAGES_PER_SECOND).
// - Captured frames are binary messages, each holding one or more frames
//   back to back (the bridge sends together the frames it read together, so
//   that a busy capture costs a message per batch, not per packet). A frame
//   is a FRAME_HEADER_BYTES header, all integers little-endian, then the
//   captured bytes:
//
//     offset  size  field
//     0       1     version (WIRE_VERSION)
//     1       1     kind (1: a captured frame)
//     2       2     interface (index in the bridge's interface list, as
//                   in 'started'; 65535 for one the list does not hold)
//     4       4     link type (LINKTYPE_*, as in pcap)
//     8       8     time stamp, nanoseconds since 1970-01-01 UTC (signed)
//     16      4     captured length (the bytes that follow)
//     20      4     original length on the wire
//
// What the bridge can know with the libpcap binding it uses (cap 0.2.1), which
// hands over a packet's bytes but not libpcap's packet header:
// - The time stamp is when the bridge read the packet from libpcap, not the
//   kernel's capture time: the wall clock at the capture's start plus a
//   monotonic clock (process.hrtime), so it never goes backwards. Packets read
//   in one batch are microseconds apart even when they arrived further apart.
// - libpcap's own snapshot length is fixed at 65535 bytes; the bridge cuts
//   frames to the snapshot length the page asked for (the 'started' message
//   gives the one in effect). The original length is exact for packets up to
//   65535 bytes; a longer one (possible on loopback, with offloads) is reported
//   as 65535.
//
// The bridge never parses packet contents; the page's engine decodes them.

/** 2: a binary message may hold several frames (1: exactly one). */
export const WIRE_VERSION = 2;
export const FRAME_KIND = 1;
export const FRAME_HEADER_BYTES = 24;
/** Control messages longer than this are refused. */
export const MAX_CONTROL_BYTES = 4096;
/** The bridge's port when none is given. */
export const DEFAULT_PORT = 8765;
export const MAX_SNAPLEN = 262144;

export interface InterfaceInfo {
  name: string;
  description: string;
  addresses: string[];
  /** Link type, as pcap numbers them (1 Ethernet ...); null when unknown until opened. */
  linkType: number | null;
}

/**
 * A 'start' while a capture runs replaces it: the bridge answers 'stopped' for
 * the old one, then 'started' or 'error' for the new one. A 'start' beyond the
 * bridge's rate (START_BURST, STARTS_PER_SECOND in bridge/server.ts) is
 * answered with 'error' alone, and the capture running goes on. 'stats' is answered
 * at once; while capturing, the bridge also sends stats every second.
 */
export type ClientMessage =
  | { type: 'list' }
  | { type: 'start'; interface: string; filter: string; snaplen?: number }
  | { type: 'stop' }
  | { type: 'stats' };

export interface CaptureStats {
  /** Frames libpcap handed to the bridge for this connection's capture. */
  received: number;
  /** Frames sent to this connection. */
  sent: number;
  /** Frames this connection missed because its socket was not draining fast enough. */
  droppedBridge: number;
  /**
   * libpcap's own counters (kernel and interface drops). Always 0 from this
   * bridge: its libpcap binding (cap 0.2.1) does not expose pcap_stats.
   */
  droppedPcap: number;
  droppedInterface: number;
}

export type BridgeMessage =
  /** The defaults offered to the page: those given to the bridge's command line, else its choice. */
  | { type: 'hello'; version: number; interface: string | null; filter: string; snaplen?: number }
  | { type: 'interfaces'; list: InterfaceInfo[] }
  | { type: 'started'; interface: string; index: number; linkType: number; filter: string; snaplen: number }
  | { type: 'stats'; stats: CaptureStats }
  | { type: 'stopped'; reason: string }
  | { type: 'error'; message: string };

export interface Frame {
  interface: number;
  linkType: number;
  /** Nanoseconds since the epoch. */
  time: bigint;
  originalLength: number;
  data: Uint8Array;
}

/** Encodes a frame as the bridge sends it (a binary message holds one or more). */
export function encodeFrame(f: Frame): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + f.data.length);
  const v = new DataView(out.buffer);
  v.setUint8(0, WIRE_VERSION);
  v.setUint8(1, FRAME_KIND);
  v.setUint16(2, f.interface, true);
  v.setUint32(4, f.linkType, true);
  v.setBigInt64(8, f.time, true);
  v.setUint32(16, f.data.length, true);
  v.setUint32(20, f.originalLength, true);
  out.set(f.data, FRAME_HEADER_BYTES);
  return out;
}

/** Decodes one frame, all of `bytes`; null when it is not a frame of this version. */
export function decodeFrame(bytes: Uint8Array): Frame | null {
  if (bytes.length < FRAME_HEADER_BYTES) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint8(0) !== WIRE_VERSION || v.getUint8(1) !== FRAME_KIND) return null;
  const capLen = v.getUint32(16, true);
  if (FRAME_HEADER_BYTES + capLen !== bytes.length) return null;
  return {
    interface: v.getUint16(2, true),
    linkType: v.getUint32(4, true),
    time: v.getBigInt64(8, true),
    originalLength: v.getUint32(20, true),
    data: bytes.subarray(FRAME_HEADER_BYTES),
  };
}

/** Decodes a binary message: the frames it holds, in order; null when any is not a frame of this version. */
export function decodeFrames(bytes: Uint8Array): Frame[] | null {
  const frames: Frame[] = [];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < FRAME_HEADER_BYTES) return null;
    const end = at + FRAME_HEADER_BYTES + v.getUint32(at + 16, true);
    const f = end <= bytes.length ? decodeFrame(bytes.subarray(at, end)) : null;
    if (!f) return null;
    frames.push(f);
    at = end;
  }
  return frames.length ? frames : null;
}

/**
 * Reads a control message from the page; null when it is not valid (not
 * JSON, too long, an unknown type, fields of the wrong type or size).
 */
export function parseClientMessage(text: string): ClientMessage | null {
  if (text.length > MAX_CONTROL_BYTES) return null;
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return null;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'list':
    case 'stop':
    case 'stats':
      return { type: o.type };
    case 'start': {
      if (typeof o.interface !== 'string' || o.interface.length === 0 || o.interface.length > 256) return null;
      if (typeof o.filter !== 'string' || o.filter.length > 2048) return null;
      if (o.snaplen !== undefined && (typeof o.snaplen !== 'number' || !Number.isInteger(o.snaplen) || o.snaplen < 64 || o.snaplen > MAX_SNAPLEN)) return null;
      return { type: 'start', interface: o.interface, filter: o.filter, ...(o.snaplen !== undefined ? { snaplen: o.snaplen as number } : {}) };
    }
    default:
      return null;
  }
}

/** Reads a message from the bridge; null when it is not one. */
export function parseBridgeMessage(text: string): BridgeMessage | null {
  try {
    const m = JSON.parse(text) as BridgeMessage;
    return typeof m === 'object' && m !== null && typeof m.type === 'string' ? m : null;
  } catch {
    return null;
  }
}
