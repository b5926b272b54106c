// QUIC version 1 (RFC 9000) and version 2 (RFC 9369) over UDP: long and
// short headers, Version Negotiation and Retry packets, several packets
// coalesced in one datagram, and the Initial packets decrypted (RFC 9001,
// 5: their keys come from the client's first Destination Connection ID, so a
// passive observer can read the TLS ClientHello and ServerHello they carry).
// Other packets are protected with keys exchanged in the handshake: only
// their clear header fields are shown, as tshark does without a key log.
//
// The summary pass only finds the connection of each datagram and learns its
// connection IDs (quic_conn.ts); it decrypts nothing. Decryption happens in
// the detail pass, into memory the packet owns until the next one
// (quic_arena.ts), shown as the "Decrypted QUIC" data source.

import { protocol, field, columnProtocol, columnCarries, FT, BASE } from "../core/registry";
import { HF_TLS } from "./tls";
import * as t from "../core/tree";
import { pinfo, frame } from "../core/pinfo";
import { quicVersionName, quicPacketTypeV1Name, quicPacketTypeV2Name } from "./quic_names";
import { noteDec, noteText, varint, varintLen } from "./tls_util";
import * as conn from "./quic_conn";
import { arenaBegin, arenaAlloc } from "./quic_arena";
import { dissectFrames, beginDatagramCrypto, resetQuicCrypto } from "./quic_frames";
import { retryTagMatches, gcmTagMatches } from "./quic_gcm";
import {
  quicInitialKeys, quicHeaderProtectionMask, ivPtr, keyRoundKeysPtr, QUIC_VERSION_1, QUIC_VERSION_2,
} from "../crypto/quic_initial";
import { aesGcmDecryptNoAuth } from "../crypto/aes";

