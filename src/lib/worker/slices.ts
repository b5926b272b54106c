// Where the capture worker gets a File's bytes from, slice by slice. In a
// browser, a second worker reads ahead while the first decodes, so reading
// and decoding run in parallel; elsewhere the Blob is read directly.

export interface SliceSource {
  /** The next slice, or null at the end. */
  next(): Promise<Uint8Array | null>;
  /** Stops reading ahead. */
  close(): void;
}

/** Reads the Blob in sequence, one slice ahead of the caller. */
export function directSlices(blob: Blob, firstSize: number, size: number): SliceSource {
  let position = 0;
  const read = (n: number): Promise<Uint8Array> | null => {
    if (position >= blob.size) return null;
    const from = position;
    position = Math.min(from + n, blob.size);
    return blob.slice(from, position).arrayBuffer().then((b) => new Uint8Array(b));
  };
  let pending = read(firstSize);
  return {
    async next() {
      const current = pending;
      if (!current) return null;
      const bytes = await current;
      pending = read(size);
      return bytes;
    },
    close() {
      pending = null;
    },
  };
}

/** Messages between the capture worker and the reader worker. */
export type ReaderRequest = { blob: Blob; firstSize: number; size: number; ahead: number } | { credit: number } | { stop: true };
export type ReaderReply = { slice: ArrayBuffer } | { end: true } | { error: string };

/**
 * Slices read by a reader worker and transferred (not copied) here. At most
 * `ahead` slices are in flight, so memory stays bounded.
 */
export function workerSlices(reader: Worker, blob: Blob, firstSize: number, size: number, ahead = 3): SliceSource {
  const queue: ArrayBuffer[] = [];
  let ended = false;
  let failure: string | null = null;
  let wake: (() => void) | null = null;
  reader.onmessage = (e: MessageEvent<ReaderReply>) => {
    const m = e.data;
    if ('slice' in m) queue.push(m.slice);
    else if ('end' in m) ended = true;
    else failure = m.error;
    wake?.();
  };
  reader.postMessage({ blob, firstSize, size, ahead } satisfies ReaderRequest);
  return {
    async next() {
      while (queue.length === 0 && !ended && failure === null) await new Promise<void>((r) => (wake = r));
      wake = null;
      if (failure !== null) throw new Error(failure);
      const slice = queue.shift();
      if (!slice) return null;
      reader.postMessage({ credit: 1 } satisfies ReaderRequest);
      return new Uint8Array(slice);
    },
    close() {
      reader.postMessage({ stop: true } satisfies ReaderRequest);
    },
  };
}
