// The frames of a decrypted QUIC packet (RFC 9000, 19), and the CRYPTO
// stream they carry: TLS handshake messages, put back in order by offset and
// handed to the TLS dissector once complete.
//
// CRYPTO data is kept per connection and direction while the engine tracks
// state (the ClientHello may span packets); in the detail pass of a single
// packet only the frames of that datagram can be joined. Every buffer is
// bounded: data beyond CRYPTO_CAP bytes of a stream is not reassembled.

import { field, FT, BASE } from "../core/registry";
import * as t from "../core/tree";
import { frame } from "../core/pinfo";
import { quicFrameName, quicErrorName } from "./quic_names";
import { alertDescName } from "./tls_names";
import { varint, varintLen } from "./tls_util";
import { dissectTlsHandshake, beginQuicDatagram } from "./tls";
import { arenaAlloc } from "./quic_arena";

const HF_FRAME = field("quic.frame", "Frame", FT.NONE, BASE.NONE, "One frame of the packet's payload: QUIC packets carry a sequence of frames (data, acknowledgments, handshake bytes ...).");
const HF_FRAME_TYPE = field("quic.frame_type", "Frame Type", FT.UINT64, BASE.DEC, "The kind of frame: 0x00 PADDING, 0x01 PING, 0x02 ACK, 0x06 CRYPTO, 0x08-0x0f STREAM, 0x1c CONNECTION_CLOSE ...");
const HF_PADDING_LEN = field("quic.padding_length", "Padding Length", FT.UINT32, BASE.DEC, "How many padding bytes follow (clients pad their Initial packets to at least 1200 bytes).");
const HF_ACK_LARGEST = field("quic.ack.largest_acknowledged", "Largest Acknowledged", FT.UINT64, BASE.DEC, "The highest packet number the sender acknowledges.");
const HF_ACK_DELAY = field("quic.ack.ack_delay", "ACK Delay", FT.UINT64, BASE.DEC, "How long the sender held the acknowledgment, in units set by ack_delay_exponent.");
const HF_ACK_RANGE_COUNT = field("quic.ack.ack_range_count", "ACK Range Count", FT.UINT64, BASE.DEC, "How many further ranges of acknowledged packets follow.");
const HF_ACK_FIRST_RANGE = field("quic.ack.first_ack_range", "First ACK Range", FT.UINT64, BASE.DEC, "How many packets just below the largest one are acknowledged too.");
const HF_ACK_GAP = field("quic.ack.gap", "Gap", FT.UINT64, BASE.DEC, "Packets not acknowledged before the next range.");
const HF_ACK_RANGE = field("quic.ack.ack_range", "ACK Range", FT.UINT64, BASE.DEC, "Length of a further range of acknowledged packets.");
const HF_ACK_ECT0 = field("quic.ack.ect0_count", "ECT(0) Count", FT.UINT64, BASE.DEC, "Packets received marked ECT(0) (ECN).");
const HF_ACK_ECT1 = field("quic.ack.ect1_count", "ECT(1) Count", FT.UINT64, BASE.DEC, "Packets received marked ECT(1) (ECN).");
const HF_ACK_ECN_CE = field("quic.ack.ecn_ce_count", "ECN-CE Count", FT.UINT64, BASE.DEC, "Packets received marked Congestion Experienced.");
const HF_CRYPTO_OFFSET = field("quic.crypto.offset", "Offset", FT.UINT64, BASE.DEC, "Where this frame's bytes start in the TLS handshake stream.");
const HF_CRYPTO_LENGTH = field("quic.crypto.length", "Length", FT.UINT64, BASE.DEC, "How many handshake bytes the frame carries.");
const HF_CRYPTO_DATA = field("quic.crypto.crypto_data", "Crypto Data", FT.NONE, BASE.NONE, "TLS handshake bytes (a ClientHello, say), carried without TLS records.");
const HF_RETRANSMISSION = field("quic.retransmission", "This QUIC frame has a reused stream offset (retransmission?)", FT.NONE, BASE.NONE, "The CRYPTO bytes were already received: the frame repeats data.");
const HF_OVERLAP = field("quic.overlap", "This QUIC frame overlaps a previous frame in the stream", FT.NONE, BASE.NONE, "Part of the CRYPTO bytes were already received.");
const HF_CRYPTO_REASSEMBLED = field("quic.crypto.reassembled_data", "Reassembled QUIC CRYPTO Data", FT.BYTES, BASE.NONE, "Handshake bytes put together from several CRYPTO frames.");
const HF_CC_ERROR = field("quic.cc.error_code", "Error code", FT.UINT64, BASE.DEC, "Why the connection is closed: 0 NO_ERROR, 0x0a PROTOCOL_VIOLATION, 0x100-0x1ff a TLS alert ...");
const HF_CC_ERROR_APP = field("quic.cc.error_code.app", "Application Error code", FT.UINT64, BASE.DEC, "The application's reason for closing.");
const HF_CC_TLS_ALERT = field("quic.cc.error_code.tls_alert", "TLS Alert Description", FT.UINT8, BASE.DEC, "The TLS alert behind a CRYPTO_ERROR.");
const HF_CC_FRAME_TYPE = field("quic.cc.frame_type", "Frame Type", FT.UINT64, BASE.DEC, "The type of frame that caused the error.");
const HF_CC_REASON_LEN = field("quic.cc.reason_phrase.length", "Reason phrase Length", FT.UINT64, BASE.DEC, "Length of the reason phrase.");
const HF_CC_REASON = field("quic.cc.reason_phrase", "Reason phrase", FT.STRING, BASE.NONE, "A human-readable reason for closing.");
const HF_RSTS_ID = field("quic.rsts.stream_id", "Stream ID", FT.UINT64, BASE.DEC, "The stream being reset.");
const HF_RSTS_ERROR = field("quic.rsts.application_error_code", "Application Error code", FT.UINT64, BASE.DEC, "Why the stream is reset.");
const HF_RSTS_FINAL = field("quic.rsts.final_size", "Final Size", FT.UINT64, BASE.DEC, "How many bytes the sender had sent on the stream.");
const HF_SS_ID = field("quic.ss.stream_id", "Stream ID", FT.UINT64, BASE.DEC, "The stream the peer should stop sending on.");
const HF_SS_ERROR = field("quic.ss.application_error_code", "Application Error code", FT.UINT64, BASE.DEC, "Why the receiver stops reading.");
const HF_NT_LEN = field("quic.nt.length", "(Token) Length", FT.UINT64, BASE.DEC, "Length of the token.");
const HF_NT_TOKEN = field("quic.nt.token", "Token", FT.BYTES, BASE.NONE, "A token the client can use in the Initial packet of a later connection.");
const HF_STREAM_ID = field("quic.stream.stream_id", "Stream ID", FT.UINT64, BASE.DEC, "The stream the data belongs to.");
const HF_STREAM_OFFSET = field("quic.stream.offset", "Offset", FT.UINT64, BASE.DEC, "Where the data starts in the stream.");
const HF_STREAM_LENGTH = field("quic.stream.length", "Length", FT.UINT64, BASE.DEC, "Length of the stream data.");
const HF_STREAM_DATA = field("quic.stream_data", "Stream Data", FT.BYTES, BASE.NONE, "Application data of the stream.");
const HF_MD = field("quic.md.maximum_data", "Maximum Data", FT.UINT64, BASE.DEC, "How much the peer may send on the whole connection.");
const HF_MSD_ID = field("quic.msd.stream_id", "Stream ID", FT.UINT64, BASE.DEC, "The stream whose limit changes.");
const HF_MSD = field("quic.msd.maximum_stream_data", "Maximum Stream Data", FT.UINT64, BASE.DEC, "How much the peer may send on the stream.");
const HF_MS = field("quic.ms.max_streams", "Max Streams", FT.UINT64, BASE.DEC, "How many streams the peer may open.");
const HF_SB = field("quic.sb.stream_data_limit", "Stream Data Limit", FT.UINT64, BASE.DEC, "The connection-level limit the sender is blocked at.");
const HF_SDB_ID = field("quic.sdb.stream_id", "Stream ID", FT.UINT64, BASE.DEC, "The stream the sender is blocked on.");
const HF_SIB = field("quic.sib.stream_limit", "Stream Limit", FT.UINT64, BASE.DEC, "The stream limit the sender is blocked at.");
const HF_NCI_SEQ = field("quic.nci.sequence", "Sequence", FT.UINT64, BASE.DEC, "The number of the new connection ID.");
const HF_NCI_RETIRE = field("quic.nci.retire_prior_to", "Retire Prior To", FT.UINT64, BASE.DEC, "Connection IDs numbered below this should be retired.");
const HF_NCI_LEN = field("quic.nci.connection_id.length", "Connection ID Length", FT.UINT8, BASE.DEC, "Length of the new connection ID.");
const HF_NCI_CID = field("quic.nci.connection_id", "Connection ID", FT.BYTES, BASE.NONE, "A further connection ID the peer may use.");
const HF_NCI_TOKEN = field("quic.nci.stateless_reset_token", "Stateless Reset Token", FT.BYTES, BASE.NONE, "The token that goes with the new connection ID.");
const HF_RCI_SEQ = field("quic.rci.sequence", "Sequence", FT.UINT64, BASE.DEC, "The number of the connection ID retired.");
const HF_PATH_CHALLENGE = field("quic.path_challenge.data", "Data", FT.BYTES, BASE.NONE, "Random data the peer must echo to prove it can be reached on a path.");
const HF_PATH_RESPONSE = field("quic.path_response.data", "Data", FT.BYTES, BASE.NONE, "The echo of a path challenge.");
const HF_DG_LEN = field("quic.dg.length", "Datagram Length", FT.UINT64, BASE.DEC, "Length of the datagram data.");
const HF_DG = field("quic.dg", "Datagram", FT.BYTES, BASE.NONE, "Unreliable application data (RFC 9221).");

