// The Transmission Control Protocol: ports, sequence numbers, flags,
// options, the stream index, and the hand-over of the payload.

import { field, protocol, columnProtocol, valueStrings, FT, BASE } from "../core/registry";
import { SET_NOT_SET, CHECKSUM_STATUS } from "../core/names";
import * as t from "../core/tree";
import { pinfo, frame } from "../core/pinfo";
import { net } from "../core/net";
import { tcpStream, tcpBases, baseFwd, baseRev, scaleFwd, lookupStream, lastDir, lastReused, tcpDataSeen, storeWindowScales } from "../summary/flows";
import * as reasm from "./tcpreasm";
import * as an from "./tcpanalysis";
import { wantOffset, wantLength, resetDesegment } from "./desegment";
import { dissectTcpPayload } from "./apps";
import { Text } from "../core/text";

export const HF_TCP = protocol("tcp", "Transmission Control Protocol", "TCP: the reliable, ordered byte stream between two programs that carries the web, mail, file transfers and most other traffic.");
export const HF_SRCPORT = field("tcp.srcport", "Source Port", FT.UINT16, BASE.DEC, "The port of the program that sent the segment; clients usually pick a high, temporary one.");
export const HF_DSTPORT = field("tcp.dstport", "Destination Port", FT.UINT16, BASE.DEC, "The port of the program the segment is for; servers listen on well-known ports such as 80 (HTTP) or 443 (HTTPS).");
export const HF_PORT = field("tcp.port", "Source or Destination Port", FT.UINT16, BASE.DEC, "Either port of the segment; 'tcp.port == 443' finds HTTPS traffic in both directions.");
export const HF_STREAM = field("tcp.stream", "Stream index", FT.UINT32, BASE.DEC, "A number for the connection this segment belongs to, counted from 0 in order of appearance; 'tcp.stream == 3' shows one whole connection.");
const HF_LEN = field("tcp.len", "TCP Segment Len", FT.UINT32, BASE.DEC, "How many bytes of payload (data) the segment carries.");
const HF_SEQ = field("tcp.seq", "Sequence Number", FT.UINT32, BASE.DEC, "Position of this segment's first data byte in the sender's stream, counted from 0 at the start of the connection (relative).");
const HF_SEQ_RAW = field("tcp.seq_raw", "Sequence Number (raw)", FT.UINT32, BASE.DEC, "The sequence number as it appears on the wire; it starts at a random value.");
const HF_NXTSEQ = field("tcp.nxtseq", "Next Sequence Number", FT.UINT32, BASE.DEC, "The sequence number the sender's next segment should have (this one plus its length).");
const HF_ACK = field("tcp.ack", "Acknowledgment Number", FT.UINT32, BASE.DEC, "The next byte the sender expects from the other side, which confirms everything before it arrived (relative).");
const HF_ACK_RAW = field("tcp.ack_raw", "Acknowledgment number (raw)", FT.UINT32, BASE.DEC, "The acknowledgment number as it appears on the wire.");
const HF_HDR_LEN = field("tcp.hdr_len", "Header Length", FT.UINT8, BASE.DEC, "Length of the TCP header in bytes: 20, plus any options.");
export const HF_FLAGS = field("tcp.flags", "Flags", FT.UINT16, BASE.HEX, "The control bits: SYN opens a connection, ACK acknowledges data, FIN closes, RST aborts, PSH pushes data to the program.", 0x0fff);
const HF_FLAG_RES = field("tcp.flags.res", "Reserved", FT.BOOLEAN, BASE.NONE, "Reserved bits; must be zero.", 0x0e00);
const HF_FLAG_AE = field("tcp.flags.ae", "Accurate ECN", FT.BOOLEAN, BASE.NONE, "Accurate ECN bit (formerly the ECN nonce).", 0x0100);
const HF_FLAG_CWR = field("tcp.flags.cwr", "Congestion Window Reduced", FT.BOOLEAN, BASE.NONE, "The sender slowed down in answer to a congestion signal.", 0x0080);
const HF_FLAG_ECE = field("tcp.flags.ece", "ECN-Echo", FT.BOOLEAN, BASE.NONE, "Tells the other side that the network signalled congestion (or, on a SYN, that ECN is supported).", 0x0040);
const HF_FLAG_URG = field("tcp.flags.urg", "Urgent", FT.BOOLEAN, BASE.NONE, "The urgent pointer field is meaningful (rarely used).", 0x0020);
export const HF_FLAG_ACK = field("tcp.flags.ack", "Acknowledgment", FT.BOOLEAN, BASE.NONE, "The acknowledgment number is valid; set on every segment after the first SYN.", 0x0010);
const HF_FLAG_PUSH = field("tcp.flags.push", "Push", FT.BOOLEAN, BASE.NONE, "Asks the receiver to hand the data to the program at once.", 0x0008);
export const HF_FLAG_RESET = field("tcp.flags.reset", "Reset", FT.BOOLEAN, BASE.NONE, "Aborts the connection, often because nothing listens on the port.", 0x0004);
export const HF_FLAG_SYN = field("tcp.flags.syn", "Syn", FT.BOOLEAN, BASE.NONE, "Opens a connection: the first two segments of the handshake carry it.", 0x0002);
export const HF_FLAG_FIN = field("tcp.flags.fin", "Fin", FT.BOOLEAN, BASE.NONE, "The sender has no more data: it closes its half of the connection.", 0x0001);
const HF_FLAGS_STR = field("tcp.flags.str", "TCP Flags", FT.STRING, BASE.NONE, "The flags as letters, for example ·······A··S· for SYN+ACK.");
const HF_WINDOW_VALUE = field("tcp.window_size_value", "Window", FT.UINT16, BASE.DEC, "The window field as sent: how many more bytes the sender can receive, before scaling.");
const HF_WINDOW = field("tcp.window_size", "Calculated window size", FT.UINT32, BASE.DEC, "The receive window after applying the scale factor agreed in the handshake.");
const HF_WINDOW_SCALE = field("tcp.window_size_scalefactor", "Window size scaling factor", FT.INT32, BASE.DEC, "The multiplier agreed in the handshake (-1 if the handshake was not seen, -2 if none is used).");
const HF_CHECKSUM = field("tcp.checksum", "Checksum", FT.UINT16, BASE.HEX, "A checksum over the segment, so the receiver can detect corruption.");
const HF_CHECKSUM_STATUS = field("tcp.checksum.status", "Checksum Status", FT.UINT8, BASE.NONE, "Whether the checksum was verified: 2 means it was not checked.");
const HF_URGENT = field("tcp.urgent_pointer", "Urgent Pointer", FT.UINT16, BASE.DEC, "With the URG flag, where urgent data ends.");
const HF_OPTIONS = field("tcp.options", "TCP Options", FT.BYTES, BASE.NONE, "Optional header fields, mostly negotiated in the handshake: segment size, window scale, selective acknowledgments, timestamps.");
const HF_OPTION_KIND = field("tcp.option_kind", "Kind", FT.UINT8, BASE.DEC, "Which option: 2 MSS, 3 window scale, 4 SACK permitted, 5 SACK, 8 timestamps ...");
const HF_OPTION_LEN = field("tcp.option_len", "Length", FT.UINT8, BASE.DEC, "Length of the option in bytes.");
const HF_OPT_NOP = field("tcp.options.nop", "TCP Option - No-Operation (NOP)", FT.BYTES, BASE.NONE, "Padding that aligns the next option.");
const HF_OPT_EOL = field("tcp.options.eol", "TCP Option - End of Option List (EOL)", FT.BYTES, BASE.NONE, "Marks the end of the options.");
const HF_OPT_MSS = field("tcp.options.mss", "TCP Option - Maximum segment size", FT.NONE, BASE.NONE, "The largest segment the sender can receive.");
const HF_OPT_MSS_VAL = field("tcp.options.mss_val", "MSS Value", FT.UINT16, BASE.DEC, "The largest segment payload, in bytes, the sender can receive (1460 on Ethernet).");
const HF_OPT_WS = field("tcp.options.wscale", "TCP Option - Window scale", FT.NONE, BASE.NONE, "Lets windows grow beyond 64 KiB.");
const HF_OPT_WS_SHIFT = field("tcp.options.wscale.shift", "Shift count", FT.UINT8, BASE.DEC, "Window values from this sender are multiplied by 2 to this power.");
const HF_OPT_WS_MULT = field("tcp.options.wscale.multiplier", "Multiplier", FT.UINT16, BASE.DEC, "The multiplier the shift count gives.");
const HF_OPT_SACK_PERM = field("tcp.options.sack_perm", "TCP Option - SACK permitted", FT.NONE, BASE.NONE, "The sender can use selective acknowledgments.");
const HF_OPT_SACK = field("tcp.options.sack", "TCP Option - SACK", FT.NONE, BASE.NONE, "Selective acknowledgment: ranges of data received beyond a gap.");
const HF_OPT_SACK_LE = field("tcp.options.sack_le", "TCP SACK Left Edge", FT.UINT32, BASE.DEC, "Start of a received range (relative).");
const HF_OPT_SACK_RE = field("tcp.options.sack_re", "TCP SACK Right Edge", FT.UINT32, BASE.DEC, "End of a received range (relative).");
const HF_OPT_TS = field("tcp.options.timestamp", "TCP Option - Timestamps", FT.NONE, BASE.NONE, "Timestamps for measuring round-trip time and protecting against wrapped sequence numbers.");
const HF_OPT_TSVAL = field("tcp.options.timestamp.tsval", "Timestamp value", FT.UINT32, BASE.DEC, "The sender's clock when it sent the segment.");
const HF_OPT_TSECR = field("tcp.options.timestamp.tsecr", "Timestamp echo reply", FT.UINT32, BASE.DEC, "The timestamp value most recently received from the other side.");
const HF_PAYLOAD = field("tcp.payload", "TCP payload", FT.BYTES, BASE.NONE, "The data the segment carries.");
const HF_SEGMENT_DATA = field("tcp.segment_data", "TCP segment data", FT.BYTES, BASE.NONE, "Data of a message that continues in later segments; it is shown with the segment that completes the message.");
const HF_REASSEMBLED_LENGTH = field("tcp.reassembled.length", "Reassembled TCP length", FT.UINT32, BASE.DEC, "Length of the message rebuilt from several segments.");
const HF_SEGMENT_COUNT = field("tcp.segment.count", "Segment count", FT.UINT32, BASE.DEC, "How many segments the message was rebuilt from.");
const HF_REASSEMBLED_DATA = field("tcp.reassembled.data", "Reassembled TCP Data", FT.BYTES, BASE.NONE, "A message rebuilt from several segments.");
const HF_ANALYSIS = field("tcp.analysis", "SEQ/ACK analysis", FT.NONE, BASE.NONE, "What the analysis of sequence and acknowledgment numbers found about this segment.");
const HF_A_ACKS_FRAME = field("tcp.analysis.acks_frame", "This is an ACK to the segment in frame", FT.FRAMENUM, BASE.NONE, "The earlier segment whose last byte this acknowledgment covers exactly.");
const HF_A_ACK_RTT = field("tcp.analysis.ack_rtt", "The RTT to ACK the segment was", FT.RELATIVE_TIME, BASE.NONE, "How long the acknowledged segment took to be acknowledged: a measure of the round-trip time.");
const HF_A_FLAGS = field("tcp.analysis.flags", "TCP Analysis Flags", FT.NONE, BASE.NONE, "The analysis noticed something about this segment: a retransmission, a duplicate ACK, a window event ... 'tcp.analysis.flags' finds every such segment.");
const HF_A_RETRANSMISSION = field("tcp.analysis.retransmission", "This frame is a (suspected) retransmission", FT.NONE, BASE.NONE, "The segment carries data (or a SYN or FIN) sent before: the sender sent it again, usually because it was lost or not acknowledged in time.");
const HF_A_FAST_RETRANSMISSION = field("tcp.analysis.fast_retransmission", "This frame is a (suspected) fast retransmission", FT.NONE, BASE.NONE, "A retransmission sent right after duplicate ACKs asked for this data, without waiting for a timeout.");
const HF_A_SPURIOUS_RETRANSMISSION = field("tcp.analysis.spurious_retransmission", "This frame is a (suspected) spurious retransmission", FT.NONE, BASE.NONE, "A retransmission of data the receiver had already acknowledged: it was not needed.");
const HF_A_OUT_OF_ORDER = field("tcp.analysis.out_of_order", "This frame is a (suspected) out-of-order segment", FT.NONE, BASE.NONE, "The segment comes after a later part of the stream, soon enough that it was probably reordered on the way rather than sent again.");
const HF_A_REUSED_PORTS = field("tcp.analysis.reused_ports", "A new tcp session is started with the same ports as an earlier session in this trace", FT.NONE, BASE.NONE, "A SYN opens a new connection on the addresses and ports of an earlier one.");
const HF_A_LOST_SEGMENT = field("tcp.analysis.lost_segment", "Previous segment(s) not captured (common at capture start)", FT.NONE, BASE.NONE, "The segment starts after a gap: data sent before it was not captured (lost, or sent before the capture began).");
const HF_A_ACK_LOST_SEGMENT = field("tcp.analysis.ack_lost_segment", "ACKed segment that wasn't captured (common at capture start)", FT.NONE, BASE.NONE, "The segment acknowledges data of the other side that the capture never saw.");
const HF_A_WINDOW_UPDATE = field("tcp.analysis.window_update", "TCP window update", FT.NONE, BASE.NONE, "A segment without data whose only news is a changed receive window.");
const HF_A_WINDOW_FULL = field("tcp.analysis.window_full", "TCP window specified by the receiver is now completely full", FT.NONE, BASE.NONE, "The sender has filled the receiver's window: it must wait for an acknowledgment before sending more.");
const HF_A_KEEP_ALIVE = field("tcp.analysis.keep_alive", "TCP keep-alive segment", FT.NONE, BASE.NONE, "A segment one byte behind the stream, sent to check that the other side is still there.");
const HF_A_KEEP_ALIVE_ACK = field("tcp.analysis.keep_alive_ack", "ACK to a TCP keep-alive segment", FT.NONE, BASE.NONE, "The answer to a keep-alive: the other side is still there.");
const HF_A_DUP_ACK = field("tcp.analysis.duplicate_ack", "Duplicate ACK", FT.NONE, BASE.NONE, "An acknowledgment repeating the previous one: the receiver got a segment but is still missing earlier data.");
const HF_A_DUP_ACK_NUM = field("tcp.analysis.duplicate_ack_num", "Duplicate ACK #", FT.UINT32, BASE.DEC, "How many times in a row this acknowledgment has been repeated.");
const HF_A_DUP_ACK_FRAME = field("tcp.analysis.duplicate_ack_frame", "Duplicate to the ACK in frame", FT.FRAMENUM, BASE.NONE, "The frame with the original acknowledgment this one repeats.");
const HF_A_ZERO_WINDOW_PROBE = field("tcp.analysis.zero_window_probe", "TCP Zero Window Probe", FT.NONE, BASE.NONE, "One byte sent into a closed (zero) window, to learn when the receiver can take data again.");
const HF_A_ZERO_WINDOW = field("tcp.analysis.zero_window", "TCP Zero Window segment", FT.NONE, BASE.NONE, "The sender's receive window is zero: it cannot take more data for now.");
const HF_A_ZERO_WINDOW_PROBE_ACK = field("tcp.analysis.zero_window_probe_ack", "ACK to a TCP Zero Window Probe", FT.NONE, BASE.NONE, "The answer to a zero window probe, still with a zero window.");
const HF_A_RTO = field("tcp.analysis.rto", "The RTO for this segment was", FT.RELATIVE_TIME, BASE.NONE, "How long the sender waited before retransmitting: the time since the original segment.");
const HF_A_RTO_FRAME = field("tcp.analysis.rto_frame", "RTO based on delta from frame", FT.FRAMENUM, BASE.NONE, "The frame the retransmission timeout is measured from.");
export const COL_TCP = columnProtocol("TCP", HF_TCP);
for (let i = 0; i < 10; i++) {
  valueStrings([HF_FLAG_AE, HF_FLAG_CWR, HF_FLAG_ECE, HF_FLAG_URG, HF_FLAG_ACK, HF_FLAG_PUSH, HF_FLAG_RESET, HF_FLAG_SYN, HF_FLAG_FIN, HF_FLAG_RES][i], SET_NOT_SET);
}
valueStrings(HF_CHECKSUM_STATUS, CHECKSUM_STATUS);
valueStrings(HF_OPTION_KIND, "0:End of Option List (EOL)|1:No-Operation (NOP)|2:Maximum Segment Size|3:Window Scale|4:SACK Permitted|5:SACK|8:Time Stamp Option|19:TCP MD5 Signature Option|28:User Timeout|29:TCP Authentication Option|30:Multipath TCP|34:TCP Fast Open Cookie");

