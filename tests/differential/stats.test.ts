// Statistics compared with tshark's -z output on every corpus capture:
// conversations (Ethernet, IPv4, IPv6, TCP, UDP), IPv4 endpoints, the
// protocol hierarchy (io,phs) and packet lengths (plen,tree), row by row,
// with the counts and bytes tshark prints. tshark runs once per capture (and
// per display filter) with every -z at once. A difference is accepted only
// when STATS_DEVIATIONS lists it, with its reason.

import { describe, it, expect, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine, readCaptureFile, readPacketBytes } from '../../src/lib/engine/node';
import { compileFilter } from '../../src/lib/filter/compile';
import { runFilter } from '../../src/lib/filter/evaluate';
import { conversations, endpoints, protocolHierarchy, packetLengths, type StatsSource, type ProtocolNode, type ConversationKind } from '../../src/lib/stats';
import type { Engine } from '../../src/lib/engine/engine';
import { captureFiles, CORPUS } from './corpus';
import { tsharkAvailable } from './tshark';
import { parseTsharkStats, tsharkSize, type TsharkPhsNode, type TsharkStats } from './tshark-stats';
import { statsDeviation, type StatName } from './deviations';
import { runStats } from '../../src/cli/stats';

const KINDS: { kind: ConversationKind; title: string }[] = [
  { kind: 'eth', title: 'Ethernet' },
  { kind: 'ip', title: 'IPv4' },
  { kind: 'ipv6', title: 'IPv6' },
  { kind: 'tcp', title: 'TCP' },
  { kind: 'udp', title: 'UDP' },
];
const Z = [...KINDS.map((k) => `conv,${k.kind}`), 'endpoints,ip', 'io,phs', 'plen,tree'];

/** Display filters tried on a few captures, besides none. */
const FILTERED: { file: string; filter: string }[] = [
  { file: 'pcapplusplus-many-protocols.pcap', filter: 'tcp.port == 80' },
  { file: 'pcapplusplus-many-protocols.pcap', filter: 'dns || icmp' },
  { file: 'pcapplusplus-many-protocols.pcap', filter: 'ip.addr == 10.0.0.1 && frame.len > 100' },
  { file: 'zeek-wikipedia.pcap', filter: 'udp' },
  { file: 'zeek-tunnels_gre-sample.pcap', filter: 'tcp || ntp' },
  { file: 'zeek-tunnels_vxlan.pcap', filter: 'icmp' },
  { file: 'pcapplusplus-tls.pcap', filter: 'tls.handshake' },
  { file: 'zeek-dns-edns-ecs.pcap', filter: 'dns.flags.response == 1' },
];

const engine = tsharkAvailable() ? await loadEngine() : null;

/**
 * tshark's statistics of a capture. A filter is given to each -z (as in
 * "-z conv,tcp,FILTER"): tshark's -Y selects the packets it prints, not the
 * ones its statistics count.
 */
function tsharkStats(path: string, filter?: string): Promise<TsharkStats> {
  const args = ['-n', '-q', '-r', path, ...Z.flatMap((z) => ['-z', filter ? `${z},${filter}` : z])];
  return new Promise((resolve) => {
    execFile('tshark', args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8', TZ: 'UTC' }, maxBuffer: 1 << 28 }, (_err, stdout) => {
      // tshark exits 2 on damaged files after reading what it could.
      resolve(parseTsharkStats(stdout));
    });
  });
}

let compared = 0;
let agreeing = 0;
let deviating = 0;

