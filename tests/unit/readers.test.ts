// The capture readers on hand-made edge cases: chunk boundaries anywhere,
// both byte orders, nanosecond and unusual time stamp resolutions, every
// pcapng block type, and damaged files.

import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine } from '../../src/lib/engine/node';
import type { CaptureIndex, Engine } from '../../src/lib/engine/engine';
import { FileFormat } from '../../src/lib/engine/capture';
import { COLUMN_SPECS, NO_TIME } from '../../src/lib/engine/columns';
import { Pcapng, pcap, udpFrame, textOption, tsresol, tsoffset } from './builder';
import { CORPUS } from '../differential/corpus';

const engine = await loadEngine();

function read(e: Engine, bytes: Uint8Array, chunks: number[] = [bytes.length]): CaptureIndex {
  const index = e.begin();
  let o = 0;
  let k = 0;
  while (o < bytes.length) {
    const n = Math.max(1, Math.min(chunks[k++ % chunks.length]!, bytes.length - o));
    if (!e.push(bytes.subarray(o, o + n))) break;
    o += n;
  }
  e.end();
  return index;
}

/** Everything the reader produced, in a comparable form. */
function digest(index: CaptureIndex) {
  const c = index.columns;
  const rows = [];
  for (let i = 0; i < c.length; i++) {
    rows.push(COLUMN_SPECS.map((s) => String(c.arrays[s.name][i])).join(','));
  }
  return {
    rows,
    interfaces: index.info.interfaces.map((i) => ({ ...i, tsoffset: String(i.tsoffset), received: String(i.received), dropped: String(i.dropped) })),
    comments: [...index.info.comments.entries()],
    names: index.info.names,
    addresses: index.info.addresses.map((a) => [a.kind, [...a.bytes].join('.')]),
    error: index.error,
  };
}

const times = (index: CaptureIndex) => Array.from({ length: index.columns.length }, (_, i) => index.columns.time(i));

describe('chunking', () => {
  for (const file of ['zeek-http_get.pcap', 'pcapngtg-le-test202.pcapng', 'pcapngtg-be-test016.pcapng', 'zeek-ipv6-hbh-routing0.pcap']) {
    it(`${file}: the same result for a split at every byte`, () => {
      const bytes = new Uint8Array(readFileSync(join(CORPUS, file)));
      const whole = digest(read(engine, bytes));
      expect(whole.error).toBeNull();
      for (let cut = 1; cut < bytes.length; cut++) {
        const index = engine.begin();
        engine.push(bytes.subarray(0, cut));
        engine.push(bytes.subarray(cut));
        engine.end();
        const d = digest(index);
        if (JSON.stringify(d) !== JSON.stringify(whole)) expect(d, `split at byte ${cut}`).toEqual(whole);
      }
    });
  }

  it('the same result byte by byte, and in uneven chunks', () => {
    const bytes = new Uint8Array(readFileSync(join(CORPUS, 'pcapplusplus-pcapng-example.pcapng')));
    const whole = digest(read(engine, bytes));
    expect(digest(read(engine, bytes, [1]))).toEqual(whole);
    expect(digest(read(engine, bytes, [7, 1, 4096, 3, 65536, 13]))).toEqual(whole);
  });

  it('records larger than the input buffer, in one 64 MiB chunk', () => {
    const big = new Uint8Array(200_000);
    big.set(udpFrame(1, 100));
    const file = pcap([{ sec: 1, frac: 0, data: big }, { sec: 2, frac: 0, data: udpFrame(2) }], { snaplen: 262144 });
    const chunk = new Uint8Array(64 << 20);
    chunk.set(file);
    const index = engine.begin();
    engine.push(file);
    engine.end();
    expect(index.error).toBeNull();
    expect(index.columns.length).toBe(2);
    expect(index.columns.capLen(0)).toBe(200_000);
    expect(index.columns.arrays.capLen[0]).toBe(0xffff);
    expect(index.columns.fileOffset(1)).toBe(24 + 16 + 200_000 + 16);
  });
});

describe('classic pcap', () => {
  const records = [
    { sec: 1_600_000_000, frac: 123_456, data: udpFrame(1) },
    { sec: 1_600_000_001, frac: 999_999, data: udpFrame(2), origLen: 1500 },
  ];

  it('reads both byte orders alike', () => {
    const le = digest(read(engine, pcap(records)));
    const be = digest(read(engine, pcap(records, { bigEndian: true })));
    expect(be.rows).toEqual(le.rows);
    expect(le.rows).toHaveLength(2);
  });

  it('microsecond and nanosecond time stamps', () => {
    expect(times(read(engine, pcap(records)))).toEqual([1_600_000_000_123_456_000n, 1_600_000_001_999_999_000n]);
    const ns = [{ sec: 5, frac: 123_456_789, data: udpFrame(1) }];
    expect(times(read(engine, pcap(ns, { nanos: true })))).toEqual([5_123_456_789n]);
    expect(times(read(engine, pcap(ns, { nanos: true, bigEndian: true })))).toEqual([5_123_456_789n]);
  });

  it('keeps lengths, offsets and the link type from the header', () => {
    const index = read(engine, pcap(records, { linkType: 1, snaplen: 96 }));
    expect(index.info.format).toBe(FileFormat.PCAP);
    expect(index.info.interfaces).toHaveLength(1);
    expect(index.info.interfaces[0]!.linkType).toBe(1);
    expect(index.info.interfaces[0]!.snaplen).toBe(96);
    expect(index.columns.origLen(1)).toBe(1500);
    expect(index.columns.fileOffset(0)).toBe(40);
    expect(index.columns.fileOffset(1)).toBe(40 + records[0]!.data.length + 16);
  });

  it('an empty capture has no packets and no error', () => {
    const index = read(engine, pcap([]));
    expect(index.error).toBeNull();
    expect(index.columns.length).toBe(0);
  });
});

