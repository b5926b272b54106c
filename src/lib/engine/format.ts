// Field values as text, the way tshark prints them with -T fields: hex with
// the width of the field's type, booleans as 1/0, addresses in their usual
// notation, strings with control characters escaped, times with nanoseconds.

import { Base, FieldType, type FieldInfo } from './registry';
import { formatIpv6 } from './capture';

const HEX_WIDTH: Partial<Record<FieldType, number>> = {
  [FieldType.UINT8]: 2,
  [FieldType.UINT16]: 4,
  [FieldType.UINT24]: 6,
  [FieldType.UINT32]: 8,
  [FieldType.UINT64]: 16,
  [FieldType.INT32]: 8,
  [FieldType.INT64]: 16,
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function formatInteger(field: FieldInfo, value: bigint): string {
  if (field.base === Base.HEX || field.base === Base.HEX_DEC) {
    const width = HEX_WIDTH[field.type] ?? 2;
    const v = value < 0n ? value + (1n << BigInt(width * 4)) : value;
    return '0x' + v.toString(16).padStart(width, '0');
  }
  if (field.base === Base.OCT) return '0' + value.toString(8);
  return value.toString();
}

/** Seconds and nanoseconds as "S.NNNNNNNNN" (nanoseconds are not normalised, as in tshark). */
export function formatRelativeTime(sec: bigint, nsec: number): string {
  if (sec < 0n && nsec > 0) {
    // A negative span: -1 s + 999732000 ns is -0.000268000.
    const total = -(sec * 1_000_000_000n + BigInt(nsec));
    return '-' + formatRelativeTime(total / 1_000_000_000n, Number(total % 1_000_000_000n));
  }
  return `${sec}.${String(nsec).padStart(9, '0')}`;
}

/** "Mar  7, 2013 21:42:06.869344000 UTC", as tshark prints frame.time in UTC. */
export function formatAbsoluteTime(sec: bigint, nsec: number): string {
  const ms = Number(sec) * 1000;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return `${sec}.${String(nsec).padStart(9, '0')}`;
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${day}, ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(nsec).padStart(9, '0')} UTC`;
}

export function formatIpv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

export function formatMac(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    if (i) s += ':';
    s += b[i]!.toString(16).padStart(2, '0');
  }
  return s;
}

const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function formatHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX_PAIRS[b[i]!]!;
  return s;
}

const ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * A string field's bytes as tshark shows them: valid UTF-8 kept, invalid
 * bytes replaced by U+FFFD, control characters escaped (\r, \n, \x01 ...).
 */
export function formatStringBytes(b: Uint8Array): string {
  const s = utf8.decode(b);
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || c === 0x7f) out += ESCAPES[c] ?? '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out;
}

export function formatIpv6Bytes(b: Uint8Array): string {
  return formatIpv6(b);
}
