// Literal values of a filter, read as the type of the field they are
// compared with: numbers, addresses with prefixes, byte strings, strings,
// times.

import { FieldType, INTEGER_TYPES, type FieldInfo } from '../engine/registry';
import { FilterError } from './errors';
import { ESCAPED_BYTE } from './lexer';
import type { Span } from './ast';

export type Value =
  | { type: 'int'; value: bigint }
  | { type: 'double'; value: number }
  | { type: 'ipv4'; addr: number; mask: number }
  | { type: 'ipv6'; bytes: Uint8Array; prefix: number }
  | { type: 'bytes'; bytes: Uint8Array }
  | { type: 'string'; value: string }
  | { type: 'time'; ns: bigint };

function fail(text: string, what: string, span: Span): never {
  throw new FilterError(`"${text}" is not ${what}.`, span.start, Math.max(1, span.end - span.start));
}

/** A number as C writes it: decimal, octal with a leading 0, 0x hexadecimal, or 0b binary; maybe negative. */
export function parseInteger(text: string, span: Span, field?: FieldInfo): bigint {
  const t = text.trim();
  const m = /^(-?)(0[0-7]+|0x[0-9a-f]+|0b[01]+|0|[1-9]\d*)$/i.exec(t);
  if (m) {
    const digits = m[2]!;
    const v = /^0[0-7]/.test(digits) ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
    return m[1] ? -v : v;
  }
  if (field?.type === FieldType.BOOLEAN) {
    const l = t.toLowerCase();
    if (l === 'true') return 1n;
    if (l === 'false') return 0n;
  }
  // A value's name ("IPv4" for eth.type), for fields that name their values.
  if (field?.values) {
    const wanted = t.toLowerCase();
    for (const [v, name] of field.values) if (name.toLowerCase() === wanted) return v;
  }
  return fail(text, field?.values ? `a valid number or a name among the values of ${field.abbrev}` : 'a valid number', span);
}

function parseIpv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function parseIpv6(text: string): Uint8Array | null {
  let t = text;
  // An IPv4 tail (::ffff:1.2.3.4).
  const tail = /(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(t);
  let tailBytes: number[] = [];
  if (tail) {
    const v4 = parseIpv4(tail[1]!);
    if (v4 === null) return null;
    tailBytes = [v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255];
    t = t.slice(0, -tail[1]!.length) + '0:0';
  }
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const group = (s: string) => (s === '' ? [] : s.split(':'));
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? head.length !== 8 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  const out = new Uint8Array(16);
  for (let g = 0; g < 8; g++) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(groups[g]!)) return null;
    const v = parseInt(groups[g]!, 16);
    out[g * 2] = v >> 8;
    out[g * 2 + 1] = v & 255;
  }
  if (tailBytes.length) out.set(tailBytes, 12);
  return out;
}

/** "00:11:22:33:44:55", "00-11-22-33-44-55", "0011.2233.4455", "001122334455", or bytes "aa:bb:cc". */
export function parseBytes(text: string): Uint8Array | null {
  let hex: string;
  if (/^[0-9a-fA-F]{1,2}([:.\-][0-9a-fA-F]{1,2})*$/.test(text)) hex = text.split(/[:.\-]/).map((p) => p.padStart(2, '0')).join('');
  else if (/^([0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}$/.test(text)) hex = text.replace(/\./g, '');
  else if (/^([0-9a-fA-F]{2})+$/.test(text)) hex = text;
  else return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * An absolute time, in UTC: "2013-03-07 21:42:06.869", "2013-03-07T21:42:06Z",
 * "Mar  7, 2013 21:42:06.869344" (Wireshark's own form), or a date alone.
 */
export function parseAbsoluteTime(text: string, span: Span): bigint {
  const t = text.trim().replace(/\s*UTC$/i, '').replace(/Z$/, '');
  let y: number, mo: number, d: number;
  let rest = '';
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](.*))?$/.exec(t);
  if (m) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    rest = m[4] ?? '';
  } else if ((m = /^([A-Za-z]{3})\s+(\d{1,2}),\s*(\d{4})(?:\s+(.*))?$/.exec(t))) {
    mo = MONTHS.indexOf(m[1]!.toLowerCase()) + 1;
    d = Number(m[2]);
    y = Number(m[3]);
    rest = m[4] ?? '';
    if (mo === 0) fail(text, 'a valid date and time', span);
  } else return fail(text, 'a valid date and time (for example "2024-05-01 12:00:00")', span);
  const tm = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(rest.trim());
  if (rest.trim() && !tm) fail(text, 'a valid date and time (for example "2024-05-01 12:00:00")', span);
  const [hh, mm, ss] = tm ? [Number(tm[1]), Number(tm[2]), Number(tm[3] ?? 0)] : [0, 0, 0];
  const frac = tm?.[4] ? BigInt(tm[4].padEnd(9, '0')) : 0n;
  const ms = Date.UTC(y, mo - 1, d, hh, mm, ss);
  if (Number.isNaN(ms)) fail(text, 'a valid date and time', span);
  return BigInt(ms) * 1_000_000n + frac;
}

