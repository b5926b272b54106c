// Unchecked loads in network and little-endian byte order. Callers validate
// the range first (see tree.ts: need/has); these never check.

// @ts-ignore: decorator
@inline export function be16(p: usize): u32 {
  return <u32>bswap<u16>(load<u16>(p));
}

// @ts-ignore: decorator
@inline export function be24(p: usize): u32 {
  return (<u32>load<u8>(p) << 16) | (<u32>load<u8>(p, 1) << 8) | <u32>load<u8>(p, 2);
}

// @ts-ignore: decorator
@inline export function be32(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}

// @ts-ignore: decorator
@inline export function be64(p: usize): u64 {
  return bswap<u64>(load<u64>(p));
}

// @ts-ignore: decorator
@inline export function le16(p: usize): u32 {
  return <u32>load<u16>(p);
}

// @ts-ignore: decorator
@inline export function le32(p: usize): u32 {
  return load<u32>(p);
}

// @ts-ignore: decorator
@inline export function le64(p: usize): u64 {
  return load<u64>(p);
}

/** Reads a u16 in the given byte order. */
// @ts-ignore: decorator
@inline export function rd16(p: usize, bigEndian: bool): u32 {
  return bigEndian ? be16(p) : le16(p);
}

/** Reads a u32 in the given byte order. */
// @ts-ignore: decorator
@inline export function rd32(p: usize, bigEndian: bool): u32 {
  return bigEndian ? be32(p) : le32(p);
}
