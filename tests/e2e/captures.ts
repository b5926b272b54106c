// Captures made for the browser tests: hostile text in every place a
// packet or a capture file can carry it.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bytes, Pcapng, pcap, textOption, type Option } from '../unit/builder';

const PAYLOADS = ['<script>window.__pwned = 1</script>', '<img src=x onerror="window.__pwned = 2">', '"><svg onload="window.__pwned=3">'];

function ipv4Udp(src: number[], dst: number[], sport: number, dport: number, payload: Uint8Array): Uint8Array {
  return ethIpv4(17, src, dst, new Bytes(true).u16(sport).u16(dport).u16(8 + payload.length).u16(0).bytes(payload).build());
}

function ipv4Tcp(src: number[], dst: number[], sport: number, dport: number, seq: number, flags: number, payload: Uint8Array): Uint8Array {
  const tcp = new Bytes(true).u16(sport).u16(dport).u32(seq).u32(1).u8(0x50).u8(flags).u16(65535).u16(0).u16(0).bytes(payload).build();
  return ethIpv4(6, src, dst, tcp);
}

function ethIpv4(proto: number, src: number[], dst: number[], l4: Uint8Array): Uint8Array {
  return new Bytes(true)
    .bytes([0, 1, 2, 3, 4, 5])
    .bytes([6, 7, 8, 9, 10, 11])
    .u16(0x0800)
    .u8(0x45)
    .u8(0)
    .u16(20 + l4.length)
    .u16(1)
    .u16(0)
    .u8(64)
    .u8(proto)
    .u16(0)
    .bytes(src)
    .bytes(dst)
    .bytes(l4)
    .build();
}

/** A DNS query whose name is `name`, label by label (any bytes a label can hold). */
function dnsQuery(name: string): Uint8Array {
  const b = new Bytes(true).u16(0x1234).u16(0x0100).u16(1).u16(0).u16(0).u16(0);
  for (const label of name.split('.')) {
    const bytes = new TextEncoder().encode(label).slice(0, 63);
    b.u8(bytes.length).bytes(bytes);
  }
  return b.u8(0).u16(1).u16(1).build();
}

/** A capture whose DNS names, HTTP host and URI carry HTML and script. */
export function hostileCapture(): string {
  const frames: Uint8Array[] = [];
  for (const p of PAYLOADS) frames.push(ipv4Udp([10, 0, 0, 1], [10, 0, 0, 53], 40000, 53, dnsQuery(`${p}.example.com`)));
  const uri = encodeURI('/') + PAYLOADS[0];
  const request = new TextEncoder().encode(`GET ${uri} HTTP/1.1\r\nHost: ${PAYLOADS[1]}\r\nUser-Agent: ${PAYLOADS[2]}\r\n\r\n`);
  frames.push(ipv4Tcp([10, 0, 0, 1], [10, 0, 0, 80], 40001, 80, 1000, 0x18, request));
  const dir = mkdtempSync(join(tmpdir(), 'packetlens-e2e-'));
  const path = join(dir, '<img src=x onerror=alert(9)>.pcap');
  writeFileSync(path, pcap(frames.map((data, i) => ({ sec: 1_700_000_000 + i, frac: 0, data }))));
  return path;
}

// ---------------------------------------------------------------------------
// A session file that carries hostile text in every place the app shows text
// from a capture: DNS names (queries and answers), the TLS SNI and ALPN, HTTP
// request and response lines and headers, pcapng packet comments, interface
// names and descriptions, the section header's hardware, OS, application and
// comment, a name resolution record, the Packetlens session state's note, and
// the file name. Each place gets its own payload, which sets its own window
// global (window.__hostile_<place>) if it ever runs as script.

/** One piece of hostile text: where it is put, the text, and the global it sets if it runs. */
export interface Payload {
  place: string;
  text: string;
  global: string;
}

