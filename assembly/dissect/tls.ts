// Transport Layer Security (RFC 5246, RFC 8446): the record layer over TCP,
// and the entry point QUIC uses for the TLS 1.3 handshake it carries.
//
// Each TCP payload holds whole records, or begins one that continues in the
// next segments: then we ask TCP for the rest (needMore) and stop, and TCP
// calls us again with the whole record. The Protocol column follows tshark:
// the session's version once a Server Hello (or any record but a Client
// Hello) has fixed it, the record's own version before that.

import { protocol, field, columnProtocol, FT, BASE } from "../core/registry";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";
import { needMore, UNTIL_MORE_DATA } from "./desegment";
import * as names from "./tls_names";
import { r8, r16, val, noteDec, noteHex, noteText, bytesCount } from "./tls_util";
import {
  loadSession, quicSession, setCcs, sessVersion, sessApp, sessResumed, sessFromServer, setResumed, isTlsStream, markTlsStream,
  VER_UNKNOWN, SSLV3, TLSV1, TLSV11, TLSV12, TLSV13,
} from "./tls_session";
import {
  dissectHandshake, appendInfo, trySetVersion, shortVersionName, sawServerHello, clearSawServerHello, setInfoWritable, appName,
  beginHandshakeReassembly, beginQuicHandshakeReassembly,
} from "./tls_handshake";

export const HF_TLS = protocol("tls", "Transport Layer Security", "TLS: the encryption layer of HTTPS and many other protocols. Its handshake (versions, cipher suites, the server's certificate, the server name) is visible; the data after it is encrypted.");
const HF_RECORD = field("tls.record", "Record Layer", FT.NONE, BASE.NONE, "One TLS record: a header (type, version, length) and up to 16 KiB of handshake, alert or application data.");
const HF_CONTENT_TYPE = field("tls.record.content_type", "Content Type", FT.UINT8, BASE.DEC, "What the record carries: 20 Change Cipher Spec, 21 Alert, 22 Handshake, 23 Application Data, 24 Heartbeat.");
const HF_OPAQUE_TYPE = field("tls.record.opaque_type", "Opaque Type", FT.UINT8, BASE.DEC, "The outer type of a TLS 1.3 encrypted record: always 23 (Application Data); the real type is inside the encryption.");
const HF_RECORD_VERSION = field("tls.record.version", "Version", FT.UINT16, BASE.HEX, "The version in the record header: 0x0301 (TLS 1.0) to 0x0303 (TLS 1.2); TLS 1.3 records say 0x0303 too.");
const HF_RECORD_LENGTH = field("tls.record.length", "Length", FT.UINT16, BASE.DEC, "Length of the record's content in bytes.");
const HF_CCS = field("tls.change_cipher_spec", "Change Cipher Spec Message", FT.NONE, BASE.NONE, "The sender switches to the keys just negotiated: what it sends next is encrypted (in TLS 1.3 it is only kept for compatibility).");
const HF_ALERT = field("tls.alert_message", "Alert Message", FT.NONE, BASE.NONE, "A warning or a fatal error, or the close_notify that ends a session cleanly.");
const HF_ALERT_LEVEL = field("tls.alert_message.level", "Level", FT.UINT8, BASE.DEC, "1 warning, 2 fatal (the connection is closed).");
const HF_ALERT_DESC = field("tls.alert_message.desc", "Description", FT.UINT8, BASE.DEC, "Which alert: 0 close_notify, 40 handshake_failure, 42 bad_certificate, 48 unknown_ca, 70 protocol_version ...");
const HF_APP_DATA = field("tls.app_data", "Encrypted Application Data", FT.BYTES, BASE.NONE, "The application's data (an HTTP request, say), encrypted: only the endpoints hold the keys.");
const HF_APP_PROTO = field("tls.app_data_proto", "Application Data Protocol", FT.STRING, BASE.NONE, "The protocol the encrypted data is expected to carry, guessed from the port.");
const HF_RESUMED = field("tls.resumed", "This session reuses previously negotiated keys (Session resumption)", FT.NONE, BASE.NONE, "The server went from its Server Hello straight to Change Cipher Spec: an abbreviated handshake that resumes an earlier session.");
const HF_IGNORED = field("tls.ignored_unknown_record", "Ignored Unknown Record", FT.NONE, BASE.NONE, "Bytes that do not start a known record type; TLS 1.0 to 1.2 ignore such records.");
const HF_HEARTBEAT = field("tls.heartbeat_message", "Heartbeat Message", FT.NONE, BASE.NONE, "A keep-alive message (RFC 6520), the extension of the Heartbleed bug.");
const HF_HEARTBEAT_TYPE = field("tls.heartbeat_message.type", "Type", FT.UINT8, BASE.DEC, "1 request, 2 response.");
const HF_HEARTBEAT_PLEN = field("tls.heartbeat_message.payload_length", "Payload Length", FT.UINT16, BASE.DEC, "Length the sender claims for the payload; more than the record holds is the Heartbleed attack.");
const HF_HEARTBEAT_PAYLOAD = field("tls.heartbeat_message.payload", "Payload Length", FT.BYTES, BASE.NONE, "Data the peer must echo back.");
const HF_HEARTBEAT_PADDING = field("tls.heartbeat_message.padding", "Payload Length", FT.BYTES, BASE.NONE, "Random padding after the payload.");

