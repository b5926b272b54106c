// Capture problems in words: what is wrong, where, and what is still shown;
// and a stored session's index that had to be rebuilt.

import type { CaptureError } from '../engine/capture';
import type { IndexRebuild } from '../worker/types';
import { CaptureErrorKind } from '../engine/capture';

export function describeCaptureError(name: string, e: CaptureError): string {
  const what =
    e.kind === CaptureErrorKind.NOT_CAPTURE
      ? `"${name}" is not a pcap or pcapng capture`
      : e.kind === CaptureErrorKind.UNSUPPORTED
        ? `"${name}" uses a capture format this version cannot read`
        : e.kind === CaptureErrorKind.CUT_SHORT
          ? `"${name}" ends in the middle of a record`
          : `"${name}" is damaged`;
  const kept =
    e.packetsBefore === 0 ? 'No packet could be read.' : e.packetsBefore === 1 ? 'The 1 packet before it is shown.' : `The ${e.packetsBefore} packets before it are shown.`;
  return `${what}: at byte ${e.offset}, ${e.message}. ${kept}`;
}

export function describeIndexRebuild(r: IndexRebuild): string {
  const what =
    r.kind === 'damaged'
      ? `The stored index of this session was damaged; it was rebuilt from the capture (${r.reason}).`
      : `This session was stored by an earlier version of Packetlens; its index was rebuilt from the capture.`;
  return r.kept ? what : `${what} The rebuilt index could not be stored, so it will be rebuilt again when the session is next opened.`;
}
