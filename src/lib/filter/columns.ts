// Evaluating a compiled filter over the summary columns, without dissecting.
//
// Every packet gets one of three answers: it matches, it does not, or the
// columns cannot tell (a field the columns do not hold, or a packet marked
// complex: a tunnel, a quoted packet, a fragment, a cut header). Only the
// packets the columns cannot tell are dissected (evaluate.ts). A field the
// columns do not hold can still rule packets out: a DNS field is absent from
// a packet that carries no DNS, which the Protocol column tells.
//
// This runs once per packet of the capture for every filter, so each leaf is
// compiled to a closure that reads the typed arrays and compares plain
// numbers: no value is boxed or collected per packet. Integer literals are
// compared as doubles, which is exact: column values are below 2^53, and a
// literal too large for a double still orders the same against them.

import type { CaptureIndex } from '../engine/engine';
import { ADDR_KIND_MASK, AddrKind, APP_PENDING_PACKET, COMPLEX_PACKET, NO_INTERFACE, SHIMMED_PACKET } from '../engine/columns';
import { FileFormat } from '../engine/capture';
import { FieldType, type Registry } from '../engine/registry';
import { compareValue, isIntegerField, type Plan, type Source } from './compile';
import type { Value } from './values';

export const NO = 0;
export const YES = 1;
export const UNKNOWN = 2;
export type Answer = 0 | 1 | 2;

type PacketTest = (i: number) => Answer;
type Leaf = Exclude<Plan, { kind: 'and' | 'or' | 'not' }>;
type CompareOp = Extract<Plan, { kind: 'compare' }>['op'];

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

/** The time column's high 32-bit word for a record without a time stamp (NO_TIME is -2^63). */
const NO_TIME_HIGH = -0x80000000;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** The time column is read as pairs of 32-bit words, low word first. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One value of a field, as a number: an integer, an IPv4 address, or an interned IPv6 address's id. */
type Read = (i: number) => number;
/** A test of one value. */
type ValueTest = (v: number) => boolean;

/**
 * A field the columns hold: where it is present and its value there, two
 * values for the fields that name both ends (ip.addr, tcp.port).
 */
interface ColumnField {
  type: 'int' | 'ipv4' | 'ipv6';
  present: (i: number) => boolean;
  value: Read;
  other?: Read;
}

