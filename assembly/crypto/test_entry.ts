// Test-only entry point: exposes the crypto primitives to
// tests/unit/crypto.test.ts. Not part of the engine build.

export { sha256, sha256Init, sha256Update, sha256Final } from "./sha256";
export { hmacSha256, hkdfExtract, hkdfExpand } from "./hmac";
export { aes128Expand, aes128Encrypt, aesGcmDecryptNoAuth } from "./aes";
export {
  quicInitialKeys,
  quicHeaderProtectionMask,
  secretPtr,
  keyPtr,
  ivPtr,
  hpPtr,
  keyRoundKeysPtr,
} from "./quic_initial";

import { hkdfExpandLabel } from "./hmac";

/** Size of the buffer the test writes inputs to and reads outputs from. */
const IO_BUFFER_LEN: usize = 1 << 16;
const ioBuffer: usize = heap.alloc(IO_BUFFER_LEN);

export function ioBufferPtr(): usize {
  return ioBuffer;
}

export function ioBufferLen(): usize {
  return IO_BUFFER_LEN;
}

/**
 * hkdfExpandLabel with the label passed as UTF-8 bytes, since JavaScript
 * cannot hand over an AssemblyScript string. Decoding allocates; only this
 * wrapper does.
 */
export function hkdfExpandLabelBytes(secret: usize, label: usize, labelLen: i32, outLen: i32, out: usize): bool {
  return hkdfExpandLabel(secret, String.UTF8.decodeUnsafe(label, <usize>labelLen), outLen, out);
}