/** Info column abbreviations of the frame types, as tshark writes them. */
function infoName(ft: u64): string {
  if (ft == 0x00) return "PADDING";
  if (ft == 0x01) return "PING";
  if (ft == 0x02) return "ACK";
  if (ft == 0x03) return "ACK_ECN";
  if (ft == 0x04) return "RS";
  if (ft == 0x05) return "SS";
  if (ft == 0x06) return "CRYPTO";
  if (ft == 0x07) return "NT";
  if (ft == 0x10) return "MD";
  if (ft == 0x11) return "MSD";
  if (ft == 0x12 || ft == 0x13) return "MS";
  if (ft == 0x14) return "DB";
  if (ft == 0x15) return "SDB";
  if (ft == 0x16 || ft == 0x17) return "SB";
  if (ft == 0x18) return "NCI";
  if (ft == 0x19) return "RC";
  if (ft == 0x1a) return "PC";
  if (ft == 0x1b) return "PR";
  if (ft == 0x1c || ft == 0x1d) return "CC";
  if (ft == 0x1e) return "DONE";
  if (ft == 0x30 || ft == 0x31) return "DG";
  return "";
}

function infoAppend(s: string): void {
  if (!t.detail) return;
  t.info.str(", ");
  t.info.str(s);
}

/** A variable-length integer field; returns its value, or stops the dissection if it does not fit. */
function vfield(hf: u16, off: i32, end: i32): u64 {
  const v = varint(off, end);
  if (varintLen == 0) {
    t.need(end, 1); // runs past the frame: stop, as a bounds error does
    return 0;
  }
  t.fval(hf, off, varintLen, v);
  return v;
}