/** A time stamp field: the time column, maybe counted from the first packet. */
interface TimeField {
  type: 'time';
  relative: boolean;
}

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

  private leaf(plan: Leaf): PacketTest {
    const source = plan.kind === 'compareFields' ? null : plan.kind === 'exists' ? plan.source : plan.left;
    // Protocol presence from the columns.
    if (plan.kind === 'exists' && source?.kind === 'field' && !source.slice && source.field.type === FieldType.PROTOCOL) {
      return this.presence(source.field.id);
    }
    // A field the columns hold, maybe with a bit mask.
    const base = source?.kind === 'mask' ? source.arg : source;
    const field = base && base.kind === 'field' && !base.slice ? this.columnField(base.field.abbrev) : null;
    const mask = source?.kind === 'mask' ? source.mask : null;
    const test = field ? (field.type === 'time' ? this.timeLeaf(field, plan) : this.fieldLeaf(field, plan, mask)) : null;
    return test ?? this.deep(plan);
  }

  /**
   * A leaf on a field the columns hold: absent is false, a complex packet is
   * unknown. "!=" needs every value to differ, the other comparisons one
   * value to satisfy them. Null when the leaf is not one the columns answer.
   */
  private fieldLeaf(field: ColumnField, plan: Leaf, mask: bigint | null): PacketTest | null {
    const flags = this.c.addrKind;
    const present = field.present;
    if (plan.kind === 'exists') return (i) => (flags[i]! & COMPLEX_PACKET ? UNKNOWN : present(i) ? YES : NO);
    const test = this.valueTest(field.type, plan);
    if (!test) return null;
    let first = field.value;
    let second = field.other;
    if (mask !== null) {
      // Column values fit in 32 bits, so only the mask's low 32 bits matter.
      const m = Number(BigInt.asUintN(32, mask));
      const a = first;
      first = (i) => (a(i) & m) >>> 0;
      const b = second;
      if (b) second = (i) => (b(i) & m) >>> 0;
    }
    const a = first;
    const p = test;
    if (!second) return (i) => (flags[i]! & COMPLEX_PACKET ? UNKNOWN : present(i) && p(a(i)) ? YES : NO);
    const b = second;
    if (plan.kind === 'compare' && plan.op === '!=') {
      return (i) => (flags[i]! & COMPLEX_PACKET ? UNKNOWN : present(i) && p(a(i)) && p(b(i)) ? YES : NO);
    }
    return (i) => (flags[i]! & COMPLEX_PACKET ? UNKNOWN : present(i) && (p(a(i)) || p(b(i))) ? YES : NO);
  }

  /** A leaf on frame.time or frame.time_relative, comparing the 64-bit time column word by word. */
  private timeLeaf(field: TimeField, plan: Leaf): PacketTest | null {
    if (!LITTLE_ENDIAN) return null;
    const flags = this.c.addrKind;
    const time = this.c.time;
    const words = new Int32Array(time.buffer, time.byteOffset, time.length * 2);
    const present = (i: number) => words[2 * i + 1] !== NO_TIME_HIGH || words[2 * i] !== 0;
    if (plan.kind === 'exists') return (i) => (flags[i]! & COMPLEX_PACKET ? UNKNOWN : present(i) ? YES : NO);
    // A relative time is compared by moving the literal instead of each packet's time.
    const shift = field.relative ? (this.index.firstTime() ?? 0n) : 0n;
    const order = (lit: Value) => (lit.type === 'time' ? timeOrder(words, lit.ns + shift) : null);
    let test: ((i: number) => boolean) | null = null;
    if (plan.kind === 'compare') {
      const o = order(plan.right);
      const sign = o && signTest(plan.op);
      if (o && sign) test = (i) => sign(o(i));
    } else if (plan.kind === 'in') {
      const items = plan.items.map((it) => ({ low: order(it.low), high: it.high ? order(it.high) : null, range: it.high !== undefined }));
      if (items.every((it) => it.low && (!it.range || it.high))) {
        test = (i) => {
          for (const it of items) {
            if (it.range ? it.low!(i) >= 0 && it.high!(i) <= 0 : it.low!(i) === 0) return true;
          }
          return false;
        };
      }
    }
    if (!test) return null;
    const t = test;
    return (i) => (flags[i]! & COMPLEX_PACKET ? UNKNOWN : present(i) && t(i) ? YES : NO);
  }

  /**
   * A leaf the columns cannot answer: unknown where the field may be
   * present, false where its protocol is surely absent.
   */
  private deep(plan: Leaf): PacketTest {
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
    if (tests.length === 1) {
      const t = tests[0]!;
      return (i) => (t(i) === NO ? NO : UNKNOWN);
    }
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
    const flags = c.addrKind;
    const ipProto = c.ipProto;
    const abbrev = this.registry.field(protoId).abbrev;
    const simple = (test: (i: number) => boolean): PacketTest => (i) => (flags[i]! & COMPLEX_PACKET ? UNKNOWN : test(i) ? YES : NO);
    switch (abbrev) {
      case 'frame':
        return () => YES;
      case 'eth': {
        const ethernet = this.index.info.interfaces.map((f) => f.linkType === 1);
        return simple((i) => c.iface[i] !== NO_INTERFACE && ethernet[c.iface[i]!] === true);
      }
      case 'ip':
        return simple((i) => (flags[i]! & ADDR_KIND_MASK) === AddrKind.IPV4);
      case 'ipv6':
        return simple((i) => (flags[i]! & ADDR_KIND_MASK) === AddrKind.IPV6);
      case 'tcp':
        return simple((i) => ipProto[i] === TCP);
      case 'udp':
        return simple((i) => ipProto[i] === UDP);
      case 'icmp':
        return simple((i) => ipProto[i] === ICMP && (flags[i]! & ADDR_KIND_MASK) === AddrKind.IPV4);
      case 'icmpv6':
        return simple((i) => ipProto[i] === ICMPV6 && (flags[i]! & ADDR_KIND_MASK) === AddrKind.IPV6);
      case 'arp': {
        const arp = this.colProtoByName.get('ARP') ?? -1;
        return simple((i) => c.proto[i] === arp);
      }
      case 'sctp':
        return simple((i) => ipProto[i] === SCTP);
      case 'sll': {
        const sll = this.index.info.interfaces.map((f) => f.linkType === 113 || f.linkType === 276);
        return simple((i) => c.iface[i] !== NO_INTERFACE && sll[c.iface[i]!] === true);
      }
      case 'gre':
      case 'vxlan':
        // Tunnels mark their packets complex.
        return simple(() => false);
    }
    if (SHIMS.has(abbrev)) return (i) => (flags[i]! & (COMPLEX_PACKET | SHIMMED_PACKET) ? UNKNOWN : NO);
    if (abbrev.startsWith('ipv6.')) return (i) => (flags[i]! & COMPLEX_PACKET || (flags[i]! & ADDR_KIND_MASK) === AddrKind.IPV6 ? UNKNOWN : NO);
    const columns = this.protoColumns.get(protoId);
    if (!columns || !TOP_PROTOCOLS.has(abbrev)) return () => UNKNOWN;
    // An application protocol: a packet not shown as one of its names has none of it.
    const shown = new Uint8Array(256);
    for (const col of columns) shown[col] = 1;
    const proto = c.proto;
    // A segment that starts a longer message may hold the protocol while the Protocol column still says TCP.
    return (i) => (flags[i]! & (COMPLEX_PACKET | APP_PENDING_PACKET) ? UNKNOWN : shown[proto[i]!] ? UNKNOWN : NO);
  }

  /** How to read a field from the columns, for the fields they hold; null for the others. */
  private columnField(abbrev: string): ColumnField | TimeField | null {
    const field = this.registry.get(abbrev);
    if (!field) return null;
    const type = field.type;
    if (type === FieldType.ABSOLUTE_TIME || type === FieldType.RELATIVE_TIME) {
      return abbrev === 'frame.time' || abbrev === 'frame.time_epoch' ? { type: 'time', relative: false } : abbrev === 'frame.time_relative' ? { type: 'time', relative: true } : null;
    }
    const read = this.reader(abbrev);
    if (!read) return null;
    if (type === FieldType.IPV4) return { type: 'ipv4', ...read };
    if (type === FieldType.IPV6) return { type: 'ipv6', ...read };
    return isIntegerField(field) ? { type: 'int', ...read } : null;
  }

  /** Presence and values of the columns' integer and address fields. */
  private reader(abbrev: string): Omit<ColumnField, 'type'> | null {
    const c = this.c;
    const cols = this.index.columns;
    const flags = c.addrKind;
    const ipProto = c.ipProto;
    const { src, dst, srcPort, dstPort, aux, stream } = c;
    const always = () => true;
    const ipv4 = (i: number) => (flags[i]! & ADDR_KIND_MASK) === AddrKind.IPV4;
    const ipv6 = (i: number) => (flags[i]! & ADDR_KIND_MASK) === AddrKind.IPV6;
    const tcp = (i: number) => ipProto[i] === TCP;
    const udp = (i: number) => ipProto[i] === UDP;
    const icmp = (i: number) => ipProto[i] === ICMP && ipv4(i);
    const icmpv6 = (i: number) => ipProto[i] === ICMPV6 && ipv6(i);
    // Addresses are read as signed 32-bit integers, which stay small integers
    // in V8 (an unsigned one above 2^31 would be boxed on every return).
    const srcOf: Read = (i) => src[i]! | 0;
    const dstOf: Read = (i) => dst[i]! | 0;
    const sport: Read = (i) => srcPort[i]!;
    const dport: Read = (i) => dstPort[i]!;
    const flag = (bit: number) => ({ present: tcp, value: (i: number) => (aux[i]! & bit ? 1 : 0) });
    switch (abbrev) {
      case 'frame.number':
        return { present: always, value: (i) => i + 1 };
      case 'frame.len':
        return { present: always, value: (i) => cols.origLen(i) };
      case 'frame.cap_len':
        return { present: always, value: (i) => cols.capLen(i) };
      case 'frame.interface_id': {
        const pcapng = this.index.info.format === FileFormat.PCAPNG;
        return { present: (i) => pcapng && c.iface[i] !== NO_INTERFACE, value: (i) => this.index.localInterface(c.iface[i]!) };
      }
      case 'ip.src':
        return { present: ipv4, value: srcOf };
      case 'ip.dst':
        return { present: ipv4, value: dstOf };
      case 'ip.addr':
        return { present: ipv4, value: srcOf, other: dstOf };
      case 'ip.proto':
        return { present: ipv4, value: (i) => ipProto[i]! };
      case 'ipv6.src':
        return { present: ipv6, value: srcOf };
      case 'ipv6.dst':
        return { present: ipv6, value: dstOf };
      case 'ipv6.addr':
        return { present: ipv6, value: srcOf, other: dstOf };
      case 'tcp.srcport':
        return { present: tcp, value: sport };
      case 'tcp.dstport':
        return { present: tcp, value: dport };
      case 'tcp.port':
        return { present: tcp, value: sport, other: dport };
      case 'tcp.stream':
        return { present: (i) => ipProto[i] === TCP && stream[i]! >= 0, value: (i) => stream[i]! };
      case 'tcp.flags':
        return { present: tcp, value: (i) => aux[i]! & 0xfff };
      case 'tcp.flags.fin':
        return flag(0x001);
      case 'tcp.flags.syn':
        return flag(0x002);
      case 'tcp.flags.reset':
        return flag(0x004);
      case 'tcp.flags.push':
        return flag(0x008);
      case 'tcp.flags.ack':
        return flag(0x010);
      case 'tcp.flags.urg':
        return flag(0x020);
      case 'tcp.flags.ece':
        return flag(0x040);
      case 'tcp.flags.cwr':
        return flag(0x080);
      case 'tcp.flags.ae':
        return flag(0x100);
      case 'udp.srcport':
        return { present: udp, value: sport };
      case 'udp.dstport':
        return { present: udp, value: dport };
      case 'udp.port':
        return { present: udp, value: sport, other: dport };
      case 'udp.stream':
        return { present: (i) => ipProto[i] === UDP && stream[i]! >= 0, value: (i) => stream[i]! };
      case 'icmp.type':
        return { present: icmp, value: (i) => aux[i]! >> 8 };
      case 'icmp.code':
        return { present: icmp, value: (i) => aux[i]! & 0xff };
      case 'icmpv6.type':
        return { present: icmpv6, value: (i) => aux[i]! >> 8 };
      case 'icmpv6.code':
        return { present: icmpv6, value: (i) => aux[i]! & 0xff };
      case 'arp.opcode': {
        const arp = this.colProtoByName.get('ARP');
        if (arp === undefined) return null;
        return { present: (i) => c.proto[i] === arp, value: (i) => aux[i]! };
      }
    }
    return null;
  }

  /**
   * The test a comparison or set makes of one value ("!=" and "~=": the
   * value differs); null for the leaves the columns leave to the dissector.
   */
  private valueTest(type: ColumnField['type'], plan: Leaf): ValueTest | null {
    if (plan.kind === 'compare') {
      if (plan.op === 'contains') return null;
      if (type === 'ipv6') {
        const { op, right } = plan;
        return right.type === 'ipv6' ? this.perAddress((b) => compareValue(op, b, right)) : null;
      }
      return numberTest(type, plan.op, plan.right);
    }
    if (plan.kind === 'in') {
      if (type === 'ipv6') {
        const items = plan.items;
        if (!items.every((it) => it.low.type === 'ipv6' && (!it.high || it.high.type === 'ipv6'))) return null;
        return this.perAddress((b) => items.some((it) => (it.high ? compareValue('>=', b, it.low) && compareValue('<=', b, it.high) : compareValue('==', b, it.low))));
      }
      return setTest(type, plan.items);
    }
    return null;
  }

  /** An IPv6 address test, made with the exact comparison once per interned address and remembered. */
  private perAddress(test: (bytes: Uint8Array) => boolean): ValueTest {
    const addresses = this.index.info.addresses;
    const known = new Int8Array(addresses.length).fill(-1);
    const bytesOf = (id: number) => addresses[id]?.bytes ?? new Uint8Array(16);
    return (id) => {
      if (id >= known.length) return test(bytesOf(id));
      if (known[id] === -1) known[id] = test(bytesOf(id)) ? 1 : 0;
      return known[id] === 1;
    };
  }
}