const HF_QUIC = protocol("quic", "QUIC IETF", "QUIC: the encrypted transport over UDP under HTTP/3; it merges TCP's reliability with TLS 1.3's encryption, and encrypts almost all of its own header too.");
const HF_TEXT = field("quic.text", "Text", FT.NONE, BASE.NONE, "A heading that groups the fields below it (tshark shows it as text without a field name).");
const HF_CONN_NUMBER = field("quic.connection.number", "Connection Number", FT.UINT32, BASE.DEC, "A number for the QUIC connection, counted from 0 in order of appearance; unlike udp.stream it follows the connection when its addresses change.");
const HF_CONN_UNKNOWN = field("quic.connection.unknown", "Unknown QUIC connection. Missing Initial Packet or migrated connection?", FT.NONE, BASE.NONE, "No earlier packet told which connection this one belongs to, so its keys and connection IDs are unknown.");
const HF_PACKET_LENGTH = field("quic.packet_length", "Packet Length", FT.UINT32, BASE.DEC, "Size of this QUIC packet; a datagram may carry several.");
const HF_HEADER_FORM = field("quic.header_form", "Header Form", FT.UINT8, BASE.DEC, "1: long header (handshake packets: Initial, Handshake, 0-RTT, Retry); 0: short header (the packets after the handshake).", 0x80);
const HF_FIXED_BIT = field("quic.fixed_bit", "Fixed Bit", FT.BOOLEAN, BASE.NONE, "Always 1 in QUIC v1 and v2 (unless both sides agreed to grease it).", 0x40);
const HF_SPIN_BIT = field("quic.spin_bit", "Spin Bit", FT.BOOLEAN, BASE.NONE, "A bit the endpoints flip once per round trip, so observers can measure latency.", 0x20);
const HF_PACKET_TYPE = field("quic.long.packet_type", "Packet Type", FT.UINT8, BASE.DEC, "The long header packet type in QUIC v1: 0 Initial, 1 0-RTT, 2 Handshake, 3 Retry.", 0x30);
const HF_PACKET_TYPE_V2 = field("quic.long.packet_type_v2", "Packet Type", FT.UINT8, BASE.DEC, "The long header packet type in QUIC v2, whose codes differ from v1: 0 Retry, 1 Initial, 2 0-RTT, 3 Handshake.", 0x30);
const HF_LONG_RESERVED = field("quic.long.reserved", "Reserved", FT.UINT8, BASE.DEC, "Two bits that must be 0; hidden by header protection.", 0x0c);
const HF_PN_LENGTH = field("quic.packet_number_length", "Packet Number Length", FT.UINT8, BASE.DEC, "Length of the packet number field minus one; hidden by header protection.", 0x03);
const HF_VERSION = field("quic.version", "Version", FT.UINT32, BASE.HEX, "The QUIC version: 0x00000001 for v1 (RFC 9000), 0x6b3343cf for v2 (RFC 9369), 0 in Version Negotiation.");
const HF_SUPPORTED_VERSION = field("quic.supported_version", "Supported Version", FT.UINT32, BASE.HEX, "A version the server supports, listed in Version Negotiation.");
const HF_VN_UNUSED = field("quic.vn.unused", "Unused", FT.UINT8, BASE.HEX, "Bits of a Version Negotiation packet with no meaning.", 0x7f);
const HF_DCIL = field("quic.dcil", "Destination Connection ID Length", FT.UINT8, BASE.DEC, "Length of the Destination Connection ID (0 to 20 bytes).");
const HF_DCID = field("quic.dcid", "Destination Connection ID", FT.BYTES, BASE.NONE, "The connection ID the receiver chose: it identifies the connection even when addresses change.");
const HF_SCIL = field("quic.scil", "Source Connection ID Length", FT.UINT8, BASE.DEC, "Length of the Source Connection ID.");
const HF_SCID = field("quic.scid", "Source Connection ID", FT.BYTES, BASE.NONE, "The connection ID the sender chose, which the peer will use as destination.");
const HF_TOKEN_LENGTH = field("quic.token_length", "Token Length", FT.UINT64, BASE.DEC, "Length of the token (0 when the client has none).");
const HF_TOKEN = field("quic.token", "Token", FT.BYTES, BASE.NONE, "A token from a Retry or NEW_TOKEN frame that proves the client's address.");
const HF_LENGTH = field("quic.length", "Length", FT.UINT64, BASE.DEC, "Length of the packet number and the payload that follow.");
const HF_PACKET_NUMBER = field("quic.packet_number", "Packet Number", FT.UINT64, BASE.DEC, "The packet's number in its packet number space, once header protection is removed.");
const HF_PAYLOAD = field("quic.payload", "Payload", FT.BYTES, BASE.NONE, "The encrypted payload (frames and the 16-byte authentication tag).");
const HF_REMAINING_PAYLOAD = field("quic.remaining_payload", "Remaining Payload", FT.BYTES, BASE.NONE, "The rest of the packet, still protected: without its keys, the packet number and frames cannot be read.");
const HF_SHORT = field("quic.short", "QUIC Short Header", FT.NONE, BASE.NONE, "The short header of a 1-RTT packet: a few flag bits and the destination connection ID.");
const HF_RETRY_TOKEN = field("quic.retry_token", "Retry Token", FT.BYTES, BASE.NONE, "An opaque token the client must send back in its next Initial packet.");
const HF_RETRY_TAG = field("quic.retry_integrity_tag", "Retry Integrity Tag", FT.BYTES, BASE.NONE, "An AES-GCM tag over the Retry packet and the original connection ID, proving the Retry answers the client's Initial.");
const HF_BAD_RETRY = field("quic.bad_retry", "Retry Integrity Tag verification failure", FT.NONE, BASE.NONE, "The Retry Integrity Tag is wrong, or cannot be checked because the client's Initial was not seen.");
const HF_DECRYPTION_FAILED = field("quic.decryption_failed", "Failed to decrypt handshake", FT.NONE, BASE.NONE, "The packet could not be decrypted (keys unknown, or the check of its authentication tag failed).");
const HF_COALESCED_PADDING = field("quic.coalesced_padding_data", "Coalesced Padding Data", FT.NONE, BASE.NONE, "Bytes after the datagram's QUIC packets that belong to no packet of the connection: padding.");
const HF_DECRYPTED = field("quic.decrypted_payload", "Decrypted QUIC", FT.BYTES, BASE.NONE, "The payload of an Initial packet after decryption with keys derived from the client's first Destination Connection ID.");
export const COL_QUIC = columnProtocol("QUIC", HF_QUIC);
columnCarries(COL_QUIC, HF_TLS);

// Long header packet types (v1 numbering; v2 is mapped onto it).
const LPT_INITIAL: u32 = 0;
const LPT_0RTT: u32 = 1;
const LPT_HANDSHAKE: u32 = 2;
const LPT_RETRY: u32 = 3;
const LPT_VN: u32 = 0x10;
const SHORT: u32 = 0xff;

const MAX_PACKETS = 64;

// ---- version helpers ---------------------------------------------------------

function isV2(v: u32): bool {
  return v == QUIC_VERSION_2 || v == 0x709a50c4 || v == 0xff020000;
}

function longPacketType(first: u32, v: u32): u32 {
  const bits = (first >> 4) & 3;
  if (!isV2(v)) return bits;
  // v2: Retry 0, Initial 1, 0-RTT 2, Handshake 3.
  if (bits == 0) return LPT_RETRY;
  if (bits == 1) return LPT_INITIAL;
  if (bits == 2) return LPT_0RTT;
  return LPT_HANDSHAKE;
}

