// The User Datagram Protocol: ports, length, the stream index, and the
// hand-over of the payload.

import { field, protocol, columnProtocol, valueStrings, FT, BASE } from "../core/registry";
import { CHECKSUM_STATUS } from "../core/names";
import * as t from "../core/tree";
import { pinfo, frame } from "../core/pinfo";
import { net } from "../core/net";
import { udpStream, lookupStream } from "../summary/flows";
import { dissectUdpPayload } from "./apps";

export const HF_UDP = protocol("udp", "User Datagram Protocol", "UDP: single, independent messages between programs, with no connection and no delivery guarantee; used by DNS, DHCP, NTP, QUIC, voice and video.");
export const HF_SRCPORT = field("udp.srcport", "Source Port", FT.UINT16, BASE.DEC, "The port of the program that sent the datagram.");
export const HF_DSTPORT = field("udp.dstport", "Destination Port", FT.UINT16, BASE.DEC, "The port of the program the datagram is for (53 DNS, 67/68 DHCP, 123 NTP, 443 QUIC ...).");
export const HF_PORT = field("udp.port", "Source or Destination Port", FT.UINT16, BASE.DEC, "Either port of the datagram.");
const HF_LENGTH = field("udp.length", "Length", FT.UINT16, BASE.DEC, "Length of the UDP header and payload in bytes.");
const HF_CHECKSUM = field("udp.checksum", "Checksum", FT.UINT16, BASE.HEX, "A checksum over the datagram; 0 means the sender did not compute one.");
const HF_CHECKSUM_STATUS = field("udp.checksum.status", "Checksum Status", FT.UINT8, BASE.NONE, "Whether the checksum was verified: 2 means it was not checked.");
export const HF_STREAM = field("udp.stream", "Stream index", FT.UINT32, BASE.DEC, "A number for the conversation (pair of addresses and ports) this datagram belongs to, counted from 0 in order of appearance.");
const HF_PAYLOAD = field("udp.payload", "Payload", FT.BYTES, BASE.NONE, "The data the datagram carries.");
export const COL_UDP = columnProtocol("UDP", HF_UDP);
valueStrings(HF_CHECKSUM_STATUS, CHECKSUM_STATUS);

export function dissectUdp(off: i32, end: i32): void {
  const prev = t.enter(end);
  const node = t.open(HF_UDP, off, 8);
  const sport = t.f16(HF_SRCPORT, off);
  const dport = t.f16(HF_DSTPORT, off + 2);
  t.hiddenCopy(HF_PORT, off, 2, sport);
  t.hiddenCopy(HF_PORT, off + 2, 2, dport);
  if (!pinfo.inError && !t.stopped) {
    pinfo.srcPort = sport;
    pinfo.dstPort = dport;
    pinfo.colProto = COL_UDP;
  }
  const length = <i32>t.f16(HF_LENGTH, off + 4);
  t.f16(HF_CHECKSUM, off + 6);
  t.fgen(HF_CHECKSUM_STATUS, off + 6, 0, 2);
  if (t.stopped) {
    pinfo.complex = true;
    t.close(node);
    t.restore(prev);
    return;
  }
  let stream: i32;
  if (frame.track) stream = udpStream(net.src, net.dst, net.alen, sport, dport);
  else {
    // The lookup also finds the conversation's recognised application (QUIC).
    const found = lookupStream(17, net.src, net.dst, net.alen, sport, dport);
    stream = !pinfo.inError && frame.stream >= 0 ? frame.stream : found;
  }
  if (!pinfo.inError) pinfo.stream = stream;
  if (stream >= 0) t.fgen(HF_STREAM, off, 0, <u64>stream);
  if (t.detail) {
    const note = t.beginNote();
    t.pool.str("User Datagram Protocol, Src Port: ");
    t.pool.dec(sport);
    t.pool.str(", Dst Port: ");
    t.pool.dec(dport);
    t.endNote(node, note);
  }
  t.close(node);
  // The payload ends where the UDP length says, when that is sane.
  let payloadEnd = end;
  if (length >= 8 && off + length < end) payloadEnd = off + length;
  if (t.detail && !pinfo.inError) {
    const info = t.info;
    info.reset();
    info.dec(sport);
    info.str(" \u2192 ");
    info.dec(dport);
    info.str(" Len=");
    info.dec(<u64>(length >= 8 ? length - 8 : 0));
    const avail = (t.limit < payloadEnd ? t.limit : payloadEnd) - off - 8;
    if (avail > 0) t.fbytes(HF_PAYLOAD, off + 8, avail);
  }
  t.restore(prev);
  if (payloadEnd > off + 8) dissectUdpPayload(off + 8, payloadEnd, sport, dport);
}
