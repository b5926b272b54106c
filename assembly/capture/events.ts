// Side channel from the reader to the host: facts that are not per-packet
// columns (sections, interfaces, comments, name resolution, statistics,
// interned addresses, lengths too big for their column). The host drains it
// after every parse() call. Each event is
//   u32 type, u32 payload length, u32 a, u32 b, then the payload padded to 4.

export const enum Ev {
  SECTION = 1,        // a: section index; payload: u8 bigEndian, u8 pad, u16 major, u16 minor, u16 pad, then options
  INTERFACE = 2,      // a: interface index; b: section; payload: u16 linkType, u16 pad, u32 snaplen, u8 tsresol, 3 pad, i64 tsoffset, then options
  COMMENT = 3,        // a: packet index; payload: UTF-8 comment
  NAME = 4,           // a: 4 or 6; payload: address bytes (4 or 16) then NUL-separated names
  IFSTATS = 5,        // a: interface index; payload: u32 tsHigh, u32 tsLow, then options
  ADDRESS = 6,        // a: interned id; b: AddrKind; payload: 16 bytes
  BIGLEN = 7,         // a: packet index; payload: u32 capLen, u32 origLen
  PACKET_FLAGS = 8,   // a: packet index; b: epb_flags word
  DROPS = 9,          // a: packet index; payload: u64 drop count (epb_dropcount)
  REASSEMBLED = 10,   // a: packet index; b: kind (1 TCP message, 2 IPv4, 3 IPv6 datagram);
                      // payload: u32 length, u32 tail, u32 count, count x (u32 packet, i32 offset, i32 length, i32 at)
  // 11 and 12 are summary/layers.ts's LAYER_PATH and ETH_PAIR (layers for statistics).
}

// Options inside SECTION, INTERFACE and IFSTATS payloads are re-encoded in
// little-endian: u16 code, u16 length, value padded to 4.

const CAP: i32 = 1 << 20;
export const buf: usize = heap.alloc(<usize>CAP);
export let len: i32 = 0;

/** Room left; the reader stops a batch early when events run short. */
export function room(): i32 {
  return CAP - len;
}

export function reset(): void {
  len = 0;
}

/** Starts an event; returns the offset of its length word, or -1 if it does not fit. */
export function begin(type: u32, a: u32, b: u32, maxPayload: i32): i32 {
  if (len + 16 + maxPayload + 4 > CAP) return -1;
  const p = buf + <usize>len;
  store<u32>(p, type);
  store<u32>(p, 0, 4);
  store<u32>(p, a, 8);
  store<u32>(p, b, 12);
  const mark = len;
  len += 16;
  return mark;
}

export function put8(v: u32): void {
  store<u8>(buf + <usize>len, <u8>v);
  len += 1;
}
export function put16(v: u32): void {
  store<u16>(buf + <usize>len, <u16>v);
  len += 2;
}
export function put32(v: u32): void {
  store<u32>(buf + <usize>len, v);
  len += 4;
}
export function put64(v: u64): void {
  store<u64>(buf + <usize>len, v);
  len += 8;
}
export function putBytes(p: usize, n: i32): void {
  memory.copy(buf + <usize>len, p, <usize>n);
  len += n;
}
export function align4(): void {
  while ((len & 3) != 0) put8(0);
}

/** Ends the event started at mark: writes its payload length and pads it. */
export function end(mark: i32): void {
  store<u32>(buf + <usize>mark, <u32>(len - mark - 16), 4);
  align4();
}
