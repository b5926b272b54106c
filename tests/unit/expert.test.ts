// Expert findings: each detector fires on its fixture (tests/fixtures, made
// by make-fixtures.ts) and links to exactly the packets that raised it;
// ordinary traffic (a clean fixture and the corpus) raises no alert;
// malformed packets and TCP events match what tshark 4.0 reports for the
// corpus; a display filter limits the analysis; the README documents every
// security rule as the code states it.

import { describe, it, expect, beforeAll } from 'vitest';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../src/lib/engine/engine';
import { loadEngine, readCaptureFile, readPacketBytes } from '../../src/lib/engine/node';
import { compileFilter } from '../../src/lib/filter/compile';
import { runFilter } from '../../src/lib/filter/evaluate';
import { expertFindings, THRESHOLDS, type ExpertReport, type Finding } from '../../src/lib/expert';
import { judgeName, entropy, splitDomain } from '../../src/lib/expert/dns-names';
import { peakCount, peakWindow } from '../../src/lib/expert/window';
import { stripTelnetCommands } from '../../src/lib/expert/cleartext-logins';
import { TCP_ANALYSIS_FLAGS } from '../../src/lib/expert/tcp-analysis';
import { FIXTURES, type Fixture } from '../fixtures/fixtures';

const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

async function analyse(path: string, filter?: string): Promise<ExpertReport> {
  const index = readCaptureFile(engine, path);
  const fd = openSync(path, 'r');
  try {
    const read = async (ids: number[]) => ids.map((i) => readPacketBytes(fd, index, i));
    const selection = filter ? (await runFilter(compileFilter(filter, engine.registry), index, engine, read)).matches : null;
    return await expertFindings(index, engine, read, selection);
  } finally {
    closeSync(fd);
  }
}

const reports = new Map<string, ExpertReport>();
async function fixture(name: string): Promise<{ report: ExpertReport; marks: Fixture['marks'] }> {
  let report = reports.get(name);
  if (!report) reports.set(name, (report = await analyse(FIXTURE_DIR + name)));
  return { report, marks: FIXTURES[name]!().marks };
}

function byId(report: ExpertReport, id: string): Finding {
  const f = report.findings.find((x) => x.id === id);
  if (!f) throw new Error(`no finding ${id}; there are: ${report.findings.map((x) => x.id).join(', ')}`);
  return f;
}

function security(report: ExpertReport): Finding[] {
  return report.findings.filter((f) => f.category === 'security');
}

function alerts(report: ExpertReport): string[] {
  return report.findings.filter((f) => f.severity === 'error' || f.severity === 'warning' || f.category === 'security').map((f) => `${f.severity}: ${f.title}`);
}

describe('fixtures', () => {
  it.each(Object.keys(FIXTURES))('%s is what make-fixtures.ts writes', (name) => {
    const built = FIXTURES[name]!().bytes;
    expect(Buffer.compare(readFileSync(FIXTURE_DIR + name), Buffer.from(built))).toBe(0);
  });

  it('every fixture in the directory is listed', () => {
    const files = readdirSync(FIXTURE_DIR).filter((f) => /\.pcap(ng)?$/.test(f));
    expect(files.sort()).toEqual(Object.keys(FIXTURES).sort());
  });
});

