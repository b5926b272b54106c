// The summary pass: for every record the reader hands over, dissect it in
// summary mode (or with a tree, when the host asked for one per packet) and
// write one row of the summary columns.

import * as col from "./columns";
import * as ev from "../capture/events";
import { intern } from "./intern";
import { sectionFirstIf } from "../capture/reader";
import { pinfo, frame, AddrKind } from "../core/pinfo";
import * as t from "../core/tree";
import { setRecording, finishLayers } from "./layers";
import { dissectFrame } from "../dissect/frame";

/** Pseudo link type of pcapng custom blocks, shown as frames of data. */
export const LINK_CUSTOM_BLOCK: i32 = -2;

/** Host callback, in tree-per-packet mode: the tree of the packet just dissected is ready. */
// @ts-ignore: decorator
@external("host", "onPacketTree")
declare function onPacketTree(index: u32): void;

let treePerPacket = false;
let packets: u32 = 0;
let firstTs: i64 = col.NO_TIME;
let prevTs: i64 = col.NO_TIME;

export function setTreePerPacket(on: bool): void {
  treePerPacket = on;
}

export function resetPass(): void {
  packets = 0;
  firstTs = col.NO_TIME;
  prevTs = col.NO_TIME;
  col.resetBatch();
}

export function batchFull(): bool {
  return col.count >= col.BATCH_CAP;
}

export function packetCount(): u32 {
  return packets;
}

export function onRecord(
  data: usize,
  capLen: i32,
  origLen: u32,
  fileOffset: u64,
  iface: i32,
  linkType: i32,
  hasTime: bool,
  sec: i64,
  nsec: u32,
): void {
  const ts: i64 = hasTime ? sec * 1000000000 + <i64>nsec : col.NO_TIME;
  // As tshark: times are relative to the first frame, taken as 0 when it has no time stamp.
  if (packets == 0) firstTs = hasTime ? ts : 0;
  frame.number = packets + 1;
  frame.hasTime = hasTime;
  frame.sec = sec;
  frame.nsec = nsec;
  frame.tsNs = ts;
  frame.firstTsNs = firstTs;
  frame.prevTsNs = prevTs;
  frame.capLen = capLen;
  frame.origLen = <i32>origLen;
  frame.iface = iface;
  frame.ifaceLocal = iface >= 0 ? iface - sectionFirstIf : -1;
  frame.linkType = linkType;
  frame.stream = -1;
  frame.track = true;
  pinfo.reset();
  setRecording(true);
  t.beginPacket(data, capLen, treePerPacket);
  dissectFrame();
  finishLayers(col.count, t.nodes, t.nodeCount, t.NODE_WORDS, t.detail, t.stopped);
  setRecording(false);
  writeRow(ts, capLen, origLen, fileOffset, iface);
  if (treePerPacket) onPacketTree(packets);
  if (hasTime) prevTs = ts;
  packets++;
}

function writeRow(ts: i64, capLen: i32, origLen: u32, fileOffset: u64, iface: i32): void {
  const i = <usize>col.count;
  store<i64>(col.colTime + (i << 3), ts);
  store<u32>(col.colOffset + (i << 2), <u32>fileOffset);
  store<u8>(col.colOffsetHigh + i, <u8>(fileOffset >> 32));
  const bigCap = <u32>capLen >= col.LEN_OVERFLOW;
  const bigOrig = origLen >= col.LEN_OVERFLOW;
  store<u16>(col.colCapLen + (i << 1), <u16>(bigCap ? col.LEN_OVERFLOW : <u32>capLen));
  store<u16>(col.colOrigLen + (i << 1), <u16>(bigOrig ? col.LEN_OVERFLOW : origLen));
  if (bigCap || bigOrig) {
    const m = ev.begin(7, packets, 0, 8);
    if (m >= 0) {
      ev.put32(<u32>capLen);
      ev.put32(origLen);
      ev.end(m);
    }
  }
  let src: u32 = 0;
  let dst: u32 = 0;
  const kind = pinfo.addrKind;
  if (kind == AddrKind.IPV4) {
    src = pinfo.src4;
    dst = pinfo.dst4;
  } else if (kind == AddrKind.IPV6) {
    src = intern(pinfo.srcPtr, 16, kind);
    dst = intern(pinfo.dstPtr, 16, kind);
  } else if (kind == AddrKind.MAC) {
    src = intern(pinfo.srcPtr, 6, kind);
    dst = intern(pinfo.dstPtr, 6, kind);
  }
  store<u32>(col.colSrc + (i << 2), src);
  store<u32>(col.colDst + (i << 2), dst);
  // Bit 7 of the address kind marks packets whose columns do not tell their fields exactly.
  // Bit 6 marks packets with a shim between link and network layer.
  store<u8>(col.colAddrKind + i, <u8>kind | (pinfo.complex || pinfo.fragmented ? 0x80 : 0) | (pinfo.shimmed ? 0x40 : 0) | (pinfo.appPending ? 0x20 : 0));
  store<u16>(col.colSrcPort + (i << 1), <u16>pinfo.srcPort);
  store<u16>(col.colDstPort + (i << 1), <u16>pinfo.dstPort);
  store<i32>(col.colStream + (i << 2), pinfo.stream);
  store<u16>(col.colAux + (i << 1), <u16>pinfo.aux);
  store<u16>(col.colIface + (i << 1), <u16>(iface < 0 ? 0xffff : iface));
  store<u8>(col.colIpProto + i, <u8>(pinfo.ipProto < 0 ? 255 : pinfo.ipProto));
  store<u8>(col.colProto + i, pinfo.colProto);
  col.advance();
}
