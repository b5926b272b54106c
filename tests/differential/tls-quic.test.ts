// TLS and QUIC fields, and their Protocol and Info columns, compared with
// tshark run live: on the corpus captures that carry them, and on small
// captures written here for what the corpus lacks (TLS 1.3 with a Hello
// Retry Request, client certificates, alerts, heartbeats, SSLv3, handshake
// messages spanning records; QUIC v1 and v2 Initial packets with CRYPTO
// frames out of order or split over packets, Version Negotiation, Retry with
// valid and broken integrity tags, coalesced packets, short headers).
//
// TLS records that span TCP segments need TCP reassembly (tcp.ts,
// tcpreasm.ts), built separately: the frames tshark reassembles are compared
// in their own blocks ("needs TCP reassembly"), so that a failure there
// points at reassembly rather than at TLS.
//
// Left out, with their reasons:
// - pcapplusplus-pcapng-example.pcapng and its cut copy: the TLS session is
//   started by MySQL's STARTTLS on port 3306; apps.ts does not hand that
//   stream to TLS (tshark's MySQL dissector does).
// - tls.record, tls.handshake, tls.change_cipher_spec, quic.frame and other
//   fields of type NONE: tshark -T fields prints "1" (or the label) for them,
//   the field writer prints nothing; the protocol's own fields are compared.
// - Empty byte fields (a GREASE extension's data, for one): tshark prints
//   "<MISSING>", the field writer an empty cell; such cells are accepted.
// - pcapplusplus-many-protocols.pcap frame 2507 is a TCP retransmission that
//   tshark does not hand to TLS (TCP's analysis), and the Protocol and Info
//   columns of the frames where a segment completes one record and starts
//   the next are TCP's (tshark keeps "TLSv1.2", tcp.ts sets "TCP").

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCipheriv, createHmac } from 'node:crypto';
import { loadEngine, readCaptureFile, readPacketBytes } from '../../src/lib/engine/node';
import { engineFields, tsharkAvailable, tsharkFields } from './tshark';
import { CORPUS, corpusAvailable } from './corpus';

const engine = await loadEngine();
const enabled = tsharkAvailable() && corpusAvailable();
const corpus = (f: string) => join(CORPUS, f);

const TLS_FIELDS = [
  'tls.record.content_type',
  'tls.record.opaque_type',
  'tls.record.version',
  'tls.record.length',
  'tls.handshake.type',
  'tls.handshake.length',
  'tls.handshake.version',
  'tls.handshake.random',
  'tls.handshake.random_time',
  'tls.handshake.random_bytes',
  'tls.handshake.session_id_length',
  'tls.handshake.session_id',
  'tls.handshake.cipher_suites_length',
  'tls.handshake.ciphersuite',
  'tls.handshake.comp_methods_length',
  'tls.handshake.comp_method',
  'tls.handshake.extensions_length',
  'tls.handshake.extension.type',
  'tls.handshake.extension.len',
  'tls.handshake.extension.data',
  'tls.handshake.extensions_server_name_list_len',
  'tls.handshake.extensions_server_name_type',
  'tls.handshake.extensions_server_name_len',
  'tls.handshake.extensions_server_name',
  'tls.handshake.extensions_alpn_len',
  'tls.handshake.extensions_alpn_str_len',
  'tls.handshake.extensions_alpn_str',
  'tls.handshake.extensions_npn',
  'tls.handshake.extensions.supported_versions_len',
  'tls.handshake.extensions.supported_version',
  'tls.handshake.extensions_supported_groups_length',
  'tls.handshake.extensions_supported_group',
  'tls.handshake.extensions_ec_point_formats_length',
  'tls.handshake.extensions_ec_point_format',
  'tls.handshake.extensions_key_share_client_length',
  'tls.handshake.extensions_key_share_group',
  'tls.handshake.extensions_key_share_key_exchange_length',
  'tls.handshake.extensions_key_share_key_exchange',
  'tls.handshake.extensions_key_share_selected_group',
  'tls.handshake.extensions.cookie',
  'tls.handshake.extensions.psk.identity.identity',
  'tls.handshake.extensions.psk.identity.obfuscated_ticket_age',
  'tls.extension.psk_ke_mode',
  'tls.handshake.extensions_status_request_type',
  'tls.handshake.extensions_reneg_info_len',
  'tls.handshake.extensions_padding_data',
  'tls.handshake.extension.heartbeat.mode',
  'tls.record_size_limit',
  'tls.compress_certificate.algorithm',
  'tls.handshake.sig_hash_alg_len',
  'tls.handshake.sig_hash_alg',
  'tls.handshake.sig_hash_hash',
  'tls.handshake.sig_hash_sig',
  'tls.handshake.certificates_length',
  'tls.handshake.certificate_length',
  'tls.handshake.certificate',
  'tls.handshake.server_curve_type',
  'tls.handshake.server_named_curve',
  'tls.handshake.server_point_len',
  'tls.handshake.server_point',
  'tls.handshake.p_len',
  'tls.handshake.g_len',
  'tls.handshake.ys_len',
  'tls.handshake.sig_len',
  'tls.handshake.sig',
  'tls.handshake.client_point_len',
  'tls.handshake.client_point',
  'tls.handshake.yc_len',
  'tls.handshake.epms_len',
  'tls.handshake.epms',
  'tls.handshake.cert_types_count',
  'tls.handshake.cert_type',
  'tls.handshake.dnames_len',
  'tls.handshake.client_cert_vrfy.sig_len',
  'tls.handshake.session_ticket_lifetime_hint',
  'tls.handshake.session_ticket_length',
  'tls.handshake.session_ticket',
  'tls.alert_message.level',
  'tls.alert_message.desc',
  'tls.heartbeat_message.type',
  'tls.heartbeat_message.payload_length',
  'tls.app_data',
  'tls.app_data_proto',
  'tls.handshake.ja3_full',
  'tls.handshake.ja3',
  'tls.handshake.ja3s_full',
  'tls.handshake.ja3s',
];

