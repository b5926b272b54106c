// Display filters compared with tshark's, packet by packet, on every corpus
// capture. tshark evaluates all the filters in one pass per file (a Lua tap
// per filter, multi-filter.lua); Packetlens evaluates each filter both ways
// it can: over the index (summary columns first, then dissecting the packets
// they cannot answer for), and while streaming the file through the
// dissector. Both must select exactly the frames tshark selects.

import { describe, it, expect, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { openSync, closeSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEngine, readCaptureFile, readPacketBytes } from '../../src/lib/engine/node';
import { writeFields } from '../../src/cli/fields';
import { compileFilter } from '../../src/lib/filter/compile';
import { runFilter } from '../../src/lib/filter/evaluate';
import { captureFiles, CORPUS } from './corpus';
import { tsharkAvailable } from './tshark';
import { FILTER_DEVIATIONS } from './deviations';

/**
 * The filters, in the syntax tshark 4.0 accepts too (sets with commas).
 * Column filters are answered from the summary columns; the others need the
 * dissector's fields.
 */
export const FILTERS = [
  // protocols by presence
  'tcp', 'udp', 'arp', 'icmp', 'icmpv6', 'ip', 'ipv6', 'eth', 'vlan', 'sll', 'gre', 'mpls', 'sctp', 'vxlan', 'pppoes',
  // addresses, CIDR, multi-valued semantics
  'ip.addr == 10.0.0.0/8',
  'ip.src == 192.168.0.0/16',
  'ip.dst != 10.0.0.0/8',
  'ip.addr != 192.168.1.1',
  'ip.addr ~= 192.168.1.1',
  'ip.addr eq 172.16.0.0/12 or ip.addr == 8.8.8.8',
  '!(ip.addr == 10.0.0.0/8)',
  'ip.src == ip.dst',
  'ipv6.addr == fe80::/10',
  'ipv6.nxt == 58',
  'eth.addr == ff:ff:ff:ff:ff:ff',
  'eth.dst == ff:ff:ff:ff:ff:ff',
  'eth.type == 0x0806',
  'eth.src[0:3] == 00:00:5e',
  // ports and sets
  'tcp.port == 80',
  'tcp.port in {80, 443, 8000..8100}',
  'udp.port == 53',
  'tcp.srcport >= 1024',
  'udp.dstport lt 1024',
  'tcp.srcport > tcp.dstport',
  // flags
  'tcp.flags.syn == 1 && tcp.flags.ack == 0',
  'tcp.flags.syn == 1 && !tcp.flags.ack',
  'tcp.flags.reset == 1',
  'tcp.flags.fin == 1 || tcp.flags.reset == 1',
  'tcp.flags == 0x012',
  'tcp.flags & 0x02',
  'tcp.flags.push == True',
  'ip.flags.mf == 1 or ip.frag_offset > 0',
  // lengths, time, numbering, streams
  'frame.len > 1000',
  'frame.len <= 64',
  'frame.cap_len < frame.len',
  'frame.time_relative > 1',
  'frame.time_relative <= 0.5',
  'frame.time >= "2010-01-01 00:00:00"',
  'frame.number in {1, 3, 5, 10..20}',
  'frame.interface_id == 1',
  'tcp.stream == 0',
  'udp.stream in {0, 1, 2}',
  'tcp.len > 0',
  'tcp.window_size_value == 0',
  'ip.proto == 17',
  'ip.ttl < 64',
  'ip.len > 1400',
  'ip.hdr_len > 20',
  'icmp.type == 8',
  'icmpv6.type == 135',
  'arp.opcode == 1',
  'not tcp and not udp',
  '(tcp or udp) and not ip',
  // application fields
  'dns',
  'dns.qry.name == "en.wikipedia.org"',
  'dns.qry.name contains "wiki"',
  'dns.qry.name matches "^www\\\\."',
  'dns.flags.response == 1 && dns.flags.rcode != 0',
  'dns.qry.type == 28',
  'dns.count.answers > 2',
  'http',
  'http.request.method == "GET"',
  'http.host contains "wikipedia"',
  'http.response.code == 200',
  'http.request.uri matches "\\\\.(png|jpg)$"',
  'tls',
  'tls.handshake.type == 1',
  'tls.handshake.extensions_server_name contains "google"',
  'tls.record.version == 0x0303',
  'quic',
  'dhcp',
  'ntp',
  'ssh',
  // bytes, slices and functions
  'frame contains "HTTP"',
  'udp contains 00:01',
  'frame[0:2] == 00:00',
  'tcp.payload',
  'len(tcp.payload) > 100',
  'upper(http.host) contains "WIKI"',
  'lower(dns.qry.name) contains "com"',
  'len(dns.qry.name) > 20',
  'count(dns.qry.name) >= 2',
  // comments carried by the capture
  'frame.comment',
  'frame.comment contains "a"',
];

const LUA = fileURLToPath(new URL('./multi-filter.lua', import.meta.url));
const engine = tsharkAvailable() ? await loadEngine() : null;
const work = mkdtempSync(join(tmpdir(), 'packetlens-filters-'));
const filterList = join(work, 'filters.txt');
writeFileSync(filterList, FILTERS.join('\n') + '\n');

/** Frames each filter selects, by tshark, in one pass over the file. */
function tsharkSelections(file: string): Promise<number[][]> {
  return new Promise((resolve) => {
    execFile(
      'tshark',
      ['-n', '-q', '-r', file, '-X', `lua_script:${LUA}`],
      { encoding: 'utf8', env: { ...process.env, PL_FILTERS: filterList, LC_ALL: 'C.UTF-8', TZ: 'UTC' }, maxBuffer: 1 << 28 },
      (_err, stdout) => {
        // tshark exits 2 on damaged files after reading what it could.
        const out: number[][] = FILTERS.map(() => []);
        for (const line of stdout.split('\n')) {
          const m = /^(\d+)\t(\d+)$/.exec(line);
          if (m) out[Number(m[1])]!.push(Number(m[2]));
        }
        resolve(out);
      },
    );
  });
}

let compared = 0;
let agreeing = 0;
let deviating = 0;

describe.skipIf(!engine)('display filters select the frames tshark selects', () => {
  const compiled = engine ? FILTERS.map((f) => compileFilter(f, engine.registry)) : [];

  for (const file of captureFiles()) {
    it(file, async () => {
      const e = engine!;
      const path = join(CORPUS, file);
      const want = await tsharkSelections(path);
      const index = readCaptureFile(e, path);
      const fd = openSync(path, 'r');
      // Over the index first (the engine keeps this capture's state), then streaming.
      const viaIndex: number[][] = [];
      try {
        for (const filter of compiled) {
          const result = await runFilter(filter, index, e, async (ids) => ids.map((i) => readPacketBytes(fd, index, i)));
          const frames: number[] = [];
          result.matches.forEach((m, i) => m && frames.push(i + 1));
          viaIndex.push(frames);
        }
      } finally {
        closeSync(fd);
      }
      const mismatches: string[] = [];
      for (let k = 0; k < FILTERS.length; k++) {
        let text = '';
        writeFields(e, path, { fields: ['frame.number'], header: false, separator: '\t', filter: compiled[k]! }, (s) => (text += s));
        const viaStream = text.split('\n').filter((l) => l).map(Number);
        compared++;
        const expected = want[k]!;
        const same = (a: number[]) => a.length === expected.length && a.every((v, j) => v === expected[j]);
        if (same(viaIndex[k]!) && same(viaStream)) {
          agreeing++;
          continue;
        }
        if (FILTER_DEVIATIONS.some((d) => d.file === file && d.filter === FILTERS[k])) {
          deviating++;
          continue;
        }
        const show = (a: number[]) => `${a.length} [${a.slice(0, 12).join(' ')}${a.length > 12 ? ' …' : ''}]`;
        mismatches.push(`${FILTERS[k]}: tshark ${show(expected)}, index ${show(viaIndex[k]!)}, streaming ${show(viaStream)}`);
      }
      expect(mismatches).toEqual([]);
    }, 120_000);
  }

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    console.log(`filters agreeing with tshark: ${agreeing}/${compared} (filter, capture) pairs, ${deviating} listed deviations`);
  });
});
