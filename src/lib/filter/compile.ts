// Compiling a display filter: names resolved against the field registry,
// literals read as their field's type, and a plan that can be evaluated on
// the fields of one dissected packet. Evaluation over the summary columns,
// without dissecting, is in columns.ts.
//
// Semantics are Wireshark 4's: a comparison is true when any occurrence of
// the field satisfies it; "!=" is true when the field is present and every
// occurrence differs ("~=" when any differs); a comparison on a field the
// packet does not have is false.

import { FieldType, INTEGER_TYPES, type FieldInfo, type Registry } from '../engine/registry';
import type { CompareOp, Expr, Operand, Slice, Span } from './ast';
import { FilterError } from './errors';
import { parse } from './parser';
import { closestNames } from './suggest';
import { parseInteger, parseValue, type Value } from './values';

/** Where values come from: a field (maybe sliced), or a function of one. */
export type Source =
  | { kind: 'field'; field: FieldInfo; ids: number[]; slice?: Slice; span: Span }
  | { kind: 'fn'; fn: 'len' | 'upper' | 'lower' | 'count'; arg: Source; span: Span }
  | { kind: 'mask'; arg: Source; mask: bigint; span: Span };

export type Plan =
  | { kind: 'and' | 'or'; left: Plan; right: Plan }
  | { kind: 'not'; expr: Plan }
  | { kind: 'exists'; source: Source }
  | { kind: 'compare'; op: Exclude<CompareOp, 'matches'>; left: Source; right: Value }
  | { kind: 'compareFields'; op: Exclude<CompareOp, 'matches' | 'contains'>; left: Source; right: Source }
  | { kind: 'matches'; left: Source; regex: RegExp }
  | { kind: 'in'; left: Source; items: { low: Value; high?: Value }[] };

export interface CompiledFilter {
  text: string;
  plan: Plan;
  /** Every field id the plan reads. */
  fieldIds: Set<number>;
}

/** Fields computed by the host, not the dissector. */
export const HOST_FIELDS: Record<string, { name: string; type: FieldType }> = {
  'frame.comment': { name: 'Comment', type: FieldType.STRING },
};

const FUNCTIONS = new Set(['len', 'upper', 'lower', 'count']);

export function compileFilter(text: string, registry: Registry): CompiledFilter {
  const fieldIds = new Set<number>();
  const binder = new Binder(registry, fieldIds);
  const plan = binder.bind(parse(text));
  return { text, plan, fieldIds };
}

class Binder {
  constructor(
    private readonly registry: Registry,
    private readonly fieldIds: Set<number>,
  ) {}

  bind(e: Expr): Plan {
    switch (e.kind) {
      case 'and':
      case 'or':
        return { kind: e.kind, left: this.bind(e.left), right: this.bind(e.right) };
      case 'not':
        return { kind: 'not', expr: this.bind(e.expr) };
      case 'test': {
        const source = this.source(e.subject, 'test');
        // "field & mask" alone is true when any occurrence has a bit of the mask set.
        if (source.kind === 'mask') return { kind: 'compare', op: '~=', left: source, right: { type: 'int', value: 0n } };
        return { kind: 'exists', source };
      }
      case 'in': {
        const left = this.source(e.left, 'left');
        const field = valueField(left);
        return {
          kind: 'in',
          left,
          items: e.items.map((item) => ({ low: this.literal(field, item.low), ...(item.high ? { high: this.literal(field, item.high) } : {}) })),
        };
      }
      case 'compare':
        return this.compare(e.op, e.left, e.right, e.opSpan);
    }
  }

