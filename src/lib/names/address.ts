// Addresses as the name lookups take them: parsed from the text the packet
// list shows (IPv4 dotted quads, IPv6 in any RFC 4291 form, MAC addresses
// with colons, dashes or dots), with a canonical text to key maps by.

import { formatIpv4, formatMac } from '../engine/format';
import { formatIpv6 } from '../engine/capture';

export type Address = { kind: 'ipv4'; value: number } | { kind: 'ipv6'; bytes: Uint8Array } | { kind: 'mac'; bytes: Uint8Array };

export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return v;
}

/** An IPv6 address's 16 bytes; a zone ("%eth0") is ignored. */
export function parseIpv6(text: string): Uint8Array | null {
  const zone = text.indexOf('%');
  const s = zone >= 0 ? text.slice(0, zone) : text;
  if (!s.includes(':')) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let k = 0; k < items.length; k++) {
      const item = items[k]!;
      if (k === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item);
        if (v4 === null) return null;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) out.push(parseInt(item, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((g, k) => {
    bytes[2 * k] = g >> 8;
    bytes[2 * k + 1] = g & 0xff;
  });
  return bytes;
}

export function parseMac(text: string): Uint8Array | null {
  let hex: string;
  if (/^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/.test(text)) hex = text.replace(/[:-]/g, '');
  else if (/^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$/.test(text)) hex = text.replace(/\./g, '');
  else if (/^[0-9a-fA-F]{12}$/.test(text)) hex = text;
  else return null;
  const bytes = new Uint8Array(6);
  for (let k = 0; k < 6; k++) bytes[k] = parseInt(hex.slice(2 * k, 2 * k + 2), 16);
  return bytes;
}

export function parseAddress(text: string): Address | null {
  const t = text.trim();
  const v4 = parseIpv4(t);
  if (v4 !== null) return { kind: 'ipv4', value: v4 };
  const mac = parseMac(t);
  if (mac) return { kind: 'mac', bytes: mac };
  const v6 = parseIpv6(t);
  if (v6) return { kind: 'ipv6', bytes: v6 };
  return null;
}

/** The text the packet list would show for the address. */
export function addressText(a: Address): string {
  switch (a.kind) {
    case 'ipv4':
      return formatIpv4(a.value);
    case 'ipv6':
      return formatIpv6(a.bytes);
    case 'mac':
      return formatMac(a.bytes);
  }
}

/** An IPv6 address as four 32-bit words, most significant first. */
export function ipv6Words(bytes: Uint8Array): Uint32Array {
  const w = new Uint32Array(4);
  for (let k = 0; k < 4; k++) w[k] = ((bytes[4 * k]! << 24) | (bytes[4 * k + 1]! << 16) | (bytes[4 * k + 2]! << 8) | bytes[4 * k + 3]!) >>> 0;
  return w;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), or null. */
export function mappedIpv4(bytes: Uint8Array): number | null {
  for (let k = 0; k < 10; k++) if (bytes[k] !== 0) return null;
  if (bytes[10] !== 0xff || bytes[11] !== 0xff) return null;
  return ((bytes[12]! << 24) | (bytes[13]! << 16) | (bytes[14]! << 8) | bytes[15]!) >>> 0;
}
