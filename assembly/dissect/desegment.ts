// How a TCP application dissector asks for more bytes, as Wireshark's
// desegment_offset / desegment_len: when a message (a TLS record, an HTTP
// header, a DNS message with its length prefix) does not end in the bytes it
// was given, it calls needMore() and returns. TCP then keeps the bytes from
// that offset and hands the dissector the whole message once it has arrived.

import { pinfo } from "../core/pinfo";

/** Offset (in the current source) where the incomplete message starts; -1 when none. */
export let wantOffset: i32 = -1;
/** Bytes needed from wantOffset in all; UNTIL_MORE_DATA when the length is not known yet. */
export let wantLength: i32 = 0;

/** The message goes on in the next segment, length unknown (an HTTP header without its blank line). */
export const UNTIL_MORE_DATA: i32 = -1;

export function needMore(off: i32, totalLength: i32): void {
  // The segment may show only TCP while holding the start of the message:
  // filters must dissect it to see the protocol.
  pinfo.appPending = true;
  wantOffset = off;
  wantLength = totalLength;
}

export function resetDesegment(): void {
  wantOffset = -1;
  wantLength = 0;
}