export const COL_SSL = columnProtocol("SSL", HF_TLS);
export const COL_SSLV3 = columnProtocol("SSLv3", HF_TLS);
export const COL_TLSV1 = columnProtocol("TLSv1", HF_TLS);
export const COL_TLSV11 = columnProtocol("TLSv1.1", HF_TLS);
export const COL_TLSV12 = columnProtocol("TLSv1.2", HF_TLS);
export const COL_TLSV13 = columnProtocol("TLSv1.3", HF_TLS);

const CT_CCS: u32 = 20;
const CT_ALERT: u32 = 21;
const CT_HANDSHAKE: u32 = 22;
const CT_APP_DATA: u32 = 23;
const CT_HEARTBEAT: u32 = 24;

/** Bound on the records read from one payload (each takes at least 5 bytes anyway). */
const MAX_RECORDS = 16384;

function columnFor(version: u32): u8 {
  switch (version) {
    case SSLV3:
      return COL_SSLV3;
    case TLSV1:
      return COL_TLSV1;
    case TLSV11:
      return COL_TLSV11;
    case TLSV12:
      return COL_TLSV12;
    case TLSV13:
      return COL_TLSV13;
  }
  return COL_SSL;
}

function setColumn(version: u32): void {
  if (!pinfo.inError) pinfo.colProto = columnFor(version);
}

/** Ports TLS is registered on in tshark (its "tls.port" table): the server side of a session not seen from its start. */
function tlsPort(port: u32): bool {
  switch (port) {
    case 443:
    case 465:
    case 636:
    case 853:
    case 993:
    case 995:
    case 5061:
    case 5671:
    case 8883:
    case 27017:
    case 3389:
    case 5684:
    case 5868:
    case 324:
    case 802:
    case 1300:
    case 2221:
    case 2443:
    case 3249:
    case 3250:
    case 3251:
    case 3252:
    case 3496:
    case 11207:
    case 19999:
      return true;
  }
  return false;
}

/** The protocol tshark expects in Application Data on a port ("tls.port" table), or null. */
function appProtocol(port: u32): string | null {
  switch (port) {
    case 443:
      return "Hypertext Transfer Protocol";
    case 465:
      return "Simple Mail Transfer Protocol";
    case 636:
      return "Lightweight Directory Access Protocol";
    case 853:
      return "Domain Name System";
    case 993:
      return "Internet Message Access Protocol";
    case 995:
      return "Post Office Protocol";
    case 5061:
      return "Session Initiation Protocol";
    case 5671:
      return "Advanced Message Queuing Protocol";
    case 8883:
      return "MQ Telemetry Transport Protocol";
    case 27017:
      return "Mongo Wire Protocol";
    case 3389:
      return "TPKT - ISO on TCP - RFC1006";
    case 5684:
      return "Constrained Application Protocol";
    case 5868:
      return "Diameter Protocol";
    case 324:
      return "RPKI-Router Protocol";
    case 802:
      return "Modbus/TCP";
    case 1300:
      return "Q.931";
    case 2221:
      return "EtherNet/IP (Industrial Protocol)";
    case 2443:
      return "Skinny Client Control Protocol";
    case 3249:
    case 3250:
    case 3251:
    case 3252:
      return "Intel Omni-Path FE Header - Omni-Path Fabric Executive Header";
    case 3496:
      return "DoIP (ISO13400) Protocol";
    case 11207:
      return "Couchbase Protocol";
    case 19999:
      return "Distributed Network Protocol 3.0";
  }
  return null;
}

