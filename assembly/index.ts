// The engine's interface to its host (Node or a Web Worker). Only numbers
// cross it: the host reads and writes linear memory at the pointers given
// here. See src/lib/engine/engine.ts for the other side.

import * as reader from "./capture/reader";
import * as ev from "./capture/events";
import * as col from "./summary/columns";
import { resetPass, setTreePerPacket, packetCount } from "./summary/pass";
import { resetFlows, flowBytes, flowEntries, reserveFlows, loadFlows, tcpStreams, udpStreams } from "./summary/flows";
import { resetIntern } from "./summary/intern";
import { resetLayers, colPath, colEthPair } from "./summary/layers";
import { resetReassembly } from "./dissect/ipreasm";
import { resetTcpReassembly, injectBuffer, clearInjected } from "./dissect/tcpreasm";
import { resetHttp } from "./dissect/http";
import { resetSsh } from "./dissect/ssh";
import { resetTlsSessions } from "./dissect/tls_session";
import { resetHandshakeReassembly } from "./dissect/tls_handshake";
import { resetQuicConnections } from "./dissect/quic_conn";
import { resetQuicCrypto } from "./dissect/quic_frames";
import { serialiseRegistry } from "./core/registry";
import * as t from "./core/tree";
import { pinfo, frame } from "./core/pinfo";
import { dissectFrame } from "./dissect/frame";

// ---- reading a capture ----------------------------------------------------

export function reset(): void {
  reader.resetReader();
  resetPass();
  resetFlows();
  resetIntern();
  resetLayers();
  resetReassembly();
  resetTcpReassembly();
  resetHttp();
  resetSsh();
  resetTlsSessions();
  resetHandshakeReassembly();
  resetQuicConnections();
  resetQuicCrypto();
  ev.reset();
}

export function inputReserve(min: i32): usize {
  return reader.inputReserve(min);
}
export function inputSpace(): i32 {
  return reader.inputSpace();
}
export function inputCommit(n: i32): void {
  reader.inputCommit(n);
}
export function parse(): i32 {
  return reader.parse();
}
export function finish(): i32 {
  return reader.finish();
}
export function errorKind(): i32 {
  return reader.errorKind;
}
export function errorOffset(): u64 {
  return reader.errorOffset;
}
export function errorTextPtr(): usize {
  return reader.errorText.ptr;
}
export function errorTextLen(): i32 {
  return reader.errorText.len;
}
export function fileFormat(): i32 {
  return reader.fileFormat();
}
export function packets(): u32 {
  return packetCount();
}
export function treePerPacket(on: bool): void {
  setTreePerPacket(on);
}

// ---- summary batch --------------------------------------------------------

export function batchCount(): i32 {
  return col.count;
}
export function batchReset(): void {
  col.resetBatch();
}
export function batchCapacity(): i32 {
  return col.BATCH_CAP;
}
/** Pointer to column `i` of the batch, in the order of src/lib/engine/columns.ts. */
export function columnPtr(i: i32): usize {
  switch (i) {
    case 0:
      return col.colTime;
    case 1:
      return col.colOffset;
    case 2:
      return col.colOffsetHigh;
    case 3:
      return col.colCapLen;
    case 4:
      return col.colOrigLen;
    case 5:
      return col.colSrc;
    case 6:
      return col.colDst;
    case 7:
      return col.colSrcPort;
    case 8:
      return col.colDstPort;
    case 9:
      return col.colStream;
    case 10:
      return col.colAux;
    case 11:
      return col.colIface;
    case 12:
      return col.colAddrKind;
    case 13:
      return col.colIpProto;
    case 14:
      return col.colProto;
  }
  return 0;
}

/** Pointer to side column `i` of the batch (summary/layers.ts): 0 layer path (u16), 1 Ethernet pair (u32). */
export function sideColumnPtr(i: i32): usize {
  return i == 0 ? colPath : i == 1 ? colEthPair : 0;
}