// ---- CRYPTO stream reassembly -----------------------------------------------

// Bytes that arrive in order go straight to TLS, which keeps a message cut
// at the end of a frame until its rest arrives. Bytes that arrive ahead of a
// gap wait here; once the gap is filled the contiguous run is put together
// (a new data source) and handed to TLS, as tshark's CRYPTO reassembly does.

const HF_CRYPTO_FRAGMENTS = field("quic.crypto.fragments", "Reassembled QUIC CRYPTO Data Fragments", FT.NONE, BASE.NONE, "The CRYPTO frames whose data was put back in order.");
const HF_CRYPTO_FRAGMENT = field("quic.crypto.fragment", "QUIC CRYPTO Data Fragment", FT.FRAMENUM, BASE.NONE, "The frame holding one piece of the reassembled CRYPTO data.");
const HF_CRYPTO_FRAGMENT_COUNT = field("quic.crypto.fragment.count", "Fragment count", FT.UINT32, BASE.DEC, "How many CRYPTO frames the data was put together from.");

const CRYPTO_CAP: i32 = 16384;
const SLOTS = 8;
const PIECES = 32;

class CryptoStream {
  key: i32 = -1;
  /** Stream offset of buf[0]: everything before it was handed to TLS. */
  base: u64 = 0;
  buf: usize = 0;
  /** One byte per buffered byte: 1 when received. */
  have: usize = 0;
  /** How many bytes are marked in `have` (0: nothing waits). */
  waiting: i32 = 0;
  age: u32 = 0;
  pieceFrame: StaticArray<u32> = new StaticArray<u32>(PIECES);
  pieceAt: StaticArray<u64> = new StaticArray<u64>(PIECES);
  pieceLen: StaticArray<i32> = new StaticArray<i32>(PIECES);
  pieces: i32 = 0;
  constructor() {
    this.buf = heap.alloc(<usize>CRYPTO_CAP);
    this.have = heap.alloc(<usize>CRYPTO_CAP);
    memory.fill(this.have, 0, <usize>CRYPTO_CAP);
  }
  clear(key: i32): void {
    this.key = key;
    this.base = 0;
    this.pieces = 0;
    if (this.waiting > 0) memory.fill(this.have, 0, <usize>CRYPTO_CAP);
    this.waiting = 0;
  }
  /** How many bytes from base have arrived in a row. */
  contiguous(): i32 {
    let n = 0;
    while (n < CRYPTO_CAP && load<u8>(this.have + <usize>n) != 0) n++;
    return n;
  }
  addPiece(at: u64, n: i32): void {
    if (this.pieces >= PIECES) return;
    unchecked((this.pieceFrame[this.pieces] = frame.number));
    unchecked((this.pieceAt[this.pieces] = at));
    unchecked((this.pieceLen[this.pieces] = n));
    this.pieces++;
  }
  /** Drops the first n bytes (handed to TLS) and the pieces they held. */
  consume(n: i32): void {
    if (n <= 0) return;
    memory.copy(this.buf, this.buf + <usize>n, <usize>(CRYPTO_CAP - n));
    memory.copy(this.have, this.have + <usize>n, <usize>(CRYPTO_CAP - n));
    memory.fill(this.have + <usize>(CRYPTO_CAP - n), 0, <usize>n);
    this.base += <u64>n;
    let k = 0;
    for (let i = 0; i < this.pieces; i++) {
      const end = unchecked(this.pieceAt[i]) + <u64>unchecked(this.pieceLen[i]);
      if (end <= this.base) continue;
      unchecked((this.pieceFrame[k] = this.pieceFrame[i]));
      unchecked((this.pieceAt[k] = this.pieceAt[i]));
      unchecked((this.pieceLen[k] = this.pieceLen[i]));
      k++;
    }
    this.pieces = k;
    this.waiting = 0;
    for (let i = 0; i < CRYPTO_CAP; i++) if (load<u8>(this.have + <usize>i) != 0) this.waiting++;
  }
}

