// Evaluating a compiled filter over the summary columns, without dissecting.
//
// Every packet gets one of three answers: it matches, it does not, or the
// columns cannot tell (a field the columns do not hold, or a packet marked
// complex: a tunnel, a quoted packet, a fragment, a cut header). Only the
// packets the columns cannot tell are dissected (evaluate.ts). A field the
// columns do not hold can still rule packets out: a DNS field is absent from
// a packet that carries no DNS, which the Protocol column tells.

import type { CaptureIndex } from '../engine/engine';
import { ADDR_KIND_MASK, AddrKind, COMPLEX_PACKET, NO_INTERFACE, NO_TIME, SHIMMED_PACKET } from '../engine/columns';
import { FileFormat } from '../engine/capture';
import { FieldType, type Registry } from '../engine/registry';
import { compareAll, compareValue, isIntegerField, type Comparable, type Plan, type Source } from './compile';

export const NO = 0;
export const YES = 1;
export const UNKNOWN = 2;
export type Answer = 0 | 1 | 2;

type PacketTest = (i: number) => Answer;

const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;
const SCTP = 132;

/** Protocols between the link and network layers; packets with one are marked shimmed. */
const SHIMS = new Set(['vlan', 'ieee8021ad', 'mpls', 'pwethcw', 'pppoes', 'ppp', 'lcp', 'llc', 'stp', 'cdp']);

/**
 * Application protocols at the top of their packets: where one is present,
 * the Protocol column shows it (or a protocol that carries its fields).
 */
const TOP_PROTOCOLS = new Set(['dhcp', 'igmp', 'tls', 'ssh', 'nbns', 'ntp', 'http', 'ssdp', 'quic', 'dns', 'mdns', 'llmnr']);

/** Reads a column field's values for packet i into `out`; returns how many (0: absent). */
type Getter = (i: number, out: Comparable[]) => number;

export class ColumnEvaluator {
  private readonly c;
  private readonly colProtoByName: Map<string, number>;
  private readonly protoColumns: Map<number, Set<number>>;

  constructor(
    private readonly index: CaptureIndex,
    private readonly registry: Registry,
  ) {
    this.c = index.columns.arrays;
    this.colProtoByName = new Map(registry.columnProtocols.map((p) => [p.name, p.id]));
    // Column protocols whose packets may carry each protocol's fields.
    this.protoColumns = new Map();
    for (const p of registry.columnProtocols) {
      for (const field of [p.field, ...p.carries]) {
        const set = this.protoColumns.get(field) ?? new Set<number>();
        set.add(p.id);
        this.protoColumns.set(field, set);
      }
    }
  }

  /** A per-packet test for the whole plan. */
  compile(plan: Plan): PacketTest {
    switch (plan.kind) {
      case 'and': {
        const a = this.compile(plan.left);
        const b = this.compile(plan.right);
        return (i) => {
          const x = a(i);
          if (x === NO) return NO;
          const y = b(i);
          return y === NO ? NO : x === YES && y === YES ? YES : UNKNOWN;
        };
      }
      case 'or': {
        const a = this.compile(plan.left);
        const b = this.compile(plan.right);
        return (i) => {
          const x = a(i);
          if (x === YES) return YES;
          const y = b(i);
          return y === YES ? YES : x === NO && y === NO ? NO : UNKNOWN;
        };
      }
      case 'not': {
        const a = this.compile(plan.expr);
        return (i) => {
          const x = a(i);
          return x === UNKNOWN ? UNKNOWN : x === YES ? NO : YES;
        };
      }
      default:
        return this.leaf(plan);
    }
  }