const QUIC_FIELDS = [
  'quic.connection.number',
  'quic.packet_length',
  'quic.header_form',
  'quic.fixed_bit',
  'quic.spin_bit',
  'quic.long.packet_type',
  'quic.long.packet_type_v2',
  'quic.long.reserved',
  'quic.packet_number_length',
  'quic.version',
  'quic.supported_version',
  'quic.dcil',
  'quic.dcid',
  'quic.scil',
  'quic.scid',
  'quic.token_length',
  'quic.token',
  'quic.length',
  'quic.packet_number',
  'quic.payload',
  'quic.remaining_payload',
  'quic.retry_token',
  'quic.retry_integrity_tag',
  'quic.frame_type',
  'quic.padding_length',
  'quic.ack.largest_acknowledged',
  'quic.ack.ack_delay',
  'quic.ack.ack_range_count',
  'quic.ack.first_ack_range',
  'quic.ack.ect0_count',
  'quic.ack.ecn_ce_count',
  'quic.crypto.offset',
  'quic.crypto.length',
  'quic.cc.error_code',
  'quic.cc.error_code.tls_alert',
  'quic.cc.frame_type',
  'quic.cc.reason_phrase',
  // The TLS handshake carried in CRYPTO frames.
  'tls.handshake.type',
  'tls.handshake.length',
  'tls.handshake.version',
  'tls.handshake.random',
  'tls.handshake.ciphersuite',
  'tls.handshake.extension.type',
  'tls.handshake.extensions_server_name',
  'tls.handshake.extensions_alpn_str',
  'tls.handshake.extensions.supported_version',
  'tls.handshake.extensions_supported_group',
  'tls.handshake.extensions_key_share_group',
  'tls.handshake.sig_hash_alg',
  'tls.handshake.ja3',
  'tls.handshake.ja3s',
  'tls.quic.parameter.type',
  'tls.quic.parameter.length',
  'tls.quic.parameter.value',
  'tls.quic.parameter.max_idle_timeout',
  'tls.quic.parameter.initial_max_data',
  'tls.quic.parameter.initial_source_connection_id',
];

interface Skip {
  frames: number[];
  fields?: string[];
}

/**
 * Cell-by-cell differences between tshark and Packetlens for `fields`,
 * limited to `only` frames when given and leaving out `skip`. A cell that
 * differs only by tshark's "<MISSING>" for an empty byte field is accepted.
 */
function diffFields(file: string, fields: string[], only: Set<number> | null = null, skip: Skip[] = []): string[] {
  const want = tsharkFields(file, fields);
  const got = engineFields(engine, file, fields);
  const out: string[] = [];
  if (want.length !== got.length) out.push(`packet count: got ${got.length}, tshark ${want.length}`);
  for (let r = 0; r < Math.min(want.length, got.length); r++) {
    const frame = r + 1;
    if (only && !only.has(frame)) continue;
    fields.forEach((f, c) => {
      if (skip.some((s) => s.frames.includes(frame) && (!s.fields || s.fields.includes(f)))) return;
      const w = want[r]![c] ?? '';
      const g = got[r]![c] ?? '';
      if (w === g || w.split(',').map((x) => (x === '<MISSING>' ? '' : x)).join(',') === g) return;
      out.push(`frame ${frame} ${f}: got "${g.slice(0, 120)}", tshark "${w.slice(0, 120)}"`);
    });
  }
  return out;
}

