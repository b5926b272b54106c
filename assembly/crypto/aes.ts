// AES-128 block encryption (FIPS 197) and the counter mode GCM uses for its
// payload (NIST SP 800-38D), without tag verification.
//
// Only the encryption direction exists: QUIC header protection is AES-ECB
// encryption of a sample, and GCM decrypts by encrypting counter blocks.
// The rounds use one 1 KiB lookup table built at module start. Table lookups
// are not constant-time; that is acceptable here because the analyzer
// decrypts captured traffic with keys derived from public packet fields.

export const AES_BLOCK_LEN: i32 = 16;
/** 11 round keys of 16 bytes, as aes128Expand writes them. */
export const AES128_ROUND_KEYS_LEN: i32 = 176;

const SBOX: usize = memory.data<u8>([
  0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
  0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
  0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
  0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
  0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
  0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
  0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
  0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
  0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
  0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
  0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
  0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
  0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
  0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
  0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
  0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16,
]);

/** Key schedule round constants (FIPS 197, 5.2), one per expansion step. */
const ROUND_CONSTANTS: usize = memory.data<u8>([0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36]);

/**
 * SubBytes and MixColumns for one input byte, as the column word
 * {02}S[x], S[x], S[x], {03}S[x] (most significant byte first). Rotating the
 * entry gives the same for the other three rows.
 */
const roundTable: usize = memory.data(256 * 4, 16);

/** Counter block and key stream for the CTR loop. */
const counterBlock: usize = memory.data(16, 16);
const keyStream: usize = memory.data(16, 16);

// @ts-ignore: decorator
@inline function sbox(x: u32): u32 {
  return <u32>load<u8>(SBOX + <usize>(x & 0xff));
}

// @ts-ignore: decorator
@inline function tableEntry(x: u32, rotation: u32): u32 {
  return rotr<u32>(load<u32>(roundTable + (<usize>(x & 0xff) << 2)), rotation);
}

/** Multiplication by {02} in GF(2^8) (FIPS 197, 4.2.1). */
function xtime(b: u32): u32 {
  return ((b << 1) ^ (b & 0x80 ? 0x1b : 0)) & 0xff;
}

function buildRoundTable(): void {
  for (let x: u32 = 0; x < 256; x++) {
    const s = sbox(x);
    const s2 = xtime(s);
    const s3 = s2 ^ s;
    store<u32>(roundTable + (<usize>x << 2), (s2 << 24) | (s << 16) | (s << 8) | s3);
  }
}

buildRoundTable();

/**
 * Expands the 16-byte `key` into the 176 bytes at `roundKeys`: 44 words,
 * each the big-endian reading of four key bytes, stored as a native u32.
 */
export function aes128Expand(key: usize, roundKeys: usize): void {
  let w0 = bswap<u32>(load<u32>(key, 0));
  let w1 = bswap<u32>(load<u32>(key, 4));
  let w2 = bswap<u32>(load<u32>(key, 8));
  let w3 = bswap<u32>(load<u32>(key, 12));
  storeWords(roundKeys, w0, w1, w2, w3);
  for (let round: usize = 0; round < 10; round++) {
    // SubWord(RotWord(w3)) XOR Rcon.
    const rotated =
      (sbox(w3 >>> 16) << 24) | (sbox(w3 >>> 8) << 16) | (sbox(w3) << 8) | sbox(w3 >>> 24);
    w0 ^= rotated ^ (<u32>load<u8>(ROUND_CONSTANTS + round) << 24);
    w1 ^= w0;
    w2 ^= w1;
    w3 ^= w2;
    storeWords(roundKeys + ((round + 1) << 4), w0, w1, w2, w3);
  }
}