const TH_FIN: u32 = 0x01;
const TH_SYN: u32 = 0x02;
const TH_RST: u32 = 0x04;
const TH_PUSH: u32 = 0x08;
const TH_ACK: u32 = 0x10;
const TH_URG: u32 = 0x20;
const TH_ECE: u32 = 0x40;
const TH_CWR: u32 = 0x80;
const TH_AE: u32 = 0x100;

/** The segment being dissected, for application dissectors. */
export let segSrcPort: u32 = 0;
export let segDstPort: u32 = 0;
export let segStream: i32 = -1;
export let segSeq: u32 = 0;

export function dissectTcp(off: i32, end: i32): void {
  const prev = t.enter(end);
  const node = t.open(HF_TCP, off, 20);
  const sport = t.f16(HF_SRCPORT, off);
  const dport = t.f16(HF_DSTPORT, off + 2);
  t.hiddenCopy(HF_PORT, off, 2, sport);
  t.hiddenCopy(HF_PORT, off + 2, 2, dport);
  if (!pinfo.inError && !t.stopped) {
    pinfo.srcPort = sport;
    pinfo.dstPort = dport;
    pinfo.colProto = COL_TCP;
  }
  if (pinfo.inError && t.has(off + 4, 4)) t.f32(HF_SEQ, off + 4);
  // The conversation is found once the fixed header has been read, as tshark does.
  const seq = t.get32(off + 4);
  const ack = t.get32(off + 8);
  const word = t.get16(off + 12);
  const window = t.get16(off + 14);
  if (t.stopped) {
    pinfo.complex = true;
    t.close(node);
    t.restore(prev);
    return;
  }
  const hlen = <i32>(word >> 12) * 4;
  const flags = word & 0x0fff;
  const seglen = end - off - hlen;
  const analyze = !net.fragment && !pinfo.inError && seglen >= 0 && hlen >= 20;
  let stream: i32;
  if (frame.track) stream = tcpStream(net.src, net.dst, net.alen, sport, dport, flags, seq, ack, analyze);
  else if (!pinfo.inError && frame.stream >= 0) stream = frame.stream;
  else stream = lookupStream(6, net.src, net.dst, net.alen, sport, dport);
  if (!pinfo.inError) {
    pinfo.aux = flags;
    pinfo.stream = stream;
  }
  segSrcPort = sport;
  segDstPort = dport;
  segStream = stream;
  segSeq = seq;
  const scale = analyse(off, hlen, stream, seq, ack, seglen, flags, window, analyze);
  infoPrefix.reset();
  if (t.detail) {
    tcpTree(node, off, end, sport, dport, seq, ack, hlen, flags, seglen, stream, analyze, scale);
  }
  if (hlen < 20 || !t.need(off, hlen)) {
    pinfo.complex = true;
    t.close(node);
    prependInfoPrefix();
    t.restore(prev);
    return;
  }
  t.setLength(node, hlen);
  t.close(node);
  if (seglen > 0 && !pinfo.inError) payload(off + hlen, end, sport, dport, stream, flags, seq);
  prependInfoPrefix();
  t.restore(prev);
}

