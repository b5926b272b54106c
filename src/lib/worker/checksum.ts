// A checksum of a stored index, computed when a session is saved and
// compared when it is reopened, so that an index damaged in storage is
// noticed instead of shown.
//
// The hash is FNV-1a over 32-bit words (then the trailing bytes): each step
// h = (h ^ w) * p is a bijection of h, so a change to any one word always
// changes the result, and it runs at memory speed on the column buffers
// (tens of megabytes for a million packets).

import { COLUMN_SPECS } from '../engine/columns';
import type { StoredIndex } from './storage';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Mixes `bytes` (and their length) into the hash `h`. */
export function fnv1aWords(h: number, bytes: Uint8Array): number {
  const words = bytes.byteLength >>> 2;
  if (bytes.byteOffset % 4 === 0) {
    const w = new Uint32Array(bytes.buffer, bytes.byteOffset, words);
    for (let i = 0; i < words; i++) h = Math.imul(h ^ w[i]!, FNV_PRIME);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < words; i++) h = Math.imul(h ^ view.getUint32(i * 4, true), FNV_PRIME);
  }
  for (let i = words * 4; i < bytes.byteLength; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return Math.imul(h ^ bytes.byteLength, FNV_PRIME) >>> 0;
}

function bytesOf(b: ArrayBuffer | Uint8Array | undefined | null): Uint8Array {
  if (b instanceof Uint8Array) return b;
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  return new Uint8Array(0);
}

/** Everything in a stored index besides its buffers, as text in a fixed order. */
function plainText(s: StoredIndex): string {
  const plain = {
    version: s.version,
    length: s.length,
    bigLengths: s.bigLengths,
    format: s.format,
    sections: s.sections,
    interfaces: s.interfaces,
    comments: s.comments,
    names: s.names,
    addresses: s.addresses,
    packetFlags: s.packetFlags,
    dropCounts: s.dropCounts,
    layers: { length: s.layers?.length, paths: s.layers?.paths },
    error: s.error,
    bytesRead: s.bytesRead,
    flows: s.flows ? { tcpStreams: s.flows.tcpStreams, udpStreams: s.flows.udpStreams } : null,
  };
  return JSON.stringify(plain, (_key, value: unknown) => {
    if (typeof value === 'bigint') return `${value}n`;
    if (value instanceof Uint8Array) return Array.from(value);
    return value;
  });
}

/** The checksum of a stored index: its buffers, then its plain data (the checksum field itself is left out). */
export function indexChecksum(s: StoredIndex): number {
  let h = FNV_OFFSET;
  for (const spec of COLUMN_SPECS) h = fnv1aWords(h, bytesOf(s.columns?.[spec.name]));
  h = fnv1aWords(h, bytesOf(s.layers?.path));
  h = fnv1aWords(h, bytesOf(s.layers?.ethPair));
  h = fnv1aWords(h, bytesOf(s.layers?.pairs));
  h = fnv1aWords(h, bytesOf(s.reassemblies?.records));
  h = fnv1aWords(h, bytesOf(s.reassemblies?.parts));
  h = fnv1aWords(h, bytesOf(s.flows?.entries));
  h = fnv1aWords(h, new TextEncoder().encode(plainText(s)));
  return h >>> 0;
}
