// Which packets an export takes: all of them, those a display filter shows,
// the marked ones, a range, or an explicit list (the packet list's order).

import type { CaptureIndex } from '../engine/engine';
import { NO_INTERFACE } from '../engine/columns';

export type PacketSelection =
  | { kind: 'all' }
  /** The packets whose entry is 1: a display filter's matches (FilterResult.matches). */
  | { kind: 'displayed'; matches: Uint8Array }
  | { kind: 'marked' }
  /** Packets first..last, counted from 0, both included. */
  | { kind: 'range'; first: number; last: number }
  /** These packets (counted from 0), in this order. */
  | { kind: 'list'; packets: ArrayLike<number> };

export type { ReadPackets } from '../filter/evaluate';

/**
 * The packets a selection takes, counted from 0: in capture order, or in the
 * list's order for a list. Packets past the end of the index are left out.
 */
export function selectPackets(index: CaptureIndex, selection: PacketSelection, marks: Iterable<number> = []): Uint32Array {
  const n = index.packetCount;
  switch (selection.kind) {
    case 'all':
      return Uint32Array.from({ length: n }, (_, i) => i);
    case 'displayed': {
      const out: number[] = [];
      const m = selection.matches;
      for (let i = 0; i < Math.min(n, m.length); i++) if (m[i]) out.push(i);
      return Uint32Array.from(out);
    }
    case 'marked':
      return Uint32Array.from([...new Set(marks)].filter((i) => Number.isInteger(i) && i >= 0 && i < n).sort((a, b) => a - b));
    case 'range': {
      const first = Math.max(0, Math.floor(selection.first));
      const last = Math.min(n - 1, Math.floor(selection.last));
      return last < first ? new Uint32Array(0) : Uint32Array.from({ length: last - first + 1 }, (_, k) => first + k);
    }
    case 'list':
      return Uint32Array.from(Array.from(selection.packets).filter((i) => Number.isInteger(i) && i >= 0 && i < n));
  }
}

/** Whether packet i is a packet, not a pcapng custom block the engine shows as a frame. */
export function isPacket(index: CaptureIndex, i: number): boolean {
  return index.columns.arrays.iface[i] !== NO_INTERFACE;
}