/**
 * The sequence analysis of the segment (tcpanalysis.ts): computed in the
 * summary pass, taken from the host's records in the detail pass of one
 * packet. Returns the window scale that applies to the segment's window
 * (-2 none, -1 unknown, else the shift).
 */
function analyse(off: i32, hlen: i32, stream: i32, seq: u32, ack: u32, seglen: i32, flags: u32, window: u32, analyze: bool): i32 {
  if (!analyze || stream < 0) {
    an.clearAnalysis();
    return -1;
  }
  if (!frame.track) {
    const p = reasm.takeInjected(an.KIND_ANALYSIS);
    an.loadInjected(p, p != 0 ? reasm.takenLength : 0);
    return -1;
  }
  const now = frame.hasTime ? frame.tsNs : 0;
  an.analyseSegment(stream, lastDir, frame.number, now, seq, ack, <u32>seglen, flags, window, lastReused);
  const scale = an.windowScale(stream, lastDir);
  const shift = hlen > 20 && t.has(off + 20, hlen - 20) ? windowScaleOption(off + 20, off + hlen) : -1;
  an.afterSegment(stream, lastDir, now, flags, shift);
  const ws0 = an.windowScale(stream, 0);
  const ws1 = an.windowScale(stream, 1);
  storeWindowScales(ws0, ws1);
  an.announce(frame.number - 1);
  return scale;
}

