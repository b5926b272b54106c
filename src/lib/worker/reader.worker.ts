// Reads a File ahead of the decoder, in slices, and transfers each slice to
// it. The decoder grants one credit per slice it takes, bounding memory.

import type { ReaderReply, ReaderRequest } from './slices';

let credits = 0;
let stopped = false;
let resume: (() => void) | null = null;

async function run(blob: Blob, firstSize: number, size: number): Promise<void> {
  let position = 0;
  let n = firstSize;
  while (position < blob.size && !stopped) {
    while (credits <= 0 && !stopped) await new Promise<void>((r) => (resume = r));
    if (stopped) return;
    credits--;
    const to = Math.min(position + n, blob.size);
    const slice = await blob.slice(position, to).arrayBuffer();
    position = to;
    n = size;
    (self as unknown as Worker).postMessage({ slice } satisfies ReaderReply, [slice]);
  }
  if (!stopped) (self as unknown as Worker).postMessage({ end: true } satisfies ReaderReply);
}

self.onmessage = (e: MessageEvent<ReaderRequest>) => {
  const m = e.data;
  if ('blob' in m) {
    credits = m.ahead;
    stopped = false;
    run(m.blob, m.firstSize, m.size).catch((err) => (self as unknown as Worker).postMessage({ error: String((err as Error).message ?? err) } satisfies ReaderReply));
  } else if ('credit' in m) {
    credits += m.credit;
  } else {
    stopped = true;
  }
  resume?.();
  resume = null;
};