describe('port scans and sweeps', () => {
  it('finds the SYN scan with every probe, and the ports that answered', async () => {
    const { report, marks } = await fixture('port-scan.pcap');
    const f = byId(report, 'scan.ports:TCP:192.168.1.66>192.168.1.10');
    expect(f.severity).toBe('warning');
    expect(f.packets).toEqual(marks.tcp);
    expect(f.packetCount).toBe(40);
    expect(f.details['ports that answered']).toEqual(['22', '53']);
    expect(f.details['ports without answer']).toBe(38);
  });

  it('finds the UDP scan answered by ICMP port unreachable', async () => {
    const { report, marks } = await fixture('port-scan.pcap');
    const f = byId(report, 'scan.ports:UDP:192.168.1.67>192.168.1.10');
    expect(f.packets).toEqual(marks.udp);
    expect(f.details['ports that answered']).toEqual(['7']);
  });

  it('raises nothing else on the scan: the normal SSH connection is not part of it', async () => {
    const { report } = await fixture('port-scan.pcap');
    expect(security(report).map((f) => f.id).sort()).toEqual(['scan.ports:TCP:192.168.1.66>192.168.1.10', 'scan.ports:UDP:192.168.1.67>192.168.1.10']);
  });

  it('finds a TCP sweep of one port and a ping sweep', async () => {
    const { report, marks } = await fixture('sweep.pcap');
    const tcp = byId(report, 'scan.hosts:TCP:192.168.1.66:445');
    expect(tcp.packets).toEqual(marks.tcp445);
    expect(tcp.details['hosts that answered']).toEqual(['10.1.0.7']);
    const ping = byId(report, 'scan.hosts:ICMP:192.168.1.68:0');
    expect(ping.packets).toEqual(marks.ping);
    expect(ping.title).toBe('Ping sweep from 192.168.1.68: 40 hosts');
    expect(security(report)).toHaveLength(2);
  });

  it('finds NULL, FIN, Xmas and SYN+FIN scans, and not the normal connection closed with FIN+ACK', async () => {
    const { report, marks } = await fixture('flag-scans.pcap');
    for (const [kind, source] of [['null', '71'], ['fin', '72'], ['xmas', '73'], ['synfin', '74']] as const) {
      expect(byId(report, `scan.flags:${kind}:192.168.1.${source}`).packets).toEqual(marks[kind]);
    }
    expect(security(report)).toHaveLength(4);
  });
});

describe('floods', () => {
  it('finds the SYN flood with exactly its 150 SYNs, and no scan among them', async () => {
    const { report, marks } = await fixture('syn-flood.pcap');
    const f = byId(report, 'flood.syn:192.168.1.10:80');
    expect(f.packets).toEqual(marks.flood);
    expect(f.details.sources).toBe(150);
    expect(f.details['answered by the server (SYN+ACK)']).toBe(150);
    expect(security(report)).toHaveLength(1);
  });

  it('finds a ping flood and a flood of replies nobody asked for, not the flooder\'s own replies', async () => {
    const { report, marks } = await fixture('icmp-flood.pcap');
    expect(byId(report, 'flood.icmp:request:192.168.1.10').packets).toEqual(marks.requests);
    const replies = byId(report, 'flood.icmp:reply:192.168.1.99');
    expect(replies.packets).toEqual(marks.replies);
    expect(replies.packetCount).toBe(110);
    expect(security(report)).toHaveLength(2);
  });

  it('lists at most packetCap packets but counts them all', async () => {
    const { report } = await fixture('icmp-flood.pcap');
    const f = byId(report, 'flood.icmp:request:192.168.1.10');
    expect(f.packets.length).toBeLessThanOrEqual(THRESHOLDS.packetCap);
    expect(f.packetCount).toBe(120);
  });
});

describe('ARP and DNS', () => {
  it('finds the gateway address claimed by a second MAC, linking every claim', async () => {
    const { report, marks } = await fixture('arp-spoof.pcap');
    const f = byId(report, 'arp.spoof:192.168.1.1');
    expect(f.packets).toEqual(marks.claims);
    expect(f.details.claims).toEqual(['00:00:5e:00:53:01: 1 packet, first in frame 2', '02:00:00:00:00:66: 5 packets, first in frame 6']);
    expect(security(report)).toHaveLength(1);
  });

  it('finds the NXDOMAIN burst of one client, not the few of another', async () => {
    const { report, marks } = await fixture('dns-nxdomain.pcap');
    const f = byId(report, 'dns.nxdomain:192.168.1.30');
    expect(f.packets).toEqual(marks.nx);
    expect(f.details['distinct names']).toBe(25);
    expect(security(report)).toHaveLength(1);
  });

  it('finds the tunnel domain from its queries, not the ordinary long names', async () => {
    const { report, marks } = await fixture('dns-tunnel.pcap');
    const f = byId(report, 'dns.tunnel:exfil-example.net');
    expect(f.packets).toEqual(marks.tunnel);
    expect(security(report)).toHaveLength(1);
  });

  it('judges names: host names pass, encoded data does not', () => {
    for (const name of ['www.example.com', 'r3---sn-4g5e6nzz.googlevideo.com', 'ec2-54-123-45-67.compute-1.amazonaws.com', 'e1234.dscb.akamaiedge.net', 'mail.google.com', '_ldap._tcp.dc._msdcs.corp.example.com', 'b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa']) {
      expect(judgeName(name).suspicious, name).toBe(false);
    }
    expect(judgeName('mzxw6ytboi4dcnrtgq2tmnzyhe3dcmrtgq2tm.exfil.example.com').suspicious).toBe(true);
    expect(judgeName('a'.repeat(55) + '.example.com').reason).toBe('a label of 55 characters');
    expect(splitDomain('www.bbc.co.uk')).toEqual({ domain: 'bbc.co.uk', sub: 'www' });
    expect(entropy('aaaa')).toBe(0);
    expect(entropy('abcd')).toBe(2);
  });
});

