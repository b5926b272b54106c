// QUIC Initial packet protection keys (RFC 9001, 5.2; RFC 9369, 3.3) and the
// header protection mask (RFC 9001, 5.4.3).
//
// Initial keys depend only on the version and the client's first Destination
// Connection ID, which is why a passive analyzer can derive them at all. The
// keys of the last successful derivation live in static buffers; the
// accessors below point into them and are valid until the next call.

import { hkdfExtract, hkdfExpandLabel } from "./hmac";
import { aes128Expand, aes128Encrypt } from "./aes";

export const QUIC_VERSION_1: u32 = 0x00000001;
export const QUIC_VERSION_2: u32 = 0x6b3343cf;

export const QUIC_KEY_LEN: i32 = 16;
export const QUIC_IV_LEN: i32 = 12;
export const QUIC_HP_KEY_LEN: i32 = 16;
export const QUIC_HP_MASK_LEN: i32 = 5;

/** RFC 9000, 17.2: version 1 and 2 connection IDs are at most 20 bytes. */
const MAX_CONNECTION_ID_LEN: i32 = 20;
const INITIAL_SALT_LEN: i32 = 20;

const INITIAL_SALT_V1: usize = memory.data<u8>([
  0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
  0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
]);
const INITIAL_SALT_V2: usize = memory.data<u8>([
  0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
  0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
]);

const initialSecret: usize = memory.data(32, 16);
const endpointSecret: usize = memory.data(32, 16);
const packetKey: usize = memory.data(16, 16);
const packetIv: usize = memory.data(16, 16);
const headerProtectionKey: usize = memory.data(16, 16);
// Expanded once per derivation, so neither decryption nor each header mask
// pays for the key schedule.
const packetKeySchedule: usize = memory.data(176, 16);
const headerProtectionKeySchedule: usize = memory.data(176, 16);
const maskBlock: usize = memory.data(16, 16);

/**
 * Derives the client's (server = false) or server's Initial secret, packet
 * key, IV and header protection key from the client's first Destination
 * Connection ID. Returns false, leaving the previous keys in place, for a
 * version other than QUIC v1 or v2 or a connection ID over 20 bytes.
 */
export function quicInitialKeys(version: u32, dcid: usize, dcidLen: i32, server: bool): bool {
  if (dcidLen < 0 || dcidLen > MAX_CONNECTION_ID_LEN) return false;

  // Version 2 changes only the salt and the packet protection labels; the
  // "client in" / "server in" labels are shared (RFC 9369, 3.3.1 and 3.3.2).
  let salt: usize;
  let keyLabel: string;
  let ivLabel: string;
  let hpLabel: string;
  if (version == QUIC_VERSION_1) {
    salt = INITIAL_SALT_V1;
    keyLabel = "quic key";
    ivLabel = "quic iv";
    hpLabel = "quic hp";
  } else if (version == QUIC_VERSION_2) {
    salt = INITIAL_SALT_V2;
    keyLabel = "quicv2 key";
    ivLabel = "quicv2 iv";
    hpLabel = "quicv2 hp";
  } else {
    return false;
  }

  hkdfExtract(salt, INITIAL_SALT_LEN, dcid, dcidLen, initialSecret);
  hkdfExpandLabel(initialSecret, server ? "server in" : "client in", 32, endpointSecret);
  hkdfExpandLabel(endpointSecret, keyLabel, QUIC_KEY_LEN, packetKey);
  hkdfExpandLabel(endpointSecret, ivLabel, QUIC_IV_LEN, packetIv);
  hkdfExpandLabel(endpointSecret, hpLabel, QUIC_HP_KEY_LEN, headerProtectionKey);
  aes128Expand(packetKey, packetKeySchedule);
  aes128Expand(headerProtectionKey, headerProtectionKeySchedule);
  return true;
}

/** The 32-byte client or server Initial secret. */
export function secretPtr(): usize {
  return endpointSecret;
}

/** The 16-byte AEAD_AES_128_GCM packet protection key. */
export function keyPtr(): usize {
  return packetKey;
}

/** The 12-byte IV; XOR the packet number into its low bytes for the nonce. */
export function ivPtr(): usize {
  return packetIv;
}

/** The 16-byte header protection key. */
export function hpPtr(): usize {
  return headerProtectionKey;
}

/** The packet key expanded for aes.ts (aesGcmDecryptNoAuth). */
export function keyRoundKeysPtr(): usize {
  return packetKeySchedule;
}

/**
 * Header protection mask: AES-ECB of the 16-byte `sample` under the header
 * protection key; the first 5 bytes go to `mask5`.
 */
export function quicHeaderProtectionMask(sample: usize, mask5: usize): void {
  aes128Encrypt(headerProtectionKeySchedule, sample, maskBlock);
  memory.copy(mask5, maskBlock, <usize>QUIC_HP_MASK_LEN);
}
