// One capture, in its own process (started by capture.ts): opens the device
// with libpcap, then writes each frame, in the wire format, to file
// descriptor 3. Its parent sends the request and learns the outcome over the
// IPC channel.
//
// Why a process of its own: cap 0.2.1 aborts the whole process (a failed C
// assertion) when the interface it captures on goes down or away, and when a
// Cap whose open() failed (a bad filter, an unknown device) is garbage
// collected. Here that ends one capture, and the bridge tells its page.

import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { encodeFrame } from '../src/lib/live/wire';
import { capClass, CAP_SNAPLEN, linkTypeNumber } from './libpcap';
import type { CaptureRequest, ChildMessage } from './capture';

/** Frames waiting to be written to the parent, at most; beyond it they are dropped and counted. */
const QUEUE_LIMIT_BYTES = 4 * 1024 * 1024;
/** libpcap's kernel buffer. */
const PCAP_BUFFER_BYTES = 8 * 1024 * 1024;
const REPORT_MS = 250;

/** Objects the native code uses without holding a reference to them. */
const keptAlive: unknown[] = [];

function tell(m: ChildMessage): void {
  process.send?.(m);
}

/**
 * Nanoseconds since the epoch, read when a packet reaches the bridge (cap does
 * not pass on libpcap's time stamps): the wall clock at start-up, advanced by
 * the monotonic clock so that time stamps never go backwards.
 */
const epochAtStart = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)) - process.hrtime.bigint();
const nowNs = (): bigint => epochAtStart + process.hrtime.bigint();

function dropRoot(req: CaptureRequest): void {
  if (process.getuid?.() !== 0 || !req.dropTo) return;
  process.setgroups?.([]);
  process.setgid?.(req.dropTo.gid);
  process.setuid?.(req.dropTo.uid);
}

function run(req: CaptureRequest): void {
  const out = new Socket({ fd: 3, readable: false, writable: true });
  out.on('error', () => process.exit(0));
  const Cap = capClass();
  const cap = new Cap();
  // cap copies each packet into this buffer from C++; it must outlive the
  // capture, whatever the garbage collector thinks of it.
  const buffer = Buffer.alloc(CAP_SNAPLEN);
  keptAlive.push(cap, buffer);
  let linkType: number;
  try {
    linkType = linkTypeNumber(cap.open(req.device, req.filter, PCAP_BUFFER_BYTES, buffer));
  } catch (e) {
    // The failed Cap (in keptAlive) must not be garbage collected (see the top
    // of this file): the process exits once the parent has the message.
    const m: ChildMessage = { type: 'failed', message: (e as Error).message };
    process.send?.(m, undefined, {}, () => process.exit(0));
    return;
  }
  dropRoot(req);
  tell({ type: 'opened', linkType });

  let dropped = 0;
  let reported = 0;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    out.uncork();
  };
  cap.on('packet', (nbytes: number) => {
    if (out.writableLength > QUEUE_LIMIT_BYTES) {
      dropped++;
      return;
    }
    // One write system call per batch of packets libpcap hands over, not per packet.
    if (!corked) {
      corked = true;
      out.cork();
      setImmediate(uncork);
    }
    out.write(
      encodeFrame({
        interface: req.index,
        linkType,
        time: nowNs(),
        originalLength: nbytes,
        data: buffer.subarray(0, Math.min(nbytes, req.snaplen)),
      }),
    );
  });
  setInterval(() => {
    if (dropped !== reported) {
      reported = dropped;
      tell({ type: 'dropped', count: dropped });
    }
  }, REPORT_MS);
}

// The parent going away (even killed) closes the IPC channel: stop with it.
// Otherwise the parent ends it (SIGTERM); Ctrl+C in a terminal reaches the
// whole process group, and the parent, not this process, decides what it means.
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
process.once('message', (m) => run(m as CaptureRequest));