describe('cleartext credentials', () => {
  const cases: [string, string, string, string[]][] = [
    ['http', 'credentials.http:192.168.1.20>192.168.1.10', 'HTTP Basic credentials in cleartext from 192.168.1.20 to 192.168.1.10 for "alice"', ['alice']],
    ['ftp', 'credentials.login:FTP:192.168.1.20>192.168.1.10', 'FTP login in cleartext from 192.168.1.20 to 192.168.1.10: user "bob"', ['bob']],
    ['pop3', 'credentials.login:POP3:192.168.1.20>192.168.1.10', 'POP3 login in cleartext from 192.168.1.20 to 192.168.1.10: user "carol"', ['carol']],
    ['imap', 'credentials.login:IMAP:192.168.1.20>192.168.1.10', 'IMAP login in cleartext from 192.168.1.20 to 192.168.1.10: user "dave"', ['dave']],
    ['smtp', 'credentials.login:SMTP:192.168.1.20>192.168.1.10', 'SMTP login in cleartext from 192.168.1.20 to 192.168.1.10: user "erin"', ['erin']],
    ['smtpLogin', 'credentials.login:SMTP:192.168.1.22>192.168.1.10', 'SMTP login in cleartext from 192.168.1.22 to 192.168.1.10: user "frank"', ['frank']],
    ['telnet', 'credentials.login:Telnet:192.168.1.20>192.168.1.10', 'Telnet login in cleartext from 192.168.1.20 to 192.168.1.10: user "root"', ['root']],
  ];
  it.each(cases)('%s: finds the login, its user and the packets that carried it', async (mark, id, title, users) => {
    const { report, marks } = await fixture('credentials.pcap');
    const f = byId(report, id);
    expect(f.severity).toBe('warning');
    expect(f.title).toBe(title);
    expect(f.packets).toEqual(marks[mark]);
    expect(f.details.users).toEqual(users);
  });

  it('reports anonymous FTP as a note', async () => {
    const { report, marks } = await fixture('credentials.pcap');
    const f = byId(report, 'credentials.login:FTP:192.168.1.21>192.168.1.10');
    expect(f.severity).toBe('note');
    expect(f.packets).toEqual(marks.anonymous);
  });

  it('never shows a password', async () => {
    const { report } = await fixture('credentials.pcap');
    const text = JSON.stringify(report);
    for (const secret of ['wonderland', 'hunter2', 's3cret', 'correct horse', 'pa55word', 'fr4nkly', btoa('fr4nkly'), 'toor', 'guest@example.com']) expect(text).not.toContain(secret);
    expect(security(report)).toHaveLength(8);
  });

  it('reads Telnet data without its option negotiation', () => {
    expect([...stripTelnetCommands(Uint8Array.from([0xff, 0xfb, 0x18, 0x61, 0xff, 0xff, 0xff, 0xfa, 0x18, 0x00, 0xff, 0xf0, 0x62]))]).toEqual([0x61, 0xff, 0x62]);
  });
});

describe('unusual ports', () => {
  it('finds the services on TCP 4444 and UDP 7777 with their packets, not 443 nor RTP-like ports', async () => {
    const { report, marks } = await fixture('unusual-ports.pcap');
    const tcp = byId(report, 'ports.unusual:tcp:192.168.1.10:4444');
    expect(tcp.severity).toBe('note');
    expect(tcp.packets).toEqual(marks.tcp4444);
    expect(byId(report, 'ports.unusual:udp:192.168.1.10:7777').packets).toEqual(marks.udp7777);
    expect(security(report)).toHaveLength(2);
  });
});

