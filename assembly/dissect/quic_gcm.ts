// The authentication tag of AES-128-GCM (NIST SP 800-38D, 6.4 and 7.1),
// beside the counter-mode decryption of assembly/crypto/aes.ts, so that a
// QUIC Initial packet decrypted with the wrong keys is reported as a failed
// decryption (as tshark does) instead of being read as garbage, and so that
// Retry packets' integrity tags (RFC 9001, 5.8) can be checked.
//
// GHASH multiplies in GF(2^128) bit by bit: slow next to table methods, but
// only Initial packets (at most a few KiB each) go through it, and only in
// the detail pass.

import { aes128Encrypt, aes128Expand } from "../crypto/aes";

const hashKey: usize = memory.data(16, 16); // H = E(K, 0^128)
const acc: usize = memory.data(16, 16); // the running GHASH value
const block: usize = memory.data(16, 16);
const j0: usize = memory.data(16, 16);
const ekj0: usize = memory.data(16, 16);
const zero: usize = memory.data(16, 16);
const retryKeys: usize = memory.data(176, 16);

// @ts-ignore: decorator
@inline function rd64(p: usize): u64 {
  return bswap<u64>(load<u64>(p));
}
// @ts-ignore: decorator
@inline function wr64(p: usize, v: u64): void {
  store<u64>(p, bswap<u64>(v));
}

/** acc = (acc ^ x) * H in GF(2^128) with GCM's bit order. */
function ghashBlock(x: usize): void {
  let zh: u64 = 0;
  let zl: u64 = 0;
  let vh = rd64(hashKey);
  let vl = rd64(hashKey + 8);
  const xh = rd64(acc) ^ rd64(x);
  const xl = rd64(acc + 8) ^ rd64(x + 8);
  for (let i = 0; i < 128; i++) {
    const bit = i < 64 ? (xh >> <u64>(63 - i)) & 1 : (xl >> <u64>(127 - i)) & 1;
    if (bit != 0) {
      zh ^= vh;
      zl ^= vl;
    }
    const lsb = vl & 1;
    vl = (vl >> 1) | (vh << 63);
    vh = vh >> 1;
    if (lsb != 0) vh ^= 0xe100000000000000;
  }
  wr64(acc, zh);
  wr64(acc + 8, zl);
}

/** GHASH over `len` bytes at p, the last block padded with zeros. */
function ghashBytes(p: usize, len: i32): void {
  let o = 0;
  while (len - o >= 16) {
    ghashBlock(p + <usize>o);
    o += 16;
  }
  if (o < len) {
    memory.fill(block, 0, 16);
    memory.copy(block, p + <usize>o, <usize>(len - o));
    ghashBlock(block);
  }
}

/**
 * Computes the GCM tag of (aad, ciphertext) under the expanded key
 * `roundKeys` and the 12-byte IV, and compares it with the 16 bytes at
 * `tag`. Returns true when they match.
 */
export function gcmTagMatches(roundKeys: usize, iv12: usize, aad: usize, aadLen: i32, ct: usize, ctLen: i32, tag: usize): bool {
  if (aadLen < 0 || ctLen < 0) return false;
  memory.fill(zero, 0, 16);
  aes128Encrypt(roundKeys, zero, hashKey);
  memory.fill(acc, 0, 16);
  ghashBytes(aad, aadLen);
  ghashBytes(ct, ctLen);
  wr64(block, <u64>aadLen * 8);
  wr64(block + 8, <u64>ctLen * 8);
  ghashBlock(block);
  memory.copy(j0, iv12, 12);
  store<u32>(j0, bswap<u32>(1), 12);
  aes128Encrypt(roundKeys, j0, ekj0);
  let diff: u32 = 0;
  for (let i: usize = 0; i < 16; i++) diff |= <u32>(load<u8>(acc + i) ^ load<u8>(ekj0 + i) ^ load<u8>(tag + i));
  return diff == 0;
}

const RETRY_KEY_V1: usize = memory.data<u8>([0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a, 0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e]);
const RETRY_NONCE_V1: usize = memory.data<u8>([0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63, 0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb]);
const RETRY_KEY_V2: usize = memory.data<u8>([0x8f, 0xb4, 0xb0, 0x1b, 0x56, 0xac, 0x48, 0xe2, 0x60, 0xfb, 0xcb, 0xce, 0xad, 0x7c, 0xcc, 0x92]);
const RETRY_NONCE_V2: usize = memory.data<u8>([0xd8, 0x69, 0x69, 0xbc, 0x2d, 0x7c, 0x6d, 0x99, 0x90, 0xef, 0xb0, 0x4a]);

/**
 * Checks a Retry packet's integrity tag (RFC 9001, 5.8; RFC 9369, 3.3.3):
 * `pseudo` holds the Retry pseudo-packet (ODCID length, ODCID, the Retry
 * packet without its tag), `tag` the 16-byte tag.
 */
export function retryTagMatches(v2: bool, pseudo: usize, pseudoLen: i32, tag: usize): bool {
  aes128Expand(v2 ? RETRY_KEY_V2 : RETRY_KEY_V1, retryKeys);
  return gcmTagMatches(retryKeys, v2 ? RETRY_NONCE_V2 : RETRY_NONCE_V1, pseudo, pseudoLen, 0, 0, tag);
}
