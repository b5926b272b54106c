// Damaged and malformed captures, as a table: each gives its clear error
// (what, and where in the file), and every complete packet before the damage
// is kept, the same packets the undamaged file has. Damaged files of the
// shared corpus keep as many packets as tshark reads from them.

import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine } from '../../src/lib/engine/node';
import type { CaptureIndex } from '../../src/lib/engine/engine';
import { CaptureErrorKind } from '../../src/lib/engine/capture';
import { COLUMN_SPECS } from '../../src/lib/engine/columns';
import { Pcapng, pcap, udpFrame, Bytes } from './builder';
import { CORPUS, corpusAvailable, statusTable } from '../differential/corpus';

const engine = await loadEngine();

function read(bytes: Uint8Array): CaptureIndex {
  engine.begin();
  engine.push(bytes);
  return engine.end();
}

function rows(index: CaptureIndex, n: number): string[] {
  return Array.from({ length: n }, (_, i) => COLUMN_SPECS.map((s) => String(index.columns.arrays[s.name][i])).join(','));
}

interface Case {
  name: string;
  bytes: Uint8Array;
  /** The undamaged file the damaged one was made from, if any: its first packets must be kept as they were. */
  from?: Uint8Array;
  kind: CaptureErrorKind | null;
  message?: RegExp;
  offset?: number;
  packets: number;
}

const f1 = udpFrame(1);
const f2 = udpFrame(2);
const good = pcap([
  { sec: 1, frac: 0, data: f1 },
  { sec: 2, frac: 0, data: f2 },
]);
const second = 24 + 16 + f1.length;
const ng = () => new Pcapng().section().iface(1).epb(0, 1n, udpFrame(3));
const ngGood = ng().epb(0, 2n, udpFrame(4)).build();
const ngFirstEnd = ng().build().length;

function patched(bytes: Uint8Array, edit: (v: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer));
  return copy;
}

const cases: Case[] = [
  { name: 'a web page, not a capture', bytes: new TextEncoder().encode('<html>hello</html>'), kind: CaptureErrorKind.NOT_CAPTURE, message: /not a pcap or pcapng/, offset: 0, packets: 0 },
  { name: 'an empty file', bytes: new Uint8Array(0), kind: CaptureErrorKind.NOT_CAPTURE, packets: 0 },
  { name: 'pcap: cut inside the file header', bytes: good.subarray(0, 10), kind: CaptureErrorKind.NOT_CAPTURE, packets: 0 },
  { name: 'pcap: a wrong magic number', bytes: patched(good, (v) => v.setUint32(0, 0xa1b2c3d5, true)), kind: CaptureErrorKind.NOT_CAPTURE, offset: 0, packets: 0 },
  { name: 'pcap: an unsupported version', bytes: patched(good, (v) => v.setUint16(4, 1, true)), kind: CaptureErrorKind.UNSUPPORTED, offset: 4, packets: 0 },
  { name: 'pcap: cut inside a record header', bytes: good.subarray(0, second + 5), from: good, kind: CaptureErrorKind.CUT_SHORT, offset: second, packets: 1 },
  { name: 'pcap: cut inside a packet', bytes: good.subarray(0, good.length - 5), from: good, kind: CaptureErrorKind.CUT_SHORT, offset: second, packets: 1 },
  { name: 'pcap: a captured length larger than any packet', bytes: patched(good, (v) => v.setUint32(second + 8, 0x7fff0000, true)), from: good, kind: CaptureErrorKind.DAMAGED, offset: second + 8, packets: 1 },
  {
    name: 'pcap: a captured length larger than the original length',
    bytes: patched(good, (v) => v.setUint32(second + 12, 4, true)),
    kind: null,
    packets: 2,
  },
  {
    name: 'pcap: a snapshot length smaller than the headers (packets cut at 20 bytes)',
    bytes: pcap([f1, f2].map((d, i) => ({ sec: i, frac: 0, data: d.subarray(0, 20), origLen: d.length })), { snaplen: 20 }),
    kind: null,
    packets: 2,
  },
  { name: 'pcapng: cut inside the section header', bytes: ngGood.subarray(0, 20), kind: CaptureErrorKind.CUT_SHORT, offset: 0, packets: 0 },
  {
    name: 'pcapng: a section header with an unknown byte-order magic',
    bytes: patched(ngGood, (v) => v.setUint32(8, 0x11223344, true)),
    kind: CaptureErrorKind.NOT_CAPTURE,
    packets: 0,
  },
  {
    name: 'pcapng: a block whose trailer disagrees with its length',
    bytes: patched(ngGood, (v) => v.setUint32(ngGood.length - 4, 999, true)),
    from: ngGood,
    kind: CaptureErrorKind.DAMAGED,
    message: /trailer says 999/,
    offset: ngGood.length - 4,
    packets: 1,
  },
  { name: 'pcapng: a zero block length', bytes: ng().raw(new Bytes().u32(6).u32(0).u32(0).build()).build(), from: ngGood, kind: CaptureErrorKind.DAMAGED, message: /impossible total length/, offset: ngFirstEnd + 4, packets: 1 },
  { name: 'pcapng: a huge block length', bytes: ng().raw(new Bytes().u32(6).u32(0x7ffffff0).u32(0).build()).build(), from: ngGood, kind: CaptureErrorKind.DAMAGED, message: /impossible total length/, offset: ngFirstEnd + 4, packets: 1 },
  { name: 'pcapng: a block length not a multiple of 4', bytes: ng().raw(new Bytes().u32(6).u32(33).u32(0).build()).build(), from: ngGood, kind: CaptureErrorKind.DAMAGED, message: /impossible total length of 33/, offset: ngFirstEnd + 4, packets: 1 },
  { name: 'pcapng: an interface id out of range', bytes: ng().epb(5, 2n, udpFrame(4)).build(), from: ngGood, kind: CaptureErrorKind.DAMAGED, message: /interface 5/, offset: ngFirstEnd + 8, packets: 1 },
  { name: 'pcapng: a packet before any interface', bytes: new Pcapng().section().epb(0, 1n, udpFrame(3)).build(), kind: CaptureErrorKind.DAMAGED, message: /interface 0/, packets: 0 },
  {
    name: 'pcapng: a captured length larger than its block',
    bytes: patched(ngGood, (v) => v.setUint32(ngFirstEnd + 20, 4000, true)),
    from: ngGood,
    kind: CaptureErrorKind.DAMAGED,
    message: /captured 4000 bytes/,
    offset: ngFirstEnd + 20,
    packets: 1,
  },
  { name: 'pcapng: cut in the middle of a block', bytes: ngGood.subarray(0, ngGood.length - 10), from: ngGood, kind: CaptureErrorKind.CUT_SHORT, offset: ngFirstEnd, packets: 1 },
];