const tracked = new StaticArray<CryptoStream>(SLOTS);
for (let i = 0; i < SLOTS; i++) tracked[i] = new CryptoStream();
const scratch = new CryptoStream();
let clock: u32 = 0;

export function resetQuicCrypto(): void {
  for (let i = 0; i < SLOTS; i++) unchecked(tracked[i]).key = -1;
  scratch.key = -1;
}

/** Called at the start of each datagram in the detail pass. */
export function beginDatagramCrypto(): void {
  scratch.key = -1;
  beginQuicDatagram();
}

function streamFor(key: i32): CryptoStream {
  if (!frame.track) {
    if (scratch.key != key) scratch.clear(key);
    return scratch;
  }
  let oldest = 0;
  for (let i = 0; i < SLOTS; i++) {
    const s = unchecked(tracked[i]);
    if (s.key == key) {
      s.age = ++clock;
      return s;
    }
    if (s.age < unchecked(tracked[oldest]).age) oldest = i;
  }
  const s = unchecked(tracked[oldest]);
  s.clear(key);
  s.age = ++clock;
  return s;
}


/** The pieces of a reassembled run of `n` bytes, in its own data source, ordered by offset. */
function showPieces(s: CryptoStream, n: i32): void {
  // Order the pieces by offset (few of them: insertion sort).
  for (let i = 1; i < s.pieces; i++) {
    let j = i;
    while (j > 0 && unchecked(s.pieceAt[j - 1]) > unchecked(s.pieceAt[j])) {
      const f = unchecked(s.pieceFrame[j]);
      const a = unchecked(s.pieceAt[j]);
      const l = unchecked(s.pieceLen[j]);
      unchecked((s.pieceFrame[j] = s.pieceFrame[j - 1]));
      unchecked((s.pieceAt[j] = s.pieceAt[j - 1]));
      unchecked((s.pieceLen[j] = s.pieceLen[j - 1]));
      unchecked((s.pieceFrame[j - 1] = f));
      unchecked((s.pieceAt[j - 1] = a));
      unchecked((s.pieceLen[j - 1] = l));
      j--;
    }
  }
  let count = 0;
  for (let i = 0; i < s.pieces; i++) if (unchecked(s.pieceAt[i]) < s.base + <u64>n) count++;
  const g = t.open(HF_CRYPTO_FRAGMENTS, 0, n);
  if (g >= 0) {
    const m = t.beginNote();
    t.pool.dec(<u64>count);
    t.pool.str(" Reassembled QUIC CRYPTO Data Fragments (");
    t.pool.dec(<u64>n);
    t.pool.str(" bytes): ");
    let first = true;
    for (let i = 0; i < s.pieces; i++) {
      if (unchecked(s.pieceAt[i]) >= s.base + <u64>n) continue;
      if (!first) t.pool.str(", ");
      first = false;
      t.pool.str("#");
      t.pool.dec(unchecked(s.pieceFrame[i]));
      t.pool.str("(");
      t.pool.dec(<u64>unchecked(s.pieceLen[i]));
      t.pool.str(")");
    }
    t.endNote(g, m);
  }
  for (let i = 0; i < s.pieces; i++) {
    const at = unchecked(s.pieceAt[i]);
    if (at >= s.base + <u64>n) continue;
    const rel = <i32>(at - s.base);
    const len = unchecked(s.pieceLen[i]);
    const fi = t.fval(HF_CRYPTO_FRAGMENT, rel, len, <u64>unchecked(s.pieceFrame[i]));
    if (fi >= 0) {
      const m = t.beginNote();
      t.pool.str("Frame: ");
      t.pool.dec(unchecked(s.pieceFrame[i]));
      t.pool.str(", payload: ");
      t.pool.dec(<u64>rel);
      t.pool.str("-");
      t.pool.dec(<u64>(rel + len - 1));
      t.pool.str(" (");
      t.pool.dec(<u64>len);
      t.pool.str(len == 1 ? " byte)" : " bytes)");
      t.endNote(fi, m);
    }
  }
  t.fval(HF_CRYPTO_FRAGMENT_COUNT, 0, 0, <u64>count);
  t.close(g);
}

