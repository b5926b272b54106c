// The capture the page is showing: opening a file or a stored session,
// decoding progress, the save to IndexedDB, and the problems found.

import { captureWorker, Comlink } from '../worker/client';
import type { CaptureMeta, Progress } from '../worker/types';
import { describeCaptureError, describeIndexRebuild } from './errors';

export type Phase = 'idle' | 'loading' | 'decoding' | 'ready' | 'failed';
export type SaveState = 'none' | 'saving' | 'saved' | 'failed';

class CaptureState {
  phase = $state<Phase>('idle');
  meta = $state<CaptureMeta | null>(null);
  progress = $state<Progress | null>(null);
  /** Packets that can be shown now (grows while decoding). */
  count = $state(0);
  /** What was wrong with the capture, and where; its packets before the problem are shown. */
  problem = $state<string | null>(null);
  /** A Packetlens session file was opened: what was restored, and what could not be. */
  sessionNotice = $state<string | null>(null);
  /** The session's stored index was not used but rebuilt from its capture: why, in words. */
  indexNotice = $state<string | null>(null);
  /** Something went wrong outside the capture (storage, the engine). */
  failure = $state<string | null>(null);
  saveState = $state<SaveState>('none');
  saveMessage = $state<string | null>(null);
  sessionId = $state<number | null>(null);
  /** Changes whenever another capture is shown, so views drop what they cached. */
  generation = $state(0);

  private begin(phase: Phase): void {
    this.phase = phase;
    this.meta = null;
    this.progress = null;
    this.count = 0;
    this.problem = null;
    this.sessionNotice = null;
    this.indexNotice = null;
    this.failure = null;
    this.saveState = 'none';
    this.saveMessage = null;
    this.sessionId = null;
    this.generation++;
  }

  /** Decodes a capture file, shows it as it decodes, then keeps it as a session. */
  async openFile(blob: Blob, name: string): Promise<void> {
    this.begin('decoding');
    const generation = this.generation;
    try {
      const worker = await captureWorker();
      const meta = await worker.open(
        blob,
        name,
        Comlink.proxy((p: Progress) => {
          if (this.generation !== generation) return;
          this.progress = p;
          this.count = p.packets;
        }),
      );
      if (this.generation !== generation) return;
      this.finishOpen(meta);
      if (meta.cancelled) return;
      // A file that is not a capture at all is not kept.
      if (meta.packets === 0 && meta.error) return;
      await this.save();
    } catch (e) {
      if (this.generation !== generation) return;
      this.phase = 'failed';
      this.failure = `The capture could not be opened: ${(e as Error).message}`;
    }
  }

  private finishOpen(meta: CaptureMeta): void {
    this.meta = meta;
    if (meta.session) {
      this.sessionNotice = `This file is a Packetlens session: its comments, marks, note and columns were restored.${meta.session.length ? ` Not restored: ${meta.session.join(' ')}` : ''}`;
    }
    this.count = meta.packets;
    this.phase = 'ready';
    this.problem = meta.error ? describeCaptureError(meta.name, meta.error) : meta.cancelled ? `Decoding was cancelled after ${meta.packets} packets; only those are shown.` : null;
  }

  private async save(): Promise<void> {
    const worker = await captureWorker();
    const generation = this.generation;
    this.saveState = 'saving';
    try {
      // The worker writes the session itself: the capture and its index never pass through the page.
      const id = await worker.save();
      if (this.generation !== generation) return;
      this.sessionId = id;
      this.saveState = 'saved';
      this.saveMessage = null;
    } catch (e) {
      if (this.generation !== generation) return;
      this.saveState = 'failed';
      this.saveMessage = (e as Error).message;
    }
  }

  /** Reopens a stored session without decoding (unless its index must be rebuilt). */
  async openSession(id: number): Promise<void> {
    this.begin('loading');
    const generation = this.generation;
    try {
      const worker = await captureWorker();
      const meta = await worker.openSession(
        id,
        Comlink.proxy((p: Progress) => {
          if (this.generation !== generation) return;
          this.phase = 'decoding';
          this.progress = p;
          this.count = p.packets;
        }),
      );
      if (this.generation !== generation) return;
      if (!meta) {
        this.phase = 'failed';
        this.failure = `There is no stored session number ${id}; it may have been deleted.`;
        return;
      }
      this.finishOpen(meta);
      this.indexNotice = meta.indexRebuild ? describeIndexRebuild(meta.indexRebuild) : null;
      this.sessionId = id;
      this.saveState = 'saved';
    } catch (e) {
      if (this.generation !== generation) return;
      this.phase = 'failed';
      this.failure = `The session could not be opened: ${(e as Error).message}`;
    }
  }

  async cancel(): Promise<void> {
    (await captureWorker()).cancel();
  }
}

export const capture = new CaptureState();