  private compare(op: CompareOp, leftOp: Operand, rightOp: Operand, opSpan: Span): Plan {
    const left = this.source(leftOp, 'left');
    const field = valueField(left);
    if (op === 'matches') {
      if (rightOp.kind !== 'string') throw new FilterError('"matches" needs a quoted regular expression.', rightOp.start, rightOp.end - rightOp.start);
      if (!isText(field)) throw new FilterError(`"matches" applies to text; ${describe(left)} is not text.`, opSpan.start, opSpan.end - opSpan.start);
      let regex: RegExp;
      try {
        // Like Wireshark, matching is case-insensitive unless the pattern says (?-i).
        const sensitive = rightOp.text.startsWith('(?-i)');
        regex = new RegExp(sensitive ? rightOp.text.slice(5) : rightOp.text, sensitive ? 'su' : 'isu');
      } catch (err) {
        throw new FilterError(`This regular expression is not valid: ${(err as Error).message}.`, rightOp.start, rightOp.end - rightOp.start);
      }
      return { kind: 'matches', left, regex };
    }
    // A field name on the right compares two fields.
    if (rightOp.kind === 'word' && !rightOp.slice && this.isField(rightOp.text) && op !== 'contains') {
      return { kind: 'compareFields', op, left, right: this.source(rightOp, 'right') };
    }
    if (op === 'contains' && !isText(field) && !isBytes(field)) {
      throw new FilterError(`"contains" applies to text and bytes; ${describe(left)} is neither.`, opSpan.start, opSpan.end - opSpan.start);
    }
    if ((op === '<' || op === '>' || op === '<=' || op === '>=') && field.type === FieldType.PROTOCOL) {
      throw new FilterError(`${describe(left)} cannot be ordered.`, opSpan.start, opSpan.end - opSpan.start);
    }
    return { kind: 'compare', op, left, right: this.literal(field, rightOp) };
  }

  private isField(name: string): boolean {
    return this.registry.get(name) !== undefined || Object.hasOwn(HOST_FIELDS, name);
  }

  private source(op: Operand, position: 'left' | 'right' | 'test'): Source {
    if (op.kind === 'bitand') {
      const arg = this.source(op.arg, position);
      if (!INTEGER_TYPES.has(valueField(arg).type)) throw new FilterError(`"&" applies to integer fields; ${describe(arg)} is not one.`, op.arg.start, op.arg.end - op.arg.start);
      if (op.mask.kind !== 'word' || op.mask.slice) throw new FilterError('A bit mask must be an integer.', op.mask.start, op.mask.end - op.mask.start);
      return { kind: 'mask', arg, mask: parseInteger(op.mask.text, op.mask), span: op };
    }
    if (op.kind === 'call') {
      if (!FUNCTIONS.has(op.fn)) throw new FilterError(`"${op.fn}" is not a function (there are len, count, upper and lower).`, op.start, op.fn.length);
      const arg = this.source(op.arg, position);
      if ((op.fn === 'upper' || op.fn === 'lower') && !isText(valueField(arg))) {
        throw new FilterError(`${op.fn}() applies to text; ${describe(arg)} is not text.`, op.arg.start, op.arg.end - op.arg.start);
      }
      return { kind: 'fn', fn: op.fn as 'len' | 'upper' | 'lower' | 'count', arg, span: op };
    }
    if (op.kind === 'string') {
      throw new FilterError(
        position === 'test' ? `A value alone is not a test: compare it with a field ("${op.text}" is not a field).` : `The left side of a comparison must be a field or a function, not the string "${op.text}".`,
        op.start,
        op.end - op.start,
      );
    }
    // Fields the host computes (comments can be edited after the capture was read) win over the registry's.
    const host = Object.hasOwn(HOST_FIELDS, op.text) ? HOST_FIELDS[op.text] : undefined;
    const field = host ? undefined : this.registry.get(op.text);
    if (!field && !host) {
      const suggestions = closestNames(op.text, [...this.registry.fields.map((f) => f.abbrev), ...Object.keys(HOST_FIELDS)]);
      const looksLikeValue = /^[\d:.\/-]+$/.test(op.text);
      const message =
        position === 'test' && looksLikeValue
          ? `"${op.text}" is a value, not a test: compare it with a field, for example ip.addr == ${op.text}.`
          : `"${op.text}" is not a valid field name${position === 'left' ? ' (the left side of a comparison must be a field or a function)' : ''}.`;
      throw new FilterError(message, op.start, op.text.length, suggestions);
    }
    const info: FieldInfo = field ?? { id: -1, abbrev: op.text, name: host!.name, type: host!.type, base: 0, mask: 0n, blurb: '' };
    const ids = field ? this.registry.ids(op.text) : [];
    for (const id of ids) this.fieldIds.add(id);
    return { kind: 'field', field: info, ids, ...(op.slice ? { slice: op.slice } : {}), span: op };
  }

