// Following a TCP or UDP stream: the data both ends sent, in order, as
// Wireshark's "Follow Stream" shows it. Each packet of the stream is
// dissected by the engine (its relative sequence numbers, its payload); the
// TCP data is then put in order the way Wireshark's follow tap does
// (packet-tcp.c, follow_tcp_tap_listener): retransmitted and overlapping
// bytes are dropped, segments that come early wait for the gap before them,
// and a gap the other side acknowledges is marked "[N bytes missing in
// capture file]".

import type { CaptureIndex, Engine } from '../engine/engine';
import { DATAGRAM_KINDS, rebuildFor, rebuildForSync, type PacketReader } from '../engine/rebuild';
import type { RawNodes } from '../engine/tree';
import type { Registry } from '../engine/registry';
import { AddrKind, ADDR_KIND_MASK } from '../engine/columns';
import { formatIpv6 } from '../engine/capture';
import { formatIpv4, formatMac } from '../engine/format';

export type StreamProtocol = 'tcp' | 'udp';

export interface StreamEndpoint {
  address: string;
  port: number;
  ipv6: boolean;
}

/** A run of bytes one end sent, as one packet brought it. */
export interface StreamChunk {
  /** 0: node 0 (the end that sent the stream's first packet), 1: node 1. */
  node: 0 | 1;
  /** The packet (0-based index) the bytes came in; for a gap, the packet that revealed it. */
  packet: number;
  bytes: Uint8Array;
  /** Where the chunk starts in its node's data. */
  offset: number;
  /** For a "[N bytes missing in capture file]" chunk: N (the bytes are that text and a NUL, as Wireshark gives them). */
  missing?: number;
}

export interface FollowedStream {
  protocol: StreamProtocol;
  stream: number;
  /** Node 0 and node 1; null when the stream has no packet (Wireshark shows ":0"). */
  nodes: [StreamEndpoint, StreamEndpoint] | null;
  /** Both directions' data in the order Wireshark shows it. */
  chunks: StreamChunk[];
  /** Bytes sent by node 0 and by node 1. */
  totals: [number, number];
  /** Every packet of the stream (0-based), in capture order. */
  packets: number[];
}

/** What the follower needs of one packet's transport layer. */
export interface StreamSegment {
  packet: number;
  src: StreamEndpoint;
  dst: StreamEndpoint;
  /** TCP only: relative sequence and acknowledgment numbers, flags, and the segment length (tcp.len). */
  seq: number;
  ack: number;
  flags: number;
  length: number;
  /** The payload bytes captured. */
  payload: Uint8Array;
}

const TH_SYN = 0x02;

const gt = (a: number, b: number) => ((a - b) | 0) > 0;
const lt = (a: number, b: number) => ((a - b) | 0) < 0;
const sameEnd = (a: StreamEndpoint, b: StreamEndpoint) => a.address === b.address && a.port === b.port;

interface Pending {
  packet: number;
  seq: number;
  bytes: Uint8Array;
}

/** Puts TCP segments in order, as Wireshark's follow tap does; feed segments in capture order. */
export class TcpFollower {
  private client: StreamEndpoint | null = null;
  private server: StreamEndpoint | null = null;
  private readonly seq = [0, 0];
  private readonly written = [0, 0];
  private readonly early: Pending[][] = [[], []];
  readonly chunks: StreamChunk[] = [];