/** Ways to smuggle script through HTML; `code` sets the payload's global. Some also open a dialog. */
const KINDS: ((code: string) => string)[] = [
  (code) => `<script>${code}</script>`,
  (code) => `<img src=x onerror="${code};alert(1)">`,
  (code) => `"><svg onload="${code}">`,
  (code) => `<a href="javascript:${code}">javascript:${code}</a>`,
  (code) => `<details open ontoggle="${code}">`,
  (code) => `<iframe srcdoc="<script>parent.${code}</script>"></iframe>`,
  (code) => `</title></textarea><img src=x onerror=${code}>`,
  (code) => `'><body onload='${code}'>`,
];

/** Payloads without spaces (HTTP request targets, ALPN): every kind still works without them. */
const TIGHT_KINDS: ((code: string) => string)[] = [(code) => `<svg/onload=${code}>`, (code) => `javascript:${code}`, (code) => `<img/src=x/onerror=${code}>`];

export class Payloads {
  readonly all: Payload[] = [];
  /** A payload for `place`, of the next kind in turn (or of `kind` when given). */
  add(place: string, opts: { tight?: boolean; kind?: number } = {}): string {
    const global = `__hostile_${place.replace(/[^A-Za-z0-9]/g, '_')}`;
    const code = `window.${global}=1`;
    const kinds = opts.tight ? TIGHT_KINDS : KINDS;
    const text = kinds[(opts.kind ?? this.all.length) % kinds.length]!(code);
    this.all.push({ place, text, global });
    return text;
  }
  get(place: string): Payload {
    const p = this.all.find((x) => x.place === place);
    if (!p) throw new Error(`no payload for ${place}`);
    return p;
  }
  text(place: string): string {
    return this.get(place).text;
  }
}

const enc = (s: string) => new TextEncoder().encode(s);

interface Tcp {
  src: number[];
  dst: number[];
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: number;
}

function tcpFrame(s: Tcp, payload: Uint8Array): Uint8Array {
  const tcp = new Bytes(true).u16(s.sport).u16(s.dport).u32(s.seq).u32(s.ack).u8(0x50).u8(s.flags).u16(65535).u16(0).u16(0).bytes(payload).build();
  return ethIpv4(6, s.src, s.dst, tcp);
}

/** A DNS name, label by label, uncompressed. */
function dnsName(name: string): number[] {
  const b = new Bytes(true);
  for (const label of name.split('.')) {
    const bytes = enc(label);
    if (bytes.length === 0 || bytes.length > 63) throw new Error(`label "${label}" cannot go in a DNS name`);
    b.u8(bytes.length).bytes(bytes);
  }
  return [...b.u8(0).build()];
}

/** A response to a query for `qname` (A): a CNAME to `cname`, and `qname`'s address. */
function dnsResponse(qname: string, cname: string, address: number[]): Uint8Array {
  const target = dnsName(cname);
  return new Bytes(true)
    .u16(0x4242).u16(0x8180).u16(1).u16(2).u16(0).u16(0)
    .bytes(dnsName(qname)).u16(1).u16(1)
    .u16(0xc00c).u16(5).u16(1).u32(300).u16(target.length).bytes(target)
    .u16(0xc00c).u16(1).u16(1).u32(300).u16(4).bytes(address)
    .build();
}

function dnsQueryFor(name: string, id: number): Uint8Array {
  return new Bytes(true).u16(id).u16(0x0100).u16(1).u16(0).u16(0).u16(0).bytes(dnsName(name)).u16(1).u16(1).build();
}

/** A TLS 1.2 record holding a ClientHello with the server name `sni` and the ALPN protocol `alpn`. */
function clientHello(sni: string, alpn: string): Uint8Array {
  const name = enc(sni);
  const proto = enc(alpn);
  const sniExt = new Bytes(true).u16(0).u16(name.length + 5).u16(name.length + 3).u8(0).u16(name.length).bytes(name).build();
  const alpnExt = new Bytes(true).u16(16).u16(proto.length + 3).u16(proto.length + 1).u8(proto.length).bytes(proto).build();
  const exts = new Bytes(true).bytes(sniExt).bytes(alpnExt).build();
  const body = new Bytes(true)
    .u16(0x0303)
    .bytes(new Array(32).fill(7))
    .u8(0)
    .u16(4).u16(0x1301).u16(0xc02f)
    .u8(1).u8(0)
    .u16(exts.length).bytes(exts)
    .build();
  const hs = new Bytes(true).u8(1).u8(0).u16(body.length).bytes(body).build();
  return new Bytes(true).u8(0x16).u16(0x0301).u16(hs.length).bytes(hs).build();
}