/** The shift of a Window Scale option among the options in [off, end), or -1. */
function windowScaleOption(off: i32, end: i32): i32 {
  let o = off;
  while (o < end) {
    const kind = <u32>load<u8>(t.at(o));
    if (kind == 0) break;
    if (kind == 1) {
      o++;
      continue;
    }
    if (o + 2 > end) break;
    const len = <i32>load<u8>(t.at(o + 1));
    if (len < 2 || o + len > end) break;
    if (kind == 3 && len == 3) return <i32>load<u8>(t.at(o + 2));
    o += len;
  }
  return -1;
}

// The analysis's "[TCP Retransmission] " and the like, put before the Info
// column once the application has written it (Wireshark's column fence).
const infoPrefix = new Text(256);
const infoRest = new Text(4096);

function prependInfoPrefix(): void {
  if (infoPrefix.len == 0 || !t.detail) return;
  infoRest.copyFrom(t.info);
  t.info.copyFrom(infoPrefix);
  t.info.raw(infoRest.ptr, infoRest.len);
  infoPrefix.reset();
}

/**
 * Hands the payload to the application dissector, reassembling messages
 * that span segments when the flow is being tracked (the summary pass).
 */
function payload(off: i32, end: i32, sport: u32, dport: u32, stream: i32, flags: u32, seq: u32): void {
  const len = end - off;
  const whole = t.has(off, len);
  if (!frame.track) {
    payloadOnDemand(off, end, sport, dport);
    return;
  }
  if (stream < 0 || !whole || net.fragment) {
    dissectTcpPayload(off, end, sport, dport);
    return;
  }
  const key = stream * 2 + lastDir;
  const dataSeq = (flags & TH_SYN) != 0 ? seq + 1 : seq;
  const nextSeq = dataSeq + <u32>len;
  const packet = frame.number - 1;
  // Data already seen is not handed to the application again; nor, as in
  // Wireshark, a segment the analysis found retransmitted, out of order or
  // a keep-alive.
  const seen = tcpDataSeen(dataSeq, nextSeq);
  if (seen || (an.flags & (an.A_RETRANSMISSION | an.A_OUT_OF_ORDER | an.A_KEEP_ALIVE)) != 0) {
    reasm.announceState(packet, reasm.KIND_SEEN, 0);
    return;
  }
  const frameOffset = t.source == 0 ? off : -1;
  const p = reasm.pendingFor(key);
  if (p == null) {
    dissectAndKeep(off, end, sport, dport, key, nextSeq);
    return;
  }
  const gap = <i32>(dataSeq - p.nextSeq);
  if (gap < 0) return;
  if (gap > 0) {
    // A hole in the stream: the waiting message cannot complete.
    reasm.drop(p);
    dissectAndKeep(off, end, sport, dport, key, nextSeq);
    return;
  }
  const before = p.len;
  if (!reasm.append(p, t.at(off), len, nextSeq, packet, frameOffset)) {
    dissectAndKeep(off, end, sport, dport, key, nextSeq);
    return;
  }
  if (p.want != reasm.UNKNOWN_LENGTH && p.len < p.want) {
    held(packet, frameOffset);
    segmentOfMessage(off, len);
    return;
  }
  // Complete (or of unknown length: try again with what has arrived).
  const messageLen = p.want == reasm.UNKNOWN_LENGTH ? p.len : p.want;
  const segments = p.segments;
  done.copyFrom(p.parts);
  const copy = reasm.deliver(p.buf, messageLen);
  reasm.drop(p);
  if (copy == 0) {
    dissectTcpPayload(off, end, sport, dport);
    return;
  }
  // This segment's bytes that belong to the message; the rest begins the next.
  const used = messageLen - before;
  trimParts(done, messageLen);
  if (t.detail) savedInfo.copyFrom(t.info);
  const wantOff = deliverMessage(copy, messageLen, segments, off, sport, dport);
  if (wantOff == 0) {
    // Still nothing complete: shown as TCP, as tshark does.
    pinfo.colProto = COL_TCP;
    if (t.detail) t.info.copyFrom(savedInfo);
    if (before > 0) held(packet, frameOffset);
  } else reasm.announce(reasm.KIND_TCP, packet, messageLen, used, done, null);
  if (wantOff >= 0) {
    // Part of the message is still incomplete: keep waiting from where it starts.
    done.skip(wantOff);
    reasm.begin(key, copy + <usize>wantOff, messageLen - wantOff, wantLength, nextSeq, done);
    if (before == 0) segmentOfMessage(off, len);
    return;
  }
  if (used < len) dissectAndKeep(off + used, end, sport, dport, key, nextSeq);
}