  private literal(field: FieldInfo, op: Operand): Value {
    if (op.kind === 'call' || op.kind === 'bitand') throw new FilterError(op.kind === 'call' ? 'A function cannot be a value here.' : 'A bit mask needs a field on its left.', op.start, op.end - op.start);
    if (op.kind === 'word' && op.slice) throw new FilterError('A slice needs a field.', op.start, op.end - op.start);
    return parseValue(field, op.text, op.kind === 'string', op);
  }
}

/** The type a source yields: the field's, or what a function makes of it. */
export function valueField(s: Source): FieldInfo {
  if (s.kind === 'mask') return valueField(s.arg);
  if (s.kind === 'fn') {
    if (s.fn === 'len' || s.fn === 'count') return { id: -1, abbrev: `${s.fn}()`, name: s.fn, type: FieldType.UINT32, base: 1, mask: 0n, blurb: '' };
    return valueField(s.arg);
  }
  if (s.slice) return { ...s.field, type: FieldType.BYTES, values: undefined };
  return s.field;
}

function isText(f: FieldInfo): boolean {
  return f.type === FieldType.STRING;
}

function isBytes(f: FieldInfo): boolean {
  return f.type === FieldType.BYTES || f.type === FieldType.PROTOCOL || f.type === FieldType.NONE || f.type === FieldType.ETHER || f.type === FieldType.IPV6;
}

function describe(s: Source): string {
  if (s.kind === 'mask') return `${describe(s.arg)} & 0x${s.mask.toString(16)}`;
  return s.kind === 'fn' ? `${s.fn}(${describe(s.arg)})` : s.field.abbrev;
}

// ---- evaluation on one packet's fields ------------------------------------------

/** A field occurrence's value in a comparable form. */
export type Comparable = bigint | number | string | Uint8Array;

/** The fields of one dissected packet, as the plan asks for them. */
export interface PacketFields {
  /** Values of the field with these ids, in tree order (protocols: the bytes they cover). */
  values(ids: number[], field: FieldInfo): Comparable[];
}

export function evaluatePlan(plan: Plan, fields: PacketFields): boolean {
  switch (plan.kind) {
    case 'and':
      return evaluatePlan(plan.left, fields) && evaluatePlan(plan.right, fields);
    case 'or':
      return evaluatePlan(plan.left, fields) || evaluatePlan(plan.right, fields);
    case 'not':
      return !evaluatePlan(plan.expr, fields);
    case 'exists':
      return sourceValues(plan.source, fields).length > 0;
    case 'compare':
      return compareAll(plan.op, sourceValues(plan.left, fields), (v) => compareValue(plan.op, v, plan.right));
    case 'compareFields': {
      const left = sourceValues(plan.left, fields);
      const right = sourceValues(plan.right, fields);
      if (!left.length || !right.length) return false;
      const test = (a: Comparable) => right.some((b) => orderTest(plan.op === '!=' || plan.op === '~=' ? '==' : plan.op, compareRaw(a, b)));
      if (plan.op === '!=') return !left.some(test);
      if (plan.op === '~=') return left.some((a) => right.some((b) => compareRaw(a, b) !== 0));
      return left.some(test);
    }
    case 'matches':
      return sourceValues(plan.left, fields).some((v) => plan.regex.test(typeof v === 'string' ? v : new TextDecoder().decode(v as Uint8Array)));
    case 'in': {
      const values = sourceValues(plan.left, fields);
      return values.some((v) => plan.items.some((item) => (item.high ? compareValue('>=', v, item.low) && compareValue('<=', v, item.high) : compareValue('==', v, item.low))));
    }
  }
}

/** "==" and the others: any occurrence; "!=": present and none equal; "~=": any differs. */
export function compareAll(op: string, values: Comparable[], test: (v: Comparable) => boolean): boolean {
  if (values.length === 0) return false;
  if (op === '!=') {
    for (const v of values) if (!test(v)) return false;
    return true;
  }
  for (const v of values) if (test(v)) return true;
  return false;
}