/** Frames whose TLS records tshark puts together from several TCP segments (or that start such a record). */
function reassembledFrames(file: string): Set<number> {
  const rows = tsharkFields(file, ['frame.number', 'tcp.reassembled_in', 'tcp.reassembled.length', 'tcp.segment_data']);
  const out = new Set<number>();
  for (const [num, inFrame, len, seg] of rows) if (inFrame || len || seg) out.add(Number(num));
  return out;
}

const OUR_COLUMNS = /^(TLSv1|TLSv1\.1|TLSv1\.2|TLSv1\.3|SSLv3|SSL|QUIC)$/;

/**
 * Protocol and Info columns of both tools for the frames either gives to TLS
 * or QUIC: the summary pass's Protocol column, the Info column of the pass
 * with a tree per packet (the CLI's), and with `detail` also both columns of
 * the detail pass of each packet alone (the browser's).
 */
function diffColumns(file: string, frames: Set<number> | null = null, detail = false): string[] {
  const want = tsharkFields(file, ['frame.number', '_ws.col.Protocol', '_ws.col.Info']);
  const info: string[] = [];
  engine.onPacketTree((packet) => {
    info[packet] = engine.lastInfo();
  });
  let index;
  try {
    index = readCaptureFile(engine, file);
  } finally {
    engine.onPacketTree(null);
  }
  const summary = readCaptureFile(engine, file);
  const protos = summary.columns.arrays.proto;
  const fd = detail ? openSync(file, 'r') : -1;
  const out: string[] = [];
  try {
    for (const [num, proto, tsInfo] of want) {
      const i = Number(num) - 1;
      if (frames && !frames.has(i + 1)) continue;
      const ours = engine.registry.columnProtocols[protos[i]!]?.name ?? '';
      if (!OUR_COLUMNS.test(proto!) && !OUR_COLUMNS.test(ours)) continue;
      if (ours !== proto) out.push(`frame ${num} protocol: got "${ours}", tshark "${proto}"`);
      if ((info[i] ?? '') !== (tsInfo ?? '')) out.push(`frame ${num} info: got "${info[i]}", tshark "${tsInfo}"`);
      if (detail) {
        const d = engine.describe(summary, i, readPacketBytes(fd, summary, i));
        if (d.protocol !== proto) out.push(`frame ${num} detail-pass protocol: got "${d.protocol}", tshark "${proto}"`);
        if (d.info !== tsInfo) out.push(`frame ${num} detail-pass info: got "${d.info}", tshark "${tsInfo}"`);
      }
    }
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  void index;
  return out;
}

function complement(file: string, frames: Set<number>): Set<number> {
  const n = tsharkFields(file, ['frame.number']).length;
  const out = new Set<number>();
  for (let f = 1; f <= n; f++) if (!frames.has(f)) out.add(f);
  return out;
}

const TLS_FILES = ['pcapplusplus-tls.pcap', 'zeek-tls_tls1.2.pcap', 'pcapplusplus-raw_ip.pcap', 'pcapplusplus-many-protocols.pcap'];
const RETRANSMISSION: Skip = { frames: [2507] };

describe.runIf(enabled)('TLS on the corpus, records within one segment', () => {
  for (const file of TLS_FILES) {
    it(file, () => {
      const single = complement(corpus(file), reassembledFrames(corpus(file)));
      expect(diffFields(corpus(file), TLS_FIELDS, single, [RETRANSMISSION])).toEqual([]);
      if (file !== 'pcapplusplus-many-protocols.pcap') expect(diffColumns(corpus(file), single, true)).toEqual([]);
    });
  }
});

describe.runIf(enabled)('TLS on the corpus, needs TCP reassembly', () => {
  // Records over several segments: pcapplusplus-tls frames 15 and 33,
  // zeek-tls_tls1.2 frames 8 and 18 (and the segments before them),
  // pcapplusplus-many-protocols frames 63, 90, 93 ... 1598 and more.
  for (const file of TLS_FILES) {
    it(file, () => {
      const frames = reassembledFrames(corpus(file));
      expect(diffFields(corpus(file), TLS_FIELDS, frames, [RETRANSMISSION])).toEqual([]);
      if (file !== 'pcapplusplus-many-protocols.pcap') expect(diffColumns(corpus(file), frames)).toEqual([]);
    });
  }
});

describe.runIf(enabled)('QUIC on the corpus', () => {
  // v1 with and without a Retry (the ClientHello and its server name in the
  // decrypted CRYPTO frames), and v2 with coalesced Initial, Handshake and
  // short header packets.
  for (const file of ['tcpdump-quic_handshake.pcap', 'tcpdump-quic_retry.pcap', 'zeek-quic_quicv2-http3-443.pcap']) {
    it(file, () => {
      expect(diffFields(corpus(file), QUIC_FIELDS)).toEqual([]);
      expect(diffColumns(corpus(file), null, true)).toEqual([]);
    });
  }
});

// ---- small captures for what the corpus lacks ---------------------------------------

class PcapWriter {
  private chunks: Buffer[] = [];
  private time = 1_700_000_000;
  private seqs = new Map<string, number>();

  constructor() {
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(262144, 16);
    h.writeUInt32LE(1, 20); // Ethernet
    this.chunks.push(h);
  }

  private frame(ipPayload: Buffer, proto: number, src: string, dst: string): void {
    const eth = Buffer.from('0200000000020200000000010800', 'hex');
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + ipPayload.length, 2);
    ip[8] = 64;
    ip[9] = proto;
    Buffer.from(src.split('.').map(Number)).copy(ip, 12);
    Buffer.from(dst.split('.').map(Number)).copy(ip, 16);
    const data = Buffer.concat([eth, ip, ipPayload]);
    const rec = Buffer.alloc(16);
    this.time += 1;
    rec.writeUInt32LE(this.time, 0);
    rec.writeUInt32LE(data.length, 8);
    rec.writeUInt32LE(data.length, 12);
    this.chunks.push(rec, data);
  }

  /** A TCP segment from a to b ("ip:port"), sequence numbers kept per direction. */
  tcp(a: string, b: string, data: Buffer, flags = 0x18): void {
    const [sip, sport] = a.split(':');
    const [dip, dport] = b.split(':');
    const seq = this.seqs.get(`${a}>${b}`) ?? 1000;
    const ack = this.seqs.get(`${b}>${a}`) ?? 1000;
    const h = Buffer.alloc(20);
    h.writeUInt16BE(Number(sport), 0);
    h.writeUInt16BE(Number(dport), 2);
    h.writeUInt32BE(seq >>> 0, 4);
    h.writeUInt32BE(flags & 0x10 ? ack >>> 0 : 0, 8);
    h[12] = 0x50;
    h[13] = flags;
    h.writeUInt16BE(65535, 14);
    this.seqs.set(`${a}>${b}`, seq + data.length + (flags & 0x03 ? 1 : 0));
    this.frame(Buffer.concat([h, data]), 6, sip!, dip!);
  }

  /** A three-way handshake from client a to server b. */
  handshake(a: string, b: string): void {
    this.tcp(a, b, Buffer.alloc(0), 0x02);
    this.tcp(b, a, Buffer.alloc(0), 0x12);
    this.tcp(a, b, Buffer.alloc(0), 0x10);
  }

  udp(a: string, b: string, data: Buffer): void {
    const [sip, sport] = a.split(':');
    const [dip, dport] = b.split(':');
    const h = Buffer.alloc(8);
    h.writeUInt16BE(Number(sport), 0);
    h.writeUInt16BE(Number(dport), 2);
    h.writeUInt16BE(8 + data.length, 4);
    this.frame(Buffer.concat([h, data]), 17, sip!, dip!);
  }

  save(path: string): string {
    writeFileSync(path, Buffer.concat(this.chunks));
    return path;
  }
}

