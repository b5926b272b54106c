// Who talks to whom in each packet, at one layer (Ethernet, IPv4, IPv6, TCP,
// UDP): what Wireshark's conversation and endpoint tables count. A packet
// with one layer of the kind (and, for TCP and UDP, one network layer under
// it) is read from the summary columns and the layer table; a packet with
// several (a tunnel) or whose layers were not recorded is dissected, and
// each of its layers counts, as each calls Wireshark's tap.

import { AddrKind, ADDR_KIND_MASK } from '../engine/columns';
import { NO_ETH_PAIR } from '../engine/layers';
import type { RawNodes } from '../engine/tree';
import { FieldType, type Registry } from '../engine/registry';
import { AddressBook, Family } from './addresses';
import { dissectEach } from './dissect';
import { Layer, PathFacts } from './layers';
import type { StatsSource } from './source';

export type TalkKind = 'eth' | 'ip' | 'ipv6' | 'tcp' | 'udp';

export const TALK_KINDS: readonly TalkKind[] = ['eth', 'ip', 'ipv6', 'tcp', 'udp'];

const LAYER_OF: Record<TalkKind, Layer> = { eth: Layer.ETH, ip: Layer.IP, ipv6: Layer.IPV6, tcp: Layer.TCP, udp: Layer.UDP };

/**
 * One layer of one packet: `family` and ids of the source and destination
 * addresses (see AddressBook), the ports (0 below the transport) and the
 * stream (tcp.stream or udp.stream; -1 below the transport).
 */
export type TalkSink = (packet: number, family: Family, src: number, dst: number, srcPort: number, dstPort: number, stream: number) => void;

const TCP = 6;
const UDP = 17;
/** Reassembly record of an IPv6 datagram rebuilt from fragments. */
const IPV6_DATAGRAM = 3;
/** Numbers per talk of a dissected packet: family, src, dst, srcPort, dstPort, stream. */
const TALK_WORDS = 6;

/**
 * Calls `sink` for every `kind` layer of every selected packet, in packet
 * order. Returns how many packets had to be dissected.
 */
export async function eachTalk(src: StatsSource, kind: TalkKind, book: AddressBook, sink: TalkSink): Promise<number> {
  const { index, engine } = src;
  const facts = new PathFacts(index, engine.registry);
  const layer = LAYER_OF[kind];
  const c = index.columns.arrays;
  const ethPair = index.info.layers.ethPair;
  const pairs = kind === 'eth' ? book.ethPairs() : null;
  const n = index.packetCount;
  const sel = src.selection;

  // Which packets the columns tell exactly; the others are dissected first.
  const fromColumns = new Uint8Array(n);
  const toDissect: number[] = [];
  for (let i = 0; i < n; i++) {
    if (sel && sel[i] !== 1) continue;
    const path = facts.path(i);
    if (!facts.known(path)) {
      toDissect.push(i);
      continue;
    }
    const count = facts.count(path, layer);
    if (count === 0) continue;
    if (count === 1 && exactInColumns(kind, facts, path, i, c, ethPair)) fromColumns[i] = 1;
    else toDissect.push(i);
  }

  const dissected = new Map<number, number[]>();
  const reader = new LayerReader(engine.registry, book);
  await dissectEach(src, toDissect, (i, raw, sources) => {
    const reassembledIpv6 = index.info.reassemblies.get(i)?.some((r) => r.kind === IPV6_DATAGRAM) ?? false;
    const talks = reader.talks(raw, sources, layer, reassembledIpv6);
    if (talks.length) dissected.set(i, talks);
  });

  for (let i = 0; i < n; i++) {
    if (fromColumns[i]) {
      const kindBits = c.addrKind[i]! & ADDR_KIND_MASK;
      if (kind === 'eth') {
        const p = ethPair[i]!;
        sink(i, Family.MAC, pairs![2 * p + 1]!, pairs![2 * p]!, 0, 0, -1);
      } else {
        const family = kindBits === AddrKind.IPV4 ? Family.IPV4 : Family.IPV6;
        const transport = kind === 'tcp' || kind === 'udp';
        sink(i, family, c.src[i]!, c.dst[i]!, transport ? c.srcPort[i]! : 0, transport ? c.dstPort[i]! : 0, transport ? c.stream[i]! : -1);
      }
      continue;
    }
    const talks = dissected.get(i);
    if (!talks) continue;
    for (let k = 0; k < talks.length; k += TALK_WORDS) {
      sink(i, talks[k] as Family, talks[k + 1]!, talks[k + 2]!, talks[k + 3]!, talks[k + 4]!, talks[k + 5]!);
    }
  }
  return toDissect.length;
}