  private leaf(plan: Exclude<Plan, { kind: 'and' | 'or' | 'not' }>): PacketTest {
    const source = plan.kind === 'compareFields' ? null : plan.kind === 'exists' ? plan.source : plan.left;
    // Protocol presence from the columns.
    if (plan.kind === 'exists' && source?.kind === 'field' && !source.slice && source.field.type === FieldType.PROTOCOL) {
      return this.presence(source.field.id);
    }
    // A field the columns hold, maybe with a bit mask.
    const base = source?.kind === 'mask' ? source.arg : source;
    let getter = base && base.kind === 'field' && !base.slice ? this.getter(base.field.abbrev) : null;
    if (getter && source?.kind === 'mask') {
      const read = getter;
      const mask = source.mask;
      getter = (i, out) => {
        const n = read(i, out);
        for (let k = 0; k < n; k++) out[k] = BigInt(out[k] as bigint) & mask;
        return n;
      };
    }
    if (getter) {
      const out: Comparable[] = [];
      const complex = this.c.addrKind;
      const test = this.valueTest(plan);
      if (!test) return this.deep(plan);
      return (i) => {
        if (complex[i]! & COMPLEX_PACKET) return UNKNOWN;
        out.length = 0;
        const n = getter(i, out);
        return test(out, n) ? YES : NO;
      };
    }
    return this.deep(plan);
  }

  /** The comparison a leaf makes on the values it reads. */
  private valueTest(plan: Exclude<Plan, { kind: 'and' | 'or' | 'not' }>): ((values: Comparable[], n: number) => boolean) | null {
    switch (plan.kind) {
      case 'exists':
        return (_, n) => n > 0;
      case 'compare': {
        const op = plan.op;
        const lit = plan.right;
        if (op === 'contains') return null;
        return (values, n) => n > 0 && compareAll(op, values, (v) => compareValue(op, v, lit));
      }
      case 'in': {
        const items = plan.items;
        return (values, n) => n > 0 && values.some((v) => items.some((it) => (it.high ? compareValue('>=', v, it.low) && compareValue('<=', v, it.high) : compareValue('==', v, it.low))));
      }
      default:
        return null;
    }
  }

  /**
   * A leaf the columns cannot answer: unknown where the field may be
   * present, false where its protocol is surely absent.
   */
  private deep(plan: Exclude<Plan, { kind: 'and' | 'or' | 'not' }>): PacketTest {
    const sources = plan.kind === 'compareFields' ? [plan.left, plan.right] : [plan.kind === 'exists' ? plan.source : plan.left];
    // count() of an absent field is 0, which may well match: no pruning then.
    const counts = sources.some(function hasCount(s: Source): boolean {
      return s.kind === 'fn' ? s.fn === 'count' || hasCount(s.arg) : s.kind === 'mask' ? hasCount(s.arg) : false;
    });
    if (counts) return () => UNKNOWN;
    const protocolOf = (s: Source): number => (s.kind === 'field' ? this.protocolFieldOf(s.field.abbrev) : protocolOf(s.arg));
    const tests = sources.map((s) => {
      const p = protocolOf(s);
      return p >= 0 ? this.presence(p) : () => UNKNOWN as Answer;
    });
    // Every source must be present for the leaf to be true.
    return (i) => {
      for (const t of tests) if (t(i) === NO) return NO;
      return UNKNOWN;
    };
  }

  /** The protocol a field belongs to (ip for ip.ttl), or -1. */
  private protocolFieldOf(abbrev: string): number {
    if (abbrev === 'frame.comment') return -1;
    const dot = abbrev.indexOf('.');
    const f = this.registry.get(dot < 0 ? abbrev : abbrev.slice(0, dot));
    return f && f.type === FieldType.PROTOCOL ? f.id : -1;
  }

