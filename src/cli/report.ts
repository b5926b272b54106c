// How the CLI reports a capture that could not be read to the end: one line
// naming the file, the byte offset and what was wrong.

import type { CaptureIndex } from '../lib/engine/engine';

export function captureErrorLine(file: string, index: CaptureIndex): string | null {
  const e = index.error;
  if (!e) return null;
  const kept = e.packetsBefore === 0 ? 'no packet before it' : e.packetsBefore === 1 ? 'the 1 packet before it was read' : `the ${e.packetsBefore} packets before it were read`;
  return `packetlens: ${file}: byte ${e.offset}: ${e.message} (${kept})`;
}