/** Tells the detail pass that this segment's data went, unseen by its dissector, into a message begun earlier. */
function held(packet: u32, frameOffset: i32): void {
  if (frameOffset >= 0) reasm.announceState(packet, reasm.KIND_HELD, <u32>frameOffset);
}

const done = new reasm.Parts(reasm.MAX_TCP_PARTS);
const first = new reasm.Parts(reasm.MAX_TCP_PARTS);

/** Keeps only the parts that make up the first `length` bytes. */
function trimParts(parts: reasm.Parts, length: i32): void {
  let sum = 0;
  for (let i = 0; i < parts.count; i++) {
    const l = unchecked(parts.length[i]);
    if (sum + l >= length) {
      unchecked((parts.length[i] = length - sum));
      parts.count = i + 1;
      return;
    }
    sum += l;
  }
}

/**
 * Dissects a whole message as a data source of its own; returns where the
 * dissector asked for more (-1 when it took everything).
 */
function deliverMessage(message: usize, length: i32, segments: i32, off: i32, sport: u32, dport: u32): i32 {
  t.fgen(HF_SEGMENT_COUNT, off, 0, <u64>segments);
  t.fgen(HF_REASSEMBLED_LENGTH, off, 0, <u64>length);
  const saved = t.enterSource(message, length, HF_REASSEMBLED_DATA);
  resetDesegment();
  dissectTcpPayload(0, length, sport, dport);
  const wantOff = wantOffset;
  t.leaveSource(saved);
  return wantOff;
}

/**
 * The detail pass of one packet: when the host rebuilt the message this
 * segment completed (from the summary pass's REASSEMBLED event), it is shown
 * as the summary pass showed it; the rest of the segment follows.
 */
function payloadOnDemand(off: i32, end: i32, sport: u32, dport: u32): void {
  // The summary pass found this data was a retransmission, and did not dissect it.
  if (reasm.takeInjected(reasm.KIND_SEEN) != 0) return;
  // Where the summary pass held this packet's data for a message completed later.
  let heldAt = end;
  if (reasm.takeInjected(reasm.KIND_HELD) != 0 && t.source == 0 && reasm.takenTail >= off && reasm.takenTail < end) heldAt = reasm.takenTail;
  const message = reasm.takeInjected(reasm.KIND_TCP);
  let from = off;
  if (message != 0) {
    deliverMessage(message, reasm.takenLength, 0, off, sport, dport);
    from = off + reasm.takenTail;
  }
  if (heldAt < end && from >= heldAt) {
    segmentOfMessage(heldAt, end - heldAt);
    return;
  }
  if (from < end) dissectShowingRest(from, end, sport, dport, heldAt);
}

/**
 * Dissects [off, end); what the dissector could not finish, or what the
 * summary pass held from `heldAt` on, is shown as segment data.
 */
function dissectShowingRest(off: i32, end: i32, sport: u32, dport: u32, heldAt: i32): void {
  resetDesegment();
  const column = pinfo.colProto;
  if (t.detail) savedInfo.copyFrom(t.info);
  if (heldAt > off) dissectTcpPayload(off, heldAt, sport, dport);
  const want = wantOffset >= 0 && wantOffset < heldAt ? wantOffset : heldAt;
  if (want >= end) return;
  if (want == off) {
    pinfo.colProto = column;
    if (t.detail) t.info.copyFrom(savedInfo);
  }
  segmentOfMessage(want, end - want);
}

const savedInfo = new Text(4096);