/** Seconds, possibly with a fraction and a sign, as nanoseconds. */
export function parseSeconds(text: string, span: Span): bigint {
  const m = /^(-)?(\d+)(?:\.(\d{1,9})\d*)?$/.exec(text.trim());
  if (!m) return fail(text, 'a time in seconds (for example 1.5)', span);
  const ns = BigInt(m[2]!) * 1_000_000_000n + BigInt((m[3] ?? '').padEnd(9, '0'));
  return m[1] ? -ns : ns;
}

/** The range of each integer type. */
const INTEGER_LIMITS: Partial<Record<FieldType, { min: bigint; max: bigint }>> = {
  [FieldType.UINT8]: { min: 0n, max: 0xffn },
  [FieldType.UINT16]: { min: 0n, max: 0xffffn },
  [FieldType.UINT24]: { min: 0n, max: 0xffffffn },
  [FieldType.UINT32]: { min: 0n, max: 0xffffffffn },
  [FieldType.FRAMENUM]: { min: 0n, max: 0xffffffffn },
  [FieldType.UINT64]: { min: 0n, max: 0xffffffffffffffffn },
  [FieldType.INT32]: { min: -0x80000000n, max: 0x7fffffffn },
  [FieldType.INT64]: { min: -0x8000000000000000n, max: 0x7fffffffffffffffn },
};

/** An integer literal for `field`, within its type's range; for a boolean, 1 for any value but 0. */
function integerFor(field: FieldInfo, text: string, span: Span): bigint {
  const v = parseInteger(text, span, field);
  if (field.type === FieldType.BOOLEAN) {
    if (v < 0n) fail(text, `a valid value for ${field.abbrev} (True, False, 1 or 0)`, span);
    return v === 0n ? 0n : 1n;
  }
  const limits = INTEGER_LIMITS[field.type];
  if (limits && (v < limits.min || v > limits.max)) fail(text, `a valid value for ${field.abbrev}, which holds ${limits.min} to ${limits.max}`, span);
  return v;
}

/** The prefix length written after "/", from 0 to `max`; `max` when there is none. */
function prefixLength(text: string, prefix: string | undefined, max: number, what: string, span: Span): number {
  if (prefix === undefined) return max;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  if (!(bits <= max)) fail(text, `a valid ${what} with a prefix length of 0 to ${max}`, span);
  return bits;
}

/** A quoted literal as bytes: its UTF-8, except bytes written as escapes (\xff), which stay as they are. */
export function stringBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (const part of text.split(/([\udc80-\udcff])/u)) {
    const code = part.length === 1 ? part.charCodeAt(0) : 0;
    if (code >= ESCAPED_BYTE + 0x80 && code <= ESCAPED_BYTE + 0xff) out.push(code - ESCAPED_BYTE);
    else out.push(...new TextEncoder().encode(part));
  }
  return Uint8Array.from(out);
}

/** A literal read as the type of `field`. `quoted` literals are strings unless the type says otherwise. */
export function parseValue(field: FieldInfo, text: string, quoted: boolean, span: Span): Value {
  if (INTEGER_TYPES.has(field.type) || field.type === FieldType.BOOLEAN) return { type: 'int', value: integerFor(field, text, span) };
  switch (field.type) {
    case FieldType.DOUBLE: {
      const v = Number(text);
      if (!Number.isFinite(v)) fail(text, 'a valid number', span);
      return { type: 'double', value: v };
    }
    case FieldType.IPV4: {
      const [addr, prefix, extra] = text.split('/');
      const v = parseIpv4(addr!);
      if (v === null || extra !== undefined) return fail(text, 'a valid IPv4 address', span);
      const bits = prefixLength(text, prefix, 32, 'IPv4 address', span);
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      return { type: 'ipv4', addr: (v & mask) >>> 0, mask };
    }
    case FieldType.IPV6: {
      const [addr, prefix, extra] = text.split('/');
      const v = parseIpv6(addr!);
      if (!v || extra !== undefined) return fail(text, 'a valid IPv6 address', span);
      const bits = prefixLength(text, prefix, 128, 'IPv6 address', span);
      return { type: 'ipv6', bytes: v, prefix: bits };
    }
    case FieldType.ETHER: {
      const v = parseBytes(text);
      if (!v || v.length !== 6) return fail(text, 'a valid Ethernet (MAC) address', span);
      return { type: 'bytes', bytes: v };
    }
    case FieldType.BYTES:
    case FieldType.PROTOCOL:
    case FieldType.NONE: {
      const v = quoted ? null : parseBytes(text);
      if (v) return { type: 'bytes', bytes: v };
      if (!quoted && !/^[\x20-\x7e]+$/.test(text)) fail(text, 'a valid byte string', span);
      return { type: 'bytes', bytes: stringBytes(text) };
    }
    case FieldType.STRING:
      return { type: 'string', value: text };
    case FieldType.ABSOLUTE_TIME:
      return { type: 'time', ns: parseAbsoluteTime(text, span) };
    case FieldType.RELATIVE_TIME:
      return { type: 'time', ns: parseSeconds(text, span) };
  }
  return fail(text, `a value for ${field.abbrev}`, span);
}