/**
 * The data of a CRYPTO frame at [off, off + len) of the current source, at
 * `cOffset` in the handshake stream of connection `conn` in one direction.
 */
function cryptoData(off: i32, len: i32, cOffset: u64, conn: i32, fromServer: bool): void {
  const s = streamFor(conn * 2 + (fromServer ? 1 : 0));
  const end = cOffset + <u64>len;
  if (end <= s.base) {
    t.fgen(HF_RETRANSMISSION, off, len, 0);
    return;
  }
  let dOff = off;
  let dLen = len;
  let at = cOffset;
  if (at < s.base) {
    t.fgen(HF_OVERLAP, off, len, 0);
    const skip = <i32>(s.base - at);
    dOff += skip;
    dLen -= skip;
    at = s.base;
  }
  if (at == s.base && s.waiting == 0) {
    // In order and nothing waiting: TLS reads the frame's own bytes.
    dissectTlsHandshake(dOff, dOff + dLen, fromServer, conn);
    s.base += <u64>dLen;
    s.pieces = 0;
    return;
  }
  // Ahead of a gap, or filling one: keep the bytes, hand over what is now in order.
  const rel = at - s.base;
  if (rel >= <u64>CRYPTO_CAP || !t.has(dOff, dLen)) return;
  let n = dLen;
  if (<i32>rel + n > CRYPTO_CAP) n = CRYPTO_CAP - <i32>rel;
  memory.copy(s.buf + <usize>rel, t.at(dOff), <usize>n);
  for (let i = 0; i < n; i++) {
    const h = s.have + <usize>(<i32>rel + i);
    if (load<u8>(h) == 0) {
      store<u8>(h, 1);
      s.waiting++;
    }
  }
  s.addPiece(at, n);
  const ready = s.contiguous();
  if (ready == 0) return;
  const copy = arenaAlloc(ready);
  if (copy != 0) {
    memory.copy(copy, s.buf, <usize>ready);
    const lim = t.limit;
    const saved = t.enterSource(copy, ready, HF_CRYPTO_REASSEMBLED);
    showPieces(s, ready);
    dissectTlsHandshake(0, ready, fromServer, conn);
    t.leaveSource(saved);
    t.setLimit(lim);
  }
  s.consume(ready);
}