describe('pcapng', () => {
  const frame = udpFrame(7);

  it('sections in both byte orders, several interfaces and link types', () => {
    const file = new Pcapng(false)
      .section([textOption(2, 'hardware'), textOption(3, 'os'), textOption(4, 'app'), textOption(1, 'first section')])
      .iface(1, [textOption(2, 'eth0'), tsresol(6)])
      .iface(0, [textOption(2, 'lo')])
      .epb(0, 1_000_000n, frame)
      .section([], true)
      .iface(1, [tsresol(9)])
      .epb(0, 5_000_000_000n, frame)
      .build();
    const index = read(engine, file);
    expect(index.error).toBeNull();
    expect(index.info.sections.map((s) => s.bigEndian)).toEqual([false, true]);
    expect(index.info.sections[0]).toMatchObject({ hardware: 'hardware', os: 'os', application: 'app', comments: ['first section'] });
    expect(index.info.interfaces.map((i) => [i.index, i.section, i.linkType, i.name])).toEqual([
      [0, 0, 1, 'eth0'],
      [1, 0, 0, 'lo'],
      [2, 1, 1, undefined],
    ]);
    expect([...index.columns.arrays.iface.subarray(0, 2)]).toEqual([0, 2]);
    expect(times(index)).toEqual([1_000_000_000n, 5_000_000_000n]);
  });

  it('time stamp resolutions other than 6 and 9, and offsets', () => {
    const file = new Pcapng()
      .section()
      .iface(1, [tsresol(3)])
      .iface(1, [tsresol(0x80 | 10)])
      .iface(1, [tsresol(0)])
      .iface(1, [tsresol(6), tsoffset(1000n)])
      .epb(0, 1_500n, frame)
      .epb(1, 1536n, frame)
      .epb(2, 7n, frame)
      .epb(3, 2_000_001n, frame)
      .build();
    expect(times(read(engine, file))).toEqual([1_500_000_000n, 1_500_000_000n, 7_000_000_000n, 1_002_000_001_000n]);
  });

  it('simple, obsolete and enhanced packet blocks; names, statistics, comments; custom and unknown blocks', () => {
    const long = udpFrame(8, 100);
    const file = new Pcapng()
      .section()
      .iface(1, [], 64)
      .nrb([192, 0, 2, 1], ['example.org', 'www.example.org'])
      .spb(long)
      .obsoletePacket(0, 3n, frame)
      .epb(0, 4n, frame, [textOption(1, 'a comment'), textOption(1, 'another')])
      .custom(0x00000bad, 32473, Uint8Array.of(1, 2, 3, 4))
      .unknown(0x12345678, Uint8Array.of(9, 9, 9, 9))
      .isb(0, 10n, 2n)
      .build();
    const index = read(engine, file);
    expect(index.error).toBeNull();
    // The custom block is a frame of data, as tshark shows it; the unknown block is skipped.
    expect(index.columns.length).toBe(4);
    expect(index.columns.capLen(0)).toBe(64);
    expect(index.columns.origLen(0)).toBe(long.length);
    expect(index.columns.time(0)).toBeNull();
    expect(index.columns.time(1)).toBe(3_000n);
    expect(index.columns.time(3)).toBeNull();
    expect(index.info.comments.get(2)).toEqual(['a comment', 'another']);
    expect(index.info.names).toEqual([{ address: '192.0.2.1', names: ['example.org', 'www.example.org'] }]);
    expect(index.info.interfaces[0]).toMatchObject({ received: 10n, dropped: 2n });
  });

  it('reads the same in either byte order', () => {
    const make = (be: boolean) => new Pcapng(be).section().iface(1, [tsresol(9)]).epb(0, 123_456_789_012n, frame, [textOption(1, 'x')]).spb(frame).build();
    const le = digest(read(engine, make(false)));
    const be = digest(read(engine, make(true)));
    expect(be).toEqual(le);
  });
});

describe('records without a time stamp', () => {
  const frame = udpFrame(3);

  it('a record with no time stamp keeps NO_TIME in its column', () => {
    const index = read(engine, new Pcapng().section().iface(1).spb(frame).build());
    expect(index.columns.arrays.time[0]).toBe(NO_TIME);
  });
});
