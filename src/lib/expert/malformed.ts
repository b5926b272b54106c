// Malformed and truncated packets, as Wireshark's expert info reports them.
//
// The engine stops dissecting a packet at the first read past its data, as
// Wireshark's bounds exceptions do, and marks in the summary columns the
// packets whose network or transport header is impossible or cut short
// (the "complex" bit). The candidates dissected here are those packets,
// the packets captured short of their length (snapshot length), IPv6
// packets whose extension headers hid the transport, and DNS messages.
// Their trees are then checked:
//
// - a field or protocol reaching past the end of its data: the packet was
//   cut short, by the capture's snapshot length ("Packet size limited during
//   capture", a note) or in itself ("Malformed Packet", an error);
// - headers that contradict themselves or the frame (IPv4 header length
//   under 20 or total length past the frame, IPv6 payload length past the
//   frame, TCP header length under 20 or past the segment, UDP length
//   under 8 or past the datagram), with Wireshark's wording;
// - DNS messages shorter than their header, or holding fewer questions or
//   records than their header counts.
//
// Packets quoted inside ICMP errors are left alone: they are cut short by
// design. A packet the engine did not mark and that is not a candidate is
// not checked (an IPv4 total length past the end of a frame the engine read
// without trouble, for one): that would mean dissecting every packet.

import { AddrKind, COMPLEX_PACKET } from '../engine/columns';
import { FieldType } from '../engine/registry';
import type { RawNodes } from '../engine/tree';
import type { ExpertContext } from './context';
import { makeFinding, type Detector } from './detector';
import { dnsMessages } from './dns-messages';
import { PacketRefs } from './packets';
import type { Category, Finding, Severity } from './types';

/** IPv6 extension headers: a packet whose transport column holds one did not reach its transport. */
const IPV6_EXTENSIONS = new Set([0, 43, 44, 60]);
const QUOTING = new Set(['icmp', 'icmpv6']);

interface Problem {
  severity: Severity;
  category: Category;
  protocol: string;
  title: string;
}

const RULE_CUT =
  'A field or header reaches past the bytes captured. When the capture kept only part of the packet (its snapshot length), this is a note: the fields after the cut are missing. When the whole packet was captured, the packet itself is too short for what it says it holds: an error.';
const RULE_HEADER =
  'A header contradicts itself or the packet: an IPv4 header length under 20 bytes or a total length past the end of the frame, an IPv6 payload length past the frame, a TCP header length under 20 or past the segment, a UDP length under 8 or past the datagram.';
const RULE_DNS = 'A DNS message shorter than its 12-byte header, or holding fewer questions or records than its header counts.';