// TLS encoding helpers.
const B = (...parts: (Buffer | number[] | string)[]) =>
  Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const hex = (s: string) => Buffer.from(s, 'hex');
const zeros = (n: number) => Buffer.alloc(n);
const range = (from: number, n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (from + i) & 0xff));
function u(n: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  b.writeUIntBE(n, 0, size);
  return b;
}
const vec = (size: number, body: Buffer) => B(u(body.length, size), body);
const record = (type: number, version: number, body: Buffer) => B([type], u(version, 2), u(body.length, 2), body);
const hs = (type: number, body: Buffer) => B([type], u(body.length, 3), body);
const ext = (type: number, body: Buffer) => B(u(type, 2), u(body.length, 2), body);
const u16s = (...v: number[]) => B(...v.map((x) => u(x, 2)));

function clientHello(version: number, suites: number[], exts: Buffer | null, sessionId = Buffer.alloc(0)): Buffer {
  const body = B(u(version, 2), range(0, 32), vec(1, sessionId), vec(2, u16s(...suites)), vec(1, hex('00')), exts ? vec(2, exts) : Buffer.alloc(0));
  return hs(1, body);
}
function serverHello(version: number, suite: number, exts: Buffer | null, random = range(32, 32), sessionId = Buffer.alloc(0)): Buffer {
  return hs(2, B(u(version, 2), random, vec(1, sessionId), u(suite, 2), [0], exts ? vec(2, exts) : Buffer.alloc(0)));
}
const sni = (name: string) => ext(0, vec(2, B([0], vec(2, Buffer.from(name)))));
const HRR_RANDOM = hex('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c');