/** Wireshark's quic_draft_version, used by its heuristic: which versions are QUIC. */
function knownVersion(v: u32): bool {
  if ((v >> 8) == 0xff0000) return (v & 0xff) >= 11;
  if (v == 0xfaceb001 || v == 0xfaceb002 || v == 0xfaceb00e) return true;
  if (v == 0x51303530 || v == 0x54303530 || v == 0x54303531) return true;
  if ((v & 0x0f0f0f0f) == 0x0a0a0a0a) return true;
  return v == QUIC_VERSION_1 || v == QUIC_VERSION_2 || v == 0x709a50c4;
}

/** A bit field; returns its node (or -1) and leaves the value in bitsValue. */
let bitsValue: u32 = 0;
function bitsNode(hf: u16, off: i32, mask: u32): i32 {
  const n = t.nodeCount;
  bitsValue = t.fbits(hf, off, 1, mask);
  return t.nodeCount > n ? t.nodeCount - 1 : -1;
}

// @ts-ignore: decorator
@inline function byteAt(off: i32): u32 {
  return <u32>load<u8>(t.at(off));
}

function be32(off: i32): u32 {
  return (byteAt(off) << 24) | (byteAt(off + 1) << 16) | (byteAt(off + 2) << 8) | byteAt(off + 3);
}

// ---- recognising QUIC ------------------------------------------------------------

/**
 * Is the UDP payload at [off, end) QUIC? As tshark's heuristic: a long
 * header with a known version and sane connection ID lengths; or any packet
 * of a UDP stream already seen carrying QUIC; or a short header whose
 * destination connection ID belongs to a known connection.
 */
export function looksLikeQuic(off: i32, end: i32): bool {
  const n = end - off;
  if (n < 1 || !t.has(off, 1)) return false;
  if (conn.checkNewCapture()) resetQuicCrypto();
  if (conn.isQuicStream(pinfo.stream)) return true;
  if (n < 13 || !t.has(off, 13)) return false;
  const first = byteAt(off);
  if ((first & 0x80) == 0) {
    if (n < 1 + 1 + 1 + 16) return false;
    const avail = n - 1 - 1 - 16 < conn.MAX_CID ? n - 1 - 1 - 16 : conn.MAX_CID;
    if (!t.has(off + 1, avail)) return false;
    return conn.findShort(t.at(off + 1), avail, pinfo.stream, pinfo.srcPort) >= 0;
  }
  if (!knownVersion(be32(off + 1))) return false;
  const dcil = byteAt(off + 5);
  if (dcil > <u32>conn.MAX_CID) return false;
  const s = off + 6 + <i32>dcil;
  if (s >= end || !t.has(s, 1)) return false;
  return byteAt(s) <= <u32>conn.MAX_CID;
}

// ---- the datagram ----------------------------------------------------------------

// The connection of the datagram, found from its first packet.
let dgConn: i32 = -1;
let dgFromServer: bool = false;
// The client's Initial DCID before a Retry erased it, for the Retry's tag.
const retryOdcid: usize = heap.alloc(24);
let haveRetryOdcid = false;
// DCID of the datagram's first packet, to spot padding after the last packet.
const firstDcid: usize = heap.alloc(24);
const pktDcid: usize = heap.alloc(24);

function copyCid(dst: usize, src: usize, len: i32): void {
  const n = len < 0 ? 0 : len > conn.MAX_CID ? conn.MAX_CID : len;
  store<u8>(dst, <u8>n);
  if (n > 0) memory.copy(dst + 1, src, <usize>n);
}

/**
 * Finds the connection of the datagram from its first packet and, while
 * tracking state, creates or updates it (Wireshark's quic_connection_find
 * and quic_connection_create_or_update).
 */
