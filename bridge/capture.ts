// A capture as the bridge's server sees it: a child process (capture-child.ts)
// that opens the device and writes frames, in the wire format, to a pipe. This
// side cuts the pipe's bytes into frames by their length field and hands them
// on; it never looks inside them.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { FRAME_HEADER_BYTES } from '../src/lib/live/wire';
import { CAP_SNAPLEN } from './libpcap';
import { typeScriptArgs } from './node-args';

export interface CaptureRequest {
  device: string;
  filter: string;
  /** Frames are cut to this many bytes (at most CAP_SNAPLEN). */
  snaplen: number;
  /** The frames' interface index. */
  index: number;
  /** When the capture process runs as root, it becomes this user once the device is open. */
  dropTo: { uid: number; gid: number } | null;
}

/** What the capture process tells the server over IPC. */
export type ChildMessage =
  | { type: 'opened'; linkType: number }
  | { type: 'failed'; message: string }
  | { type: 'dropped'; count: number };

export interface CaptureHandlers {
  /** The device is open; frames follow. */
  opened(linkType: number): void;
  /** It could not be opened: libpcap's message (a bad filter, an unknown device, no permission). */
  failed(message: string): void;
  /** `count` whole frames, back to back, as the capture process wrote them. */
  frames(run: Buffer, count: number): void;
  /** It ended after opening: the interface went down or away, or the capture failed. */
  ended(reason: string): void;
}

const CHILD_SCRIPT = fileURLToPath(new URL('./capture-child.ts', import.meta.url));
const STDERR_TAIL_BYTES = 2048;


const sysNet = (device: string): string | null => (/^[^/]+$/.test(device) && device !== '.' && device !== '..' ? `/sys/class/net/${device}` : null);

/**
 * Cuts a byte stream into wire frames, by the captured length in each header:
 * hands on, for each chunk, the whole frames it completes as one run.
 */
export class FrameSplitter {
  private rest: Buffer | null = null;

  constructor(private readonly onFrames: (run: Buffer, count: number) => void) {}

  push(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let off = 0;
    let count = 0;
    while (buf.length - off >= FRAME_HEADER_BYTES) {
      const capturedLength = buf.readUInt32LE(off + 16);
      if (capturedLength > CAP_SNAPLEN) throw new Error(`the capture process wrote a frame of ${capturedLength} bytes, more than ${CAP_SNAPLEN}`);
      const end = off + FRAME_HEADER_BYTES + capturedLength;
      if (end > buf.length) break;
      off = end;
      count++;
    }
    this.rest = off < buf.length ? buf.subarray(off) : null;
    if (count > 0) this.onFrames(buf.subarray(0, off), count);
  }
}

export class CaptureProcess {
  /** Frames the capture process dropped because this side was not reading fast enough. */
  droppedInChild = 0;
  private state: 'opening' | 'running' | 'done' = 'opening';
  private readonly child: ChildProcess;
  private stderrTail = '';
  private readonly existedAtStart: boolean;
  private readonly splitter = new FrameSplitter((run, count) => {
    if (this.state === 'running') this.handlers.frames(run, count);
  });
  /** Pipe data read before 'opened' arrived. */
  private early: Buffer[] = [];

  constructor(
    private readonly request: CaptureRequest,
    private readonly handlers: CaptureHandlers,
  ) {
    const sys = sysNet(request.device);
    this.existedAtStart = sys !== null && existsSync(sys);
    this.child = spawn(process.execPath, typeScriptArgs(CHILD_SCRIPT), {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.on('error', (e) => this.finish(`the capture process could not run: ${e.message}`));
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-STDERR_TAIL_BYTES);
    });
    this.child.on('message', (m) => this.onMessage(m as ChildMessage));
    // 'close' comes after every IPC message and the end of every pipe, unlike 'exit'.
    this.child.on('close', (code, signal) => this.finish(this.exitReason(code, signal)));
    this.frames().on('data', (chunk: Buffer) => {
      if (this.state === 'done') return;
      // Frames may come before the IPC message 'opened'; none may reach the page before 'started'.
      if (this.state === 'opening') {
        this.early.push(chunk);
        return;
      }
      this.split(chunk);
    });
    this.child.send(request);
  }

  private split(chunk: Buffer): void {
    try {
      this.splitter.push(chunk);
    } catch (e) {
      this.finish((e as Error).message);
    }
  }

  /** Ends the capture; no handler is called after this. */
  stop(): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.frames().destroy();
    this.child.kill('SIGTERM');
  }

  private frames(): Readable {
    return this.child.stdio[3] as Readable;
  }

  private onMessage(m: ChildMessage): void {
    if (this.state === 'done') return;
    switch (m.type) {
      case 'opened': {
        this.state = 'running';
        this.handlers.opened(m.linkType);
        for (const chunk of this.early.splice(0)) if (this.state === 'running') this.split(chunk);
        break;
      }
      case 'failed':
        this.finish(m.message);
        break;
      case 'dropped':
        this.droppedInChild = m.count;
        break;
    }
  }

  /** Reports the end once: as a failure to open, or as the end of a running capture. */
  private finish(reason: string): void {
    const was = this.state;
    if (was === 'done') return;
    this.stop();
    if (was === 'opening') this.handlers.failed(reason);
    else this.handlers.ended(reason);
  }

  private exitReason(code: number | null, signal: NodeJS.Signals | null): string {
    const device = this.request.device;
    const sys = sysNet(device);
    if (this.state === 'running' && sys && this.existedAtStart) {
      if (!existsSync(sys)) return `the interface ${device} went away`;
      if (!isUp(sys)) return `the interface ${device} went down`;
    }
    const detail = this.stderrTail
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.endsWith('This may not actually work'))
      .pop();
    const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
    return `the capture on ${device} failed: its process ${how}${detail ? ` (${detail})` : ''}`;
  }
}

function isUp(sys: string): boolean {
  try {
    return (Number(readFileSync(`${sys}/flags`, 'utf8').trim()) & 1) === 1;
  } catch {
    return false;
  }
}