function tlsCapture(path: string): string {
  const w = new PcapWriter();
  // TLS 1.3 with a Hello Retry Request, then Application Data and an encrypted alert.
  const c = '10.0.0.1:43000';
  const s = '10.0.0.2:443';
  const chExts = B(
    sni('example.com'),
    ext(43, vec(1, u16s(0x0304, 0x0303))),
    ext(10, vec(2, u16s(0x001d, 0x0017, 0x2a2a))),
    ext(51, vec(2, B(u16s(0x1d, 32), zeros(32)))),
    ext(13, vec(2, u16s(0x0403, 0x0804, 0x0402, 0xfe99))),
    ext(16, vec(2, B(vec(1, Buffer.from('h2')), vec(1, Buffer.from('http/1.1'))))),
    ext(45, vec(1, hex('01'))),
    ext(0x1234, Buffer.from('abc')),
    ext(0x3a3a, Buffer.alloc(0)),
    ext(21, zeros(10)),
    ext(23, Buffer.alloc(0)),
    ext(28, hex('4001')),
    ext(27, vec(1, hex('0002'))),
    ext(5, hex('0100000000')),
    ext(11, vec(1, hex('000102'))),
    ext(65281, hex('00')),
    ext(17513, vec(2, vec(1, Buffer.from('h2')))),
    ext(35, Buffer.alloc(0)),
    ext(41, B(vec(2, B(vec(2, Buffer.from('tick')), u(5, 4))), vec(2, vec(1, zeros(32))))),
  );
  w.handshake(c, s);
  w.tcp(c, s, record(22, 0x0301, clientHello(0x0303, [0x1301, 0x1302, 0xc02b, 0x0a0a, 0x9999], chExts, zeros(32))));
  const hrr = serverHello(0x0303, 0x1301, B(ext(43, u16s(0x0304)), ext(51, u16s(0x17)), ext(44, vec(2, Buffer.from('cookie')))), HRR_RANDOM, zeros(32));
  w.tcp(s, c, B(record(22, 0x0303, hrr), record(20, 0x0303, hex('01'))));
  w.tcp(c, s, B(record(20, 0x0303, hex('01')), record(22, 0x0303, clientHello(0x0303, [0x1301], chExts))));
  const sh = serverHello(0x0303, 0x1301, B(ext(43, u16s(0x0304)), ext(51, B(u16s(0x1d, 32), zeros(32))), ext(41, hex('0000'))), range(32, 32), zeros(32));
  w.tcp(s, c, B(record(22, 0x0303, sh), record(20, 0x0303, hex('01')), record(23, 0x0303, zeros(40)), record(23, 0x0303, zeros(50))));
  w.tcp(c, s, B(record(23, 0x0303, zeros(30)), record(21, 0x0303, zeros(19))));

  // TLS 1.2, ECDHE: several messages per record, a certificate request and
  // client certificate, a session ticket, a heartbeat and alerts.
  const c2 = '10.0.0.1:43001';
  w.handshake(c2, s);
  w.tcp(c2, s, record(22, 0x0301, clientHello(0x0303, [0xc02f, 0x009e, 0x002f], ext(15, hex('01')))));
  // An empty chain: tshark decodes certificates as X.509 and stops at made-up
  // ones (the corpus has real chains).
  const cert = hs(11, vec(3, Buffer.alloc(0)));
  const ske = hs(12, B(hex('030017'), vec(1, B([4], range(1, 64))), hex('0401'), vec(2, range(9, 64))));
  const certRequest = hs(13, B(vec(1, hex('0140')), vec(2, u16s(0x0401, 0x0403)), vec(2, vec(2, range(3, 20)))));
  w.tcp(s, c2, record(22, 0x0303, B(serverHello(0x0303, 0xc02f, ext(16, vec(2, vec(1, Buffer.from('h2'))))), cert, ske, certRequest, hs(14, Buffer.alloc(0)))));
  w.tcp(c2, s, B(record(22, 0x0303, B(hs(11, vec(3, Buffer.alloc(0))), hs(16, vec(1, B([4], range(7, 64)))), hs(15, B(hex('0401'), vec(2, range(5, 32)))))), record(20, 0x0303, hex('01')), record(22, 0x0303, range(0x55, 40))));
  w.tcp(s, c2, B(record(22, 0x0303, hs(4, B(u(7200, 4), vec(2, range(2, 50))))), record(20, 0x0303, hex('01')), record(22, 0x0303, range(0x66, 40))));
  w.tcp(c2, s, B(record(24, 0x0303, B(hex('010003'), Buffer.from('abc'), zeros(16))), record(23, 0x0303, zeros(20))));
  w.tcp(s, c2, B(record(24, 0x0303, range(0x77, 40)), record(21, 0x0303, hex('0228'))));
  w.tcp(s, c2, record(21, 0x0303, hex('0100')));

  // SSLv3 with DHE, and TLS 1.1 with RSA key exchange.
  const c3 = '10.0.0.1:43002';
  w.handshake(c3, s);
  w.tcp(c3, s, record(22, 0x0300, clientHello(0x0300, [0x0033], null)));
  w.tcp(s, c3, record(22, 0x0300, B(serverHello(0x0300, 0x0033, null), hs(12, B(vec(2, range(1, 16)), vec(2, hex('02')), vec(2, range(2, 16)), vec(2, range(3, 40)))), hs(14, Buffer.alloc(0)))));
  w.tcp(c3, s, B(record(22, 0x0300, hs(16, vec(2, range(4, 16)))), record(20, 0x0300, hex('01'))));
  const c4 = '10.0.0.1:43003';
  w.handshake(c4, s);
  w.tcp(c4, s, record(22, 0x0301, clientHello(0x0302, [0x002f], null)));
  w.tcp(s, c4, record(22, 0x0302, B(serverHello(0x0302, 0x002f, null), hs(14, Buffer.alloc(0)))));
  w.tcp(c4, s, B(record(22, 0x0302, hs(16, vec(2, range(8, 64)))), record(20, 0x0302, hex('01')), record(22, 0x0302, range(0x11, 32))));

  // A Client Hello spread over two records of one segment.
  const c5 = '10.0.0.1:43004';
  w.handshake(c5, s);
  const ch = clientHello(0x0303, [0x1301, 0xc02f], sni('frag.example'));
  w.tcp(c5, s, B(record(22, 0x0301, ch.subarray(0, 40)), record(22, 0x0301, ch.subarray(40))));
  return w.save(path);
}