  add(s: StreamSegment): void {
    let sequence = s.flags & TH_SYN ? (s.seq + 1) >>> 0 : s.seq;
    let length = s.length;
    let offset = 0;
    let available = s.payload.length;
    if (!this.client) {
      this.client = s.src;
      this.server = s.dst;
    }
    const node = sameEnd(s.src, this.client) ? 0 : 1;
    const other = 1 - node;
    // This packet's ACK may cover data of the other side the capture missed.
    while (this.early[other]!.length && this.applyEarly(other, s.ack, s.packet, true));
    if (this.written[node] === 0 && this.seq[node] === 0) this.seq[node] = sequence;
    if (lt(sequence, this.seq[node]!)) {
      // Seen before, but perhaps with more data this time.
      const next = (sequence + length) >>> 0;
      if (gt(next, this.seq[node]!)) {
        offset = (this.seq[node]! - sequence) >>> 0;
        available = available <= offset ? 0 : available - offset;
        sequence = this.seq[node]!;
        length = (next - this.seq[node]!) >>> 0;
      }
    }
    if (available === 0 || lt(sequence, this.seq[node]!)) return;
    const bytes = s.payload.subarray(offset, offset + available);
    if (sequence === this.seq[node]) {
      this.seq[node] = (this.seq[node]! + length) >>> 0;
      this.emit(node, s.packet, bytes);
      while (this.applyEarly(node, 0, s.packet, false));
    } else {
      // Early: data before it is still to come.
      this.early[node]!.push({ packet: s.packet, seq: sequence, bytes });
    }
  }

  private emit(node: number, packet: number, bytes: Uint8Array, missing?: number): void {
    const chunk: StreamChunk = { node: node as 0 | 1, packet, bytes, offset: this.written[node]! };
    if (missing !== undefined) chunk.missing = missing;
    this.chunks.push(chunk);
    this.written[node]! += bytes.length;
  }

  /**
   * Applies one waiting segment of `node` that now fits; or, when `useAck`
   * and `acknowledged` is past the lowest one, marks the gap before it as
   * missing. Returns whether something was applied.
   */
  private applyEarly(node: number, acknowledged: number, packet: number, useAck: boolean): boolean {
    const list = this.early[node]!;
    if (list.length === 0) return false;
    let lowest = list[0]!.seq;
    for (let k = 0; k < list.length; k++) {
      const f = list[k]!;
      if (gt(lowest, f.seq)) lowest = f.seq;
      if (lt(f.seq, this.seq[node]!)) {
        // Partly seen: keep only what is new.
        const end = (f.seq + f.bytes.length) >>> 0;
        if (gt(end, this.seq[node]!)) {
          const from = (this.seq[node]! - f.seq) >>> 0;
          if (f.bytes.length > from) this.emit(node, f.packet, f.bytes.subarray(from));
          this.seq[node] = (this.seq[node]! + (f.bytes.length - from)) >>> 0;
        }
        list.splice(k, 1);
        return true;
      }
      if (f.seq === this.seq[node]) {
        if (f.bytes.length > 0) this.emit(node, f.packet, f.bytes);
        this.seq[node] = (this.seq[node]! + f.bytes.length) >>> 0;
        list.splice(k, 1);
        return true;
      }
    }
    if (useAck && gt(acknowledged, lowest)) {
      const count = (lowest - this.seq[node]!) | 0;
      const text = new TextEncoder().encode(`[${count} bytes missing in capture file]\0`);
      this.emit(node, packet, text, count);
      this.seq[node] = lowest;
      return true;
    }
    return false;
  }

  nodes(): [StreamEndpoint, StreamEndpoint] | null {
    return this.client && this.server ? [this.client, this.server] : null;
  }

  totals(): [number, number] {
    return [this.written[0]!, this.written[1]!];
  }
}

/** Collects UDP datagrams of a stream; feed datagrams in capture order. */
export class UdpFollower {
  private client: StreamEndpoint | null = null;
  private server: StreamEndpoint | null = null;
  private readonly written = [0, 0];
  readonly chunks: StreamChunk[] = [];

  add(s: StreamSegment): void {
    // Empty datagrams are not followed (nor do they choose node 0), as in Wireshark.
    if (s.payload.length === 0) return;
    if (!this.client) {
      this.client = s.src;
      this.server = s.dst;
    }
    const node = sameEnd(s.src, this.client) ? 0 : 1;
    this.chunks.push({ node, packet: s.packet, bytes: s.payload, offset: this.written[node]! });
    this.written[node]! += s.payload.length;
  }

