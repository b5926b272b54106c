// Exports checked against the engine reading them back, against tshark, and
// against DuckDB: the session file (one pcapng: packets, comments, and the
// session's state in the section header), filtered pcapng exports (exactly
// the frames tshark -Y selects), CSV and JSON of fields, and the packet and
// flow tables as Parquet.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { CaptureIndex, Engine } from '../../src/lib/engine/engine';
import { loadEngine, readCaptureFile, readPacketBytes } from '../../src/lib/engine/node';
import { NO_INTERFACE } from '../../src/lib/engine/columns';
import { compileFilter } from '../../src/lib/filter/compile';
import { runFilter } from '../../src/lib/filter/evaluate';
import { main } from '../../src/cli/main';
import {
  readSessionState,
  restoreMarks,
  writeSessionFile,
  SESSION_FORMAT_VERSION,
  stateOptions,
  type SessionFileOptions,
  type SessionInput,
  type SessionState,
} from '../../src/lib/export/session-file';
import { sectionHeaderBlock } from '../../src/lib/live/pcapng-writer';
import { dissectionsToText } from '../../src/lib/export/dissections';
import { tableToCsv } from '../../src/lib/export/csv';
import { flowTable, packetTable, packetsToParquet, tableAsCsv } from '../../src/lib/export/tables';
import type { ReadPackets } from '../../src/lib/export/selection';
import { CORPUS, parseCsv } from './corpus';
import { tsharkAvailable, tsharkFields } from './tshark';

const haveTshark = tsharkAvailable();
let engine: Engine;
const work = mkdtempSync(join(tmpdir(), 'packetlens-export-'));
const open: number[] = [];

beforeAll(async () => {
  engine = await loadEngine();
});
afterAll(() => {
  for (const fd of open) closeSync(fd);
  rmSync(work, { recursive: true, force: true });
});

function corpus(name: string): string {
  return join(CORPUS, name);
}

/** The capture's index and a reader of its packets' bytes. */
function load(file: string): { index: CaptureIndex; read: ReadPackets; bytes: (i: number) => Uint8Array } {
  const index = readCaptureFile(engine, file);
  const fd = openSync(file, 'r');
  open.push(fd);
  const bytes = (i: number) => readPacketBytes(fd, index, i);
  return { index, read: async (ids) => ids.map(bytes), bytes };
}

async function writeSession(opts: SessionFileOptions, name: string): Promise<{ path: string; exported: Uint32Array; notes: string[] }> {
  const file = await writeSessionFile(opts);
  const path = join(work, name);
  writeFileSync(path, Buffer.concat(file.parts));
  expect(file.bytes).toBe(readFileSync(path).length);
  return { path, exported: file.exported, notes: file.notes };
}