/** A record header, and a record, each split over TCP segments (needs TCP reassembly). */
function tlsSplitCapture(path: string): string {
  const w = new PcapWriter();
  const c = '10.0.0.1:43010';
  const s = '10.0.0.2:443';
  w.handshake(c, s);
  w.tcp(c, s, record(22, 0x0301, clientHello(0x0303, [0xc02f], sni('split.example'))));
  const sh = record(22, 0x0303, serverHello(0x0303, 0xc02f, null));
  const app = record(23, 0x0303, zeros(10));
  w.tcp(s, c, sh.subarray(0, 3));
  w.tcp(s, c, sh.subarray(3, 20));
  w.tcp(s, c, sh.subarray(20));
  w.tcp(s, c, app);
  return w.save(path);
}

// QUIC Initial packet protection (RFC 9001, 5; RFC 9369, 3.3).
const V1 = 0x00000001;
const V2 = 0x6b3343cf;
const SALT: Record<number, Buffer> = {
  [V1]: hex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a'),
  [V2]: hex('0dede3def700a6db819381be6e269dcbf9bd2ed9'),
};

function expandLabel(secret: Buffer, label: string, length: number): Buffer {
  const full = Buffer.from('tls13 ' + label);
  const info = B(u(length, 2), [full.length], full, [0]);
  let out = Buffer.alloc(0);
  let t = Buffer.alloc(0);
  for (let i = 1; out.length < length; i++) {
    t = createHmac('sha256', secret).update(B(t, info, [i])).digest();
    out = B(out, t);
  }
  return out.subarray(0, length);
}