  nodes(): [StreamEndpoint, StreamEndpoint] | null {
    return this.client && this.server ? [this.client, this.server] : null;
  }

  totals(): [number, number] {
    return [this.written[0]!, this.written[1]!];
  }
}

// ---- reading the segments of a stream from the engine -----------------------------

/** Field ids the segment reader looks for. */
class StreamFields {
  readonly ids = new Map<number, string>();
  constructor(readonly registry: Registry) {
    for (const name of ['tcp', 'tcp.stream', 'tcp.len', 'tcp.seq', 'tcp.ack', 'tcp.flags', 'tcp.hdr_len', 'tcp.payload', 'udp', 'udp.stream', 'udp.payload']) {
      for (const id of registry.ids(name)) this.ids.set(id, name);
    }
  }
}

const fieldCache = new WeakMap<Registry, StreamFields>();

function fieldsOf(registry: Registry): StreamFields {
  let f = fieldCache.get(registry);
  if (!f) {
    f = new StreamFields(registry);
    fieldCache.set(registry, f);
  }
  return f;
}

interface Layer {
  values: Map<string, number>;
  payload: Uint8Array;
  /** Where the header starts, in which data source: a header cut by the capture stops tshark before it follows the packet. */
  start: number;
  source: number;
}

/**
 * A packet's ends as its Source and Destination columns and ports give
 * them: like Wireshark's follow, which takes the packet's final addresses
 * (the inner ones in a tunnel, MAC addresses when the innermost layer has
 * no IP address).
 */
export function packetEnds(index: CaptureIndex, packet: number): [StreamEndpoint, StreamEndpoint] {
  const c = index.columns.arrays;
  const kind = (c.addrKind[packet]! & ADDR_KIND_MASK) as AddrKind;
  const text = (value: number): string => {
    if (kind === AddrKind.IPV4) return formatIpv4(value);
    const a = index.info.addresses[value];
    if (!a) return '';
    return kind === AddrKind.MAC ? formatMac(a.bytes) : kind === AddrKind.IPV6 ? formatIpv6(a.bytes) : '';
  };
  const ipv6 = kind === AddrKind.IPV6;
  return [
    { address: text(c.src[packet]!), port: c.srcPort[packet]!, ipv6 },
    { address: text(c.dst[packet]!), port: c.dstPort[packet]!, ipv6 },
  ];
}

/**
 * The transport layer of `protocol` in a dissected packet that belongs to
 * `stream` (the innermost, in a tunnel). TCP layers without a segment
 * length (inside an ICMP error, or a fragment) are not followed, as in
 * Wireshark.
 */
export function segmentOf(engine: Engine, index: CaptureIndex, raw: RawNodes, packet: number, protocol: StreamProtocol, stream: number): StreamSegment | null {
  const known = fieldsOf(engine.registry);
  let layer: Layer | null = null;
  let found: Layer | null = null;
  const finish = () => {
    if (!layer || layer.values.get(`${protocol}.stream`) !== stream) return;
    if (protocol === 'tcp') {
      const captured = engine.sourceBytes(layer.source)?.length ?? 0;
      if (!layer.values.has('tcp.len') || layer.start + (layer.values.get('tcp.hdr_len') ?? 20) > captured) return;
    }
    found = layer;
  };
  for (let i = 0; i < raw.count; i++) {
    const name = known.ids.get(raw.fieldId(i));
    if (name === undefined) continue;
    if (name === protocol) {
      finish();
      layer = { values: new Map(), payload: new Uint8Array(), start: raw.offset(i), source: raw.source(i) };
    } else if (layer && name.startsWith(`${protocol}.`)) {
      if (name.endsWith('.payload')) {
        const bytes = engine.sourceBytes(raw.source(i));
        layer.payload = bytes ? bytes.slice(raw.offset(i), raw.offset(i) + raw.length(i)) : new Uint8Array();
      } else if (!layer.values.has(name)) {
        layer.values.set(name, Number(raw.value64(i) & 0xffffffffn));
      }
    }
  }
  finish();
  const l = found as Layer | null;
  if (!l) return null;
  const v = (k: string) => l.values.get(`${protocol}.${k}`) ?? 0;
  const [src, dst] = packetEnds(index, packet);
  return { packet, src, dst, seq: v('seq'), ack: v('ack'), flags: v('flags'), length: v('len'), payload: l.payload };
}