/** Compares every statistic of one capture (under one filter); returns the unlisted differences. */
async function compare(e: Engine, file: string, filter?: string): Promise<string[]> {
  const path = join(CORPUS, file);
  const want = await tsharkStats(path, filter);
  const index = readCaptureFile(e, path);
  const fd = openSync(path, 'r');
  const problems: string[] = [];
  try {
    const read = async (ids: number[]) => ids.map((i) => readPacketBytes(fd, index, i));
    const selection = filter ? (await runFilter(compileFilter(filter, e.registry), index, e, read)).matches : undefined;
    const src: StatsSource = { index, engine: e, read, ...(selection ? { selection } : {}) };
    const check = (stat: StatName, key: string, differences: string[]) => {
      compared++;
      if (differences.length === 0) {
        agreeing++;
        return;
      }
      const unlisted = differences.filter((d) => !statsDeviation(file, stat, key, d));
      if (unlisted.length === 0) deviating++;
      else problems.push(...unlisted.map((d) => `${stat}${filter ? ` [${filter}]` : ''}: ${d}`));
    };

    for (const { kind, title } of KINDS) {
      const got = (await conversations(src, kind)).conversations;
      const rows = want.conversations.get(title) ?? [];
      const n = Math.max(got.length, rows.length);
      for (let k = 0; k < n; k++) {
        const g = got[k];
        const w = rows[k];
        const key = g ? `${g.addressA}:${g.portA ?? ''} ${g.addressB}:${g.portB ?? ''}` : `${w!.addressA}:${w!.portA ?? ''} ${w!.addressB}:${w!.portB ?? ''}`;
        const d: string[] = [];
        if (!g || !w) d.push(`row ${k + 1} (${key}): ${g ? 'only Packetlens has it' : 'only tshark has it'}`);
        else {
          const ours = `${g.addressA}:${g.portA ?? ''} ${g.addressB}:${g.portB ?? ''} ${g.framesAtoB} ${tsharkSize(g.bytesAtoB)} ${g.framesBtoA} ${tsharkSize(g.bytesBtoA)}`;
          const theirs = `${w.addressA}:${w.portA ?? ''} ${w.addressB}:${w.portB ?? ''} ${w.framesAtoB} ${w.bytesAtoB} ${w.framesBtoA} ${w.bytesBtoA}`;
          if (ours !== theirs) d.push(`row ${k + 1}: Packetlens "${ours}", tshark "${theirs}"`);
          // tshark prints times it computed in doubles: 9 and 4 decimals, the last one uncertain.
          else if (Math.abs(g.relStart - w.relStart) > 2e-6 || Math.abs(g.duration - w.duration) > 1.5e-4) {
            d.push(`row ${k + 1} (${key}) time: Packetlens ${g.relStart.toFixed(9)} ${g.duration.toFixed(4)}, tshark ${w.relStart.toFixed(9)} ${w.duration.toFixed(4)}`);
          }
        }
        check(`conv,${kind}`, key, d);
      }
    }

    const eps = (await endpoints(src, 'ip')).endpoints;
    const wantEps = want.endpoints.get('IPv4') ?? [];
    for (let k = 0; k < Math.max(eps.length, wantEps.length); k++) {
      const g = eps[k];
      const w = wantEps[k];
      const line = (x: typeof w) => (x ? `${x.address} ${x.packets} ${x.bytes} ${x.txPackets} ${x.txBytes} ${x.rxPackets} ${x.rxBytes}` : '(none)');
      const ours = line(g);
      const theirs = line(w);
      check('endpoints,ip', (g ?? w)!.address, ours === theirs ? [] : [`row ${k + 1}: Packetlens "${ours}", tshark "${theirs}"`]);
    }

    const phs = flatten((await protocolHierarchy(src)).roots);
    // tshark's tree holds the frame protocol at its root when a filter reads a frame field
    // (frame.len): a node of its tree, not a layer; Packetlens's hierarchy starts below it.
    const roots = want.phs ?? [];
    const wantPhs = flatten(roots.length === 1 && roots[0]!.protocol === 'frame' ? roots[0]!.children : roots);
    for (const path of new Set([...phs.keys(), ...wantPhs.keys()])) {
      const g = phs.get(path);
      const w = wantPhs.get(path);
      check('io,phs', path, g === w ? [] : [`${path}: Packetlens ${g ?? '-'}, tshark ${w ?? '-'}`]);
    }

    const plen = packetLengths(src);
    const rows = [plen.total, ...plen.buckets];
    (want.plen ?? []).forEach((w, k) => {
      const g = rows[k]!;
      const d: string[] = [];
      const average = g.average === null ? null : Math.round(Math.fround(g.average) * 100) / 100;
      // Averages and percentages as tshark prints them: 2 decimals of a float, the last one uncertain.
      if (g.count !== w.count || g.min !== w.min || g.max !== w.max || (average !== null && w.average !== null && Math.abs(average - w.average) > 0.011)) {
        d.push(`${w.bucket}: Packetlens ${g.count} ${average} ${g.min} ${g.max}, tshark ${w.count} ${w.average} ${w.min} ${w.max}`);
      } else if (g.count > 0 && Math.abs(g.percent - w.percent) > 0.011) d.push(`${w.bucket} percent: Packetlens ${g.percent}, tshark ${w.percent}`);
      check('plen', w.bucket, d);
    });
  } finally {
    closeSync(fd);
  }
  return problems;
}