function findConnection(off: i32, end: i32): void {
  dgConn = -1;
  dgFromServer = false;
  haveRetryOdcid = false;
  const first = byteAt(off);
  let type = SHORT;
  let version: u32 = 0;
  let dcidOff = off + 1;
  let dcidLen = 0;
  let scidOff = 0;
  let scidLen = 0;
  if ((first & 0x80) != 0) {
    if (!t.has(off, 6)) return;
    version = be32(off + 1);
    type = version == 0 ? LPT_VN : longPacketType(first, version);
    const dcil = <i32>byteAt(off + 5);
    dcidOff = off + 6;
    if (dcil <= conn.MAX_CID && t.has(dcidOff, dcil)) dcidLen = dcil;
    const so = dcidOff + dcil;
    if (t.has(so, 1)) {
      const scil = <i32>byteAt(so);
      if (scil <= conn.MAX_CID && t.has(so + 1, scil)) {
        scidOff = so + 1;
        scidLen = scil;
      }
    }
  }
  const stream = pinfo.stream;
  let c = -1;
  if (type == SHORT) {
    const availAll = end - off - 1;
    const avail = availAll < conn.MAX_CID ? availAll : conn.MAX_CID;
    if (avail >= 0 && t.has(off + 1, avail)) c = conn.findShort(t.at(off + 1), avail, stream, pinfo.srcPort);
  } else if (type == LPT_0RTT && dcidLen > 0) {
    c = conn.findByInitialDcid(t.at(dcidOff), dcidLen);
  } else {
    c = conn.findByDcid(t.at(dcidOff), dcidLen, stream, pinfo.srcPort);
    if (type == LPT_INITIAL && c < 0 && dcidLen > 0) c = conn.findByInitialDcid(t.at(dcidOff), dcidLen);
    if (type == LPT_INITIAL && c >= 0 && !conn.foundFromServer && dcidLen > 0 && !conn.matchesInitialOrServer(c, t.at(dcidOff), dcidLen)) {
      // A client Initial with a new DCID: a fresh connection.
      c = -1;
    }
  }
  let fromServer = c >= 0 ? conn.foundFromServer : false;
  if (c >= 0 && type == LPT_RETRY) {
    const p = conn.initialDcidOf(c);
    if (p != 0 && (conn.dcidIsSet(c) || !frame.track)) {
      copyCid(retryOdcid, p + 1, conn.cidLen(p));
      haveRetryOdcid = true;
    }
  }
  // quic_connection_create_or_update
  if (frame.track) {
    const scid = scidOff != 0 ? t.at(scidOff) : 0;
    const dcid = dcidLen > 0 ? t.at(dcidOff) : 0;
    if (type == LPT_INITIAL && !fromServer) {
      if (c < 0) {
        c = conn.createConnection(version, stream, pinfo.dstPort);
        if (c >= 0) conn.updateInitial(c, scid, scidLen, dcid, dcidLen);
      } else if (!conn.dcidIsSet(c) && dcidLen > 0) {
        // The client's Initial after a Retry: new Initial keys, new server CID.
        conn.updateInitial(c, scid, scidLen, dcid, dcidLen);
        conn.clearServerCid(c);
      }
    } else if ((type == LPT_INITIAL || type == LPT_RETRY || type == LPT_HANDSHAKE) && fromServer && c >= 0) {
      if (type == LPT_RETRY) conn.clearInitialDcid(c);
      if (type == LPT_INITIAL) conn.sawServerInitial(c);
      conn.setServerCidIfEmpty(c, scid, scidLen);
    }
    conn.touchConnection(c);
  }
  if (frame.track && c >= 0 && endsWithShortHeader(off, end)) conn.firstShortPacket(c);
  dgConn = c;
  dgFromServer = fromServer;
}

/** Every QUIC packet of the UDP payload [off, end). */
export function dissectQuic(off: i32, end: i32): void {
  const prev = t.enter(end);
  if (conn.checkNewCapture()) resetQuicCrypto();
  if (!pinfo.inError) pinfo.colProto = COL_QUIC;
  if (!t.has(off, 1)) {
    t.restore(prev);
    return;
  }
  findConnection(off, end);
  conn.markQuicStream(pinfo.stream);
  if (!t.detail) {
    // The summary keeps the Protocol column, and the packets' layers for statistics.
    summaryPackets(off, end);
    t.restore(prev);
    return;
  }
  arenaBegin();
  beginDatagramCrypto();
  let o = off;
  let count = 0;
  while (o < end && !t.stopped && count < MAX_PACKETS) {
    // Bytes not captured (a short snapshot length) end the datagram, as a bounds error would.
    if (!t.need(o, 1)) break;
    const pktEnd = packetEnd(o, end);
    if (!sameDcid(o, pktEnd, count == 0)) {
      const n = t.open(HF_QUIC, o, end - o);
      noteText(t.fval(HF_COALESCED_PADDING, o, 0, 0), "(Random) padding data appended to the datagram");
      t.close(n);
      break;
    }
    const stop = packet(o, pktEnd, count == 0);
    count++;
    if (stop) break;
    o = pktEnd;
  }
  t.restore(prev);
}

/** Summary mode: one layer per QUIC packet of the datagram, as the loop above opens them. */
function summaryPackets(off: i32, end: i32): void {
  let o = off;
  for (let count = 0; o < end && count < MAX_PACKETS; count++) {
    if (!t.has(o, 1)) break;
    const pktEnd = packetEnd(o, end);
    t.summaryLayer(HF_QUIC);
    if (!sameDcid(o, pktEnd, count == 0)) break;
    const b = byteAt(o);
    if ((b & 0x80) != 0 && t.has(o + 1, 4)) {
      // Version negotiation ends the datagram (packet() returns stop).
      const version = be32(o + 1);
      if (version == 0 || (version & 0x0f0f0f0f) == 0x0a0a0a0a) break;
    }
    o = pktEnd;
  }
}

