// The frame shared by every name data file: gzip around a header (magic,
// format version, what the file holds, and which package and version it was
// built from) and the table itself. Built by scripts/build-names.ts.

import { ByteReader, ByteWriter } from './binary';

const MAGIC = [0x50, 0x4c, 0x4e, 0x44]; // "PLND"
export const FORMAT_VERSION = 1;

export enum DataKind {
  COUNTRY = 1,
  ASN = 2,
  OUI = 3,
  SERVICES = 4,
}

export function writeHeader(w: ByteWriter, kind: DataKind, source: string): void {
  for (const b of MAGIC) w.u8(b);
  w.u8(FORMAT_VERSION);
  w.u8(kind);
  w.string(source);
}

/** Reads the header and returns the source it names ("oui-data 2.1.9"). */
export function readHeader(r: ByteReader, kind: DataKind, what: string): string {
  for (const b of MAGIC) {
    if (r.u8() !== b) throw new Error(`${what}: not a Packetlens name data file (run scripts/setup.sh to build it)`);
  }
  const version = r.u8();
  if (version !== FORMAT_VERSION) throw new Error(`${what}: format version ${version}, this code reads version ${FORMAT_VERSION} (run scripts/setup.sh to rebuild it)`);
  const found = r.u8();
  if (found !== kind) throw new Error(`${what}: holds ${DataKind[found] ?? found} data, ${DataKind[kind]} was expected`);
  return r.string();
}

/**
 * The file's bytes without their gzip wrapping. Files are fetched as
 * opaque bytes; a server that already removed the gzip layer is fine too.
 */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
