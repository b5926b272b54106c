// Memory for QUIC's decrypted payloads and reassembled CRYPTO data, and for
// TLS handshake messages rebuilt from several records, while one packet is
// dissected. They become data sources of the packet (the bytes
// pane reads them after the dissection), so the arena is only reused once a
// new packet starts: then no source of the current packet points into it.

import * as t from "../core/tree";

const CAP: i32 = 1 << 18;
const arena: usize = heap.alloc(<usize>CAP);
let top: i32 = 0;

/**
 * Called when QUIC or TLS starts on a payload: keeps what sources of the
 * current packet already hold (an earlier layer or call in the same frame),
 * frees the rest. No buffer may be in use across this call.
 */
export function arenaBegin(): void {
  top = 0;
  for (let s = 1; s < t.sourceCount; s++) {
    const p = unchecked(t.sourcePtrs[s]);
    if (p < arena || p >= arena + <usize>CAP) continue;
    const end = <i32>(p - arena) + unchecked(t.sourceLens[s]);
    if (end > top) top = end;
  }
}

/** n bytes that stay valid until the next packet, or 0 when the arena is full. */
export function arenaAlloc(n: i32): usize {
  if (n < 0 || n > CAP - top) return 0;
  const p = arena + <usize>top;
  top += (n + 7) & ~7;
  if (top > CAP) top = CAP;
  return p;
}