export const malformedDetector: Detector = {
  id: 'malformed',
  name: 'Malformed and truncated packets',
  async run(ctx) {
    const groups = new Map<string, { problem: Problem; rule: string; refs: PacketRefs }>();
    const add = (p: Problem, rule: string, packet: number) => {
      const key = `${p.severity}|${p.title}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { problem: p, rule, refs: new PacketRefs() }));
      g.refs.add(packet);
    };
    const candidates = candidatePackets(ctx);
    await ctx.dissector.each(candidates, (i, raw) => {
      for (const p of inspect(ctx, i, raw)) add(p, p.category === 'malformed' ? RULE_CUT : RULE_HEADER, i);
    });
    for (const m of await dnsMessages(ctx)) {
      // A message the capture cut short is reported as such, above.
      if (m.cut) continue;
      if (!m.hasHeader) add({ severity: 'error', category: 'malformed', protocol: m.protocol, title: `Malformed Packet: ${m.protocol} message shorter than its 12-byte header` }, RULE_DNS, m.packet);
      else if (m.endsEarly) add({ severity: 'error', category: 'malformed', protocol: m.protocol, title: `Malformed Packet: ${m.protocol} message ends before the records its header counts` }, RULE_DNS, m.packet);
    }
    const out: Finding[] = [];
    for (const [key, g] of groups) {
      out.push(makeFinding({ id: `malformed:${key}`, ...g.problem, rule: g.rule, packets: g.refs }));
    }
    return out;
  },
};

function candidatePackets(ctx: ExpertContext): number[] {
  const c = ctx.columns;
  const cols = ctx.index.columns;
  const out: number[] = [];
  for (let i = 0; i < ctx.packetCount; i++) {
    if (!ctx.selected(i)) continue;
    const complex = (c.addrKind[i]! & COMPLEX_PACKET) !== 0;
    const short = cols.capLen(i) < cols.origLen(i);
    const hiddenTransport = ctx.addresses.kindOf(i) === AddrKind.IPV6 && IPV6_EXTENSIONS.has(c.ipProto[i]!);
    if (complex || short || hiddenTransport) out.push(i);
  }
  return out;
}

/** What the checks need of one dissected packet. */
interface Walked {
  raw: RawNodes;
  /** The first node of each field outside quoted packets. */
  first: Map<string, number>;
  /** The first node reaching past its data, or null. */
  cut: number | null;
  /** Each node's protocol node (itself for a protocol). */
  protoOf: Int32Array;
  /** The capture kept only part of the packet. */
  short: boolean;
  /** Bytes from node k's start to the packet's reported end (frame nodes only; null otherwise). */
  reported: (k: number) => number | null;
  /** Bytes captured from node k's start to the end of its data. */
  captured: (k: number) => number;
}

/** The problems of one dissected packet. */
function inspect(ctx: ExpertContext, i: number, raw: RawNodes): Problem[] {
  const w = walk(ctx, i, raw);
  const problems: Problem[] = [];
  if (w.cut !== null) {
    const p = w.protoOf[w.cut]!;
    problems.push(cutShort(protocolName(ctx, raw.fieldId(p >= 0 ? p : w.cut)), w.short));
  }
  for (const check of [checkIpv4, checkIpv6, checkTcp, checkUdp]) {
    const problem = check(ctx, w);
    if (problem) problems.push(problem);
  }
  return problems;
}

function walk(ctx: ExpertContext, i: number, raw: RawNodes): Walked {
  const registry = ctx.engine.registry;
  const cols = ctx.index.columns;
  const n = raw.count;
  const quoted = new Uint8Array(n);
  const protoOf = new Int32Array(n);
  const first = new Map<string, number>();
  let cut: number | null = null;
  for (let k = 0; k < n; k++) {
    const parent = raw.parent(k);
    const field = registry.field(raw.fieldId(k));
    if (parent >= 0) quoted[k] = quoted[parent]! || QUOTING.has(registry.field(raw.fieldId(parent)).abbrev) ? 1 : 0;
    protoOf[k] = field.type === FieldType.PROTOCOL ? k : parent >= 0 ? protoOf[parent]! : -1;
    if (quoted[k] || raw.isGenerated(k)) continue;
    if (!first.has(field.abbrev)) first.set(field.abbrev, k);
    if (cut === null && raw.isCut(k)) cut = k;
  }
  const origLen = cols.origLen(i);
  return {
    raw,
    first,
    cut,
    protoOf,
    short: cols.capLen(i) < origLen,
    reported: (k) => (raw.source(k) === 0 ? origLen - raw.offset(k) : null),
    captured: (k) => (ctx.engine.sourceBytes(raw.source(k))?.length ?? 0) - raw.offset(k),
  };
}

function checkIpv4(ctx: ExpertContext, w: Walked): Problem | null {
  const ip = w.first.get('ip');
  if (ip === undefined) return null;
  const version = childValue(ctx, w.raw, ip, 'ip.version');
  const hlen = childValue(ctx, w.raw, ip, 'ip.hdr_len');
  const total = childValue(ctx, w.raw, ip, 'ip.len');
  const room = w.reported(ip);
  if (version !== null && version !== 4) return bogus('IPv4', `Bogus IP version (${version}, must be 4)`);
  if (hlen !== null && hlen < 20) return bogus('IPv4', `Bogus IP header length (${hlen}, must be at least 20)`);
  if (total !== null && room !== null && total > room) return bogus('IPv4', `IPv4 total length exceeds packet length (${room} bytes)`);
  // A total length of 0 is TCP segmentation offload, not an error.
  if (total !== null && hlen !== null && total > 0 && total < hlen) return bogus('IPv4', `Bogus IP length (${total}, less than header length ${hlen})`);
  return null;
}

function checkIpv6(ctx: ExpertContext, w: Walked): Problem | null {
  const ip6 = w.first.get('ipv6');
  if (ip6 === undefined) return null;
  const plen = childValue(ctx, w.raw, ip6, 'ipv6.plen');
  const room = w.reported(ip6);
  // A payload length of 0 announces a jumbogram.
  if (plen === null || plen === 0 || room === null || plen <= room - 40) return null;
  return { severity: 'warning', category: 'protocol', protocol: 'IPv6', title: `IPv6 payload length exceeds framing length (${Math.max(0, room - 40)} bytes)` };
}

function checkTcp(ctx: ExpertContext, w: Walked): Problem | null {
  const tcp = w.first.get('tcp');
  if (tcp === undefined) return null;
  // Read from the bytes: the engine adds no tcp.hdr_len field for an impossible one.
  const bytes = ctx.engine.sourceBytes(w.raw.source(tcp));
  const at = w.raw.offset(tcp) + 12;
  if (!bytes || at >= bytes.length) return null;
  const hlen = (bytes[at]! >> 4) * 4;
  const room = w.reported(tcp);
  if (hlen < 20) return bogus('TCP', `Bogus TCP header length (${hlen}, must be at least 20)`);
  if (room !== null && hlen > room) return bogus('TCP', `Bogus TCP header length (${hlen}, must be at most ${room})`);
  if (hlen > w.captured(tcp) && w.cut === null) return cutShort('TCP', w.short);
  return null;
}

function checkUdp(ctx: ExpertContext, w: Walked): Problem | null {
  const udp = w.first.get('udp');
  if (udp === undefined) return null;
  const len = childValue(ctx, w.raw, udp, 'udp.length');
  const room = w.reported(udp);
  if (len !== null && len < 8) return bogus('UDP', `Bad UDP length (${len} < 8)`);
  if (len !== null && room !== null && len > room) return bogus('UDP', `Bad UDP length (${len} > IP payload length ${room})`);
  return null;
}

function cutShort(protocol: string, bySnapshot: boolean): Problem {
  return bySnapshot
    ? { severity: 'note', category: 'malformed', protocol, title: `Packet size limited during capture: ${protocol} truncated` }
    : { severity: 'error', category: 'malformed', protocol, title: `Malformed Packet: ${protocol} runs past the end of the packet` };
}

function bogus(protocol: string, title: string): Problem {
  return { severity: 'error', category: 'protocol', protocol, title };
}

/** The integer value of the first child of `parent` named `abbrev`, or null. */
function childValue(ctx: ExpertContext, raw: RawNodes, parent: number, abbrev: string): number | null {
  const ids = ctx.engine.registry.ids(abbrev);
  for (let k = parent + 1; k < raw.count; k++) {
    if (raw.parent(k) === parent && ids.includes(raw.fieldId(k))) return Number(raw.value64(k));
  }
  return null;
}

/** A protocol's name as the Protocol column shows it ("DHCP"), or its abbreviation in capitals. */
function protocolName(ctx: ExpertContext, fieldId: number): string {
  const column = ctx.engine.registry.columnProtocols.find((p) => p.field === fieldId);
  return column?.name ?? ctx.engine.registry.field(fieldId).abbrev.toUpperCase();
}