describe('malformed and truncated packets', () => {
  const cases: [string, string, string][] = [
    ['ipHeader', 'error', 'Bogus IP header length (16, must be at least 20)'],
    ['tcpHeader', 'error', 'Bogus TCP header length (16, must be at least 20)'],
    ['tcpCut', 'error', 'Malformed Packet: TCP runs past the end of the packet'],
    ['snapshot', 'note', 'Packet size limited during capture: DNS truncated'],
    ['dnsShort', 'error', 'Malformed Packet: DNS message shorter than its 12-byte header'],
    ['dnsCounts', 'error', 'Malformed Packet: DNS message ends before the records its header counts'],
    ['ipv6Length', 'warning', 'IPv6 payload length exceeds framing length (0 bytes)'],
  ];
  it.each(cases)('%s: %s "%s"', async (mark, severity, title) => {
    const { report, marks } = await fixture('malformed.pcap');
    const f = report.findings.find((x) => x.title === title);
    expect(f, title).toBeDefined();
    expect(f!.severity).toBe(severity);
    expect(f!.packets).toEqual(marks[mark]);
  });

  it('raises nothing else', async () => {
    const { report } = await fixture('malformed.pcap');
    expect(report.findings.filter((f) => f.category === 'malformed' || f.category === 'protocol')).toHaveLength(cases.length);
    expect(security(report)).toHaveLength(0);
  });

  // tshark 4.0 on the corpus: "tshark -r FILE -q -z expert" and the frames with _ws.short.
  it.each([
    ['tcpdump-ipv4_invalid_hdr_length.pcap', 'Bogus IP header length (16, must be at least 20)', [1]],
    ['zeek-trunc_ip6-ext-trunc.pcap', 'IPv6 payload length exceeds framing length (0 bytes)', [1]],
    ['zeek-ipv6-hbh-routing0.pcap', 'Malformed Packet: DNS message shorter than its 12-byte header', [1]],
    ['zeek-trunc_ip4-trunc.pcap', 'Packet size limited during capture: IPv4 truncated', [1]],
    ['zeek-tcp_truncated-header.pcap', 'Packet size limited during capture: TCP truncated', [1]],
    ['pcapngtg-le-test101.pcapng', 'Packet size limited during capture: DHCP truncated', [1, 2, 3]],
    ['pcapngtg-le-test202.pcapng', 'Packet size limited during capture: DHCP truncated', [2, 3, 5, 6, 8, 9]],
  ] as const)('%s: %s in frames %j, as tshark says', async (file, title, frames) => {
    const report = await analyse(CORPUS + file);
    expect(report.findings.find((f) => f.title === title)?.packets).toEqual(frames);
  });
});

describe('TCP analysis and events', () => {
  it('finds the reset, whatever the engine knows of TCP analysis', async () => {
    const { report, marks } = await fixture('tcp-analysis.pcap');
    expect(byId(report, 'tcp.events:reset').packets).toEqual(marks.reset);
  });

  it('reports each tcp.analysis flag the engine marks, as tshark marks them, or nothing (not an error) when the engine has no such field', async () => {
    const { report, marks } = await fixture('tcp-analysis.pcap');
    // tshark 4.0 on tcp-analysis.pcap marks these frames.
    const expected: Record<string, number[]> = {
      retransmission: marks.retransmission!,
      lost_segment: marks.gap!,
      ack_lost_segment: marks.ackLost!,
      duplicate_ack: marks.dup!,
      zero_window: marks.zero!,
      keep_alive: marks.keepAlive!,
    };
    for (const flag of TCP_ANALYSIS_FLAGS) {
      const name = flag.field.slice('tcp.analysis.'.length);
      const f = report.findings.find((x) => x.id === `tcp.analysis:${name}`);
      if (!engine.registry.get(flag.field)) {
        expect(f).toBeUndefined();
        expect(report.unavailableFields).toContain(flag.field);
        continue;
      }
      expect(f?.packets ?? [], flag.field).toEqual(expected[name] ?? []);
      if (f) expect(f.severity).toBe(flag.severity);
    }
  });

  // tshark 4.0: the frames of "Connection reset (RST)" in -z expert.
  it.each([
    ['pcapplusplus-ipv4-options.pcap', [4]],
    ['pcapplusplus-one_tcp_stream_fin_rst_close_packet.pcap', [12, 13]],
    ['pcapplusplus-tls.pcap', [41]],
    ['zeek-tcp_fin_retransmission.pcap', [5]],
    ['zeek-tcp_retransmit-fast009.pcap', [39]],
  ] as const)('%s: resets in frames %j, as tshark says', async (file, frames) => {
    const report = await analyse(CORPUS + file);
    expect(byId(report, 'tcp.events:reset').packets).toEqual(frames);
  });

  it('counts connection openings as tshark does (zeek-wikipedia: 8 SYN, 9 SYN+ACK)', async () => {
    const report = await analyse(CORPUS + 'zeek-wikipedia.pcap');
    expect(byId(report, 'tcp.events:syn').packetCount).toBe(8);
    expect(byId(report, 'tcp.events:synack').packetCount).toBe(9);
    expect(byId(report, 'tcp.events:syn').severity).toBe('chat');
  });
});