/** Encrypts the 16 bytes at `inBlock` into `outBlock`, which may be the same. */
export function aes128Encrypt(roundKeys: usize, inBlock: usize, outBlock: usize): void {
  let s0 = bswap<u32>(load<u32>(inBlock, 0)) ^ load<u32>(roundKeys, 0);
  let s1 = bswap<u32>(load<u32>(inBlock, 4)) ^ load<u32>(roundKeys, 4);
  let s2 = bswap<u32>(load<u32>(inBlock, 8)) ^ load<u32>(roundKeys, 8);
  let s3 = bswap<u32>(load<u32>(inBlock, 12)) ^ load<u32>(roundKeys, 12);

  // Rounds 1..9: SubBytes, ShiftRows and MixColumns through the table, then
  // AddRoundKey. ShiftRows is the choice of source column for each row.
  let rk = roundKeys + 16;
  for (let round = 1; round < 10; round++) {
    const t0 = tableEntry(s0 >>> 24, 0) ^ tableEntry(s1 >>> 16, 8) ^ tableEntry(s2 >>> 8, 16) ^ tableEntry(s3, 24) ^ load<u32>(rk, 0);
    const t1 = tableEntry(s1 >>> 24, 0) ^ tableEntry(s2 >>> 16, 8) ^ tableEntry(s3 >>> 8, 16) ^ tableEntry(s0, 24) ^ load<u32>(rk, 4);
    const t2 = tableEntry(s2 >>> 24, 0) ^ tableEntry(s3 >>> 16, 8) ^ tableEntry(s0 >>> 8, 16) ^ tableEntry(s1, 24) ^ load<u32>(rk, 8);
    const t3 = tableEntry(s3 >>> 24, 0) ^ tableEntry(s0 >>> 16, 8) ^ tableEntry(s1 >>> 8, 16) ^ tableEntry(s2, 24) ^ load<u32>(rk, 12);
    s0 = t0;
    s1 = t1;
    s2 = t2;
    s3 = t3;
    rk += 16;
  }

  // The last round has no MixColumns.
  const o0 = finalRoundColumn(s0, s1, s2, s3) ^ load<u32>(rk, 0);
  const o1 = finalRoundColumn(s1, s2, s3, s0) ^ load<u32>(rk, 4);
  const o2 = finalRoundColumn(s2, s3, s0, s1) ^ load<u32>(rk, 8);
  const o3 = finalRoundColumn(s3, s0, s1, s2) ^ load<u32>(rk, 12);
  storeWords(outBlock, bswap<u32>(o0), bswap<u32>(o1), bswap<u32>(o2), bswap<u32>(o3));
}

/**
 * AES-128-GCM payload decryption without authentication: XORs `len` bytes at
 * `src` with the key stream for counter blocks IV || 2, IV || 3, ... (a
 * 32-bit big-endian counter that wraps, as GCM's inc32 does; counter 1 is
 * reserved for the tag) and writes them to `dst`, which may equal `src`.
 * The tag is not checked: a wrong key yields garbage, not an error.
 */
export function aesGcmDecryptNoAuth(roundKeys: usize, iv12: usize, src: usize, len: i32, dst: usize): void {
  memory.copy(counterBlock, iv12, 12);
  let counter: u32 = 2;
  let offset: usize = 0;
  const end = <usize>max(len, 0);
  while (offset < end) {
    store<u32>(counterBlock, bswap<u32>(counter), 12);
    aes128Encrypt(roundKeys, counterBlock, keyStream);
    const remaining = end - offset;
    if (remaining >= 16) {
      store<u64>(dst + offset, load<u64>(src + offset) ^ load<u64>(keyStream, 0));
      store<u64>(dst + offset + 8, load<u64>(src + offset + 8) ^ load<u64>(keyStream, 8));
      offset += 16;
    } else {
      for (let i: usize = 0; i < remaining; i++) {
        store<u8>(dst + offset + i, load<u8>(src + offset + i) ^ load<u8>(keyStream + i));
      }
      offset = end;
    }
    counter++;
  }
}

/** SubBytes of one output column, taking each row from the shifted column. */
// @ts-ignore: decorator
@inline function finalRoundColumn(row0: u32, row1: u32, row2: u32, row3: u32): u32 {
  return (sbox(row0 >>> 24) << 24) | (sbox(row1 >>> 16) << 16) | (sbox(row2 >>> 8) << 8) | sbox(row3);
}

// @ts-ignore: decorator
@inline function storeWords(dst: usize, w0: u32, w1: u32, w2: u32, w3: u32): void {
  store<u32>(dst, w0, 0);
  store<u32>(dst, w1, 4);
  store<u32>(dst, w2, 8);
  store<u32>(dst, w3, 12);
}
