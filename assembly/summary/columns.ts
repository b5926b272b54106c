// The summary columns of one batch of packets, in linear memory, one array
// per column (structure of arrays), so the host copies each column out with
// one typed-array copy. Widths are chosen to total 40 bytes per packet.

export const BATCH_CAP: i32 = 32768;

/** Time stamp in nanoseconds since the epoch; NO_TIME when the record has none. */
export const NO_TIME: i64 = i64.MIN_VALUE;
/** Length columns hold 16 bits; larger values go to a BIGLEN event. */
export const LEN_OVERFLOW: u32 = 0xffff;

export const colTime = heap.alloc(<usize>(BATCH_CAP * 8)); // i64
export const colOffset = heap.alloc(<usize>(BATCH_CAP * 4)); // u32, low 32 bits of the data's file offset
export const colCapLen = heap.alloc(<usize>(BATCH_CAP * 2)); // u16
export const colOrigLen = heap.alloc(<usize>(BATCH_CAP * 2)); // u16
export const colSrc = heap.alloc(<usize>(BATCH_CAP * 4)); // u32: IPv4 address, or interned id
export const colDst = heap.alloc(<usize>(BATCH_CAP * 4)); // u32
export const colSrcPort = heap.alloc(<usize>(BATCH_CAP * 2)); // u16
export const colDstPort = heap.alloc(<usize>(BATCH_CAP * 2)); // u16
export const colStream = heap.alloc(<usize>(BATCH_CAP * 4)); // i32: tcp.stream / udp.stream, -1 none
export const colAux = heap.alloc(<usize>(BATCH_CAP * 2)); // u16: TCP flags, ICMP type<<8|code, ARP opcode
export const colIface = heap.alloc(<usize>(BATCH_CAP * 2)); // u16: interface (0xffff: none)
export const colOffsetHigh = heap.alloc(<usize>(BATCH_CAP)); // u8: bits 32..39 of the offset
export const colAddrKind = heap.alloc(<usize>(BATCH_CAP)); // u8: AddrKind
export const colIpProto = heap.alloc(<usize>(BATCH_CAP)); // u8: transport protocol, 255 none
export const colProto = heap.alloc(<usize>(BATCH_CAP)); // u8: Protocol column id

export let count: i32 = 0;

export function resetBatch(): void {
  count = 0;
}

export function advance(): void {
  count++;
}