describe('comments', () => {
  it('lists packet comments of a pcapng file', async () => {
    const { report, marks } = await fixture('comments.pcapng');
    const f = report.findings.find((x) => x.category === 'comment');
    expect(f?.title).toBe('first ping after the outage');
    expect(f?.packets).toEqual(marks.comment);
  });
});

describe('clean traffic', () => {
  it('the clean fixture raises no alert', async () => {
    const { report } = await fixture('clean.pcap');
    expect(alerts(report)).toEqual([]);
  });

  it.each(['zeek-wikipedia.pcap', 'zeek-http_get.pcap', 'zeek-dns-edns-ecs.pcap', 'zeek-http_post.pcap', 'zeek-tls_tls1.2.pcap', 'zeek-communityid_arp.pcap', 'zeek-ntp_ntp.pcap'])('%s raises no alert', async (file) => {
    const report = await analyse(CORPUS + file);
    expect(alerts(report)).toEqual([]);
  });

  it('no corpus capture raises a security finding', async () => {
    const files = readdirSync(CORPUS).filter((f) => /\.pcap(ng)?$/.test(f));
    const raised: string[] = [];
    for (const file of files) for (const f of security(await analyse(CORPUS + file))) raised.push(`${file}: ${f.title}`);
    expect(raised).toEqual([]);
  });
});

describe('selection and interface', () => {
  it('analyses only the packets a display filter selects', async () => {
    const report = await analyse(FIXTURE_DIR + 'port-scan.pcap', 'udp');
    expect(security(report).map((f) => f.id)).toEqual(['scan.ports:UDP:192.168.1.67>192.168.1.10']);
    expect(report.findings.some((f) => f.id === 'tcp.events:reset')).toBe(false);
    // 21 probes, 1 answer, and 20 ICMP errors quoting a probe ("udp" matches them, as in Wireshark).
    expect(report.packetsAnalysed).toBe(21 + 1 + 20);
  });

  it('sorts findings most serious first', async () => {
    const { report } = await fixture('malformed.pcap');
    const order = ['error', 'warning', 'note', 'chat'];
    const ranks = report.findings.map((f) => order.indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('the CLI prints findings, as JSON with --json, after -Y', () => {
    const run = (...args: string[]) => execFileSync(process.execPath, ['bin/packetlens.js', 'expert', ...args], { cwd: ROOT, encoding: 'utf8' });
    const text = run(FIXTURE_DIR + 'arp-spoof.pcap');
    expect(text).toContain('Warnings (1)');
    expect(text).toContain('ARP spoofing: 192.168.1.1 claimed by 2 MAC addresses');
    const json = JSON.parse(run(FIXTURE_DIR + 'port-scan.pcap', '--json', '-Y', 'tcp')) as ExpertReport & { filter: string };
    expect(json.filter).toBe('tcp');
    expect(security(json).map((f) => f.id)).toEqual(['scan.ports:TCP:192.168.1.66>192.168.1.10']);
  });

  it('the README states every security rule as the code does', async () => {
    const readme = readFileSync(ROOT + 'README.md', 'utf8').replace(/\s+/g, ' ');
    const rules = new Set<string>();
    for (const name of Object.keys(FIXTURES)) for (const f of security((await fixture(name)).report)) rules.add(f.rule);
    expect(rules.size).toBeGreaterThanOrEqual(10);
    expect([...rules].filter((rule) => !readme.includes(rule))).toEqual([]);
  });
});

describe('windows', () => {
  it('finds the window with the most distinct keys', () => {
    expect(peakWindow([0, 1, 2, 10, 10.5, 11], [1, 2, 3, 4, 5, 4], 2)).toEqual({ distinct: 3, first: 0, last: 2 });
    expect(peakCount([0, 1, 2, 10, 10.5, 11], 1)).toEqual({ distinct: 3, first: 3, last: 5 });
  });
});