/**
 * The packets that may belong to TCP or UDP stream `stream`: those whose
 * summary row carries that stream number (TCP and UDP numbers overlap, so
 * the dissection tells which).
 */
export function streamCandidates(index: CaptureIndex, stream: number): number[] {
  const column = index.columns.arrays.stream;
  const out: number[] = [];
  for (let i = 0; i < index.packetCount; i++) if (column[i] === stream) out.push(i);
  return out;
}

function follower(protocol: StreamProtocol): TcpFollower | UdpFollower {
  return protocol === 'tcp' ? new TcpFollower() : new UdpFollower();
}

function result(protocol: StreamProtocol, stream: number, f: TcpFollower | UdpFollower, packets: number[]): FollowedStream {
  return { protocol, stream, nodes: f.nodes(), chunks: f.chunks, totals: f.totals(), packets };
}

export interface FollowOptions {
  /** Reads many packets in one request (faster than `read` one by one, for a worker reading a File). */
  readBatch?: (packets: number[]) => Promise<Uint8Array[]>;
  /** Told how many of the stream's candidate packets have been read. */
  onProgress?: (done: number, total: number) => void;
  /** Stops early (the result holds what was followed so far). */
  shouldStop?: () => boolean;
}

const BATCH = 256;

/**
 * Follows TCP or UDP stream `stream` of a capture: reads and dissects its
 * packets (the engine works on `index`), and puts both directions' data in
 * order. `read` gives a packet's captured bytes.
 */
export async function followStream(engine: Engine, index: CaptureIndex, read: PacketReader, protocol: StreamProtocol, stream: number, options: FollowOptions = {}): Promise<FollowedStream> {
  const f = follower(protocol);
  const candidates = streamCandidates(index, stream);
  const packets: number[] = [];
  for (let b = 0; b < candidates.length; b += BATCH) {
    if (options.shouldStop?.()) break;
    const batch = candidates.slice(b, b + BATCH);
    const bytes = options.readBatch ? await options.readBatch(batch) : await Promise.all(batch.map((i) => read(i)));
    for (let k = 0; k < batch.length; k++) {
      const i = batch[k]!;
      const rebuilt = await rebuildFor(index, i, read, DATAGRAM_KINDS);
      const segment = segmentOf(engine, index, engine.dissectNodes(index, i, bytes[k]!, rebuilt), i, protocol, stream);
      if (segment) {
        packets.push(i);
        f.add(segment);
      }
    }
    options.onProgress?.(Math.min(b + BATCH, candidates.length), candidates.length);
  }
  return result(protocol, stream, f, packets);
}

/** The same, for readers that answer at once (Node files). */
export function followStreamSync(engine: Engine, index: CaptureIndex, read: (packet: number) => Uint8Array, protocol: StreamProtocol, stream: number): FollowedStream {
  const f = follower(protocol);
  const packets: number[] = [];
  for (const i of streamCandidates(index, stream)) {
    const rebuilt = rebuildForSync(index, i, read, DATAGRAM_KINDS);
    const segment = segmentOf(engine, index, engine.dissectNodes(index, i, read(i), rebuilt), i, protocol, stream);
    if (segment) {
      packets.push(i);
      f.add(segment);
    }
  }
  return result(protocol, stream, f, packets);
}