/** tshark's -T fields output, rows of cells (hashes of frames with -o frame.generate_md5_hash). */
function tshark(file: string, fields: string[], filter?: string): string[][] {
  const args = ['-n', '-r', file, '-o', 'frame.generate_md5_hash:TRUE', '-T', 'fields', '-E', 'separator=/t'];
  if (filter) args.push('-Y', filter);
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8', TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
  return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

const SESSION: SessionInput = {
  name: 'MySQL and SSH, 29 January',
  note: 'Look at the handshake in packet 4 — and the slow reply. Ünïcödé, "quotes", commas, and a\nnewline.',
  filters: [
    { name: 'MySQL', filter: 'tcp.port == 3306' },
    { name: 'Handshakes', filter: 'tcp.flags.syn == 1 && tcp.flags.ack == 0' },
  ],
  columns: ['tcp.stream', 'frame.comment'],
  colouring: [{ name: 'Resets', filter: 'tcp.flags.reset == 1', foreground: '#ffffff', background: '#a40000', enabled: true }],
};

describe('session file', () => {
  const CAPTURE = 'pcapplusplus-pcapng-example.pcapng'; // 159 packets, two interfaces (Ethernet, Linux SLL), 100 comments

  it('round trip: the same packets, times, bytes and comments, and the whole state', async () => {
    const src = load(corpus(CAPTURE));
    expect(src.index.error).toBeNull();
    const n = src.index.packetCount;
    // The capture's comments with the person's edits: one added, one changed, one removed.
    const comments = new Map(src.index.info.comments);
    comments.set(3, ['Handshake done here', 'second comment']);
    comments.set(60, ['Packet #2, edited']);
    comments.delete(61);
    const marks = [0, 5, 158];
    const { path, notes } = await writeSession({ index: src.index, read: src.read, comments, marks, session: SESSION }, 'round-trip.pcapng');
    expect(notes.join(' ')).toMatch(/100 packets had a time stamp before 1970/);

    const back = load(path);
    expect(back.index.error).toBeNull();
    expect(back.index.packetCount).toBe(n);
    for (let i = 0; i < n; i++) {
      expect(back.index.columns.time(i), `time of packet ${i + 1}`).toBe(src.index.columns.time(i));
      expect(back.index.columns.origLen(i)).toBe(src.index.columns.origLen(i));
      expect(back.index.columns.capLen(i)).toBe(src.index.columns.capLen(i));
      expect(Buffer.from(back.bytes(i)).equals(Buffer.from(src.bytes(i))), `bytes of packet ${i + 1}`).toBe(true);
      expect(back.index.linkType(i)).toBe(src.index.linkType(i));
      expect(back.index.columns.arrays.proto[i]).toBe(src.index.columns.arrays.proto[i]);
    }
    expect(Object.fromEntries(back.index.info.comments)).toEqual(Object.fromEntries(comments));
    expect(back.index.info.interfaces.map((f) => [f.linkType, f.snaplen, f.name ?? '', f.tsresol])).toEqual(src.index.info.interfaces.map((f) => [f.linkType, f.snaplen, f.name ?? '', 9]));
    expect(back.index.info.sections[0]!.application).toBe('Packetlens');

    const result = readSessionState(readFileSync(path));
    expect(result.status).toBe('restored');
    if (result.status !== 'restored') return;
    expect(result.problems).toEqual([]);
    expect(result.state).toEqual({
      format: 'packetlens-session',
      version: SESSION_FORMAT_VERSION,
      application: 'Packetlens',
      packets: n,
      name: SESSION.name,
      note: SESSION.note,
      marks: [1, 6, 159],
      filters: SESSION.filters,
      columns: SESSION.columns,
      colouring: SESSION.colouring,
    });
    expect(restoreMarks(result.state, back.index.packetCount)).toEqual({ marks, problem: null });
    expect(restoreMarks(result.state, n - 1).marks).toEqual([]);
    expect(restoreMarks(result.state, n - 1).problem).toMatch(/has 158 packets but the session was saved with 159/);
  });

  it('a selection keeps its packets, comments and marks, renumbered', async () => {
    const src = load(corpus(CAPTURE));
    const matches = (await runFilter(compileFilter('tcp.port == 3306 || frame.comment contains "#5"', engine.registry), src.index, engine, src.read)).matches;
    const chosen = [...matches.keys()].filter((i) => matches[i]);
    const marks = [chosen[1]!, chosen[4]!, 2 /* not exported */];
    for (const selection of [{ kind: 'displayed' as const, matches }, { kind: 'marked' as const }, { kind: 'range' as const, first: 10, last: 69 }]) {
      const { path, exported } = await writeSession({ index: src.index, read: src.read, selection, marks, session: { name: selection.kind } }, `selection-${selection.kind}.pcapng`);
      const expected = selection.kind === 'displayed' ? chosen : selection.kind === 'marked' ? [...marks].sort((a, b) => a - b) : Array.from({ length: 60 }, (_, k) => 10 + k);
      expect(Array.from(exported)).toEqual(expected);
      const back = load(path);
      expect(back.index.packetCount).toBe(expected.length);
      expected.forEach((i, k) => {
        expect(back.index.columns.time(k)).toBe(src.index.columns.time(i));
        expect(Buffer.from(back.bytes(k)).equals(Buffer.from(src.bytes(i)))).toBe(true);
        expect(back.index.info.comments.get(k)).toEqual(src.index.info.comments.get(i));
      });
      const state = readSessionState(readFileSync(path));
      expect(state.status).toBe('restored');
      if (state.status !== 'restored') continue;
      expect(state.state.packets).toBe(expected.length);
      const markedHere = marks.filter((m) => expected.includes(m)).map((m) => expected.indexOf(m) + 1).sort((a, b) => a - b);
      expect(state.state.marks).toEqual(markedHere);
    }
  });

  it('custom blocks shown as frames are left out, and packets without a time stamp get time 0', async () => {
    const src = load(corpus('pcapngtg-le-test202.pcapng')); // 3 sections, 5 interfaces, custom blocks, simple packet blocks
    const { path, exported, notes } = await writeSession({ index: src.index, read: src.read, session: {} }, 'test202.pcapng');
    const packets = [...Array(src.index.packetCount).keys()].filter((i) => src.index.columns.arrays.iface[i] !== NO_INTERFACE);
    expect(Array.from(exported)).toEqual(packets);
    expect(notes.join(' ')).toMatch(/3 pcapng custom blocks shown as frames are not packets/);
    expect(notes.join(' ')).toMatch(/2 packets had no time stamp/);
    const back = load(path);
    expect(back.index.packetCount).toBe(packets.length);
    packets.forEach((i, k) => {
      expect(back.index.columns.time(k)).toBe(src.index.columns.time(i) ?? 0n);
      expect(Buffer.from(back.bytes(k)).equals(Buffer.from(src.bytes(i)))).toBe(true);
      const was = src.index.info.interfaces[src.index.columns.arrays.iface[i]!]!;
      const now = back.index.info.interfaces[back.index.columns.arrays.iface[k]!]!;
      expect([now.linkType, now.snaplen, now.name]).toEqual([was.linkType, was.snaplen, was.name]);
    });
    // The sections' comments are kept in the one section written.
    expect(back.index.info.sections[0]!.comments).toEqual(['test202 SHB-0', 'test202 SHB-1', 'test202 SHB-2']);
  });

  it('a state of several pieces (a long note) comes back whole', async () => {
    const src = load(corpus('zeek-http_get.pcap'));
    const note = 'Zürich → 東京 🚀 '.repeat(20_000); // ~500 KB of UTF-8: nine pieces, some cut next to multi-byte characters
    const { path } = await writeSession({ index: src.index, read: src.read, session: { note } }, 'long-note.pcapng');
    const whole = readFileSync(path);
    const result = readSessionState(whole);
    expect(result.status === 'restored' && result.state.note).toBe(note);
    // Given only the first bytes, it says how many it needs.
    const first = readSessionState(whole.subarray(0, 4096));
    expect(first.status).toBe('need-more');
    if (first.status === 'need-more') expect(readSessionState(whole.subarray(0, first.bytes)).status).toBe('restored');
    expect(load(path).index.packetCount).toBe(src.index.packetCount);
  });

  it('a damaged state or one from a newer version is a problem, and the packets are kept', async () => {
    const src = load(corpus(CAPTURE));
    const { path } = await writeSession({ index: src.index, read: src.read, marks: [1], session: SESSION }, 'to-damage.pcapng');
    const good = readFileSync(path);
    const at = good.indexOf('"version":1');
    expect(at).toBeGreaterThan(0);

    const cases: [string, (b: Buffer) => void, RegExp][] = [
      ['newer', (b) => b.write('"version":7', at), /written by a newer version of Packetlens \(session format 7; this version reads format 1/],
      ['bad JSON', (b) => b.write('x', at), /damaged: it is not valid JSON/],
      ['piece count', (b) => b.write('1/2', b.indexOf('Packetlens session 1/1') + 19), /damaged: piece 2 of 2 is missing/],
      ['not UTF-8', (b) => b.writeUInt8(0xff, at + 3), /damaged: a piece of the session state at byte \d+ is not UTF-8/],
    ];
    for (const [what, damage, message] of cases) {
      const bytes = Buffer.from(good);
      damage(bytes);
      const damagedPath = join(work, `damaged-${what.replace(/ /g, '-')}.pcapng`);
      writeFileSync(damagedPath, bytes);
      const result = readSessionState(bytes);
      expect(result.status, what).toBe('unreadable');
      if (result.status === 'unreadable') expect(result.problem, what).toMatch(message);
      const back = load(damagedPath);
      expect(back.index.error, what).toBeNull();
      expect(back.index.packetCount, what).toBe(src.index.packetCount);
      expect(back.index.info.comments.size, what).toBe(100);
    }

    // A field that is not as it should be is left out and named; the rest is restored.
    const state = { format: 'packetlens-session', version: 1, application: 'Packetlens', packets: 3, name: 'n', note: '', marks: [1, 9, 2], filters: 7, columns: ['ip.src', 4], colouring: [] };
    const partly = readSessionState(sectionHeaderBlock(stateOptions(state as unknown as SessionState)));
    if (partly.status !== 'restored') throw new Error(`expected a restored state, got ${JSON.stringify(partly)}`);
    expect(partly.problems).toEqual(['1 of its marks is not valid and was left out', 'its saved filters are not a list', '1 of its columns is not valid and was left out']);
    expect(partly.state).toMatchObject({ name: 'n', marks: [1, 2], filters: [], columns: ['ip.src'] });
  });

  it('files without a session: absent', async () => {
    for (const name of [CAPTURE, 'zeek-http_get.pcap', 'pcapngtg-be-test016.pcapng']) expect(readSessionState(readFileSync(corpus(name))).status).toBe('absent');
    const src = load(corpus('zeek-http_get.pcap'));
    const { path } = await writeSession({ index: src.index, read: src.read }, 'plain.pcapng');
    expect(readSessionState(readFileSync(path)).status).toBe('absent');
    expect(readSessionState(new Uint8Array(0)).status).toBe('absent');
  });
});

describe.skipIf(!haveTshark)('tshark reads what was written', () => {
  const FIELDS = ['frame.time_epoch', 'frame.len', 'frame.cap_len', 'frame.md5_hash', 'frame.comment'];

  it('the session file: the same packets, times, bytes and comments', async () => {
    for (const name of ['pcapplusplus-pcapng-example.pcapng', 'zeek-http_get.pcap', 'tcpdump-tcp-handshake-nano.pcap', 'zeek-linux_dlt_sll2.pcap', 'pcapngtg-le-test101.pcapng', 'pcapngtg-be-test016.pcapng']) {
      const src = load(corpus(name));
      const comments = new Map(src.index.info.comments);
      comments.set(0, ['exported by Packetlens']);
      const { path, exported } = await writeSession({ index: src.index, read: src.read, comments, marks: [0], session: SESSION }, `tshark-${name}.pcapng`);
      const all = tshark(corpus(name), ['frame.number', ...FIELDS]);
      expect(all.length, name).toBe(src.index.packetCount);
      const got = tshark(path, ['frame.number', ...FIELDS]);
      expect(got.length, name).toBe(exported.length);
      got.forEach((row, k) => {
        const i = exported[k]!;
        const original = all[i]!;
        const time = src.index.columns.time(i);
        expect(row[0]).toBe(String(k + 1));
        // Times tshark can show from the original (after 1970, and present).
        if (time !== null && time >= 0n) expect(row[1], `${name} frame ${k + 1} time`).toBe(original[1]);
        if (time === null) expect(row[1]).toBe('0.000000000');
        expect(row.slice(2, 5), `${name} frame ${k + 1}`).toEqual(original.slice(2, 5));
        expect(row[5], `${name} frame ${k + 1} comment`).toBe((comments.get(i) ?? []).join(','));
      });
    }
  });

  // A filtered export holds exactly the frames tshark -Y selects: compared by time, lengths and MD5 of the bytes.
  const FILTERED: [string, string[]][] = [
    ['zeek-http_get.pcap', ['http', 'tcp.len > 0', 'tcp.flags.syn == 1', 'ip.src == 192.150.187.43']],
    ['pcapplusplus-many-protocols.pcap', ['dns', 'icmp || tcp.port == 443', 'ip.addr == 10.0.0.0/8']],
    ['zeek-ipv4_fragmented-3.pcap', ['udp', 'ip.flags.mf == 1']],
    ['pcapplusplus-pcapng-example.pcapng', ['tcp.port == 3306', 'frame.comment contains "#1"', 'tcp.len > 100', 'sll']],
    ['zeek-dns-edns-ecs.pcap', ['dns.flags.response == 1', 'dns.qry.name contains "example"']],
  ];
  for (const [name, filters] of FILTERED) {
    it(`packetlens export -Y on ${name}`, async () => {
      for (const filter of filters) {
        const out = join(work, `filtered-${name}-${filters.indexOf(filter)}.pcapng`);
        expect(await main(['export', corpus(name), '--pcapng', out, '-Y', filter]), filter).toBe(0);
        const want = tshark(corpus(name), FIELDS, filter);
        const got = tshark(out, FIELDS);
        expect(got.length, `${name} -Y '${filter}'`).toBe(want.length);
        got.forEach((row, k) => {
          const original = want[k]!;
          // The pcapng example's late packets have time stamps no nanosecond count holds: compare the rest.
          if (Number(original[0]) < 1e11) expect(row[0], `${filter}: frame ${k + 1}`).toBe(original[0]);
          expect(row.slice(1), `${filter}: frame ${k + 1}`).toEqual(original.slice(1));
        });
      }
    });
  }
});

describe('CSV and JSON', () => {
  it('tableToCsv quotes as RFC 4180 says', () => {
    expect(tableToCsv(['a', 'b,c', 'd"e'], [['plain', 'with, comma', 'with "quotes"'], ['line\nbreak', ' space', null], [1, 2n, undefined]])).toBe(
      'a,"b,c","d""e"\r\n' + 'plain,"with, comma","with ""quotes"""\r\n' + '"line\nbreak"," space",\r\n' + '1,2,\r\n',
    );
  });

  it.skipIf(!haveTshark)('fields of the displayed packets, as tshark -T fields prints them', async () => {
    const fields = ['frame.number', 'ip.src', 'ip.dst', 'tcp.srcport', 'udp.dstport', 'dns.qry.name', 'http.request.uri', 'frame.comment'];
    for (const [name, filter] of [
      ['zeek-http_get.pcap', 'tcp.len > 0'],
      ['pcapplusplus-many-protocols.pcap', 'dns || http'],
      ['pcapplusplus-pcapng-example.pcapng', 'frame.comment'],
    ] as const) {
      const src = load(corpus(name));
      const matches = (await runFilter(compileFilter(filter, engine.registry), src.index, engine, src.read)).matches;
      const opts = { engine, index: src.index, read: src.read, fields, selection: { kind: 'displayed' as const, matches } };
      const want = tsharkFields(corpus(name), fields, filter).map((row) => fields.map((_, c) => row[c] ?? ''));
      expect(want.length).toBeGreaterThan(0);
      const csv = parseCsv(await dissectionsToText(opts, 'csv'), true);
      expect(csv[0]).toEqual(fields);
      expect(csv.slice(1)).toEqual(want);
      const json = JSON.parse(await dissectionsToText(opts, 'json')) as Record<string, string>[];
      expect(json.map((o) => fields.map((f) => o[f]))).toEqual(want);
      expect(Object.keys(json[0]!)).toEqual(fields);
    }
  });

  it.skipIf(!haveTshark)("the packet list's columns: number, time and length as tshark's", async () => {
    const columns = ['_ws.col.No.', '_ws.col.Time', '_ws.col.Length'];
    for (const name of ['zeek-http_get.pcap', 'tcpdump-tcp-handshake-nano.pcap', 'pcapplusplus-many-protocols.pcap']) {
      const src = load(corpus(name));
      const json = JSON.parse(await dissectionsToText({ engine, index: src.index, read: src.read, fields: columns }, 'json')) as Record<string, string>[];
      expect(json.map((o) => columns.map((c) => o[c]))).toEqual(tsharkFields(corpus(name), columns));
    }
    // Protocol and Info are the packet list's (the same engine), Source and Destination too.
    const src = load(corpus('zeek-http_get.pcap'));
    const [row] = JSON.parse(await dissectionsToText({ engine, index: src.index, read: src.read, fields: ['_ws.col.Source', '_ws.col.Destination', '_ws.col.Protocol', '_ws.col.Info'], selection: { kind: 'range', first: 3, last: 3 } }, 'json'));
    expect(row).toEqual({ '_ws.col.Source': '141.142.228.5', '_ws.col.Destination': '192.150.187.43', '_ws.col.Protocol': 'HTTP', '_ws.col.Info': 'GET /download/CHANGES.bro-aux.txt HTTP/1.1 ' });
    await expect(dissectionsToText({ engine, index: src.index, read: src.read, fields: ['_ws.col.Nope', 'ip.scr'] }, 'csv')).rejects.toThrow('unknown fields: _ws.col.Nope, ip.scr');
  });
});

describe.skipIf(!haveTshark)('Parquet, read back with DuckDB', () => {
  let con: DuckDBConnection;
  beforeAll(async () => {
    con = await (await DuckDBInstance.create(':memory:')).connect();
  });
  async function rows(sql: string): Promise<Record<string, unknown>[]> {
    return (await con.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  }

  for (const [name, filter] of [
    ['zeek-http_get.pcap', undefined],
    ['pcapplusplus-many-protocols.pcap', undefined],
    ['pcapplusplus-pcapng-example.pcapng', 'tcp'],
    ['zeek-dns-edns-ecs.pcap', 'udp'],
  ] as const) {
    it(`packetlens export --parquet on ${name}${filter ? ` -Y ${filter}` : ''}`, async () => {
      const dir = join(work, `parquet-${name}`);
      expect(await main(['export', corpus(name), '--parquet', dir, ...(filter ? ['-Y', filter] : [])])).toBe(0);
      const packets = `'${join(dir, 'packets.parquet')}'`;
      const flows = `'${join(dir, 'flows.parquet')}'`;
      const want = tshark(corpus(name), ['frame.number', 'frame.time_epoch', 'frame.len', 'frame.cap_len', 'tcp.stream', 'udp.stream', 'ip.src', 'tcp.srcport', 'udp.srcport', 'ipv6.src'], filter);

      // Row count, numbers, lengths and streams, packet by packet.
      const got = await rows(`select number, time_ns, length, captured_length, tcp_stream, udp_stream from ${packets} order by number`);
      expect(got.length).toBe(want.length);
      got.forEach((r, k) => {
        const w = want[k]!;
        expect([r.number, r.length, r.captured_length, r.tcp_stream ?? '', r.udp_stream ?? ''].map(String)).toEqual([w[0], w[2], w[3], w[4] ?? '', w[5] ?? '']);
        // time_ns is exact; tshark prints seconds with nine decimals.
        if (Number(w[1]) < 1e11) expect(secondsText(BigInt(r.time_ns as string))).toBe(w[1]);
      });
      // time is a TIMESTAMP (microseconds, UTC) DuckDB can compute with.
      const [t] = await rows(`select typeof(time) as type, epoch_us(min(time)) as first, sum(length)::bigint as bytes from ${packets} where number = ${want[0]![0]} group by all`);
      expect(t!.type).toBe('TIMESTAMP WITH TIME ZONE');
      if (Number(want[0]![1]) < 1e11) expect(String(t!.first)).toBe(want[0]![1]!.replace('.', '').slice(0, -3).replace(/^0+/, ''));

      // Conversations: packets and bytes per tcp.stream / udp.stream, each way, as tshark's fields add up.
      const conv = new Map<string, { packets: number; bytes: number; ab: number; a?: string }>();
      for (const w of want) {
        for (const [proto, column, port] of [['TCP', 4, 7], ['UDP', 5, 8]] as const) {
          if (!w[column]) continue;
          const key = `${proto} ${w[column]}`;
          const endpoint = `${w[6] || w[9]} ${w[port]}`;
          const c = conv.get(key) ?? { packets: 0, bytes: 0, ab: 0, a: endpoint };
          c.packets++;
          c.bytes += Number(w[2]);
          if (endpoint === c.a) c.ab++;
          conv.set(key, c);
        }
      }
      const gotFlows = await rows(`select protocol, stream, address_a, port_a, packets, bytes, packets_a_to_b, packets_b_to_a from ${flows} order by protocol, stream`);
      expect(gotFlows.length).toBe(conv.size);
      for (const f of gotFlows) {
        const c = conv.get(`${f.protocol} ${f.stream}`)!;
        expect(c, `${f.protocol} stream ${f.stream}`).toBeDefined();
        expect([Number(f.packets), Number(f.bytes), Number(f.packets_a_to_b), Number(f.packets) - Number(f.packets_a_to_b)]).toEqual([c.packets, c.bytes, c.ab, Number(f.packets_b_to_a)]);
        // Endpoint A sent the first packet (tunnelled IPv4 is the only case where ip.src lists two addresses).
        if (!c.a!.includes(',')) expect(`${f.address_a} ${f.port_a}`).toBe(c.a);
      }
    });
  }

  it('top talkers and bytes per protocol over a folder of packets.parquet files', async () => {
    const root = join(work, 'many');
    for (const name of ['zeek-http_get.pcap', 'pcapplusplus-many-protocols.pcap', 'zeek-tls_tls1.2.pcap']) {
      expect(await main(['export', corpus(name), '--parquet', join(root, name)])).toBe(0);
    }
    const [all] = await rows(`select count(*) as packets, sum(length)::bigint as bytes from '${root}/*/packets.parquet'`);
    const total = ['zeek-http_get.pcap', 'pcapplusplus-many-protocols.pcap', 'zeek-tls_tls1.2.pcap'].map((n) => tshark(corpus(n), ['frame.len'])).flat();
    expect(Number(all!.packets)).toBe(total.length);
    expect(Number(all!.bytes)).toBe(total.reduce((s, [len]) => s + Number(len), 0));
    const top = await rows(`select src, sum(length)::bigint as bytes from '${root}/*/packets.parquet' where src is not null group by src order by bytes desc, src limit 3`);
    expect(top.length).toBe(3);
    const perProtocol = await rows(`select protocol, count(*) as packets from '${root}/*/packets.parquet' group by protocol order by packets desc`);
    expect(perProtocol.some((r) => r.protocol === 'TCP')).toBe(true);
  });

  it('tables in memory: CSV of the flows, and an info column when given', async () => {
    const src = load(corpus('zeek-http_get.pcap'));
    const csv = tableAsCsv(flowTable({ index: src.index, registry: engine.registry }));
    expect(csv).toBe(
      'protocol,stream,address_a,port_a,address_b,port_b,packets,bytes,packets_a_to_b,bytes_a_to_b,packets_b_to_a,bytes_b_to_a,start,duration,first_packet\r\n' +
        'TCP,0,141.142.228.5,59856,192.150.187.43,80,14,6087,7,610,7,5477,2013-03-07T21:42:06.869344000Z,0.211628,1\r\n',
    );
    const table = packetTable({ index: src.index, registry: engine.registry, info: (i) => `info ${i}` });
    expect(table.columns.map((c) => c.name).at(-1)).toBe('info');
    expect(table.columns.at(-1)!.values.slice(0, 2)).toEqual(['info 0', 'info 1']);
  });

  it('the packet table written a row group at a time', async () => {
    const src = load(corpus('zeek-http_get.pcap'));
    const path = join(work, 'row-groups.parquet');
    writeFileSync(path, packetsToParquet({ index: src.index, registry: engine.registry, info: (i) => `info ${i + 1}` }, 5));
    const groups = await rows(`select row_group_id, row_group_num_rows from parquet_metadata('${path}') where column_id = 0 order by row_group_id`);
    expect(groups.map((g) => Number(g.row_group_num_rows))).toEqual([5, 5, 4]);
    const all = await rows(`select number, info, src, dst_port from '${path}' order by number`);
    expect(all.length).toBe(14);
    expect(all[13]).toEqual({ number: 14, info: 'info 14', src: '141.142.228.5', dst_port: 80 }); // as tshark -e ip.src -e tcp.dstport
  });
});

/** Nanoseconds since the epoch as tshark's frame.time_epoch prints them. */
function secondsText(ns: bigint): string {
  return `${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`;
}
