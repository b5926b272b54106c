// The frame: facts about the record itself (number, times, lengths,
// interface), then the link layer named by the record's link type.

import { field, protocol, columnProtocol, FT, BASE } from "../core/registry";
import { frame, pinfo } from "../core/pinfo";
import * as t from "../core/tree";
import { dissectLink } from "./link";
import { dissectData } from "./data";
import { resetDelivered } from "./tcpreasm";

export const HF_FRAME = protocol("frame", "Frame", "One record of the capture file: a packet as it was captured, with its time stamp and lengths.");
const HF_IFACE = field("frame.interface_id", "Interface id", FT.UINT32, BASE.DEC, "Which capture interface (network card) recorded this packet, counted from 0 in the order the file describes them.");
const HF_TIME = field("frame.time", "Arrival Time", FT.ABSOLUTE_TIME, BASE.NONE, "The date and time at which the packet was captured.");
const HF_EPOCH = field("frame.time_epoch", "Epoch Time", FT.RELATIVE_TIME, BASE.NONE, "The capture time as seconds since 1 January 1970 UTC, the form computers store time in.");
const HF_DELTA = field("frame.time_delta", "Time delta from previous captured frame", FT.RELATIVE_TIME, BASE.NONE, "How long after the previous packet in the file this one arrived.");
const HF_DELTA_DISPLAYED = field("frame.time_delta_displayed", "Time delta from previous displayed frame", FT.RELATIVE_TIME, BASE.NONE, "How long after the previous packet shown by the current filter this one arrived.");
const HF_RELATIVE = field("frame.time_relative", "Time since reference or first frame", FT.RELATIVE_TIME, BASE.NONE, "How long after the first packet of the capture this one arrived.");
const HF_NUMBER = field("frame.number", "Frame Number", FT.UINT32, BASE.DEC, "The position of this packet in the capture file, counting from 1.");
const HF_LEN = field("frame.len", "Frame Length", FT.UINT32, BASE.DEC, "How many bytes the packet had on the wire.");
const HF_CAPLEN = field("frame.cap_len", "Capture Length", FT.UINT32, BASE.DEC, "How many bytes of the packet were saved; less than the frame length when the capture cut packets short (the snap length).");
export const HF_COMMENT = field("frame.comment", "Comment", FT.STRING, BASE.NONE, "A note attached to this packet by a person, stored in the capture file.");
export const HF_MARKED = field("frame.marked", "Frame is marked", FT.BOOLEAN, BASE.NONE, "Whether this packet has been marked by the user.");
export const HF_IFACE_NAME = field("frame.interface_name", "Interface name", FT.STRING, BASE.NONE, "The name of the interface that captured this packet, as the capture file gives it.");

export const COL_FRAME = columnProtocol("Frame", HF_FRAME);

export function dissectFrame(): void {
  pinfo.colProto = COL_FRAME;
  resetDelivered();
  const caplen = frame.capLen;
  if (t.detail) frameTree(caplen);
  t.rootParent();
  // Layers end where the packet did on the wire (its reported length); reads
  // stop at the captured length, as Wireshark's do.
  const end = frame.origLen > caplen ? frame.origLen : caplen;
  if (frame.linkType == -2) {
    dissectData(0, end);
    return;
  }
  dissectLink(frame.linkType, 0, end);
}

function frameTree(caplen: i32): void {
  const node = t.open(HF_FRAME, 0, caplen);
  const note = t.beginNote();
  t.pool.str("Frame ");
  t.pool.dec(frame.number);
  t.pool.str(": ");
  t.pool.dec(<u64>frame.origLen);
  t.pool.str(" bytes on wire (");
  t.pool.dec(<u64>frame.origLen * 8);
  t.pool.str(" bits), ");
  t.pool.dec(<u64>caplen);
  t.pool.str(" bytes captured (");
  t.pool.dec(<u64>caplen * 8);
  t.pool.str(" bits)");
  if (frame.iface >= 0 && frame.showInterface) {
    t.pool.str(" on interface ");
    t.pool.dec(<u64>frame.ifaceLocal);
  }
  t.endNote(node, note);
  if (frame.iface >= 0 && frame.showInterface) t.fval(HF_IFACE, 0, 0, <u64>frame.ifaceLocal);
  if (frame.hasTime) {
    t.ftime(HF_TIME, 0, 0, frame.sec, frame.nsec, 0);
    t.ftime(HF_EPOCH, 0, 0, frame.sec, frame.nsec, 0);
    const prev = frame.prevTsNs == i64.MIN_VALUE ? frame.tsNs : frame.prevTsNs;
    const first = frame.firstTsNs == i64.MIN_VALUE ? frame.tsNs : frame.firstTsNs;
    relTime(HF_DELTA, frame.tsNs - prev);
    relTime(HF_DELTA_DISPLAYED, frame.tsNs - prev);
    relTime(HF_RELATIVE, frame.tsNs - first);
  }
  t.fval(HF_NUMBER, 0, 0, frame.number);
  t.fval(HF_LEN, 0, 0, <u64>frame.origLen);
  t.fval(HF_CAPLEN, 0, 0, <u64>caplen);
  t.close(node);
}

function relTime(hf: u16, ns: i64): void {
  let sec = ns / 1000000000;
  let nsec = ns % 1000000000;
  if (nsec < 0) {
    nsec += 1000000000;
    sec -= 1;
  }
  t.ftime(hf, 0, 0, sec, <u32>nsec, t.FLAG_GENERATED);
}