  /** Whether packet i has protocol `protoId`: yes, no, or (for most above the transport) ask the dissector. */
  private presence(protoId: number): PacketTest {
    const c = this.c;
    const abbrev = this.registry.field(protoId).abbrev;
    const simple = (test: (i: number) => boolean): PacketTest => (i) => (c.addrKind[i]! & COMPLEX_PACKET ? UNKNOWN : test(i) ? YES : NO);
    const kind = (i: number) => c.addrKind[i]! & ADDR_KIND_MASK;
    switch (abbrev) {
      case 'frame':
        return () => YES;
      case 'eth': {
        const ethernet = this.index.info.interfaces.map((f) => f.linkType === 1);
        return simple((i) => c.iface[i] !== NO_INTERFACE && ethernet[c.iface[i]!] === true);
      }
      case 'ip':
        return simple((i) => kind(i) === AddrKind.IPV4);
      case 'ipv6':
        return simple((i) => kind(i) === AddrKind.IPV6);
      case 'tcp':
        return simple((i) => c.ipProto[i] === TCP);
      case 'udp':
        return simple((i) => c.ipProto[i] === UDP);
      case 'icmp':
        return simple((i) => c.ipProto[i] === ICMP && kind(i) === AddrKind.IPV4);
      case 'icmpv6':
        return simple((i) => c.ipProto[i] === ICMPV6 && kind(i) === AddrKind.IPV6);
      case 'arp': {
        const arp = this.colProtoByName.get('ARP') ?? -1;
        return simple((i) => c.proto[i] === arp);
      }
      case 'sctp':
        return simple((i) => c.ipProto[i] === SCTP);
      case 'sll': {
        const sll = this.index.info.interfaces.map((f) => f.linkType === 113 || f.linkType === 276);
        return simple((i) => c.iface[i] !== NO_INTERFACE && sll[c.iface[i]!] === true);
      }
      case 'gre':
      case 'vxlan':
        // Tunnels mark their packets complex.
        return simple(() => false);
    }
    if (SHIMS.has(abbrev)) return (i) => (c.addrKind[i]! & (COMPLEX_PACKET | SHIMMED_PACKET) ? UNKNOWN : NO);
    if (abbrev.startsWith('ipv6.')) return (i) => (c.addrKind[i]! & COMPLEX_PACKET || kind(i) === AddrKind.IPV6 ? UNKNOWN : NO);
    const columns = this.protoColumns.get(protoId);
    if (!columns || !TOP_PROTOCOLS.has(abbrev)) return () => UNKNOWN;
    // An application protocol: a packet not shown as one of its names has none of it.
    const shown = new Uint8Array(256);
    for (const col of columns) shown[col] = 1;
    return (i) => (c.addrKind[i]! & COMPLEX_PACKET ? UNKNOWN : shown[c.proto[i]!] ? UNKNOWN : NO);
  }