// ---- events ---------------------------------------------------------------

export function eventsPtr(): usize {
  return ev.buf;
}
export function eventsLen(): i32 {
  return ev.len;
}
export function eventsReset(): void {
  ev.reset();
}

// ---- the field registry ---------------------------------------------------

export function registryPtr(): usize {
  return changetype<usize>(serialiseRegistry());
}
export function registryLen(): i32 {
  return serialiseRegistry().byteLength;
}

// ---- the detail pass over one packet --------------------------------------

let scratch: usize = 0;
let scratchCap: i32 = 0;

/** Room for one packet's bytes; the host writes them there, then calls dissect(). */
export function packetBuffer(len: i32): usize {
  if (len > scratchCap) {
    if (scratch != 0) heap.free(scratch);
    scratchCap = len < 65536 ? 65536 : len;
    scratch = heap.alloc(<usize>scratchCap);
  }
  return scratch;
}

/**
 * Dissects the packet in packetBuffer() with a tree. Flows are looked up,
 * not updated; `stream` is the packet's stream from the summary.
 * Returns the number of nodes.
 */
export function dissect(
  capLen: i32,
  origLen: i32,
  linkType: i32,
  iface: i32,
  ifaceLocal: i32,
  showInterface: bool,
  number: u32,
  hasTime: bool,
  sec: i64,
  nsec: u32,
  firstTs: i64,
  prevTs: i64,
  stream: i32,
): i32 {
  frame.number = number;
  frame.hasTime = hasTime;
  frame.sec = sec;
  frame.nsec = nsec;
  frame.tsNs = sec * 1000000000 + <i64>nsec;
  frame.firstTsNs = firstTs;
  frame.prevTsNs = prevTs;
  frame.capLen = capLen;
  frame.origLen = origLen;
  frame.iface = iface;
  frame.ifaceLocal = ifaceLocal;
  frame.showInterface = showInterface;
  frame.linkType = linkType;
  frame.stream = stream;
  frame.track = false;
  pinfo.reset();
  t.beginPacket(scratch, capLen, true);
  dissectFrame();
  clearInjected();
  return t.nodeCount;
}

/**
 * Before dissect(): a message or datagram the summary pass rebuilt in this
 * packet (a REASSEMBLED event), which the host has rebuilt from the file.
 * Returns where to write its `length` bytes; `tail` is how many bytes of this
 * packet's own payload belong to it.
 */
export function inject(kind: u32, length: i32, tail: i32): usize {
  return injectBuffer(kind, length, tail);
}

export function nodesPtr(): usize {
  return t.nodes;
}
export function nodeCount(): i32 {
  return t.nodeCount;
}
export function poolPtr(): usize {
  return t.pool.ptr;
}
export function poolLen(): i32 {
  return t.pool.len;
}
export function infoPtr(): usize {
  return t.info.ptr;
}
export function infoLen(): i32 {
  return t.info.len;
}
export function protocolColumn(): i32 {
  return pinfo.colProto;
}
export function sourceCount(): i32 {
  return t.sourceCount;
}
export function sourcePtr(i: i32): usize {
  return t.sourcePtrs[i];
}
export function sourceLen(i: i32): i32 {
  return t.sourceLens[i];
}
export function sourceName(i: i32): i32 {
  return t.sourceNames[i];
}

// ---- the flow table, saved with a session ----------------------------------

export function flowTableBytes(): i32 {
  return flowBytes();
}
export function flowTablePtr(): usize {
  return flowEntries();
}
export function flowStreamCounts(): u64 {
  return (<u64>tcpStreams << 32) | <u64>(<u32>udpStreams);
}
export function flowTableReserve(entries: i32): usize {
  return reserveFlows(entries);
}
export function flowTableLoad(entries: i32, tcp: i32, udp: i32): void {
  loadFlows(entries, tcp, udp);
}
