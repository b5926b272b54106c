// HMAC-SHA256 (RFC 2104), HKDF (RFC 5869) and the TLS 1.3 HKDF-Expand-Label
// (RFC 8446, 7.1) that QUIC uses to derive its packet protection keys.
//
// All scratch space is static. HMAC runs on the single SHA-256 state of
// sha256.ts, so no plain sha256* call may come between hmacBegin and
// hmacFinish.

import { sha256, sha256Init, sha256Update, sha256Final, SHA256_BLOCK_LEN, SHA256_DIGEST_LEN } from "./sha256";

/** HKDF-Expand can produce at most 255 hash-lengths of output. */
export const HKDF_MAX_OUTPUT_LEN: i32 = 255 * SHA256_DIGEST_LEN;

const INNER_PAD: u64 = 0x3636363636363636;
const OUTER_PAD: u64 = 0x5c5c5c5c5c5c5c5c;

/** The HMAC key, zero-padded (or first hashed) to one block. */
const keyBlock: usize = memory.data(64, 16);
/** keyBlock XOR one of the pads, as fed to the hash. */
const paddedKey: usize = memory.data(64, 16);
const innerDigest: usize = memory.data(32, 16);
/** T(i) of HKDF-Expand, which also feeds T(i + 1). */
const expandBlock: usize = memory.data(32, 16);
const expandCounter: usize = memory.data(1);

// HkdfLabel = u16 length, u8 label length, "tls13 " + label (at most 255
// bytes), u8 context length (always 0 here).
const MAX_FULL_LABEL_LEN: i32 = 255;
const hkdfLabel: usize = memory.data(2 + 1 + 255 + 1);

/**
 * Sets the key for the following HMACs. Keys longer than a block are hashed
 * first (RFC 2104, 2). The key is copied, so it may overlap any output.
 */
export function hmacSetKey(key: usize, keyLen: i32): void {
  memory.fill(keyBlock, 0, <usize>SHA256_BLOCK_LEN);
  if (keyLen > SHA256_BLOCK_LEN) {
    sha256(key, keyLen, keyBlock);
  } else if (keyLen > 0) {
    memory.copy(keyBlock, key, <usize>keyLen);
  }
}

/** Starts an HMAC under the key from hmacSetKey. */
export function hmacBegin(): void {
  sha256Init();
  absorbPaddedKey(INNER_PAD);
}

/** Appends `len` message bytes at `src`. */
export function hmacUpdate(src: usize, len: i32): void {
  sha256Update(src, len);
}

/** Writes the 32-byte tag to `out32`. The key stays set for another hmacBegin. */
export function hmacFinish(out32: usize): void {
  sha256Final(innerDigest);
  sha256Init();
  absorbPaddedKey(OUTER_PAD);
  sha256Update(innerDigest, SHA256_DIGEST_LEN);
  sha256Final(out32);
}

/** One-shot HMAC-SHA256 of `msgLen` bytes at `msg` into the 32 bytes at `out32`. */
export function hmacSha256(key: usize, keyLen: i32, msg: usize, msgLen: i32, out32: usize): void {
  hmacSetKey(key, keyLen);
  hmacBegin();
  hmacUpdate(msg, msgLen);
  hmacFinish(out32);
}

/**
 * HKDF-Extract (RFC 5869, 2.2): PRK = HMAC(salt, IKM), 32 bytes to `out32`.
 * An empty salt needs no special case: HMAC zero-pads its key to a block,
 * which is what the RFC's "HashLen zeros" default amounts to.
 */
export function hkdfExtract(salt: usize, saltLen: i32, ikm: usize, ikmLen: i32, out32: usize): void {
  hmacSha256(salt, saltLen, ikm, ikmLen, out32);
}

/**
 * HKDF-Expand (RFC 5869, 2.3): `outLen` bytes of OKM from `prk` and `info`
 * into `out`. `out` must not overlap `info`; it may overlap `prk`. Returns
 * false, writing nothing, when outLen is negative or above HKDF_MAX_OUTPUT_LEN.
 */
export function hkdfExpand(prk: usize, prkLen: i32, info: usize, infoLen: i32, outLen: i32, out: usize): bool {
  if (outLen < 0 || outLen > HKDF_MAX_OUTPUT_LEN) return false;
  hmacSetKey(prk, prkLen);
  let written: i32 = 0;
  let counter: u32 = 1;
  while (written < outLen) {
    // T(i) = HMAC(PRK, T(i - 1) | info | i), with T(0) empty.
    hmacBegin();
    if (counter > 1) hmacUpdate(expandBlock, SHA256_DIGEST_LEN);
    hmacUpdate(info, infoLen);
    store<u8>(expandCounter, <u8>counter);
    hmacUpdate(expandCounter, 1);
    hmacFinish(expandBlock);

    const chunk = min(SHA256_DIGEST_LEN, outLen - written);
    memory.copy(out + <usize>written, expandBlock, <usize>chunk);
    written += chunk;
    counter++;
  }
  return true;
}

/**
 * TLS 1.3 HKDF-Expand-Label (RFC 8446, 7.1) with an empty context, as QUIC
 * uses it (RFC 9001, 5.1): `outLen` bytes from the 32-byte `secret` into
 * `out`. `label` is given without the "tls13 " prefix, which is added here,
 * and must be ASCII. Returns false, writing nothing, for a label that is
 * non-ASCII or too long (over 249 characters) or an outLen HKDF cannot give.
 */
export function hkdfExpandLabel(secret: usize, label: string, outLen: i32, out: usize): bool {
  const prefix = "tls13 ";
  const fullLabelLen = prefix.length + label.length;
  if (fullLabelLen > MAX_FULL_LABEL_LEN || !isAscii(label)) return false;
  if (outLen < 0 || outLen > HKDF_MAX_OUTPUT_LEN) return false;

  store<u16>(hkdfLabel, bswap<u16>(<u16>outLen));
  store<u8>(hkdfLabel, <u8>fullLabelLen, 2);
  let cursor = writeAscii(prefix, hkdfLabel + 3);
  cursor = writeAscii(label, cursor);
  store<u8>(cursor, 0); // empty context
  cursor++;

  return hkdfExpand(secret, SHA256_DIGEST_LEN, hkdfLabel, <i32>(cursor - hkdfLabel), outLen, out);
}

function absorbPaddedKey(pad: u64): void {
  for (let i: usize = 0; i < <usize>SHA256_BLOCK_LEN; i += 8) {
    store<u64>(paddedKey + i, load<u64>(keyBlock + i) ^ pad);
  }
  sha256Update(paddedKey, SHA256_BLOCK_LEN);
}

function isAscii(text: string): bool {
  const units = changetype<usize>(text);
  const len = <usize>text.length;
  for (let i: usize = 0; i < len; i++) {
    if (load<u16>(units + (i << 1)) > 0x7f) return false;
  }
  return true;
}

/**
 * Copies an ASCII string to `dst`, one byte per character, and returns the
 * address after it. Reads the UTF-16 code units in place, so nothing is
 * allocated.
 */
function writeAscii(text: string, dst: usize): usize {
  const units = changetype<usize>(text);
  const len = <usize>text.length;
  for (let i: usize = 0; i < len; i++) {
    store<u8>(dst + i, <u8>load<u16>(units + (i << 1)));
  }
  return dst + len;
}