/** Does the datagram hold a short header packet (always its last one)? */
function endsWithShortHeader(off: i32, end: i32): bool {
  let o = off;
  for (let k = 0; k < MAX_PACKETS && o < end; k++) {
    if (!t.has(o, 1)) return false;
    if ((byteAt(o) & 0x80) == 0) return true;
    const e = packetEnd(o, end);
    if (e <= o) return false;
    o = e;
  }
  return false;
}

/** quic_get_message_tvb: where the packet at o ends (long headers give their length). */
function packetEnd(o: i32, end: i32): i32 {
  if (!t.has(o, 1)) return end;
  const first = byteAt(o);
  if ((first & 0x80) == 0 || !t.has(o, 6)) return end;
  const version = be32(o + 1);
  if (version == 0 || longPacketType(first, version) == LPT_RETRY) return end;
  let p = o + 5;
  if (!t.has(p, 1)) return end;
  p += 1 + <i32>byteAt(p);
  if (!t.has(p, 1)) return end;
  p += 1 + <i32>byteAt(p);
  if (longPacketType(first, version) == LPT_INITIAL) {
    const tl = varint(p, end);
    if (varintLen == 0) return end;
    p += varintLen;
    if (tl > <u64>(end - p)) return end;
    p += <i32>tl;
  }
  const len = varint(p, end);
  if (varintLen == 0) return end;
  p += varintLen;
  if (len > <u64>(end - p)) return end;
  const e = p + <i32>len;
  return e < end ? e : end;
}

/** check_dcid_on_coalesced_packet: later packets must carry the first one's DCID. */
function sameDcid(o: i32, pktEnd: i32, first: bool): bool {
  let len = 0;
  let at: usize = 0;
  const b = byteAt(o);
  if ((b & 0x80) != 0) {
    if (!t.has(o, 6)) return true;
    const dl = <i32>byteAt(o + 5);
    if (dl > 0 && dl <= conn.MAX_CID && t.has(o + 6, dl)) {
      len = dl;
      at = t.at(o + 6);
    }
  } else {
    if (dgConn < 0) return true;
    const cid = dgFromServer ? conn.clientCidOf(dgConn) : conn.serverCidOf(dgConn);
    len = conn.cidLen(cid);
    if (len > 0) {
      if (!t.has(o + 1, len)) return true;
      at = t.at(o + 1);
    }
  }
  if (first) {
    copyCid(firstDcid, at, len);
    return true;
  }
  if (conn.cidLen(firstDcid) != len) return false;
  return len == 0 || memory.compare(firstDcid + 1, at, <usize>len) == 0;
}

// ---- one packet ------------------------------------------------------------------

/** Dissects the packet [o, pktEnd); returns true when nothing may follow it (VN, forcing VN). */
function packet(o: i32, pktEnd: i32, first: bool): bool {
  const prev = t.enter(pktEnd);
  const node = t.open(HF_QUIC, o, pktEnd - o);
  if (first) connectionInfo(o);
  t.fgen(HF_PACKET_LENGTH, o, 0, <u64>(pktEnd - o));
  const b = byteAt(o);
  let consumed = pktEnd;
  let stop = false;
  if ((b & 0x80) != 0) {
    noteDec(bitsNode(HF_HEADER_FORM, o, 0x80), "Long Header", 1);
    const version = t.has(o + 1, 4) ? be32(o + 1) : 0;
    if ((version & 0x0f0f0f0f) == 0x0a0a0a0a) {
      versionNegotiation(o, pktEnd, "Forcing Version Negotiation", false);
      stop = true;
    } else if (version == 0) {
      versionNegotiation(o, pktEnd, "Version Negotiation", true);
      stop = true;
    } else if (longPacketType(b, version) == LPT_RETRY) {
      retry(o, pktEnd, version);
    } else {
      consumed = longHeader(o, pktEnd, version);
    }
  } else {
    consumed = shortHeader(o, pktEnd);
  }
  if (!stop && consumed < pktEnd && !t.stopped) t.fbytes(HF_REMAINING_PAYLOAD, consumed, pktEnd - consumed);
  t.close(node);
  t.restore(prev);
  return stop;
}

function connectionInfo(o: i32): void {
  const h = t.open(HF_TEXT, o, 0);
  noteText(h, "QUIC Connection information");
  if (dgConn >= 0) t.fgen(HF_CONN_NUMBER, o, 0, <u64>conn.numberOf(dgConn));
  else t.fval(HF_CONN_UNKNOWN, o, 0, 0);
  t.close(h);
}

function infoCid(label: string, off: i32, len: i32): void {
  if (!t.detail || len <= 0 || !t.has(off, len)) return;
  t.info.str(label);
  for (let i = 0; i < len; i++) t.info.hexw(byteAt(off + i), 2);
}