let passed = 0;
let corpusPassed = 0;

describe('malformed captures: a clear error, where, and every packet before it', () => {
  for (const c of cases) {
    it(c.name, () => {
      const index = read(c.bytes);
      expect(index.packetCount).toBe(c.packets);
      if (c.kind === null) expect(index.error).toBeNull();
      else {
        expect(index.error).not.toBeNull();
        const e = index.error!;
        expect(e.kind).toBe(c.kind);
        expect(e.packetsBefore).toBe(c.packets);
        // What is wrong, in words, and where: an offset inside the file.
        expect(e.message.length).toBeGreaterThan(15);
        expect(e.offset).toBeGreaterThanOrEqual(0);
        expect(e.offset).toBeLessThanOrEqual(c.bytes.length);
        if (c.offset !== undefined) expect(e.offset).toBe(c.offset);
        if (c.message) expect(e.message).toMatch(c.message);
      }
      if (c.from) expect(rows(index, c.packets)).toEqual(rows(read(c.from), c.packets));
      // Every packet kept shows its fields within its captured bytes.
      for (let i = 0; i < index.packetCount; i++) {
        const at = index.columns.fileOffset(i);
        const bytes = c.bytes.subarray(at, at + index.columns.capLen(i));
        const detail = engine.dissect(index, i, bytes);
        for (const n of detail.nodes) expect(n.offset + n.length).toBeLessThanOrEqual(detail.sources[n.source]!.bytes.length);
      }
      passed++;
    });
  }

  it.skipIf(!corpusAvailable())('damaged corpus files keep the packets tshark reads from them', () => {
    const status = statusTable();
    for (const file of ['derived-zeek-http_get-cut-mid-packet.pcap', 'derived-tcpdump-pptp-cut-in-record-header.pcap', 'derived-pcapplusplus-pcapng-example-cut-mid-block.pcapng', 'derived-zeek-dhcp-huge-caplen.pcap', 'libpcap-pcap-invalid-version-1.pcap', 'libpcap-shb-option-too-long.pcapng']) {
      const index = read(new Uint8Array(readFileSync(join(CORPUS, file))));
      const want = status.get(file)!;
      expect(index.error, file).not.toBeNull();
      expect(index.packetCount, file).toBe(want.packets);
      if (file === 'libpcap-shb-option-too-long.pcapng') expect(index.error!.message).toMatch(/option of length 12336/);
      corpusPassed++;
    }
  });
});

afterAll(() => {
  console.log(`malformed captures: ${passed} of ${cases.length} cases passed, ${corpusPassed} damaged corpus files as tshark`);
});