/** Dissects [off, end) and starts waiting if the dissector asks for more. */
function dissectAndKeep(off: i32, end: i32, sport: u32, dport: u32, key: i32, nextSeq: u32): void {
  resetDesegment();
  const column = pinfo.colProto;
  if (t.detail) savedInfo.copyFrom(t.info);
  dissectTcpPayload(off, end, sport, dport);
  if (wantOffset < 0 || wantOffset >= end) return;
  const wantOff = wantOffset;
  if (wantOff == off) {
    // Nothing complete from here on: the columns stay as they were (TCP, or
    // the message this segment completed before), as tshark shows them.
    pinfo.colProto = column;
    if (t.detail) t.info.copyFrom(savedInfo);
  }
  first.clear();
  first.add(frame.number - 1, t.source == 0 ? wantOff : -1, end - wantOff);
  reasm.begin(key, t.at(wantOff), end - wantOff, wantLength, nextSeq, first);
  segmentOfMessage(wantOff, end - wantOff);
}

/** Marks bytes that belong to a message completed in a later segment. */
function segmentOfMessage(off: i32, len: i32): void {
  if (!t.detail) return;
  t.fbytes(HF_SEGMENT_DATA, off, len);
  if (pinfo.colProto == COL_TCP) t.info.str(" [TCP segment of a reassembled PDU]");
}

function tcpTree(node: i32, off: i32, end: i32, sport: u32, dport: u32, seq: u32, ack: u32, hlen: i32, flags: u32, seglen: i32, stream: i32, analyze: bool, trackedScale: i32): void {
  let relSeq = seq;
  let relAck = ack;
  let haveBase = false;
  let scale = trackedScale;
  if (analyze && stream >= 0 && net.alen > 0) {
    if (tcpBases(net.src, net.dst, net.alen, sport, dport, stream)) {
      haveBase = true;
      relSeq = seq - baseFwd;
      if ((flags & TH_ACK) != 0) relAck = ack - baseRev;
    }
    if (!frame.track) scale = scaleFwd;
  }
  if (stream >= 0) t.fgen(HF_STREAM, off, 0, <u64>stream);
  if (analyze && seglen >= 0) t.fgen(HF_LEN, off + 12, 1, <u64>seglen);
  const note = t.beginNote();
  t.pool.str("Transmission Control Protocol, Src Port: ");
  t.pool.dec(sport);
  t.pool.str(", Dst Port: ");
  t.pool.dec(dport);
  t.pool.str(", Seq: ");
  t.pool.dec(relSeq);
  if ((flags & TH_ACK) != 0) {
    t.pool.str(", Ack: ");
    t.pool.dec(relAck);
  }
  if (analyze) {
    t.pool.str(", Len: ");
    t.pool.dec(<u64>seglen);
  }
  t.endNote(node, note);
  if (!pinfo.inError) {
    t.fval(HF_SEQ, off + 4, 4, relSeq);
    t.fval(HF_SEQ_RAW, off + 4, 4, seq);
  }
  if (hlen < 20) return;
  if (analyze) {
    let nxt = relSeq + <u32>seglen;
    if ((flags & (TH_SYN | TH_FIN)) != 0) nxt += 1;
    t.fgen(HF_NXTSEQ, off, 0, nxt);
  }
  t.fval(HF_ACK, off + 8, 4, relAck);
  t.fval(HF_ACK_RAW, off + 8, 4, ack);
  if (!haveBase || (flags & TH_ACK) == 0) t.hidden(t.lastNode());
  const hl = t.fval(HF_HDR_LEN, off + 12, 1, <u64>hlen);
  const hn = t.beginNote();
  t.pool.dec(<u64>hlen);
  t.pool.str(" bytes (");
  t.pool.dec(<u64>(hlen >> 2));
  t.pool.str(")");
  t.endNote(hl, hn);
  const fl = t.fval(HF_FLAGS, off + 12, 2, flags);
  const fn = t.beginNote();
  t.pool.hex(flags, 3);
  t.pool.str(" (");
  flagNamesTo(t.pool, flags);
  t.pool.str(")");
  t.endNote(fl, fn);
  t.openNode(fl);
  t.fbits(HF_FLAG_RES, off + 12, 2, 0x0e00);
  t.fbits(HF_FLAG_AE, off + 12, 2, 0x0100);
  t.fbits(HF_FLAG_CWR, off + 12, 2, 0x0080);
  t.fbits(HF_FLAG_ECE, off + 12, 2, 0x0040);
  t.fbits(HF_FLAG_URG, off + 12, 2, 0x0020);
  t.fbits(HF_FLAG_ACK, off + 12, 2, 0x0010);
  t.fbits(HF_FLAG_PUSH, off + 12, 2, 0x0008);
  t.fbits(HF_FLAG_RESET, off + 12, 2, 0x0004);
  t.fbits(HF_FLAG_SYN, off + 12, 2, 0x0002);
  t.fbits(HF_FLAG_FIN, off + 12, 2, 0x0001);
  const mark = t.poolMark();
  flagLetters(flags);
  t.generated(t.fstrPool(HF_FLAGS_STR, off + 12, 2, mark));
  t.close(fl);
  const win = t.f16(HF_WINDOW_VALUE, off + 14);
  // SYNs are never scaled; later segments by the scale agreed in the handshake.
  const scaled = analyze && stream >= 0 && (flags & TH_SYN) == 0;
  const calculated = scaled && scale >= 0 ? <u64>win << <u64>scale : <u64>win;
  t.fgen(HF_WINDOW, off + 14, 2, calculated);
  if (scaled) scaleFactor(off + 14, scale);
  t.f16(HF_CHECKSUM, off + 16);
  t.fgen(HF_CHECKSUM_STATUS, off + 16, 0, 2);
  const urgent = t.f16(HF_URGENT, off + 18);
  tcpInfo(sport, dport, flags, relSeq, relAck, <u32>calculated, urgent, seglen, analyze);
  if (hlen > 20 && t.has(off + 20, 1)) options(off + 20, off + hlen, haveBase ? baseRev : 0);
  if (analyze && stream >= 0) analysisTree(off);
  if (seglen > 0 && t.has(off + hlen, 1)) {
    const avail = (t.limit < end ? t.limit : end) - off - hlen;
    if (avail > 0) t.fbytes(HF_PAYLOAD, off + hlen, avail);
  }
}

