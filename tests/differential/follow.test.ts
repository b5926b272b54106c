// Follow TCP stream and follow UDP stream (src/lib/stream) against tshark:
// `packetlens follow` must print what `tshark -q -z follow,PROTO,MODE,N`
// prints, for every TCP and UDP stream of the corpus in raw, ascii and hex,
// and for hand-made captures with what the corpus lacks (segments out of
// order, retransmissions with more data, overlaps, data the capture missed,
// IPv6, empty datagrams).

import { describe, it, expect, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngine, readCaptureFile, readPacketBytes } from '../../src/lib/engine/node';
import { followStream, followStreamSync, formatFollow, FOLLOW_MODES, type StreamProtocol } from '../../src/lib/stream';
import { tsharkAvailable } from './tshark';
import { captureFiles, corpusAvailable, CORPUS } from './corpus';
import { FOLLOW_DEVIATIONS } from './deviations';
import { CaptureBuilder, SYN, ACK, PSH, FIN } from './tcp-builder';

const engine = await loadEngine();
const enabled = tsharkAvailable() && corpusAvailable();
const work = mkdtempSync(join(tmpdir(), 'packetlens-follow-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** tshark's output for several -z follow options at once (it prints the last first). */
function tsharkFollow(path: string, specs: string[]): string {
  const args = ['-q', '-n', '-r', path, ...specs.flatMap((s) => ['-z', s])];
  try {
    return execFileSync('tshark', args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' }, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
  } catch (e) {
    // tshark exits 2 on damaged files after printing what it could read.
    return ((e as { stdout?: string }).stdout ?? '').toString();
  }
}

/** The blocks of follow output, keyed by their filter ("tcp.stream eq 3"). */
function blocks(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of text.split(/(?=\n={67}\nFollow: )/)) {
    const filter = /\nFilter: (.*)\n/.exec(b)?.[1];
    if (filter) out.set(filter, b);
  }
  return out;
}

interface Outcome {
  differences: string[];
  streams: number;
  chunks: number;
}

/** Every stream of `protocol` in the file, in every mode, ours against tshark's. */
function compareFile(path: string, file: string, protocol: StreamProtocol, modes = FOLLOW_MODES): Outcome {
  const index = readCaptureFile(engine, path);
  const count = protocol === 'tcp' ? index.flows!.tcpStreams : index.flows!.udpStreams;
  const out: Outcome = { differences: [], streams: count, chunks: 0 };
  if (count === 0) return out;
  const fd = openSync(path, 'r');
  try {
    const read = (p: number) => readPacketBytes(fd, index, p);
    const followed = Array.from({ length: count }, (_, s) => followStreamSync(engine, index, read, protocol, s));
    for (const f of followed) out.chunks += f.chunks.length;
    for (const mode of modes) {
      const want = blocks(tsharkFollow(path, followed.map((f) => `follow,${protocol},${mode},${f.stream}`)));
      for (const f of followed) {
        const filter = `${protocol}.stream eq ${f.stream}`;
        const w = want.get(filter) ?? '';
        const g = formatFollow(f, mode);
        if (w === g) continue;
        if (FOLLOW_DEVIATIONS.some((d) => d.file === file && d.protocol === protocol && (d.stream === undefined || d.stream === f.stream))) continue;
        out.differences.push(`${filter} ${mode}:\n--- tshark\n${w.slice(0, 800)}\n--- packetlens\n${g.slice(0, 800)}`);
      }
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

let streams = 0;
let chunks = 0;

describe.runIf(enabled)('follow agrees with tshark -q -z follow on the corpus', () => {
  for (const file of captureFiles()) {
    it(file, () => {
      for (const protocol of ['tcp', 'udp'] as const) {
        const r = compareFile(join(CORPUS, file), file, protocol);
        streams += r.streams;
        chunks += r.chunks;
        expect(r.differences.slice(0, 5)).toEqual([]);
      }
    });
  }
  afterAll(() => console.log(`follow: ${streams} TCP and UDP streams (${chunks} chunks) in raw, ascii and hex compared with tshark`));
});

// ---- hand-made captures -----------------------------------------------------------

const C = '10.0.0.1:40000';
const S = '10.0.0.2:8080';

/** Segments out of order, repeated, overlapping, with more data the second time, and some never captured. */
function disorder(b: CaptureBuilder): void {
  b.tcp(0, C, S, { seq: 100, flags: SYN });
  b.tcp(1, S, C, { seq: 900, ack: 101, flags: SYN | ACK });
  b.tcp(2, C, S, { seq: 101, ack: 901, flags: ACK });
  b.tcp(3, C, S, { seq: 101, ack: 901, flags: PSH | ACK, data: 'hello, ' });
  b.tcp(4, S, C, { seq: 901, ack: 108, flags: PSH | ACK, data: 'welcome\r\n' });
  // The third piece comes before the second.
  b.tcp(5, C, S, { seq: 117, ack: 910, flags: PSH | ACK, data: ' world' });
  b.tcp(6, C, S, { seq: 108, ack: 910, flags: PSH | ACK, data: 'wonderful' });
  // A complete repeat, then one overlapping what was seen and bringing more.
  b.tcp(7, C, S, { seq: 108, ack: 910, flags: PSH | ACK, data: 'wonderful' });
  b.tcp(8, C, S, { seq: 120, ack: 910, flags: PSH | ACK, data: 'orld and more\x00\x01\x7f' });
  // A segment after a gap, which the server acknowledges: the gap was sent, not captured.
  b.tcp(9, C, S, { seq: 150, ack: 910, flags: PSH | ACK, data: 'after the gap' });
  b.tcp(10, S, C, { seq: 910, ack: 163, flags: ACK });
  // Early data of the server that waits for its predecessor, which comes with more.
  b.tcp(11, S, C, { seq: 930, ack: 163, flags: PSH | ACK, data: 'second' });
  b.tcp(12, S, C, { seq: 910, ack: 163, flags: PSH | ACK, data: 'first part, twenty b' });
  b.tcp(13, S, C, { seq: 910, ack: 163, flags: PSH | ACK, data: 'first part, twenty bytes and on' });
  b.tcp(14, C, S, { seq: 163, ack: 941, flags: FIN | ACK });
  b.tcp(15, S, C, { seq: 941, ack: 164, flags: FIN | ACK, data: 'bye' });
  b.tcp(16, C, S, { seq: 164, ack: 945, flags: ACK });
  // A long stream of binary data, for the hex dump's offsets past one line and past 0x9f.
  const D = '10.0.0.3:40001';
  b.tcp(20, D, S, { seq: 1, flags: SYN, data: 'data on the SYN' });
  b.tcp(21, S, D, { seq: 1, ack: 17, flags: SYN | ACK });
  b.tcp(22, D, S, { seq: 17, ack: 2, flags: PSH | ACK, data: Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 255) });
  b.tcp(23, S, D, { seq: 2, ack: 317, flags: PSH | ACK, data: 'ok' });
}

/** IPv6 ends, and UDP with empty datagrams (not followed). */
function v6(b: CaptureBuilder): void {
  const A = '[2001:db8::1]:5353';
  const B = '[2001:db8:0:1::abcd]:4444';
  b.tcp(0, A, B, { seq: 1, flags: SYN });
  b.tcp(1, B, A, { seq: 1, ack: 2, flags: SYN | ACK });
  b.tcp(2, A, B, { seq: 2, ack: 2, flags: PSH | ACK, data: 'over IPv6' });
  b.udp(3, B, A, '');
  b.udp(4, A, B, 'first datagram');
  b.udp(5, B, A, 'reply');
  b.udp(6, '10.1.1.1:9999', '10.1.1.2:7777', '');
  b.udp(7, '10.1.1.2:7777', '10.1.1.1:9999', 'the empty one does not choose node 0');
}

describe.runIf(enabled)('follow agrees with tshark on hand-made captures', () => {
  for (const [name, build] of [
    ['disorder', disorder],
    ['ipv6-and-udp', v6],
  ] as const) {
    it(name, () => {
      const b = new CaptureBuilder();
      build(b);
      const path = b.save(join(work, `${name}.pcap`));
      for (const protocol of ['tcp', 'udp'] as const) expect(compareFile(path, name, protocol).differences).toEqual([]);
    });
  }

  it('marks what the capture missed, keeps each chunk\'s packet, and reads the same asynchronously', async () => {
    const b = new CaptureBuilder();
    disorder(b);
    const path = b.save(join(work, 'disorder-api.pcap'));
    const index = readCaptureFile(engine, path);
    const fd = openSync(path, 'r');
    try {
      const read = (p: number) => readPacketBytes(fd, index, p);
      const sync = followStreamSync(engine, index, read, 'tcp', 0);
      const gap = sync.chunks.find((c) => c.missing !== undefined);
      // Revealed by the server's ACK (packet 10) of data after the gap.
      expect(gap).toMatchObject({ node: 0, missing: 14, packet: 10 });
      expect(new TextDecoder().decode(gap!.bytes)).toBe('[14 bytes missing in capture file]\0');
      // The out-of-order piece is shown when its predecessor came, from its own packet.
      expect(sync.chunks.slice(0, 4).map((c) => [c.node, c.packet, new TextDecoder().decode(c.bytes)])).toEqual([
        [0, 3, 'hello, '],
        [1, 4, 'welcome\r\n'],
        [0, 6, 'wonderful'],
        [0, 5, ' world'],
      ]);
      expect(sync.totals[0]).toBe(sync.chunks.filter((c) => c.node === 0).reduce((n, c) => n + c.bytes.length, 0));
      expect(sync.packets).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
      const async = await followStream(engine, index, async (p) => read(p), 'tcp', 0);
      expect(async).toEqual(sync);
    } finally {
      closeSync(fd);
    }
  });
});