function fixedBit(o: i32): void {
  const i = bitsNode(HF_FIXED_BIT, o, 0x40);
  noteText(i, bitsValue != 0 ? "True" : "False");
}

function packetTypeField(o: i32, version: u32): void {
  const b = byteAt(o);
  const bits = (b >> 4) & 3;
  if (isV2(version)) noteDec(bitsNode(HF_PACKET_TYPE_V2, o, 0x30), quicPacketTypeV2Name(bits), bits);
  else noteDec(bitsNode(HF_PACKET_TYPE, o, 0x30), quicPacketTypeV1Name(bits), bits);
}

function versionField(hf: u16, off: i32): u32 {
  const n = t.nodeCount;
  const v = t.f32(hf, off);
  if (t.stopped) return 0;
  const i = t.nodeCount > n ? t.nodeCount - 1 : -1;
  const name = quicVersionName(v);
  if (i >= 0 && t.detail) {
    const m = t.beginNote();
    t.pool.str(name !== null ? name : "Unknown");
    t.pool.str(" (");
    t.pool.hex(v, 8);
    t.pool.str(")");
    if ((v & 0x0f0f0f0f) == 0x0a0a0a0a) t.pool.str(" (GREASE)");
    t.endNote(i, m);
  }
  return v;
}

/** Version, connection IDs and their lengths; Info gets ", DCID=..., SCID=...". Returns the offset after them. */
function longHeaderCommon(o: i32, pktEnd: i32): i32 {
  versionField(HF_VERSION, o + 1);
  let p = o + 5;
  const dcil = <i32>t.f8(HF_DCIL, p);
  p++;
  if (dcil > 0) t.fbytes(HF_DCID, p, dcil);
  const dcidAt = p;
  p += dcil;
  const scil = <i32>t.f8(HF_SCIL, p);
  p++;
  if (scil > 0) t.fbytes(HF_SCID, p, scil);
  const scidAt = p;
  p += scil;
  if (!t.stopped) {
    if (dcil <= conn.MAX_CID) infoCid(", DCID=", dcidAt, dcil);
    if (scil <= conn.MAX_CID) infoCid(", SCID=", scidAt, scil);
  }
  return p;
}

function setInfo(s: string): void {
  if (!t.detail || pinfo.inError) return;
  t.info.reset();
  t.info.str(s);
}

function versionNegotiation(o: i32, pktEnd: i32, label: string, withVersions: bool): void {
  setInfo(label);
  t.fbits(HF_VN_UNUSED, o, 1, 0x7f);
  let p = longHeaderCommon(o, pktEnd);
  if (!withVersions) return;
  let guard = 0;
  while (p < pktEnd && !t.stopped && guard++ < 16384) {
    versionField(HF_SUPPORTED_VERSION, p);
    p += 4;
  }
}

const pseudo: usize = heap.alloc(1 + 20 + 65536);

function retry(o: i32, pktEnd: i32, version: u32): void {
  packetTypeField(o, version);
  setInfo("Retry");
  const p = longHeaderCommon(o, pktEnd);
  if (t.stopped) return;
  let tokenLen = pktEnd - p;
  if (tokenLen >= 16) tokenLen -= 16;
  t.fbytes(HF_RETRY_TOKEN, p, tokenLen);
  const tagAt = p + tokenLen;
  const n0 = t.nodeCount;
  if (!t.fbytes(HF_RETRY_TAG, tagAt, 16)) return;
  const tagNode = t.nodeCount > n0 ? t.nodeCount - 1 : -1;
  // RFC 9001, 5.8: the tag covers the original DCID and the packet before it.
  const packetLen = tagAt - o;
  let verified = false;
  if (haveRetryOdcid && packetLen <= 65536 && t.has(o, packetLen)) {
    const ol = conn.cidLen(retryOdcid);
    store<u8>(pseudo, <u8>ol);
    memory.copy(pseudo + 1, retryOdcid + 1, <usize>ol);
    memory.copy(pseudo + 1 + <usize>ol, t.at(o), <usize>packetLen);
    verified = retryTagMatches(isV2(version), pseudo, 1 + ol + packetLen, t.at(tagAt));
  }
  if (tagNode >= 0 && t.detail) {
    const m = t.beginNote();
    for (let i = 0; i < 16; i++) t.pool.hexw(byteAt(tagAt + i), 2);
    if (verified) t.pool.str(" [verified]");
    t.endNote(tagNode, m);
  }
  if (!verified) {
    t.openNode(tagNode);
    noteText(t.fval(HF_BAD_RETRY, tagAt, 16, 0), haveRetryOdcid ? "Retry Integrity Tag verification failure" : "Cannot verify Retry Packet due to unknown ODCID");
    t.close(tagNode);
  }
}

