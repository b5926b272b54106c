// A filter that selects packets with a given field value: what "Apply as
// filter" and "Prepare as filter" put in the filter bar for a field of the
// details pane, as Wireshark does.

import { FieldType, type FieldInfo } from '../engine/registry';
import type { FieldValue } from '../engine/tree';

/** Quotes a string for a filter, escaping what the lexer reads as escapes. */
export function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** Undoes the escapes strings are shown with (control characters as \r, \n, \xHH ...). */
function unescape(shown: string): string {
  const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  return shown.replace(/\\(x[0-9a-fA-F]{2}|[abfnrtv])/g, (_, e: string) => (e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : simple[e]!));
}

function hexBytes(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}

/**
 * `abbrev == value` for a field occurrence (its typed value and the text
 * tshark prints for it); the field's name alone for protocols, labels and
 * empty values (a test for presence).
 */
export function filterExpression(field: FieldInfo, value: FieldValue, display: string): string {
  const name = field.abbrev;
  if (value === null || field.type === FieldType.PROTOCOL || field.type === FieldType.NONE) return name;
  switch (field.type) {
    case FieldType.STRING:
      return `${name} == ${quote(unescape(typeof value === 'string' ? value : display))}`;
    case FieldType.BYTES:
      return value instanceof Uint8Array && value.length > 0 ? `${name} == ${hexBytes(value)}` : name;
    case FieldType.ABSOLUTE_TIME:
      return typeof value === 'object' && 'sec' in value ? `${name} == ${quote(isoTime(value.sec, value.nsec))}` : name;
    case FieldType.RELATIVE_TIME:
      return display ? `${name} == ${display}` : name;
    default:
      return display ? `${name} == ${display}` : name;
  }
}

/** "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" in UTC, which the filter reads back exactly. */
function isoTime(sec: bigint, nsec: number): string {
  const d = new Date(Number(sec) * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${date} ${time}.${String(nsec).padStart(9, '0')}`;
}