/** One integer or IPv4 value against a literal. */
function numberTest(type: 'int' | 'ipv4', op: Exclude<CompareOp, 'contains'>, lit: Value): ValueTest | null {
  if (type === 'int' && lit.type === 'int') return integerTest(op, Number(lit.value));
  if (type !== 'ipv4' || lit.type !== 'ipv4') return null;
  // Equality with an IPv4 literal compares under its prefix, ordering whole
  // addresses. IPv4 values come as signed 32-bit integers (see reader()).
  const mask = lit.mask | 0;
  const addr = lit.addr | 0;
  const x = lit.addr;
  switch (op) {
    case '==':
      return (v) => (v & mask) === addr;
    case '!=':
    case '~=':
      return (v) => (v & mask) !== addr;
    case '<':
      return (v) => v >>> 0 < x;
    case '>':
      return (v) => v >>> 0 > x;
    case '<=':
      return (v) => v >>> 0 <= x;
    case '>=':
      return (v) => v >>> 0 >= x;
  }
}

function integerTest(op: Exclude<CompareOp, 'contains'>, x: number): ValueTest {
  switch (op) {
    case '==':
      return (v) => v === x;
    case '!=':
    case '~=':
      return (v) => v !== x;
    case '<':
      return (v) => v < x;
    case '>':
      return (v) => v > x;
    case '<=':
      return (v) => v <= x;
    case '>=':
      return (v) => v >= x;
  }
}