// Result of removing header protection and decrypting an Initial packet.
let decError: string | null = null;
let pnLen: i32 = 0;
let pnValue: u64 = 0;
let firstUnprotected: u32 = 0;
let plain: usize = 0;
let plainLen: i32 = 0;
let payloadError: string | null = null;
const mask5: usize = heap.alloc(8);
const nonce: usize = heap.alloc(16);

/**
 * Removes header protection from the Initial packet [o, pktEnd) whose packet
 * number starts at pnOffset, then decrypts its payload (RFC 9001, 5.3-5.4).
 */
function decryptInitial(o: i32, pnOffset: i32, pktEnd: i32, version: u32, fromServer: bool, dcid: usize): void {
  decError = null;
  payloadError = null;
  pnLen = 0;
  plain = 0;
  plainLen = 0;
  if (!quicInitialKeys(version, dcid + 1, conn.cidLen(dcid), fromServer)) {
    decError = "Header deprotection failed";
    return;
  }
  // The sample: 16 bytes starting 4 bytes after the packet number's start.
  if (pnOffset + 4 + 16 > pktEnd || !t.has(pnOffset + 4, 16)) {
    decError = "Header deprotection failed";
    return;
  }
  quicHeaderProtectionMask(t.at(pnOffset + 4), mask5);
  firstUnprotected = byteAt(o) ^ (<u32>load<u8>(mask5) & 0x0f);
  pnLen = <i32>(firstUnprotected & 3) + 1;
  let pn: u64 = 0;
  for (let i = 0; i < pnLen; i++) pn = (pn << 8) | <u64>(byteAt(pnOffset + i) ^ <u32>load<u8>(mask5 + <usize>(1 + i)));
  pnValue = pn;
  // Payload: after the packet number, up to the 16-byte tag.
  const ctOff = pnOffset + pnLen;
  const ctLen = pktEnd - ctOff - 16;
  const hdrLen = ctOff - o;
  if (ctLen < 0 || !t.has(o, pktEnd - o)) {
    payloadError = "Decryption not possible, ciphertext is too short";
    return;
  }
  const buf = arenaAlloc(hdrLen + ctLen);
  if (buf == 0) {
    payloadError = "Decryption not possible, packet too large";
    return;
  }
  // The associated data is the header with its protection removed.
  memory.copy(buf, t.at(o), <usize>hdrLen);
  store<u8>(buf, <u8>firstUnprotected);
  for (let i = 0; i < pnLen; i++) store<u8>(buf + <usize>(pnOffset - o + i), <u8>(byteAt(pnOffset + i) ^ <u32>load<u8>(mask5 + <usize>(1 + i))));
  // Nonce: the IV with the packet number XORed into its last bytes.
  memory.copy(nonce, ivPtr(), 12);
  for (let i = 0; i < 8; i++) {
    const b = <u8>((pn >> <u64>(8 * i)) & 0xff);
    store<u8>(nonce + <usize>(11 - i), load<u8>(nonce + <usize>(11 - i)) ^ b);
  }
  if (!gcmTagMatches(keyRoundKeysPtr(), nonce, buf, hdrLen, t.at(ctOff), ctLen, t.at(ctOff + ctLen))) {
    payloadError = "Decryption (checktag) failed: Checksum error";
    return;
  }
  aesGcmDecryptNoAuth(keyRoundKeysPtr(), nonce, t.at(ctOff), ctLen, buf + <usize>hdrLen);
  plain = buf + <usize>hdrLen;
  plainLen = ctLen;
}

function failed(o: i32, text: string, detail: string | null): void {
  const i = t.fval(HF_DECRYPTION_FAILED, o, 0, 0);
  if (i < 0 || !t.detail) return;
  const m = t.beginNote();
  t.pool.str(text);
  if (detail !== null) t.pool.str(detail);
  t.endNote(i, m);
}