// ---- frames --------------------------------------------------------------------

/**
 * The frames in [off, end) of the decrypted payload (the current source).
 * `conn` (the connection number) and the direction name the CRYPTO stream.
 */
export function dissectFrames(off: i32, end: i32, conn: i32, fromServer: bool): void {
  let o = off;
  let guard = 0;
  while (o < end && !t.stopped && guard++ < 65536) {
    const ft = varint(o, end);
    const ftLen = varintLen;
    if (ftLen == 0) break;
    const node = t.open(HF_FRAME, o, ftLen);
    const name = quicFrameName(ft);
    if (node >= 0 && t.detail) {
      const m = t.beginNote();
      t.pool.str(name !== null ? name : "Unknown");
      t.endNote(node, m);
    }
    const ti = t.fval(HF_FRAME_TYPE, o, ftLen, ft);
    if (ti >= 0 && t.detail) {
      const m = t.beginNote();
      t.pool.str(name !== null ? name : "Unknown");
      t.pool.str(" (");
      t.pool.hex(ft, 16);
      t.pool.str(")");
      t.endNote(ti, m);
    }
    const s = infoName(ft);
    if (s.length == 0) {
      // Unknown frame type: its length is unknown too; stop here.
      t.close(node);
      break;
    }
    infoAppend(s);
    let p = o + ftLen;
    if (ft == 0x00) {
      let q = p;
      while (q < end && t.has(q, 1) && load<u8>(t.at(q)) == 0) q++;
      const padLen = q - o;
      t.fgen(HF_PADDING_LEN, o, 0, <u64>padLen);
      if (node >= 0 && t.detail) {
        const m = t.beginNote();
        t.pool.str("PADDING Length: ");
        t.pool.dec(<u64>padLen);
        t.endNote(node, m);
      }
      p = q;
    } else if (ft == 0x01 || ft == 0x1e) {
      // PING, HANDSHAKE_DONE: no content.
    } else if (ft == 0x02 || ft == 0x03) {
      vfield(HF_ACK_LARGEST, p, end);
      p += varintLen;
      vfield(HF_ACK_DELAY, p, end);
      p += varintLen;
      let count = vfield(HF_ACK_RANGE_COUNT, p, end);
      p += varintLen;
      vfield(HF_ACK_FIRST_RANGE, p, end);
      p += varintLen;
      while (count > 0 && !t.stopped) {
        vfield(HF_ACK_GAP, p, end);
        p += varintLen;
        vfield(HF_ACK_RANGE, p, end);
        p += varintLen;
        count--;
      }
      if (ft == 0x03 && !t.stopped) {
        vfield(HF_ACK_ECT0, p, end);
        p += varintLen;
        vfield(HF_ACK_ECT1, p, end);
        p += varintLen;
        vfield(HF_ACK_ECN_CE, p, end);
        p += varintLen;
      }
    } else if (ft == 0x04) {
      vfield(HF_RSTS_ID, p, end);
      p += varintLen;
      vfield(HF_RSTS_ERROR, p, end);
      p += varintLen;
      vfield(HF_RSTS_FINAL, p, end);
      p += varintLen;
    } else if (ft == 0x05) {
      vfield(HF_SS_ID, p, end);
      p += varintLen;
      vfield(HF_SS_ERROR, p, end);
      p += varintLen;
    } else if (ft == 0x06) {
      const cOffset = vfield(HF_CRYPTO_OFFSET, p, end);
      p += varintLen;
      const cLen = vfield(HF_CRYPTO_LENGTH, p, end);
      p += varintLen;
      if (t.stopped) {
        t.close(node);
        break;
      }
      if (cLen > <u64>(end - p)) {
        t.need(end, 1);
        t.close(node);
        break;
      }
      const n = <i32>cLen;
      t.fbytes(HF_CRYPTO_DATA, p, n);
      if (n > 0 && cOffset < 0x40000000) cryptoData(p, n, cOffset, conn, fromServer);
      p += n;
    } else if (ft == 0x07) {
      const n = vfield(HF_NT_LEN, p, end);
      p += varintLen;
      if (n > <u64>(end - p)) t.need(end, 1);
      else {
        t.fbytes(HF_NT_TOKEN, p, <i32>n);
        p += <i32>n;
      }
    } else if (ft >= 0x08 && ft <= 0x0f) {
      vfield(HF_STREAM_ID, p, end);
      p += varintLen;
      if ((ft & 0x04) != 0) {
        vfield(HF_STREAM_OFFSET, p, end);
        p += varintLen;
      }
      let n: u64 = <u64>(end - p);
      if ((ft & 0x02) != 0) {
        n = vfield(HF_STREAM_LENGTH, p, end);
        p += varintLen;
      }
      if (n > <u64>(end - p)) t.need(end, 1);
      else {
        t.fbytes(HF_STREAM_DATA, p, <i32>n);
        p += <i32>n;
      }
    } else if (ft == 0x10) {
      vfield(HF_MD, p, end);
      p += varintLen;
    } else if (ft == 0x11) {
      vfield(HF_MSD_ID, p, end);
      p += varintLen;
      vfield(HF_MSD, p, end);
      p += varintLen;
    } else if (ft == 0x12 || ft == 0x13) {
      vfield(HF_MS, p, end);
      p += varintLen;
    } else if (ft == 0x14) {
      vfield(HF_SB, p, end);
      p += varintLen;
    } else if (ft == 0x15) {
      vfield(HF_SDB_ID, p, end);
      p += varintLen;
      vfield(HF_SB, p, end);
      p += varintLen;
    } else if (ft == 0x16 || ft == 0x17) {
      vfield(HF_SIB, p, end);
      p += varintLen;
    } else if (ft == 0x18) {
      vfield(HF_NCI_SEQ, p, end);
      p += varintLen;
      vfield(HF_NCI_RETIRE, p, end);
      p += varintLen;
      const cl = <i32>t.f8(HF_NCI_LEN, p);
      p++;
      t.fbytes(HF_NCI_CID, p, cl);
      p += cl;
      t.fbytes(HF_NCI_TOKEN, p, 16);
      p += 16;
    } else if (ft == 0x19) {
      vfield(HF_RCI_SEQ, p, end);
      p += varintLen;
    } else if (ft == 0x1a || ft == 0x1b) {
      t.fbytes(ft == 0x1a ? HF_PATH_CHALLENGE : HF_PATH_RESPONSE, p, 8);
      p += 8;
    } else if (ft == 0x1c || ft == 0x1d) {
      const code = varint(p, end);
      const codeLen = varintLen;
      if (codeLen == 0) t.need(end, 1);
      else if (ft == 0x1c) {
        const ci = t.fval(HF_CC_ERROR, p, codeLen, code);
        if (ci >= 0 && t.detail) {
          const en = quicErrorName(code);
          const m = t.beginNote();
          t.pool.str(en !== null ? en : "Unknown");
          t.pool.str(" (");
          t.pool.dec(code);
          t.pool.str(")");
          t.endNote(ci, m);
        }
        if ((code >> 8) == 1) {
          const ai = t.fval(HF_CC_TLS_ALERT, p + codeLen - 1, 1, code & 0xff);
          const an = alertDescName(<u32>(code & 0xff));
          if (ai >= 0 && t.detail) {
            const m = t.beginNote();
            t.pool.str(an !== null ? an : "Unknown");
            t.pool.str(" (");
            t.pool.dec(code & 0xff);
            t.pool.str(")");
            t.endNote(ai, m);
          }
        }
        if (node >= 0 && t.detail) {
          const en = quicErrorName(code);
          const m = t.beginNote();
          t.pool.str("CONNECTION_CLOSE (Transport) Error code: ");
          t.pool.str(en !== null ? en : "Unknown");
          if ((code >> 8) == 1) {
            const an = alertDescName(<u32>(code & 0xff));
            t.pool.str(" (");
            t.pool.str(an !== null ? an : "unknown");
            t.pool.str(")");
          }
          t.endNote(node, m);
        }
      } else t.fval(HF_CC_ERROR_APP, p, codeLen, code);
      p += codeLen;
      if (ft == 0x1c) {
        vfield(HF_CC_FRAME_TYPE, p, end);
        p += varintLen;
      }
      const rl = vfield(HF_CC_REASON_LEN, p, end);
      p += varintLen;
      if (rl > <u64>(end - p)) t.need(end, 1);
      else {
        t.fstr(HF_CC_REASON, p, <i32>rl);
        p += <i32>rl;
      }
    } else if (ft == 0x30 || ft == 0x31) {
      let n: u64 = <u64>(end - p);
      if (ft == 0x31) {
        n = vfield(HF_DG_LEN, p, end);
        p += varintLen;
      }
      if (n > <u64>(end - p)) t.need(end, 1);
      else {
        t.fbytes(HF_DG, p, <i32>n);
        p += <i32>n;
      }
    }
    t.setLength(node, (p > end ? end : p) - o);
    t.close(node);
    if (p <= o) break;
    o = p;
  }
}