// @ts-ignore: decorator
@inline function validContentType(ct: u32): bool {
  return ct >= 20 && ct <= 25;
}

// @ts-ignore: decorator
@inline function recordVersionOk(v: u32): bool {
  return v >= 0x0300 && v <= 0x0304;
}

/**
 * Is the TCP payload [off, end) TLS? As tshark decides: never when it starts
 * with four printable characters (plain text on a TLS port); always on the
 * ports TLS is registered on and on a stream already seen carrying TLS;
 * elsewhere when a record header starts it (content type 20-24, version
 * 0x0300-0x0304; tshark's heuristic takes Handshake and Application Data).
 */
export function looksLikeTls(off: i32, end: i32): bool {
  const n = end - off;
  if (n <= 0 || !t.has(off, 1)) return false;
  if (n > 4 && t.has(off, 4)) {
    let printable = true;
    for (let i = 0; i < 4; i++) {
      const c = <u32>load<u8>(t.at(off + i));
      if (c < 0x20 || c > 0x7e) printable = false;
    }
    if (printable) return false;
  }
  if (tlsPort(pinfo.srcPort) || tlsPort(pinfo.dstPort)) return true;
  if (isTlsStream(pinfo.stream)) return true;
  if (n < 5 || !t.has(off, 5)) return false;
  const ct = <u32>load<u8>(t.at(off));
  const v = (<u32>load<u8>(t.at(off + 1)) << 8) | <u32>load<u8>(t.at(off + 2));
  const len = (<u32>load<u8>(t.at(off + 3)) << 8) | <u32>load<u8>(t.at(off + 4));
  return (ct == CT_HANDSHAKE || ct == CT_APP_DATA) && recordVersionOk(v) && v != 0x0304 && len > 0 && len < 16384 + 2048;
}

// The Info column belongs to TLS from its first call in a frame; later calls
// in the same frame (the rest of a segment after a reassembled record) add
// to it, as tshark's Info fence does. Only the detail tree can tell them
// apart (a TLS layer is already in it), and only it writes the Info column.
function tlsLayerInTree(): bool {
  if (!t.detail) return false;
  for (let i = 0; i < t.nodeCount; i++) {
    if ((load<u32>(t.nodes + <usize>(i * t.NODE_WORDS * 4)) & 0xffff) == <u32>HF_TLS) return true;
  }
  return false;
}

/** Every TLS record in the TCP payload [off, end). */
export function dissectTls(off: i32, end: i32): void {
  const prev = t.enter(end);
  const firstCall = !tlsLayerInTree();
  loadSession(pinfo.stream, pinfo.srcPort, tlsPort(pinfo.srcPort));
  markTlsStream(pinfo.stream);
  setInfoWritable(true);
  beginHandshakeReassembly(pinfo.stream, firstCall);
  if (firstCall) {
    setColumn(sessVersion);
    if (t.detail && !pinfo.inError) t.info.reset();
  }
  const avail = end - off;
  const node = t.open(HF_TLS, off, avail);
  let o = off;
  let records = 0;
  while (o < end && !t.stopped && records++ < MAX_RECORDS) {
    if (end - o < 5) {
      // A record header split across segments.
      needMore(o, UNTIL_MORE_DATA);
      break;
    }
    if (!t.need(o, 5)) break;
    const ct = <u32>load<u8>(t.at(o));
    const rv = (<u32>load<u8>(t.at(o + 1)) << 8) | <u32>load<u8>(t.at(o + 2));
    const known = sessVersion;
    if (known == TLSV1 || known == TLSV11 || known == TLSV12 || known == SSLV3) {
      // The version is known: everything is read as records.
      if (known != SSLV3 && !validContentType(ct)) {
        t.fval(HF_IGNORED, o, end - o, 0);
        appendInfo("Ignored Unknown Record");
        o = end;
        break;
      }
    } else if (!validContentType(ct) || !recordVersionOk(rv)) {
      appendInfo("Continuation Data");
      o = end;
      break;
    }
    const next = record(o, end);
    if (next < 0) break;
    o = next;
  }
  t.close(node);
  t.restore(prev);
}