/** tcp.window_size_scalefactor: the multiplier, or -1 (unknown) or -2 (no scaling). */
function scaleFactor(off: i32, scale: i32): void {
  const value: i64 = scale >= 0 ? <i64>1 << <i64>scale : <i64>scale;
  const n = t.fgen(HF_WINDOW_SCALE, off, 2, <u64>value);
  if (scale >= 0) return;
  const m = t.beginNote();
  t.pool.sdec(value);
  t.pool.str(scale == -1 ? " (unknown)" : " (no window scaling used)");
  t.endNote(n, m);
}

/** A generated time field from a span in nanoseconds. */
function spanField(hf: u16, off: i32, ns: i64): i32 {
  let sec = ns / 1000000000;
  let nsec = ns % 1000000000;
  if (nsec < 0) {
    nsec += 1000000000;
    sec -= 1;
  }
  return t.ftime(hf, off, 0, sec, <u32>nsec, t.FLAG_GENERATED);
}

// The analysis flags in the order Wireshark's tcp_print_sequence_number_analysis
// prints them, with their field and Info prefix (each prefix goes before the
// ones printed earlier, so the last printed comes first).
const FLAG_ORDER: StaticArray<u32> = [
  an.A_REUSED_PORTS, an.A_RETRANSMISSION, an.A_FAST_RETRANSMISSION, an.A_SPURIOUS_RETRANSMISSION, an.A_OUT_OF_ORDER,
  an.A_LOST_PACKET, an.A_ACK_LOST_PACKET, an.A_WINDOW_UPDATE, an.A_WINDOW_FULL, an.A_KEEP_ALIVE, an.A_KEEP_ALIVE_ACK,
  an.A_DUPLICATE_ACK, an.A_ZERO_WINDOW_PROBE, an.A_ZERO_WINDOW, an.A_ZERO_WINDOW_PROBE_ACK,
];
const FLAG_FIELDS: StaticArray<u16> = [
  HF_A_REUSED_PORTS, HF_A_RETRANSMISSION, HF_A_FAST_RETRANSMISSION, HF_A_SPURIOUS_RETRANSMISSION, HF_A_OUT_OF_ORDER,
  HF_A_LOST_SEGMENT, HF_A_ACK_LOST_SEGMENT, HF_A_WINDOW_UPDATE, HF_A_WINDOW_FULL, HF_A_KEEP_ALIVE, HF_A_KEEP_ALIVE_ACK,
  HF_A_DUP_ACK, HF_A_ZERO_WINDOW_PROBE, HF_A_ZERO_WINDOW, HF_A_ZERO_WINDOW_PROBE_ACK,
];
const FLAG_PREFIXES: StaticArray<string> = [
  "[TCP Port numbers reused] ", "[TCP Retransmission] ", "[TCP Fast Retransmission] ", "[TCP Spurious Retransmission] ", "[TCP Out-Of-Order] ",
  "[TCP Previous segment not captured] ", "[TCP ACKed unseen segment] ", "[TCP Window Update] ", "[TCP Window Full] ", "[TCP Keep-Alive] ", "[TCP Keep-Alive ACK] ",
  "", "[TCP ZeroWindowProbe] ", "[TCP ZeroWindow] ", "[TCP ZeroWindowProbeAck] ",
];

/**
 * The "SEQ/ACK analysis" subtree, and the Info column's prefixes, as
 * Wireshark's tcp_print_sequence_number_analysis shows them.
 */
function analysisTree(off: i32): void {
  if (!an.found) return;
  const parent = t.currentParent();
  const tree = t.fgen(HF_ANALYSIS, off, 0, 0);
  t.openNode(tree);
  if (an.acksFrame != 0) {
    t.fgen(HF_A_ACKS_FRAME, off, 0, an.acksFrame);
    spanField(HF_A_ACK_RTT, off, an.ackRtt);
  }
  if (an.flags != 0) {
    const flagsNode = t.fgen(HF_A_FLAGS, off, 0, 0);
    t.openNode(flagsNode);
    for (let i = 0; i < FLAG_ORDER.length; i++) {
      const flag = unchecked(FLAG_ORDER[i]);
      if ((an.flags & flag) == 0) continue;
      const item = t.fgen(unchecked(FLAG_FIELDS[i]), off, 0, 1);
      if (flag == an.A_DUPLICATE_ACK) {
        duplicateAck(off, item, tree, flagsNode);
        continue;
      }
      // A fast or spurious retransmission is a retransmission too.
      if (flag == an.A_FAST_RETRANSMISSION || flag == an.A_SPURIOUS_RETRANSMISSION) t.fgen(HF_A_RETRANSMISSION, off, 0, 1);
      if (flag == an.A_RETRANSMISSION && an.rto != 0) {
        spanField(HF_A_RTO, off, an.rto);
        t.fgen(HF_A_RTO_FRAME, off, 0, an.rtoFrame);
      }
      prefix(unchecked(FLAG_PREFIXES[i]));
    }
  }
  t.setParent(parent);
}

/** A duplicate ACK: its flag, and in the analysis tree its number and the ACK it repeats. */
function duplicateAck(off: i32, item: i32, tree: i32, flagsNode: i32): void {
  const m = t.beginNote();
  t.pool.str("This is a TCP duplicate ack");
  t.endLabel(item, m);
  dupAckPrefix();
  t.setParent(tree);
  t.fgen(HF_A_DUP_ACK_NUM, off, 0, an.dupAckNum);
  t.openNode(t.fgen(HF_A_DUP_ACK_FRAME, off, 0, an.dupAckFrame));
  const expert = t.fgen(HF_A_DUP_ACK, off, 0, 1);
  const n = t.beginNote();
  t.pool.str("Duplicate ACK (#");
  t.pool.dec(an.dupAckNum);
  t.pool.str(")");
  t.endLabel(expert, n);
  t.setParent(flagsNode);
}