/** Whether the columns hold packet i's only `kind` layer exactly. */
function exactInColumns(
  kind: TalkKind,
  facts: PathFacts,
  path: number,
  i: number,
  c: { addrKind: Uint8Array; ipProto: Uint8Array; stream: Int32Array },
  ethPair: Uint32Array,
): boolean {
  if (kind === 'eth') return i < ethPair.length && ethPair[i] !== NO_ETH_PAIR;
  const ip = facts.count(path, Layer.IP);
  const ipv6 = facts.count(path, Layer.IPV6);
  const kindBits = c.addrKind[i]! & ADDR_KIND_MASK;
  // IPv4 counts every fragment and cut header as its own. An IPv6 layer
  // counts once its payload is reached (see LayerReader.talks): not in a
  // fragment, nor when the dissection stopped in its headers.
  if (kind === 'ip') return ipv6 === 0 && kindBits === AddrKind.IPV4;
  if (kind === 'ipv6') return ip === 0 && kindBits === AddrKind.IPV6 && !facts.fragment(i) && !facts.endsWith(path, Layer.IPV6);
  // A TCP or UDP header cut short does not count: the dissection stopped in it (nothing follows it).
  if (facts.cut(i) && facts.endsWith(path, kind === 'tcp' ? Layer.TCP : Layer.UDP)) return false;
  if (ip + ipv6 !== 1 || c.stream[i]! < 0) return false;
  if (kindBits !== (ip ? AddrKind.IPV4 : AddrKind.IPV6)) return false;
  return c.ipProto[i] === (kind === 'tcp' ? TCP : UDP);
}

/** Reads the top-level layers of a dissected packet. */
class LayerReader {
  private readonly protocol: number[];
  private readonly fieldIds: Map<number, string>;
  /** Field ids of every protocol. */
  private readonly protocols: Set<number>;

  constructor(
    registry: Registry,
    private readonly book: AddressBook,
  ) {
    this.protocol = ['eth', 'ip', 'ipv6', 'tcp', 'udp'].map((p) => registry.get(p)?.id ?? -1);
    this.protocols = new Set(registry.fields.filter((f) => f.type === FieldType.PROTOCOL).map((f) => f.id));
    this.fieldIds = new Map();
    for (const f of ['eth.src', 'eth.dst', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'tcp.srcport', 'tcp.dstport', 'tcp.stream', 'tcp.hdr_len', 'udp.srcport', 'udp.dstport', 'udp.stream']) {
      for (const id of registry.ids(f)) this.fieldIds.set(id, f.slice(f.indexOf('.') + 1));
    }
    this.fragmentHeader = registry.get('ipv6.fraghdr')?.id ?? -1;
  }

  private readonly fragmentHeader: number;

