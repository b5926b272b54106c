// Rebuilding, for the detail pass of one packet, the messages and datagrams
// the summary pass reassembled from several packets, so that the packet
// shows what it showed then (an HTTP request split over segments, a UDP
// datagram split into IP fragments).

import type { CaptureIndex, Rebuilt } from './engine';

/** Reads a packet's captured bytes (from a file, a Blob ...). */
export type PacketReader = (packet: number) => Uint8Array | Promise<Uint8Array>;

/** Reassemblies are applied innermost last: IP datagrams, then TCP messages. */
export async function rebuildFor(index: CaptureIndex, packet: number, read: PacketReader): Promise<Rebuilt[]> {
  const list = index.info.reassemblies.get(packet);
  if (!list) return [];
  const out: Rebuilt[] = [];
  for (const r of list) {
    const bytes = new Uint8Array(r.length);
    for (const part of r.parts) {
      const data = await read(part.packet);
      const piece = data.subarray(part.offset, part.offset + part.length);
      if (part.at + piece.length <= bytes.length) bytes.set(piece, part.at);
    }
    out.push({ kind: r.kind, bytes, tail: r.tail });
  }
  return out;
}

/** The same, for readers that answer at once (Node files). */
export function rebuildForSync(index: CaptureIndex, packet: number, read: (packet: number) => Uint8Array): Rebuilt[] {
  const list = index.info.reassemblies.get(packet);
  if (!list) return [];
  return list.map((r) => {
    const bytes = new Uint8Array(r.length);
    for (const part of r.parts) {
      const piece = read(part.packet).subarray(part.offset, part.offset + part.length);
      if (part.at + piece.length <= bytes.length) bytes.set(piece, part.at);
    }
    return { kind: r.kind, bytes, tail: r.tail };
  });
}
