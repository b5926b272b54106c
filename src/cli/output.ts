// Buffered output for large results: writes in big blocks, and waits for the
// stream to drain so memory stays flat when stdout is a slow pipe.

import type { Writable } from 'node:stream';

export class BufferedWriter {
  private parts: string[] = [];
  private size = 0;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly stream: Writable,
    private readonly limit = 1 << 20,
  ) {}

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= this.limit) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.stream.write(chunk);
  }

  async close(): Promise<void> {
    this.flush();
    await this.pending;
    await new Promise<void>((resolve) => {
      if (this.stream.writableNeedDrain) this.stream.once('drain', () => resolve());
      else resolve();
    });
  }
}