/** One record at o; returns the offset after it, or -1 when it continues in the next segment. */
function record(o: i32, end: i32): i32 {
  const ct = <u32>load<u8>(t.at(o));
  const recVersion = (<u32>load<u8>(t.at(o + 1)) << 8) | <u32>load<u8>(t.at(o + 2));
  const length = (<i32>load<u8>(t.at(o + 3)) << 8) | <i32>load<u8>(t.at(o + 4));
  if (!validContentType(ct)) {
    // Only with a known SSLv3 session: skip the record.
    appendInfo("Continuation Data");
    return o + 5 + length;
  }
  if (end - o < 5 + length) {
    needMore(o, 5 + length);
    return -1;
  }
  const rec = t.open(HF_RECORD, o, 5 + length);
  const knownAtStart = sessVersion;
  if (knownAtStart == TLSV13 && ct == CT_APP_DATA) noteDec(r8(HF_OPAQUE_TYPE, o), names.contentTypeName(ct), ct);
  else noteDec(r8(HF_CONTENT_TYPE, o), names.contentTypeName(ct), ct);
  noteHex(r16(HF_RECORD_VERSION, o + 1), names.versionName(recVersion), recVersion, 4);
  t.f16(HF_RECORD_LENGTH, o + 3);
  const body = o + 5;
  const bodyEnd = body + length;
  let version = recVersion;
  if (knownAtStart == VER_UNKNOWN) {
    const nextByte = length > 0 && t.has(body, 1) ? <u32>load<u8>(t.at(body)) : 0;
    trySetVersion(ct, nextByte, recVersion);
    setColumn(recVersion);
  } else version = knownAtStart;
  const prev = t.enter(bodyEnd);
  switch (ct) {
    case CT_CCS: {
      appendInfo("Change Cipher Spec");
      recordText(rec, sessVersion, "SSL", "Change Cipher Spec Protocol: Change Cipher Spec");
      const ccsNode = t.open(HF_CCS, body, 1);
      if (sessVersion != TLSV13) {
        setCcs();
        if (sessFromServer && sessResumed) t.fval(HF_RESUMED, body, 1, 0);
      }
      t.close(ccsNode);
      if (sessFromServer) setResumed(false);
      break;
    }
    case CT_ALERT:
      alert(rec, body, length);
      break;
    case CT_HANDSHAKE: {
      clearSawServerHello();
      dissectHandshake(body, bodyEnd, true, rec, version);
      if (sawServerHello) setColumn(sessVersion);
      break;
    }
    case CT_APP_DATA: {
      appendInfo("Application Data");
      let app = appName(sessApp);
      if (app === null) app = appProtocol(pinfo.srcPort);
      if (app === null) app = appProtocol(pinfo.dstPort);
      if (rec >= 0 && t.detail) {
        const m = t.beginNote();
        const s = shortVersionName(version);
        t.pool.str(s !== null ? s : "SSL");
        t.pool.str(" Record Layer: Application Data Protocol: ");
        t.pool.str(app !== null ? app : "Application Data");
        t.endNote(rec, m);
      }
      t.fbytes(HF_APP_DATA, body, length);
      if (app !== null && t.detail && !t.stopped) {
        const mark = t.poolMark();
        t.pool.str(app);
        t.generated(t.fstrPool(HF_APP_PROTO, body, 0, mark));
      }
      break;
    }
    case CT_HEARTBEAT:
      heartbeat(rec, body, length);
      break;
  }
  t.restore(prev);
  t.close(rec);
  return bodyEnd;
}

/** "TLSv1.2 Record Layer: " + text, the version named by `v` or `dflt`. */
function recordText(rec: i32, v: u32, dflt: string, text: string): void {
  if (rec < 0 || !t.detail) return;
  const m = t.beginNote();
  const s = shortVersionName(v);
  t.pool.str(s !== null ? s : dflt);
  t.pool.str(" Record Layer: ");
  t.pool.str(text);
  t.endNote(rec, m);
}