/** Initial, 0-RTT and Handshake packets. Returns where the protected rest begins. */
function longHeader(o: i32, pktEnd: i32, version: u32): i32 {
  const b = byteAt(o);
  const type = longPacketType(b, version);
  const c = dgConn;
  const fromServer = dgFromServer;
  // Where the packet number starts.
  let p = o + 5;
  if (!t.has(p, 1)) return pktEnd;
  const dcil = <i32>byteAt(p);
  p += 1 + dcil;
  if (!t.has(p, 1)) return pktEnd;
  p += 1 + <i32>byteAt(p);
  if (type == LPT_INITIAL) {
    const tl = varint(p, pktEnd);
    if (varintLen > 0) p += varintLen + (tl > <u64>(pktEnd - p) ? pktEnd - p : <i32>tl);
  }
  varint(p, pktEnd);
  const pnOffset = p + varintLen;
  // Decryption: Initial packets of a known connection; others need secrets we never have.
  decError = null;
  payloadError = null;
  pnLen = 0;
  if (c >= 0) {
    if (type == LPT_INITIAL) {
      const dcid = conn.initialDcidOf(c);
      if (dcid == 0) decError = "Header deprotection failed";
      else decryptInitial(o, pnOffset, pktEnd, version, fromServer, dcid);
    } else decError = "Secrets are not available";
  }
  fixedBit(o);
  packetTypeField(o, version);
  if (pnLen > 0) {
    t.fval(HF_LONG_RESERVED, o, 1, <u64>((firstUnprotected >> 2) & 3));
    const pl = t.fval(HF_PN_LENGTH, o, 1, <u64>(firstUnprotected & 3));
    if (pl >= 0 && t.detail) {
      const m = t.beginNote();
      t.pool.dec(<u64>pnLen);
      t.pool.str(" bytes (");
      t.pool.dec(<u64>(pnLen - 1));
      t.pool.str(")");
      t.endNote(pl, m);
    }
  }
  const tn = quicPacketTypeV1Name(type);
  setInfo(tn !== null ? tn : "Long Header");
  let q = longHeaderCommon(o, pktEnd);
  if (type == LPT_INITIAL) {
    const tl = varint(q, pktEnd);
    if (varintLen == 0) {
      t.need(pktEnd, 1);
      return pktEnd;
    }
    t.fval(HF_TOKEN_LENGTH, q, varintLen, tl);
    q += varintLen;
    if (tl > 0) {
      if (tl > <u64>(pktEnd - q)) {
        t.need(pktEnd, 1);
        return pktEnd;
      }
      t.fbytes(HF_TOKEN, q, <i32>tl);
      q += <i32>tl;
    }
  }
  const len = varint(q, pktEnd);
  if (varintLen == 0) {
    t.need(pktEnd, 1);
    return pktEnd;
  }
  t.fval(HF_LENGTH, q, varintLen, len);
  q += varintLen;
  if (decError !== null) {
    failed(o, "Failed to create decryption context: ", decError);
    return q;
  }
  if (c < 0 || pnLen == 0) {
    failed(o, "Failed to decrypt packet number", null);
    return q;
  }
  t.fval(HF_PACKET_NUMBER, q, pnLen, pnValue);
  if (t.detail && !pinfo.inError) {
    t.info.str(", PKN: ");
    t.info.dec(pnValue);
  }
  q += pnLen;
  const pi = t.nodeCount;
  t.fbytes(HF_PAYLOAD, q, pktEnd - q);
  if (payloadError !== null) {
    if (t.nodeCount > pi) {
      t.openNode(pi);
      failed(q, "Decryption failed: ", payloadError);
      t.close(pi);
    }
    return pktEnd;
  }
  if (plain != 0 && plainLen > 0) {
    const lim = t.limit;
    const saved = t.enterSource(plain, plainLen, HF_DECRYPTED);
    dissectFrames(0, plainLen, conn.numberOf(c), fromServer);
    t.leaveSource(saved);
    t.setLimit(lim);
  }
  return pktEnd;
}

/** Short header (1-RTT) packets: only the header can be read. */
function shortHeader(o: i32, pktEnd: i32): i32 {
  const c = dgConn;
  const fromServer = dgFromServer;
  let dcidLen = 0;
  if (c >= 0) dcidLen = conn.cidLen(fromServer ? conn.clientCidOf(c) : conn.serverCidOf(c));
  const h = t.open(HF_SHORT, o, pktEnd - o);
  noteDec(bitsNode(HF_HEADER_FORM, o, 0x80), "Short Header", 0);
  fixedBit(o);
  const si = bitsNode(HF_SPIN_BIT, o, 0x20);
  noteText(si, bitsValue != 0 ? "True" : "False");
  setInfo("Protected Payload (KP0)");
  let q = o + 1;
  if (dcidLen > 0) {
    t.fbytes(HF_DCID, q, dcidLen);
    infoCid(", DCID=", q, dcidLen);
    if (h >= 0 && t.detail && t.has(q, dcidLen)) {
      const m = t.beginNote();
      t.pool.str("QUIC Short Header DCID=");
      for (let i = 0; i < dcidLen; i++) t.pool.hexw(byteAt(q + i), 2);
      t.endNote(h, m);
    }
    q += dcidLen;
  }
  t.close(h);
  // tshark tries the 1-RTT keys once per connection: without the TLS cipher
  // (no ServerHello seen) or without secrets, it reports why and gives up.
  if (c >= 0 && conn.firstShortPacket(c)) {
    failed(o, "Failed to create decryption context: ", conn.hasServerInitial(c) ? "Secrets are not available" : "Missing TLS handshake, unsupported ciphers or padding");
  }
  return q;
}
