// SHA-256 (FIPS 180-4) over linear memory.
//
// There is one hashing state for the whole module, held in static memory, so
// nothing is allocated per call. The price is that only one message can be in
// flight at a time: init/update/final must not be interleaved with another
// hash (HMAC in hmac.ts hashes its inner and outer messages one after the
// other for this reason).

export const SHA256_BLOCK_LEN: i32 = 64;
export const SHA256_DIGEST_LEN: i32 = 32;

// First 32 bits of the fractional parts of the cube roots of the first 64
// primes (FIPS 180-4, 4.2.2).
const ROUND_CONSTANTS: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
], 16);

/** The running hash value H0..H7, as native u32 words. */
const chainingValue: usize = memory.data(32, 16);
/** Input bytes that do not yet fill a whole block. */
const pendingBlock: usize = memory.data(64, 16);
/** The 64-word message schedule of the block being compressed. */
const messageSchedule: usize = memory.data(256, 16);

let pendingLen: i32 = 0;
let totalLen: u64 = 0;

/** Starts a new message, discarding any message in progress. */
export function sha256Init(): void {
  // FIPS 180-4, 5.3.3.
  store<u32>(chainingValue, 0x6a09e667, 0);
  store<u32>(chainingValue, 0xbb67ae85, 4);
  store<u32>(chainingValue, 0x3c6ef372, 8);
  store<u32>(chainingValue, 0xa54ff53a, 12);
  store<u32>(chainingValue, 0x510e527f, 16);
  store<u32>(chainingValue, 0x9b05688c, 20);
  store<u32>(chainingValue, 0x1f83d9ab, 24);
  store<u32>(chainingValue, 0x5be0cd19, 28);
  pendingLen = 0;
  totalLen = 0;
}

/** Appends `len` bytes at `src` to the message in progress. */
export function sha256Update(src: usize, len: i32): void {
  if (len <= 0) return;
  totalLen += <u64>len;

  if (pendingLen > 0) {
    const take = min(SHA256_BLOCK_LEN - pendingLen, len);
    memory.copy(pendingBlock + <usize>pendingLen, src, <usize>take);
    pendingLen += take;
    src += <usize>take;
    len -= take;
    if (pendingLen < SHA256_BLOCK_LEN) return;
    compressBlock(pendingBlock);
    pendingLen = 0;
  }

  // Whole blocks are compressed straight from the caller's memory.
  while (len >= SHA256_BLOCK_LEN) {
    compressBlock(src);
    src += <usize>SHA256_BLOCK_LEN;
    len -= SHA256_BLOCK_LEN;
  }

  if (len > 0) {
    memory.copy(pendingBlock, src, <usize>len);
    pendingLen = len;
  }
}

/** Pads the message, writes its 32-byte digest to `out` and resets the state. */
export function sha256Final(out: usize): void {
  const bitLen = totalLen << 3;

  // Padding: a single 1 bit, zeros, then the 64-bit big-endian bit length,
  // which must end exactly on a block boundary (FIPS 180-4, 5.1.1).
  store<u8>(pendingBlock + <usize>pendingLen, 0x80);
  pendingLen++;
  if (pendingLen > SHA256_BLOCK_LEN - 8) {
    memory.fill(pendingBlock + <usize>pendingLen, 0, <usize>(SHA256_BLOCK_LEN - pendingLen));
    compressBlock(pendingBlock);
    pendingLen = 0;
  }
  memory.fill(pendingBlock + <usize>pendingLen, 0, <usize>(SHA256_BLOCK_LEN - 8 - pendingLen));
  store<u64>(pendingBlock, bswap<u64>(bitLen), SHA256_BLOCK_LEN - 8);
  compressBlock(pendingBlock);

  for (let i: usize = 0; i < 32; i += 4) {
    store<u32>(out + i, bswap<u32>(load<u32>(chainingValue + i)));
  }
  sha256Init();
}

/** One-shot digest of `len` bytes at `src` into the 32 bytes at `out`. */
export function sha256(src: usize, len: i32, out: usize): void {
  sha256Init();
  sha256Update(src, len);
  sha256Final(out);
}

/** Folds one 64-byte block into the chaining value (FIPS 180-4, 6.2.2). */
function compressBlock(block: usize): void {
  const w = messageSchedule;
  for (let i: usize = 0; i < 64; i += 4) {
    store<u32>(w + i, bswap<u32>(load<u32>(block + i)));
  }
  for (let i: usize = 64; i < 256; i += 4) {
    const w15 = load<u32>(w + i - 60);
    const w2 = load<u32>(w + i - 8);
    const sigma0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
    const sigma1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
    store<u32>(w + i, load<u32>(w + i - 64) + sigma0 + load<u32>(w + i - 28) + sigma1);
  }

  let a = load<u32>(chainingValue, 0);
  let b = load<u32>(chainingValue, 4);
  let c = load<u32>(chainingValue, 8);
  let d = load<u32>(chainingValue, 12);
  let e = load<u32>(chainingValue, 16);
  let f = load<u32>(chainingValue, 20);
  let g = load<u32>(chainingValue, 24);
  let h = load<u32>(chainingValue, 28);

  for (let i: usize = 0; i < 256; i += 4) {
    const bigSigma1 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
    const choose = (e & f) ^ (~e & g);
    const t1 = h + bigSigma1 + choose + load<u32>(ROUND_CONSTANTS + i) + load<u32>(w + i);
    const bigSigma0 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
    const majority = (a & b) ^ (a & c) ^ (b & c);
    const t2 = bigSigma0 + majority;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }

  store<u32>(chainingValue, load<u32>(chainingValue, 0) + a, 0);
  store<u32>(chainingValue, load<u32>(chainingValue, 4) + b, 4);
  store<u32>(chainingValue, load<u32>(chainingValue, 8) + c, 8);
  store<u32>(chainingValue, load<u32>(chainingValue, 12) + d, 12);
  store<u32>(chainingValue, load<u32>(chainingValue, 16) + e, 16);
  store<u32>(chainingValue, load<u32>(chainingValue, 20) + f, 20);
  store<u32>(chainingValue, load<u32>(chainingValue, 24) + g, 24);
  store<u32>(chainingValue, load<u32>(chainingValue, 28) + h, 28);
}

// A fresh module is ready for sha256Update without an explicit init.
sha256Init();