function base64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

export interface HostileFile {
  /** The file's name (as the browser's File has it: any text but "/" works). */
  name: string;
  bytes: Uint8Array;
  payloads: Payloads;
  packets: number;
}

const SESSION_PEN = 32473;
const OPT_CUSTOM_STRING = 2988;

/** A Packetlens session state (format 1), written as its documented custom option in the section header. */
function sessionOption(state: Record<string, unknown>): Option {
  const text = `Packetlens session 1/1\n${JSON.stringify(state)}`;
  return { code: OPT_CUSTOM_STRING, value: new Bytes(false).u32(SESSION_PEN).bytes(enc(text)).build() };
}

const CLIENT = [10, 0, 0, 1];
const RESOLVER = [10, 0, 0, 53];
const WEB = [10, 0, 0, 80];
const TLS_SERVER = [10, 0, 0, 81];

/**
 * The hostile session file: a pcapng with DNS, TLS and HTTP packets, packet
 * comments, an interface and section header full of payloads, a name record,
 * and a session state whose note and columns the app restores.
 */
export function hostileSessionFile(): HostileFile {
  const p = new Payloads();
  const fileName = `${p.add('file name', { kind: 6 })}${p.add('file name 2', { kind: 2 })}.pcapng`;
  const qname = `${p.add('dns query', { kind: 0 })}.example.com`;
  const cname = `${p.add('dns cname', { kind: 1 })}.example.net`;
  const sni = p.add('tls sni', { kind: 2 });
  const alpn = p.add('tls alpn', { tight: true, kind: 0 });
  const uri = `/${p.add('http uri', { tight: true, kind: 2 })}?next=${p.add('http query', { tight: true, kind: 1 })}`;
  const host = p.add('http host', { kind: 4 });
  const agent = p.add('http user agent', { kind: 5 });
  // A Basic user name ends at its first colon (RFC 7617), so this one has none.
  const user = p.add('http basic user', { kind: 0 });
  const referer = p.add('http referer', { tight: true, kind: 1 });
  const phrase = p.add('http reason', { kind: 7 });
  const server = p.add('http server', { kind: 0 });
  const location = p.add('http location', { tight: true, kind: 1 });
  const body = p.add('http body', { kind: 1 });
  const comments = [p.add('comment dns', { kind: 0 }), p.add('comment http', { kind: 1 }), p.add('comment tls', { kind: 6 })];
  const ifName = p.add('interface name', { kind: 2 });
  const ifDescription = p.add('interface description', { kind: 4 });
  const hardware = p.add('section hardware', { kind: 1 });
  const os = p.add('section os', { kind: 5 });
  const application = p.add('section application', { kind: 3 });
  const sectionComment = p.add('section comment', { kind: 7 });
  const nrbName = `${p.add('name record', { tight: true, kind: 0 })}.example.org`;
  const note = p.add('session note', { kind: 6 });

  const request = enc(
    `GET ${uri} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${agent}\r\nAuthorization: Basic ${base64(`${user}:not-shown`)}\r\nReferer: ${referer}\r\n\r\n`,
  );
  const html = enc(`<html><body>${body}</body></html>\n`);
  const response = new Uint8Array([
    ...enc(`HTTP/1.1 200 ${phrase}\r\nServer: ${server}\r\nLocation: ${location}\r\nContent-Type: text/html\r\nContent-Length: ${html.length}\r\n\r\n`),
    ...html,
  ]);
  const toWeb = { src: CLIENT, dst: WEB, sport: 40001, dport: 80 };
  const fromWeb = { src: WEB, dst: CLIENT, sport: 80, dport: 40001 };
  const toTls = { src: CLIENT, dst: TLS_SERVER, sport: 40002, dport: 443 };
  const fromTls = { src: TLS_SERVER, dst: CLIENT, sport: 443, dport: 40002 };
  const hello = clientHello(sni, alpn);
  const frames: { data: Uint8Array; comment?: string }[] = [
    { data: ipv4Udp(CLIENT, RESOLVER, 40000, 53, dnsQueryFor(qname, 0x4242)), comment: comments[0]! },
    { data: ipv4Udp(RESOLVER, CLIENT, 53, 40000, dnsResponse(qname, cname, WEB)) },
    { data: tcpFrame({ ...toWeb, seq: 999, ack: 0, flags: 0x02 }, new Uint8Array()) },
    { data: tcpFrame({ ...fromWeb, seq: 4999, ack: 1000, flags: 0x12 }, new Uint8Array()) },
    { data: tcpFrame({ ...toWeb, seq: 1000, ack: 5000, flags: 0x10 }, new Uint8Array()) },
    { data: tcpFrame({ ...toWeb, seq: 1000, ack: 5000, flags: 0x18 }, request), comment: comments[1]! },
    { data: tcpFrame({ ...fromWeb, seq: 5000, ack: 1000 + request.length, flags: 0x18 }, response) },
    { data: tcpFrame({ ...toTls, seq: 99, ack: 0, flags: 0x02 }, new Uint8Array()) },
    { data: tcpFrame({ ...fromTls, seq: 7999, ack: 100, flags: 0x12 }, new Uint8Array()) },
    { data: tcpFrame({ ...toTls, seq: 100, ack: 8000, flags: 0x10 }, new Uint8Array()) },
    { data: tcpFrame({ ...toTls, seq: 100, ack: 8000, flags: 0x18 }, hello), comment: comments[2]! },
  ];
  const state = {
    format: 'packetlens-session',
    version: 1,
    application: 'Packetlens',
    packets: frames.length,
    note,
    marks: [1, 6],
    columns: ['http.user_agent', 'dns.qry.name'],
  };
  const file = new Pcapng(false)
    .section([textOption(2, hardware), textOption(3, os), textOption(4, application), textOption(1, sectionComment), sessionOption(state)])
    .iface(1, [textOption(2, ifName), textOption(3, ifDescription)], 65535)
    .nrb(TLS_SERVER, [nrbName]);
  frames.forEach((f, i) => file.epb(0, BigInt(1_700_000_000 + i) * 1_000_000n, f.data, f.comment ? [textOption(1, f.comment)] : []));
  return { name: fileName, bytes: file.build(), payloads: p, packets: frames.length };
}

