// The index of a capture in the form a session keeps it: typed-array buffers
// and plain data, so it survives structured cloning into IndexedDB and back.

import { CaptureIndex } from '../engine/engine';
import { CaptureInfo, ReassemblyTable, type CaptureError, type FileFormat, type Interface, type InternedAddress, type NameRecord, type Section } from '../engine/capture';
import { PacketColumns, type ColumnName } from '../engine/columns';
import { LayerTable, type StoredLayers } from '../engine/layers';
import { indexChecksum } from './checksum';

/**
 * Bump when the layout of stored indexes changes; older ones are rebuilt from
 * the capture bytes. Version 3 added the checksum.
 */
export const STORED_INDEX_VERSION = 3;

export interface StoredIndex {
  version: number;
  length: number;
  columns: Record<ColumnName, ArrayBuffer>;
  bigLengths: [number, { capLen: number; origLen: number }][];
  format: FileFormat;
  sections: Section[];
  interfaces: Interface[];
  comments: [number, string[]][];
  names: NameRecord[];
  addresses: InternedAddress[];
  packetFlags: [number, number][];
  dropCounts: [number, bigint][];
  reassemblies: { records: ArrayBuffer; parts: ArrayBuffer };
  /** Each packet's top-level protocols and Ethernet addresses (since version 2). */
  layers: StoredLayers;
  error: CaptureError | null;
  bytesRead: number;
  flows: { entries: Uint8Array; tcpStreams: number; udpStreams: number } | null;
  /** indexChecksum() of the rest, computed when it was stored (since version 3). */
  checksum: number;
}

export function storeIndex(index: CaptureIndex): StoredIndex {
  const info = index.info;
  const stored: StoredIndex = {
    version: STORED_INDEX_VERSION,
    length: index.columns.length,
    columns: index.columns.buffers(),
    bigLengths: [...index.columns.bigLengths],
    format: info.format,
    sections: info.sections,
    interfaces: info.interfaces,
    comments: [...info.comments],
    names: info.names,
    addresses: info.addresses,
    packetFlags: [...info.packetFlags],
    dropCounts: [...info.dropCounts],
    reassemblies: info.reassemblies.toStored(),
    layers: info.layers.toStored(),
    error: index.error,
    bytesRead: index.bytesRead,
    flows: index.flows,
    checksum: 0,
  };
  stored.checksum = indexChecksum(stored);
  return stored;
}

/** Bytes of the buffers a stored index holds (most of what it takes in storage). */
export function storedIndexBytes(s: StoredIndex): number {
  let n = 0;
  for (const b of Object.values(s.columns)) n += b.byteLength;
  n += s.layers.path.byteLength + s.layers.ethPair.byteLength + s.layers.pairs.byteLength;
  n += s.reassemblies.records.byteLength + s.reassemblies.parts.byteLength;
  return n + (s.flows?.entries.byteLength ?? 0);
}

export class StoredIndexError extends Error {}

/** Rebuilds an index from storage; throws StoredIndexError when it is not usable. */
export function restoreIndex(s: StoredIndex): CaptureIndex {
  if (!s || s.version !== STORED_INDEX_VERSION) throw new StoredIndexError(`stored index version ${s?.version} is not ${STORED_INDEX_VERSION}`);
  let columns: PacketColumns;
  try {
    columns = PacketColumns.fromBuffers(s.length, s.columns, s.bigLengths);
  } catch (e) {
    throw new StoredIndexError((e as Error).message);
  }
  const info = new CaptureInfo();
  info.format = s.format;
  info.sections.push(...s.sections);
  info.interfaces.push(...s.interfaces);
  for (const [k, v] of s.comments) info.comments.set(k, v);
  info.names.push(...s.names);
  info.addresses.push(...s.addresses);
  for (const [k, v] of s.packetFlags) info.packetFlags.set(k, v);
  for (const [k, v] of s.dropCounts) info.dropCounts.set(k, v);
  info.reassemblies = ReassemblyTable.fromStored(s.reassemblies);
  try {
    info.layers = LayerTable.fromStored(s.layers);
  } catch (e) {
    throw new StoredIndexError((e as Error).message);
  }
  const index = new CaptureIndex(columns, info);
  index.error = s.error;
  index.bytesRead = s.bytesRead;
  index.flows = s.flows;
  return index;
}
