// Find packet (Ctrl+F), as in Wireshark: the next (or previous) shown packet
// that a display filter matches, or whose bytes hold a string or a hex
// sequence, searching from the selected row and wrapping around the list.

import { parseBytes } from '../filter/values';

export type FindKind = 'filter' | 'string' | 'hex';

export interface FindRequest {
  kind: FindKind;
  text: string;
  /** The row to search from (the selected one); -1 to start at the top. */
  from: number;
  backwards: boolean;
}

export type FindResult = { found: true; row: number; wrapped: boolean } | { found: false; message: string };

/** Packets read per batch while searching the bytes. */
const BATCH = 512;

/** The bytes searched for, or the reason the text is not valid. */
export function searchBytes(kind: 'string' | 'hex', text: string): Uint8Array | string {
  if (kind === 'string') return text ? new TextEncoder().encode(text) : 'Type the text to find.';
  const compact = text.trim().replace(/\s+/g, '');
  const bytes = compact ? parseBytes(compact) : null;
  return bytes && bytes.length > 0 ? bytes : `"${text}" is not a hex sequence (write bytes as "de ad be ef", "de:ad:be:ef" or "deadbeef").`;
}

export function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0]!;
  const last = hay.length - needle.length;
  outer: for (let i = hay.indexOf(first); i >= 0 && i <= last; i = hay.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** The rows to visit after `from`, in search order, wrapping around once. */
export function* rowsFrom(from: number, count: number, backwards: boolean): Generator<{ row: number; wrapped: boolean }> {
  for (let k = 1; k <= count; k++) {
    const step = backwards ? -k : k;
    const raw = from + step;
    const row = ((raw % count) + count) % count;
    yield { row, wrapped: backwards ? raw < 0 : raw >= count };
  }
}

/**
 * Searches packet bytes along the rows: `packetAt` maps a row to its packet,
 * `read` reads packets' captured bytes.
 */
export async function findInBytes(
  needle: Uint8Array,
  req: FindRequest,
  count: number,
  packetAt: (row: number) => number,
  read: (packets: number[]) => Promise<Uint8Array[]>,
): Promise<FindResult> {
  const rows = [...rowsFrom(req.from, count, req.backwards)];
  for (let b = 0; b < rows.length; b += BATCH) {
    const batch = rows.slice(b, b + BATCH);
    const bytes = await read(batch.map((r) => packetAt(r.row)));
    for (let k = 0; k < batch.length; k++) {
      if (contains(bytes[k]!, needle)) return { found: true, row: batch[k]!.row, wrapped: batch[k]!.wrapped };
    }
  }
  return { found: false, message: 'No packet holds these bytes.' };
}