/** A session file whose state is damaged: its version is hostile text, which the app quotes when it says so. */
export function damagedSessionFile(): HostileFile {
  const p = new Payloads();
  const name = `${p.add('damaged file name', { kind: 1 })}.pcapng`;
  const version = p.add('state version', { kind: 0 });
  const file = new Pcapng(false)
    .section([sessionOption({ format: 'packetlens-session', version, packets: 1 })])
    .iface(1)
    .epb(0, 1_700_000_000_000_000n, ipv4Udp(CLIENT, RESOLVER, 40000, 53, dnsQueryFor('example.com', 1)));
  return { name, bytes: file.build(), payloads: p, packets: 1 };
}

/** A session file whose state names the session with hostile text. */
export function renamedSessionFile(): HostileFile {
  const p = new Payloads();
  const name = 'renamed.pcapng';
  const sessionName = p.add('state name', { kind: 4 });
  const file = new Pcapng(false)
    .section([sessionOption({ format: 'packetlens-session', version: 1, packets: 1, name: sessionName })])
    .iface(1)
    .epb(0, 1_700_000_000_000_000n, ipv4Udp(CLIENT, RESOLVER, 40000, 53, dnsQueryFor('example.com', 1)));
  return { name, bytes: file.build(), payloads: p, packets: 1 };
}

/** A file that is not a capture, under a hostile name the app repeats when it refuses it. */
export function notACaptureFile(): HostileFile {
  const p = new Payloads();
  const name = `${p.add('refused file name', { kind: 2 })}.pcap`;
  return { name, bytes: enc('this is not a capture\n'.repeat(4)), payloads: p, packets: 0 };
}
