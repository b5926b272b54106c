// A followed stream as text, the way tshark -q -z follow,PROTO,MODE,N prints
// it: "raw" (hex digits, one line a chunk), "ascii" (the length, then the
// bytes with what is not printable as '.'), "hex" (a hex dump per chunk,
// offsets counted per direction). Node 1's chunks are indented by a tab.

import type { FollowedStream, StreamChunk, StreamEndpoint } from './follow';

export type FollowMode = 'raw' | 'ascii' | 'hex';

export const FOLLOW_MODES: readonly FollowMode[] = ['raw', 'ascii', 'hex'];

const SEPARATOR = '===================================================================\n';
const HEX = '0123456789abcdef';

/** The bytes as hex digits ("474554"). */
export function rawText(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]! >> 4]! + HEX[bytes[i]! & 15]!;
  return s;
}

/** The bytes as text: printable ASCII, CR and LF as they are, anything else as '.'. */
export function asciiText(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    s += b === 0x0d || b === 0x0a || (b >= 0x20 && b < 0x7f) ? String.fromCharCode(b) : '.';
  }
  return s;
}

/**
 * A hex dump, 16 bytes a line: the offset (8 upper-case hex digits, from
 * `offset`), the bytes, and their printable characters, each half of the
 * line apart; every line begins with `prefix`.
 */
export function hexDump(bytes: Uint8Array, offset = 0, prefix = ''): string {
  let out = '';
  for (let start = 0; start < bytes.length; start += 16) {
    const n = Math.min(16, bytes.length - start);
    let hex = '';
    let text = '';
    for (let k = 0; k < 16; k++) {
      if (k === 8) hex += ' ';
      if (k < n) {
        const b = bytes[start + k]!;
        hex += HEX[b >> 4]! + HEX[b & 15]! + ' ';
        text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
        if (k === 7) text += ' ';
      } else hex += '   ';
    }
    // As tshark: one space at the end of the text goes (meant for the gap after 8 bytes, or not).
    if (text.endsWith(' ')) text = text.slice(0, -1);
    out += `${prefix}${(offset + start).toString(16).toUpperCase().padStart(8, '0')}  ${hex} ${text}\n`;
  }
  return out;
}

/** One chunk as tshark prints it in `mode`. */
export function formatChunk(chunk: StreamChunk, mode: FollowMode): string {
  const tab = chunk.node === 1 ? '\t' : '';
  switch (mode) {
    case 'raw':
      return `${tab}${rawText(chunk.bytes)}\n`;
    case 'ascii':
      return `${tab}${chunk.bytes.length}\n${asciiText(chunk.bytes)}\n`;
    case 'hex':
      return hexDump(chunk.bytes, chunk.offset, tab);
  }
}

function endpoint(e: StreamEndpoint | undefined): string {
  if (!e) return ':0';
  return e.ipv6 ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

/** The display filter that selects the stream ("tcp.stream eq 3"). */
export function followFilter(f: Pick<FollowedStream, 'protocol' | 'stream'>): string {
  return `${f.protocol}.stream eq ${f.stream}`;
}

/** The whole block tshark -q -z follow,PROTO,MODE,N prints for the stream. */
export function formatFollow(f: FollowedStream, mode: FollowMode): string {
  let out = `\n${SEPARATOR}`;
  out += `Follow: ${f.protocol},${mode}\n`;
  out += `Filter: ${followFilter(f)}\n`;
  out += `Node 0: ${endpoint(f.nodes?.[0])}\n`;
  out += `Node 1: ${endpoint(f.nodes?.[1])}\n`;
  for (const chunk of f.chunks) out += formatChunk(chunk, mode);
  return out + SEPARATOR;
}