/** Puts `s` before the prefixes already given, as Wireshark's col_prepend_fence_fstr does. */
function prefix(s: string): void {
  infoRest.copyFrom(infoPrefix);
  infoPrefix.reset();
  infoPrefix.str(s);
  infoPrefix.raw(infoRest.ptr, infoRest.len);
}

function dupAckPrefix(): void {
  infoRest.copyFrom(infoPrefix);
  infoPrefix.reset();
  infoPrefix.str("[TCP Dup ACK ");
  infoPrefix.dec(an.dupAckFrame);
  infoPrefix.str("#");
  infoPrefix.dec(an.dupAckNum);
  infoPrefix.str("] ");
  infoPrefix.raw(infoRest.ptr, infoRest.len);
}

const FLAG_NAMES: StaticArray<string> = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"];

/** The set flags by name, lowest bit first, as Wireshark lists them ("SYN, ACK"). */
function flagNamesTo(out: Text, flags: u32): void {
  let first = true;
  for (let i = 0; i < 9; i++) {
    if ((flags & (<u32>1 << <u32>i)) != 0) {
      if (!first) out.str(", ");
      out.str(unchecked(FLAG_NAMES[i]));
      first = false;
    }
  }
  if (first) out.str("<None>");
}

function flagLetters(flags: u32): void {
  // Twelve positions, most significant first: reserved (3), AE, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN.
  const letters = "RRRACEUAPRSF";
  for (let i = 11; i >= 0; i--) {
    if ((flags & (<u32>1 << <u32>i)) != 0) t.pool.byte(<u32>letters.charCodeAt(11 - i));
    else t.pool.str("\u00b7");
  }
}

function tcpInfo(sport: u32, dport: u32, flags: u32, seq: u32, ack: u32, win: u32, urgent: u32, seglen: i32, analyze: bool): void {
  if (pinfo.inError) return;
  const info = t.info;
  info.reset();
  info.dec(sport);
  info.str(" \u2192 ");
  info.dec(dport);
  info.str(" [");
  flagNamesTo(info, flags);
  info.str("] Seq=");
  info.dec(seq);
  if ((flags & TH_ACK) != 0) {
    info.str(" Ack=");
    info.dec(ack);
  }
  info.str(" Win=");
  info.dec(win);
  if ((flags & TH_URG) != 0) {
    info.str(" Urg=");
    info.dec(urgent);
  }
  if (analyze) {
    info.str(" Len=");
    info.dec(<u64>seglen);
  }
}

/** The options' tree, and their summary in the Info column (" MSS=1460 SACK_PERM WS=128"); SACK edges relative to `sackBase`. */
function options(off: i32, end: i32, sackBase: u32): void {
  const info = !pinfo.inError;
  const opts = t.open(HF_OPTIONS, off, end - off);
  // Options cut by the capture are shown up to the cut, as tshark does.
  const full = end;
  if (t.limit < end) end = t.limit;
  const note = t.beginNote();
  t.pool.str("Options: (");
  t.pool.dec(<u64>(full - off));
  t.pool.str(" bytes)");
  t.endLabel(opts, note);
  let o = off;
  while (o < end) {
    const kind = <u32>load<u8>(t.at(o));
    if (kind == 0 || kind == 1) {
      const n = t.open(kind == 0 ? HF_OPT_EOL : HF_OPT_NOP, o, 1);
      const m = t.beginNote();
      t.pool.str(kind == 0 ? "TCP Option - End of Option List (EOL)" : "TCP Option - No-Operation (NOP)");
      t.endLabel(n, m);
      t.f8(HF_OPTION_KIND, o);
      t.close(n);
      if (kind == 0) break;
      o++;
      continue;
    }
    if (o + 2 > end) break;
    const len = <i32>load<u8>(t.at(o + 1));
    if (len < 2 || o + len > end) break;
    let hf: u16 = HF_OPTION_KIND;
    if (kind == 2) hf = HF_OPT_MSS;
    else if (kind == 3) hf = HF_OPT_WS;
    else if (kind == 4) hf = HF_OPT_SACK_PERM;
    else if (kind == 5) hf = HF_OPT_SACK;
    else if (kind == 8) hf = HF_OPT_TS;
    const n = t.open(hf, o, len);
    t.f8(HF_OPTION_KIND, o);
    t.f8(HF_OPTION_LEN, o + 1);
    if (kind == 2 && len == 4) {
      const mss = t.f16(HF_OPT_MSS_VAL, o + 2);
      if (info) infoValue(" MSS=", mss);
    } else if (kind == 3 && len == 3) {
      const shift = t.f8(HF_OPT_WS_SHIFT, o + 2);
      t.fgen(HF_OPT_WS_MULT, o + 2, 1, shift < 15 ? <u64>1 << <u64>shift : 0);
      // RFC 7323: a shift above 14 is taken as 14.
      if (info) infoValue(" WS=", <u32>1 << (shift > 14 ? 14 : shift));
    } else if (kind == 4 && len == 2) {
      if (info) t.info.str(" SACK_PERM");
    } else if (kind == 5) {
      for (let s = o + 2; s + 8 <= o + len; s += 8) {
        const le = t.get32(s) - sackBase;
        const re = t.get32(s + 4) - sackBase;
        t.fval(HF_OPT_SACK_LE, s, 4, le);
        t.fval(HF_OPT_SACK_RE, s + 4, 4, re);
        if (info) {
          infoValue(" SLE=", le);
          infoValue(" SRE=", re);
        }
      }
    } else if (kind == 8 && len == 10) {
      const tsval = t.f32(HF_OPT_TSVAL, o + 2);
      const tsecr = t.f32(HF_OPT_TSECR, o + 6);
      if (info) {
        infoValue(" TSval=", tsval);
        infoValue(" TSecr=", tsecr);
      }
    }
    t.close(n);
    o += len;
  }
  t.close(opts);
}

function infoValue(label: string, v: u32): void {
  t.info.str(label);
  t.info.dec(v);
}