export function sourceValues(s: Source, fields: PacketFields): Comparable[] {
  if (s.kind === 'mask') return sourceValues(s.arg, fields).map((v) => BigInt(v as bigint | number) & s.mask);
  if (s.kind === 'fn') {
    const inner = sourceValues(s.arg, fields);
    switch (s.fn) {
      case 'count':
        return [inner.length];
      case 'len':
        return inner.map((v) => (typeof v === 'string' ? new TextEncoder().encode(v).length : v instanceof Uint8Array ? v.length : byteLength(s.arg)));
      case 'upper':
        return inner.map((v) => (typeof v === 'string' ? v.toUpperCase() : v));
      case 'lower':
        return inner.map((v) => (typeof v === 'string' ? v.toLowerCase() : v));
    }
  }
  const values = fields.values(s.ids, s.field);
  if (!s.slice) return values;
  return values.map((v) => sliceBytes(asBytes(v, s.field), s.slice!)).filter((b): b is Uint8Array => b !== null);
}

function byteLength(s: Source): number {
  const f = valueField(s);
  const sizes: Partial<Record<FieldType, number>> = { [FieldType.UINT8]: 1, [FieldType.UINT16]: 2, [FieldType.UINT24]: 3, [FieldType.UINT32]: 4, [FieldType.UINT64]: 8, [FieldType.IPV4]: 4 };
  return sizes[f.type] ?? 0;
}

function asBytes(v: Comparable, field: FieldInfo): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return new TextEncoder().encode(v);
  if (field.type === FieldType.IPV4) return Uint8Array.of((Number(v) >>> 24) & 255, (Number(v) >>> 16) & 255, (Number(v) >>> 8) & 255, Number(v) & 255);
  const size = byteLength({ kind: 'field', field, ids: [], span: { start: 0, end: 0 } }) || 8;
  const out = new Uint8Array(size);
  let x = BigInt(v);
  for (let i = size - 1; i >= 0; i--, x >>= 8n) out[i] = Number(x & 255n);
  return out;
}

function sliceBytes(b: Uint8Array, s: Slice): Uint8Array | null {
  const start = s.offset < 0 ? b.length + s.offset : s.offset;
  const end = s.length === null ? b.length : start + s.length;
  if (start < 0 || end > b.length || start > end) return null;
  return b.subarray(start, end);
}

function orderTest(op: string, c: number): boolean {
  switch (op) {
    case '==':
      return c === 0;
    case '!=':
    case '~=':
      return c !== 0;
    case '<':
      return c < 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    case '>=':
      return c >= 0;
  }
  return false;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function compareRaw(a: Comparable, b: Comparable): number {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const x = BigInt(a as bigint | number);
    const y = BigInt(b as bigint | number);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function includesBytes(hay: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return true;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** One occurrence against a literal. */
export function compareValue(op: string, v: Comparable, lit: Value): boolean {
  switch (lit.type) {
    case 'int':
      return orderTest(op, compareRaw(typeof v === 'number' ? BigInt(v) : v, lit.value));
    case 'double':
      return orderTest(op, Number(v) - lit.value);
    case 'time':
      return orderTest(op, compareRaw(v, lit.ns));
    case 'ipv4': {
      const x = Number(v) >>> 0;
      if (op === '==' || op === '!=' || op === '~=') return orderTest(op, ((x & lit.mask) >>> 0) === lit.addr ? 0 : 1);
      return orderTest(op, x - lit.addr);
    }
    case 'ipv6': {
      const b = v as Uint8Array;
      if (op === '==' || op === '!=' || op === '~=') return orderTest(op, prefixEquals(b, lit.bytes, lit.prefix) ? 0 : 1);
      return orderTest(op, compareBytes(b, lit.bytes));
    }
    case 'bytes': {
      const b = v instanceof Uint8Array ? v : typeof v === 'string' ? new TextEncoder().encode(v) : new Uint8Array();
      if (op === 'contains') return includesBytes(b, lit.bytes);
      return orderTest(op, compareBytes(b, lit.bytes));
    }
    case 'string': {
      const s = typeof v === 'string' ? v : new TextDecoder().decode(v as Uint8Array);
      if (op === 'contains') return s.includes(lit.value);
      return orderTest(op, s < lit.value ? -1 : s > lit.value ? 1 : 0);
    }
  }
}

function prefixEquals(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const full = bits >> 3;
  for (let i = 0; i < full; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[full]! ^ b[full]!) & mask) === 0;
}

/** Field types whose values are integers. */
export function isIntegerField(f: FieldInfo): boolean {
  return INTEGER_TYPES.has(f.type) || f.type === FieldType.BOOLEAN;
}