function initialKeys(version: number, dcid: Buffer, server: boolean): { key: Buffer; iv: Buffer; hp: Buffer } {
  const initial = createHmac('sha256', SALT[version]!).update(dcid).digest();
  const secret = expandLabel(initial, server ? 'server in' : 'client in', 32);
  const p = version === V2 ? 'quicv2 ' : 'quic ';
  return { key: expandLabel(secret, p + 'key', 16), iv: expandLabel(secret, p + 'iv', 12), hp: expandLabel(secret, p + 'hp', 16) };
}

function varint(v: number): Buffer {
  if (v < 64) return Buffer.from([v]);
  if (v < 16384) return u(0x4000 | v, 2);
  return u((0x80000000 | v) >>> 0, 4);
}

function typeBits(version: number, type: 'initial' | 'handshake' | 'retry'): number {
  const v1 = { initial: 0, handshake: 2, retry: 3 };
  const v2 = { initial: 1, handshake: 3, retry: 0 };
  return (version === V2 ? v2 : v1)[type];
}

interface InitialOptions {
  pn?: number;
  server?: boolean;
  token?: Buffer;
  keyDcid?: Buffer;
  padTo?: number;
}

function initialPacket(version: number, dcid: Buffer, scid: Buffer, frames: Buffer, o: InitialOptions = {}): Buffer {
  const pn = o.pn ?? 0;
  const token = o.token ?? Buffer.alloc(0);
  const { key, iv, hp } = initialKeys(version, o.keyDcid ?? dcid, o.server ?? false);
  let payload = frames;
  const head = () => B([0xc0 | (typeBits(version, 'initial') << 4)], u(version, 4), [dcid.length], dcid, [scid.length], scid, varint(token.length), token);
  if (o.padTo) {
    const need = o.padTo - head().length - 2 - 1 - payload.length - 16;
    if (need > 0) payload = B(payload, zeros(need));
  }
  const header = B(head(), u(0x4000 | (1 + payload.length + 16), 2), [pn]);
  const pnOffset = header.length - 1;
  const nonce = Buffer.from(iv);
  nonce[11]! ^= pn;
  const gcm = createCipheriv('aes-128-gcm', key, nonce);
  gcm.setAAD(header);
  const sealed = B(gcm.update(payload), gcm.final(), gcm.getAuthTag());
  const packet = B(header, sealed);
  const ecb = createCipheriv('aes-128-ecb', hp, null);
  ecb.setAutoPadding(false);
  const mask = ecb.update(packet.subarray(pnOffset + 4, pnOffset + 20));
  packet[0]! ^= mask[0]! & 0x0f;
  packet[pnOffset]! ^= mask[1]!;
  return packet;
}

function retryPacket(version: number, dcid: Buffer, scid: Buffer, token: Buffer, odcid: Buffer): Buffer {
  const packet = B([0xc0 | (typeBits(version, 'retry') << 4)], u(version, 4), [dcid.length], dcid, [scid.length], scid, token);
  const [key, nonce] =
    version === V2 ? [hex('8fb4b01b56ac48e260fbcbcead7ccc92'), hex('d86969bc2d7c6d9990efb04a')] : [hex('be0c690b9f66575a1d766b54e368c84e'), hex('461599d35d632bf2239825bb')];
  const gcm = createCipheriv('aes-128-gcm', key, nonce);
  gcm.setAAD(B([odcid.length], odcid, packet));
  gcm.final();
  return B(packet, gcm.getAuthTag());
}

const longHeader = (version: number, type: 'handshake', dcid: Buffer, scid: Buffer, rest: Buffer) =>
  B([0xc0 | (typeBits(version, type) << 4)], u(version, 4), [dcid.length], dcid, [scid.length], scid, rest);
const crypto = (offset: number, data: Buffer) => B([0x06], varint(offset), varint(data.length), data);