function alert(rec: i32, off: i32, length: i32): void {
  const node = t.open(HF_ALERT, off, length);
  if (length != 2) {
    appendInfo("Encrypted Alert");
    recordText(rec, sessVersion, "TLS", "Encrypted Alert");
    noteText(node, "Alert Message: Encrypted Alert");
    t.close(node);
    return;
  }
  const level = t.has(off, 2) ? <u32>load<u8>(t.at(off)) : 0;
  const desc = t.has(off, 2) ? <u32>load<u8>(t.at(off + 1)) : 0;
  const ln = names.alertLevelName(level);
  const dn = names.alertDescName(desc);
  if (t.detail && !pinfo.inError) {
    const i = t.info;
    if (i.len > 0) i.str(", ");
    i.str("Alert (Level: ");
    i.str(ln !== null ? ln : "Unknown");
    i.str(", Description: ");
    i.str(dn !== null ? dn : "Unknown");
    i.str(")");
  }
  if (rec >= 0 && t.detail) {
    const m = t.beginNote();
    const s = shortVersionName(sessVersion);
    t.pool.str(s !== null ? s : "TLS");
    t.pool.str(" Record Layer: Alert (Level: ");
    t.pool.str(ln !== null ? ln : "Unknown");
    t.pool.str(", Description: ");
    t.pool.str(dn !== null ? dn : "Unknown");
    t.pool.str(")");
    t.endNote(rec, m);
  }
  noteDec(r8(HF_ALERT_LEVEL, off), ln, level);
  noteDec(r8(HF_ALERT_DESC, off + 1), dn, desc);
  t.close(node);
}

function heartbeat(rec: i32, off: i32, length: i32): void {
  const node = t.open(HF_HEARTBEAT, off, length);
  const type = t.has(off, 1) ? <u32>load<u8>(t.at(off)) : 0;
  const plen = t.has(off + 1, 2) ? (<i32>load<u8>(t.at(off + 1)) << 8) | <i32>load<u8>(t.at(off + 2)) : 0;
  const tn = names.heartbeatTypeName(type);
  const plain = length <= 19 || 3 + plen + 16 <= length;
  if (tn !== null && plain) {
    if (t.detail && !pinfo.inError) {
      if (t.info.len > 0) t.info.str(", ");
      t.info.str("Heartbeat ");
      t.info.str(tn);
    }
    recordText(rec, sessVersion, "SSL", tn == "Request" ? "Heartbeat Request" : "Heartbeat Response");
    noteDec(r8(HF_HEARTBEAT_TYPE, off), tn, type);
    t.fval(HF_HEARTBEAT_PLEN, off + 1, 2, <u64>plen);
    let pl = plen;
    let padding = length - 3 - plen;
    if (3 + plen + 16 > length) {
      pl = length - 3;
      padding = 0;
    }
    if (pl >= 0) bytesCount(HF_HEARTBEAT_PAYLOAD, off + 3, pl);
    if (padding > 0) bytesCount(HF_HEARTBEAT_PADDING, off + 3 + pl, padding);
  } else {
    appendInfo("Encrypted Heartbeat");
    recordText(rec, sessVersion, "SSL", "Encrypted Heartbeat");
    noteText(node, "Encrypted Heartbeat Message");
  }
  t.close(node);
}

/** QUIC starts a datagram: handshake pieces kept without tracking belong to the previous one. */
export function beginQuicDatagram(): void {
  beginQuicHandshakeReassembly(-1, true);
}

/**
 * Dissects TLS 1.3 handshake messages carried outside TLS records (the
 * CRYPTO frames of QUIC) in [off, end) of the current source: adds a "tls"
 * layer as tshark does, without touching the Protocol or Info columns.
 * `conn` (the QUIC connection number) and the direction name the handshake
 * stream, so that a message cut at the end of a frame continues in the next.
 */
export function dissectTlsHandshake(off: i32, end: i32, fromServer: bool, conn: i32): void {
  quicSession(fromServer);
  beginQuicHandshakeReassembly(conn, false);
  setInfoWritable(false);
  const prev = t.enter(end);
  const node = t.open(HF_TLS, off, end - off);
  dissectHandshake(off, end, false, node, TLSV13);
  t.close(node);
  t.restore(prev);
  setInfoWritable(true);
}