  /**
   * Talks (TALK_WORDS numbers each) of every top-level `layer` of the packet,
   * as Wireshark's taps see them: an IPv6 layer counts once its payload is
   * reached (not for a fragment, unless the datagram was reassembled in this
   * packet, nor when its extension headers are cut short); a TCP layer once
   * its header is read whole; a UDP layer once it has a stream.
   */
  talks(raw: RawNodes, sources: (s: number) => Uint8Array | undefined, layer: Layer, reassembledIpv6: boolean): number[] {
    const out: number[] = [];
    // The network layer the next transport layer is carried by.
    let netFamily = 0;
    let netSrc = -1;
    let netDst = -1;
    for (let n = 0; n < raw.count; n++) {
      if (raw.parent(n) !== -1) continue;
      const which = this.protocol.indexOf(raw.fieldId(n));
      if (which < 0) continue;
      const f = this.children(raw, n, sources, which);
      if (which === Layer.ETH) {
        if (layer === Layer.ETH && f.src >= 0 && f.dst >= 0) out.push(Family.MAC, f.src, f.dst, 0, 0, -1);
      } else if (which === Layer.IP || which === Layer.IPV6) {
        const family = which === Layer.IP ? Family.IPV4 : Family.IPV6;
        let complete = f.src >= 0 && f.dst >= 0;
        if (which === Layer.IPV6 && complete) complete = (!f.fragment || reassembledIpv6) && this.followed(raw, n);
        netFamily = complete ? family : 0;
        netSrc = f.src;
        netDst = f.dst;
        if (layer === which && complete) out.push(family, f.src, f.dst, 0, 0, -1);
      } else if (layer === which && netFamily && f.srcPort >= 0 && f.dstPort >= 0 && f.stream >= 0) {
        if (which === Layer.TCP && !headerCaptured(raw, n, sources, f.headerLength)) continue;
        out.push(netFamily, netSrc, netDst, f.srcPort, f.dstPort, f.stream);
      }
    }
    return out;
  }

  /** Whether another protocol follows top-level node `n` at the top level. */
  private followed(raw: RawNodes, n: number): boolean {
    for (let m = n + 1; m < raw.count; m++) if (raw.parent(m) === -1 && this.protocols.has(raw.fieldId(m))) return true;
    return false;
  }

  /** The addresses, ports and stream among the direct children of node `n`. */
  private children(raw: RawNodes, n: number, sources: (s: number) => Uint8Array | undefined, which: Layer) {
    const out = { src: -1, dst: -1, srcPort: -1, dstPort: -1, stream: -1, headerLength: -1, fragment: false };
    for (let m = n + 1; m < raw.count && raw.parent(m) !== -1; m++) {
      if (raw.parent(m) !== n) continue;
      if (raw.fieldId(m) === this.fragmentHeader) out.fragment = true;
      const name = this.fieldIds.get(raw.fieldId(m));
      if (name === undefined) continue;
      switch (name) {
        case 'src':
        case 'dst': {
          if ((name === 'src' ? out.src : out.dst) >= 0) break;
          const id = which === Layer.IP ? raw.valueLow(m) >>> 0 : this.bytesId(raw, m, sources, which === Layer.ETH ? AddrKind.MAC : AddrKind.IPV6);
          if (id < 0) break;
          if (name === 'src') out.src = id;
          else out.dst = id;
          break;
        }
        case 'srcport':
          if (out.srcPort < 0) out.srcPort = raw.valueLow(m);
          break;
        case 'dstport':
          if (out.dstPort < 0) out.dstPort = raw.valueLow(m);
          break;
        case 'stream':
          if (out.stream < 0) out.stream = raw.valueLow(m);
          break;
        case 'hdr_len':
          if (out.headerLength < 0) out.headerLength = raw.valueLow(m);
          break;
      }
    }
    return out;
  }

  private bytesId(raw: RawNodes, m: number, sources: (s: number) => Uint8Array | undefined, kind: AddrKind.MAC | AddrKind.IPV6): number {
    const size = kind === AddrKind.MAC ? 6 : 16;
    let bytes: Uint8Array | null = raw.hasPoolValue(m) ? raw.poolBytes(m) : null;
    if (!bytes) {
      const s = sources(raw.source(m));
      const off = raw.offset(m);
      bytes = s && raw.length(m) === size && off + size <= s.length ? s.subarray(off, off + size) : null;
    }
    return bytes && bytes.length === size ? this.book.id(kind, bytes) : -1;
  }
}

/** Whether the TCP header of top-level node `n` (hdr_len bytes) was captured whole. */
function headerCaptured(raw: RawNodes, n: number, sources: (s: number) => Uint8Array | undefined, headerLength: number): boolean {
  const bytes = sources(raw.source(n));
  return headerLength >= 20 && !!bytes && raw.offset(n) + headerLength <= bytes.length;
}