function quicCapture(path: string): string {
  const w = new PcapWriter();
  const s = '10.1.0.2:443';
  const quicParams = B(varint(1), varint(4), u((0x80000000 | 30000) >>> 0, 4), varint(0x0f), varint(0));
  const ch = clientHello(0x0303, [0x1301, 0x1302], B(sni('quic.example.org'), ext(43, vec(1, u16s(0x0304))), ext(16, vec(2, vec(1, Buffer.from('h3')))), ext(57, quicParams)));
  const sh = serverHello(0x0303, 0x1301, B(ext(43, u16s(0x0304)), ext(51, B(u16s(0x1d, 32), zeros(32)))));

  // v1: the ClientHello in two CRYPTO frames of one packet, the second half first.
  const c1 = '10.1.0.1:50000';
  const d1 = hex('0102030405060708');
  const s1 = hex('aabb');
  const half = ch.length >> 1;
  w.udp(c1, s, initialPacket(V1, d1, s1, B(crypto(half, ch.subarray(half)), [0x01], crypto(0, ch.subarray(0, half))), { padTo: 1200 }));
  const serverInitial = initialPacket(V1, s1, hex('cafe0001'), B(hex('0200000000'), crypto(0, sh)), { server: true, keyDcid: d1 });
  w.udp(s, c1, B(serverInitial, longHeader(V1, 'handshake', s1, hex('cafe0001'), B(hex('4020'), zeros(32)))));

  // v2: the ClientHello split over two Initial packets.
  const c2 = '10.1.0.3:50001';
  const d2 = hex('1112131415161718');
  w.udp(c2, s, initialPacket(V2, d2, Buffer.alloc(0), crypto(0, ch.subarray(0, 50)), { padTo: 1200 }));
  w.udp(c2, s, initialPacket(V2, d2, Buffer.alloc(0), crypto(50, ch.subarray(50)), { pn: 1, padTo: 1200 }));

  // v2: Version Negotiation, Retry, the client's new Initial, the server's
  // Initial (ACK_ECN, CRYPTO, CONNECTION_CLOSE), short headers both ways and
  // padding coalesced after a packet.
  const c3 = '10.1.0.4:50002';
  const d3 = hex('2122232425262728');
  const s3 = hex('31');
  const r3 = hex('4142434445464748');
  w.udp(c3, s, initialPacket(V2, d3, s3, crypto(0, ch), { padTo: 1200 }));
  w.udp(s, c3, B([0xbf], u(0, 4), [1], s3, [8], d3, u(1, 4), u(V2, 4), u(0x1a2a3a4a, 4)));
  w.udp(s, c3, retryPacket(V2, s3, r3, Buffer.from('tokentoken'), d3));
  w.udp(c3, s, initialPacket(V2, r3, s3, crypto(0, ch), { token: Buffer.from('tokentoken'), padTo: 1200 }));
  const frames = B(hex('03050a01020301010000'), crypto(0, sh), hex('1c410a0603'), Buffer.from('bad'));
  w.udp(s, c3, initialPacket(V2, s3, hex('51525354'), frames, { server: true, keyDcid: r3 }));
  w.udp(s, c3, B([0x41], s3, zeros(30)));
  w.udp(c3, s, B([0x40], hex('51525354'), zeros(30)));
  w.udp(c3, s, B(initialPacket(V2, r3, s3, hex('01'), { pn: 2, token: Buffer.from('tokentoken'), padTo: 300 }), zeros(20)));

  // v1: a Retry whose integrity tag is wrong.
  const c4 = '10.1.0.5:50003';
  w.udp(c4, s, initialPacket(V1, d3, Buffer.alloc(0), crypto(0, ch), { padTo: 1200 }));
  const bad = retryPacket(V1, Buffer.alloc(0), r3, Buffer.from('tok'), d3);
  bad[bad.length - 1]! ^= 1;
  w.udp(s, c4, bad);

  // QUIC on another port (tshark's heuristic), then a short header of that connection.
  w.udp('10.1.0.6:40000', '10.1.0.7:4433', initialPacket(V1, hex('0807060504030201'), Buffer.alloc(0), crypto(0, ch), { padTo: 1200 }));
  w.udp('10.1.0.7:4433', '10.1.0.6:40000', B([0x45], zeros(40)));
  return w.save(path);
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'packetlens-tls-quic-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(enabled)('TLS and QUIC on written captures', () => {
  it('TLS: 1.3 with Hello Retry Request, 1.2 with client certificate, SSLv3, 1.1, alerts, heartbeats, a message over two records', () => {
    const file = tlsCapture(join(dir, 'tls.pcap'));
    expect(diffFields(file, TLS_FIELDS)).toEqual([]);
    expect(diffColumns(file, null, true)).toEqual([]);
  });

  it('QUIC: v1 and v2 Initial packets, CRYPTO out of order and over packets, Version Negotiation, Retry, short headers', () => {
    const file = quicCapture(join(dir, 'quic.pcap'));
    expect(diffFields(file, QUIC_FIELDS)).toEqual([]);
    expect(diffColumns(file)).toEqual([]);
  });
});

describe.runIf(enabled)('TLS on written captures, needs TCP reassembly', () => {
  it('a record header, and a record, split over segments', () => {
    const file = tlsSplitCapture(join(dir, 'tls-split.pcap'));
    expect(diffFields(file, TLS_FIELDS)).toEqual([]);
  });
});