/** "eth/ip/tcp" → "frames bytes", for every node of a hierarchy. */
function flatten(nodes: (ProtocolNode | TsharkPhsNode)[], prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const n of nodes) {
    const path = prefix + n.protocol;
    out.set(path, `${n.frames} ${n.bytes}`);
    flatten(n.children, path + '/', out);
  }
  return out;
}

describe.skipIf(!engine)('statistics agree with tshark -z', () => {
  for (const file of captureFiles()) {
    it(file, async () => {
      expect(await compare(engine!, file)).toEqual([]);
    }, 120_000);
  }
  for (const { file, filter } of FILTERED) {
    it(`${file} -Y '${filter}'`, async () => {
      expect(await compare(engine!, file, filter)).toEqual([]);
    }, 120_000);
  }

  afterAll(() => {
    console.log(`statistics agreeing with tshark: ${agreeing}/${compared} rows, ${deviating} with listed deviations`);
  });
});

/** tshark -q's tables, by title, without the rules around them. */
function tables(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of text.split('\n')) {
    if (/^(\S+ (Conversations|Endpoints)|Protocol Hierarchy Statistics|Packet Lengths:)$/.test(line)) out.set(line, (current = []));
    else if (/^(={20,}|-{100,})$/.test(line) && current && current.length > 2) current = null;
    else current?.push(line);
  }
  return out;
}

describe.skipIf(!engine)('packetlens stats', () => {
  it('prints the tables as tshark -q prints them', async () => {
    const path = join(CORPUS, 'zeek-http_get.pcap');
    const names = ['conv,eth', 'conv,ip', 'conv,tcp', 'conv,udp', 'endpoints,ip', 'endpoints,tcp', 'endpoints,eth', 'plen'];
    let text = '';
    await runStats(path, names, undefined, false, (s) => (text += s));
    const theirs = await new Promise<string>((resolve) =>
      execFile('tshark', ['-n', '-q', '-r', path, ...names.flatMap((z) => ['-z', z === 'plen' ? 'plen,tree' : z])], { encoding: 'utf8' }, (_e, out) => resolve(out)),
    );
    const ours = tables(text);
    const want = tables(theirs);
    expect([...ours.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [title, lines] of want) expect(ours.get(title), title).toEqual(lines);
  });

  it('prints conversations as JSON with the names the issue gives', async () => {
    let text = '';
    await runStats(join(CORPUS, 'zeek-http_get.pcap'), ['conv,tcp'], 'tcp', true, (s) => (text += s));
    const rows = JSON.parse(text) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!)).toEqual(['addressA', 'portA', 'addressB', 'portB', 'framesAtoB', 'bytesAtoB', 'framesBtoA', 'bytesBtoA', 'relStart', 'duration']);
    expect(rows[0]).toMatchObject({ addressA: '141.142.228.5', portA: 59856, addressB: '192.150.187.43', portB: 80, framesAtoB: 7, bytesAtoB: 610, framesBtoA: 7, bytesBtoA: 5477, relStart: 0 });
  });

  it('keys several statistics by name, and narrows one by its own filter', async () => {
    let text = '';
    await runStats(join(CORPUS, 'zeek-tunnels_gre-sample.pcap'), ['conv,udp,ntp', 'endpoints,ip'], undefined, true, (s) => (text += s));
    const out = JSON.parse(text) as Record<string, unknown[]>;
    expect(Object.keys(out)).toEqual(['conv,udp,ntp', 'endpoints,ip']);
    expect(out['conv,udp,ntp']).toHaveLength(3);
    expect(out['endpoints,ip']).toHaveLength(7);
  });
});