/** Whether an integer or IPv4 value is in a set of values and ranges. */
function setTest(type: 'int' | 'ipv4', items: { low: Value; high?: Value }[]): ValueTest | null {
  const lows: number[] = [];
  const highs: number[] = [];
  const masks: number[] = [];
  for (const it of items) {
    const low = it.low;
    const high = it.high;
    if (type === 'int' && low.type === 'int' && (!high || high.type === 'int')) {
      lows.push(Number(low.value));
      highs.push(high ? Number(high.value) : Number(low.value));
      masks.push(-1);
    } else if (type === 'ipv4' && low.type === 'ipv4' && (!high || high.type === 'ipv4')) {
      // A single address matches under its prefix; a range compares whole addresses.
      lows.push(low.addr);
      highs.push(high ? high.addr : low.addr);
      masks.push(high ? -1 : low.mask);
    } else return null;
  }
  const lo = Float64Array.from(lows);
  const hi = Float64Array.from(highs);
  const mk = Int32Array.from(masks);
  const n = lo.length;
  if (type === 'int') {
    return (v) => {
      for (let k = 0; k < n; k++) if (v >= lo[k]! && v <= hi[k]!) return true;
      return false;
    };
  }
  // IPv4 values come as signed 32-bit integers (see reader()).
  return (v) => {
    for (let k = 0; k < n; k++) {
      const w = (v & mk[k]!) >>> 0;
      if (w >= lo[k]! && w <= hi[k]!) return true;
    }
    return false;
  };
}

/** Comparison of a 64-bit time column entry with a literal: <0, 0 or >0. */
function timeOrder(words: Int32Array, k: bigint): (i: number) => number {
  if (k > INT64_MAX) return () => -1;
  if (k < INT64_MIN) return () => 1;
  const high = Number(BigInt.asIntN(32, k >> 32n));
  const low = Number(BigInt.asUintN(32, k));
  return (i) => {
    const h = words[2 * i + 1]!;
    if (h !== high) return h < high ? -1 : 1;
    const l = words[2 * i]! >>> 0;
    return l < low ? -1 : l > low ? 1 : 0;
  };
}

/** An operator as a test of a comparison's sign; null for "contains". */
function signTest(op: CompareOp): ((s: number) => boolean) | null {
  switch (op) {
    case '==':
      return (s) => s === 0;
    case '!=':
    case '~=':
      return (s) => s !== 0;
    case '<':
      return (s) => s < 0;
    case '>':
      return (s) => s > 0;
    case '<=':
      return (s) => s <= 0;
    case '>=':
      return (s) => s >= 0;
  }
  return null;
}