  /** Reading a field from the columns, for the fields they hold; null for the others. */
  private getter(abbrev: string): Getter | null {
    const c = this.c;
    const cols = this.index.columns;
    const kind = (i: number) => c.addrKind[i]! & ADDR_KIND_MASK;
    const when =
      (cond: (i: number) => boolean, read: (i: number, out: Comparable[]) => void): Getter =>
      (i, out) => {
        if (!cond(i)) return 0;
        read(i, out);
        return out.length;
      };
    const ipv4 = (i: number) => kind(i) === AddrKind.IPV4;
    const ipv6 = (i: number) => kind(i) === AddrKind.IPV6;
    const tcp = (i: number) => c.ipProto[i] === TCP;
    const udp = (i: number) => c.ipProto[i] === UDP;
    const addresses = this.index.info.addresses;
    const interned = (id: number) => addresses[id]?.bytes ?? new Uint8Array(16);
    const first = this.index.firstTime() ?? 0n;
    const flag = (bit: number) => when(tcp, (i, out) => out.push(c.aux[i]! & bit ? 1n : 0n));
    const map: Record<string, Getter> = {
      'frame.number': when(() => true, (i, out) => out.push(BigInt(i + 1))),
      'frame.len': when(() => true, (i, out) => out.push(BigInt(cols.origLen(i)))),
      'frame.cap_len': when(() => true, (i, out) => out.push(BigInt(cols.capLen(i)))),
      'frame.interface_id': when(
        (i) => this.index.info.format === FileFormat.PCAPNG && c.iface[i] !== NO_INTERFACE,
        (i, out) => out.push(BigInt(this.index.localInterface(c.iface[i]!))),
      ),
      'frame.time_epoch': when((i) => c.time[i] !== NO_TIME, (i, out) => out.push(c.time[i]!)),
      'frame.time': when((i) => c.time[i] !== NO_TIME, (i, out) => out.push(c.time[i]!)),
      'frame.time_relative': when((i) => c.time[i] !== NO_TIME, (i, out) => out.push(c.time[i]! - first)),
      'ip.src': when(ipv4, (i, out) => out.push(c.src[i]!)),
      'ip.dst': when(ipv4, (i, out) => out.push(c.dst[i]!)),
      'ip.addr': when(ipv4, (i, out) => out.push(c.src[i]!, c.dst[i]!)),
      'ip.proto': when(ipv4, (i, out) => out.push(BigInt(c.ipProto[i]!))),
      'ipv6.src': when(ipv6, (i, out) => out.push(interned(c.src[i]!))),
      'ipv6.dst': when(ipv6, (i, out) => out.push(interned(c.dst[i]!))),
      'ipv6.addr': when(ipv6, (i, out) => out.push(interned(c.src[i]!), interned(c.dst[i]!))),
      'tcp.srcport': when(tcp, (i, out) => out.push(BigInt(c.srcPort[i]!))),
      'tcp.dstport': when(tcp, (i, out) => out.push(BigInt(c.dstPort[i]!))),
      'tcp.port': when(tcp, (i, out) => out.push(BigInt(c.srcPort[i]!), BigInt(c.dstPort[i]!))),
      'tcp.stream': when((i) => tcp(i) && c.stream[i]! >= 0, (i, out) => out.push(BigInt(c.stream[i]!))),
      'tcp.flags': when(tcp, (i, out) => out.push(BigInt(c.aux[i]! & 0xfff))),
      'tcp.flags.fin': flag(0x001),
      'tcp.flags.syn': flag(0x002),
      'tcp.flags.reset': flag(0x004),
      'tcp.flags.push': flag(0x008),
      'tcp.flags.ack': flag(0x010),
      'tcp.flags.urg': flag(0x020),
      'tcp.flags.ece': flag(0x040),
      'tcp.flags.cwr': flag(0x080),
      'tcp.flags.ae': flag(0x100),
      'udp.srcport': when(udp, (i, out) => out.push(BigInt(c.srcPort[i]!))),
      'udp.dstport': when(udp, (i, out) => out.push(BigInt(c.dstPort[i]!))),
      'udp.port': when(udp, (i, out) => out.push(BigInt(c.srcPort[i]!), BigInt(c.dstPort[i]!))),
      'udp.stream': when((i) => udp(i) && c.stream[i]! >= 0, (i, out) => out.push(BigInt(c.stream[i]!))),
      'icmp.type': when((i) => c.ipProto[i] === ICMP && ipv4(i), (i, out) => out.push(BigInt(c.aux[i]! >> 8))),
      'icmp.code': when((i) => c.ipProto[i] === ICMP && ipv4(i), (i, out) => out.push(BigInt(c.aux[i]! & 0xff))),
      'icmpv6.type': when((i) => c.ipProto[i] === ICMPV6 && ipv6(i), (i, out) => out.push(BigInt(c.aux[i]! >> 8))),
      'icmpv6.code': when((i) => c.ipProto[i] === ICMPV6 && ipv6(i), (i, out) => out.push(BigInt(c.aux[i]! & 0xff))),
    };
    const arp = this.colProtoByName.get('ARP');
    if (arp !== undefined) map['arp.opcode'] = when((i) => c.proto[i] === arp, (i, out) => out.push(BigInt(c.aux[i]!)));
    const getter = map[abbrev];
    if (!getter) return null;
    // Integer fields are compared as bigints; IPv4 addresses as numbers.
    const field = this.registry.get(abbrev);
    if (field && !isIntegerField(field) && field.type !== FieldType.IPV4 && field.type !== FieldType.IPV6 && field.type !== FieldType.ABSOLUTE_TIME && field.type !== FieldType.RELATIVE_TIME) return null;
    return getter;
  }
}
