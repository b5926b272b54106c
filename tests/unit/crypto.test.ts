// Differential tests of the AssemblyScript crypto primitives
// (assembly/crypto/*) against node:crypto, plus the QUIC Initial test vectors
// of RFC 9001 Appendix A (v1) and RFC 9369 Appendix A (v2).
//
// The wasm is compiled from assembly/crypto/test_entry.ts into a temporary
// directory at test time, so the test always runs the current sources.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCipheriv, createHash, createHmac, hkdfSync } from 'node:crypto';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const ascBin = join(repoRoot, 'node_modules/assemblyscript/bin/asc.js');
const testEntry = join(repoRoot, 'assembly/crypto/test_entry.ts');

interface CryptoExports {
  memory: WebAssembly.Memory;
  ioBufferPtr(): number;
  ioBufferLen(): number;
  sha256(src: number, len: number, out: number): void;
  sha256Init(): void;
  sha256Update(src: number, len: number): void;
  sha256Final(out: number): void;
  hmacSha256(key: number, keyLen: number, msg: number, msgLen: number, out: number): void;
  hkdfExtract(salt: number, saltLen: number, ikm: number, ikmLen: number, out: number): void;
  hkdfExpand(prk: number, prkLen: number, info: number, infoLen: number, outLen: number, out: number): number;
  hkdfExpandLabelBytes(secret: number, label: number, labelLen: number, outLen: number, out: number): number;
  aes128Expand(key: number, roundKeys: number): void;
  aes128Encrypt(roundKeys: number, inBlock: number, outBlock: number): void;
  aesGcmDecryptNoAuth(roundKeys: number, iv12: number, src: number, len: number, dst: number): void;
  quicInitialKeys(version: number, dcid: number, dcidLen: number, server: number): number;
  quicHeaderProtectionMask(sample: number, mask5: number): void;
  secretPtr(): number;
  keyPtr(): number;
  ivPtr(): number;
  hpPtr(): number;
  keyRoundKeysPtr(): number;
}

let wasm: CryptoExports;
let buildDir: string;

/** Reads an AssemblyScript string (UTF-16, byte length in the header before it). */
function readAscString(ptr: number): string {
  if (!ptr) return '';
  const bytes = new Uint8Array(wasm.memory.buffer);
  const byteLen = new DataView(wasm.memory.buffer).getUint32(ptr - 4, true);
  return Buffer.from(bytes.subarray(ptr, ptr + byteLen)).toString('utf16le');
}

beforeAll(async () => {
  buildDir = mkdtempSync(join(tmpdir(), 'packetlens-crypto-'));
  const wasmPath = join(buildDir, 'crypto.wasm');
  execFileSync(process.execPath, [ascBin, testEntry, '-O3', '--runtime', 'stub', '-o', wasmPath], {
    cwd: repoRoot,
    stdio: 'pipe',
  });
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {
    env: {
      abort(message: number, file: number, line: number, column: number) {
        throw new Error(`wasm abort: ${readAscString(message)} at ${readAscString(file)}:${line}:${column}`);
      },
    },
  });
  wasm = instance.exports as unknown as CryptoExports;
}, 120_000);

afterAll(() => {
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
});

/** Bump allocator over the wasm I/O buffer; reset before each case. */
class Arena {
  private next = 0;

  reset(): void {
    this.next = 0;
  }

  reserve(len: number): number {
    const ptr = wasm.ioBufferPtr() + this.next;
    this.next += (len + 15) & ~15;
    if (this.next > wasm.ioBufferLen()) throw new Error('test I/O buffer exhausted');
    return ptr;
  }

  put(data: Uint8Array): number {
    const ptr = this.reserve(data.length);
    new Uint8Array(wasm.memory.buffer, ptr, data.length).set(data);
    return ptr;
  }
}

const arena = new Arena();

function read(ptr: number, len: number): Buffer {
  return Buffer.from(new Uint8Array(wasm.memory.buffer, ptr, len).slice());
}

/** Deterministic xorshift32, so a failing case can be replayed. */
function makeRandom(seed: number) {
  let state = seed >>> 0 || 1;
  const nextU32 = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  return {
    int: (maxExclusive: number) => nextU32() % maxExclusive,
    bytes: (len: number) => {
      const out = Buffer.alloc(len);
      for (let i = 0; i < len; i++) out[i] = nextU32() & 0xff;
      return out;
    },
  };
}

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Lengths 0..300 and a few larger ones that cross many block boundaries. */
const MESSAGE_LENGTHS = [...Array.from({ length: 301 }, (_, i) => i), 511, 512, 513, 1000, 4096, 8191];

describe('sha256', () => {
  it('matches node:crypto for lengths 0..300 and beyond', () => {
    const random = makeRandom(0x5a256);
    for (const len of MESSAGE_LENGTHS) {
      arena.reset();
      const msg = random.bytes(len);
      const src = arena.put(msg);
      const out = arena.reserve(32);
      wasm.sha256(src, len, out);
      expect(read(out, 32).toString('hex'), `length ${len}`).toBe(
        createHash('sha256').update(msg).digest('hex'),
      );
    }
  });

  it('gives the same digest when the message arrives in random pieces', () => {
    const random = makeRandom(0x1ce);
    for (let round = 0; round < 300; round++) {
      arena.reset();
      const msg = random.bytes(random.int(400));
      const src = arena.put(msg);
      const out = arena.reserve(32);
      wasm.sha256Init();
      let offset = 0;
      while (offset < msg.length) {
        const piece = Math.min(random.int(130), msg.length - offset);
        wasm.sha256Update(src + offset, piece);
        offset += piece;
      }
      wasm.sha256Final(out);
      expect(read(out, 32).toString('hex')).toBe(createHash('sha256').update(msg).digest('hex'));
    }
  });

  it('hashes the FIPS 180-2 "abc" example', () => {
    arena.reset();
    const src = arena.put(Buffer.from('abc'));
    const out = arena.reserve(32);
    wasm.sha256(src, 3, out);
    expect(read(out, 32).toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('hmacSha256 and HKDF', () => {
  it('HMAC matches node:crypto for key lengths 0..130 and message lengths 0..300', () => {
    const random = makeRandom(0x4ac);
    for (const len of MESSAGE_LENGTHS) {
      arena.reset();
      const key = random.bytes(len % 131);
      const msg = random.bytes(len);
      const keyPtr = arena.put(key);
      const msgPtr = arena.put(msg);
      const out = arena.reserve(32);
      wasm.hmacSha256(keyPtr, key.length, msgPtr, msg.length, out);
      expect(read(out, 32).toString('hex'), `key ${key.length}, message ${len}`).toBe(
        createHmac('sha256', key).update(msg).digest('hex'),
      );
    }
  });

  it('HKDF-Extract then HKDF-Expand matches hkdfSync', () => {
    const random = makeRandom(0x6bdf);
    for (let round = 0; round < 300; round++) {
      arena.reset();
      const salt = random.bytes(random.int(100));
      const ikm = random.bytes(random.int(300));
      const info = random.bytes(random.int(200));
      const outLen = round === 0 ? 255 * 32 : 1 + random.int(300);
      const saltPtr = arena.put(salt);
      const ikmPtr = arena.put(ikm);
      const infoPtr = arena.put(info);
      const prk = arena.reserve(32);
      const out = arena.reserve(outLen);
      wasm.hkdfExtract(saltPtr, salt.length, ikmPtr, ikm.length, prk);
      expect(read(prk, 32).toString('hex')).toBe(createHmac('sha256', salt).update(ikm).digest('hex'));
      expect(wasm.hkdfExpand(prk, 32, infoPtr, info.length, outLen, out)).toBe(1);
      const expected = Buffer.from(hkdfSync('sha256', ikm, salt, info, outLen));
      expect(read(out, outLen).toString('hex'), `salt ${salt.length}, ikm ${ikm.length}, out ${outLen}`).toBe(
        expected.toString('hex'),
      );
    }
  });

  it('HKDF-Expand refuses more than 255 hash lengths of output', () => {
    arena.reset();
    const prk = arena.put(Buffer.alloc(32, 7));
    const out = arena.reserve(255 * 32 + 16);
    expect(wasm.hkdfExpand(prk, 32, prk, 0, 255 * 32 + 1, out)).toBe(0);
    expect(wasm.hkdfExpand(prk, 32, prk, 0, -1, out)).toBe(0);
  });

  /** RFC 5869 HKDF-Expand on node:crypto HMAC, for checking Expand-Label. */
  function referenceExpand(prk: Buffer, info: Buffer, outLen: number): Buffer {
    const blocks: Buffer[] = [];
    let previous = Buffer.alloc(0);
    for (let i = 1; blocks.length * 32 < outLen; i++) {
      previous = createHmac('sha256', prk).update(Buffer.concat([previous, info, Buffer.from([i])])).digest();
      blocks.push(previous);
    }
    return Buffer.concat(blocks).subarray(0, outLen);
  }

  function tls13Label(label: string, outLen: number): Buffer {
    const fullLabel = Buffer.from(`tls13 ${label}`, 'ascii');
    return Buffer.concat([Buffer.from([outLen >> 8, outLen & 0xff, fullLabel.length]), fullLabel, Buffer.from([0])]);
  }

  it('HKDF-Expand-Label matches the RFC 8446 HkdfLabel construction', () => {
    const random = makeRandom(0x7135);
    const labels = ['client in', 'server in', 'quic key', 'quic iv', 'quic hp', 'quicv2 key', 'quic ku', ''];
    for (let round = 0; round < 200; round++) {
      arena.reset();
      const label =
        round < labels.length
          ? labels[round]!
          : Array.from({ length: random.int(250) }, () => String.fromCharCode(0x20 + random.int(95))).join('');
      const outLen = 1 + random.int(100);
      const secret = random.bytes(32);
      const secretPtr = arena.put(secret);
      const labelPtr = arena.put(Buffer.from(label, 'ascii'));
      const out = arena.reserve(outLen);
      expect(wasm.hkdfExpandLabelBytes(secretPtr, labelPtr, label.length, outLen, out)).toBe(1);
      expect(read(out, outLen).toString('hex'), `label "${label}", out ${outLen}`).toBe(
        referenceExpand(secret, tls13Label(label, outLen), outLen).toString('hex'),
      );
    }
  });

  it('HKDF-Expand-Label refuses labels that do not fit the one-byte length', () => {
    arena.reset();
    const secretPtr = arena.put(Buffer.alloc(32, 1));
    const labelPtr = arena.put(Buffer.alloc(250, 0x61));
    const out = arena.reserve(32);
    expect(wasm.hkdfExpandLabelBytes(secretPtr, labelPtr, 249, 32, out)).toBe(1);
    expect(wasm.hkdfExpandLabelBytes(secretPtr, labelPtr, 250, 32, out)).toBe(0);
  });
});

describe('AES-128', () => {
  function expandKey(key: Buffer): number {
    const keyPtr = arena.put(key);
    const roundKeys = arena.reserve(176);
    wasm.aes128Expand(keyPtr, roundKeys);
    return roundKeys;
  }

  it('encrypts the FIPS 197 Appendix C.1 example', () => {
    arena.reset();
    const roundKeys = expandKey(hex('000102030405060708090a0b0c0d0e0f'));
    const block = arena.put(hex('00112233445566778899aabbccddeeff'));
    wasm.aes128Encrypt(roundKeys, block, block); // in place
    expect(read(block, 16).toString('hex')).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
  });

  it('ECB blocks match node:crypto aes-128-ecb', () => {
    const random = makeRandom(0xae5);
    for (let round = 0; round < 500; round++) {
      arena.reset();
      const key = random.bytes(16);
      const plain = random.bytes(16);
      const roundKeys = expandKey(key);
      const inBlock = arena.put(plain);
      const outBlock = arena.reserve(16);
      wasm.aes128Encrypt(roundKeys, inBlock, outBlock);
      const cipher = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
      expect(read(outBlock, 16).toString('hex')).toBe(cipher.update(plain).toString('hex'));
    }
  });

  it('aesGcmDecryptNoAuth recovers what node:crypto aes-128-gcm encrypted', () => {
    const random = makeRandom(0x6c3);
    for (const len of [...MESSAGE_LENGTHS, 16 * 1024 + 7]) {
      arena.reset();
      const key = random.bytes(16);
      const iv = random.bytes(12);
      const plain = random.bytes(len);
      const cipher = createCipheriv('aes-128-gcm', key, iv);
      const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
      const roundKeys = expandKey(key);
      const ivPtr = arena.put(iv);
      const src = arena.put(encrypted);
      const dst = arena.reserve(len);
      wasm.aesGcmDecryptNoAuth(roundKeys, ivPtr, src, len, dst);
      expect(read(dst, len).equals(plain), `length ${len}`).toBe(true);
      // In place, as the dissector will do on its own copy of a packet.
      wasm.aesGcmDecryptNoAuth(roundKeys, ivPtr, src, len, src);
      expect(read(src, len).equals(plain), `length ${len}, in place`).toBe(true);
    }
  });
});

describe('QUIC Initial keys', () => {
  const dcid = hex('8394c8f03e515708');

  function derive(version: number, server: boolean) {
    arena.reset();
    const dcidPtr = arena.put(dcid);
    const ok = wasm.quicInitialKeys(version, dcidPtr, dcid.length, server ? 1 : 0);
    return {
      ok,
      secret: read(wasm.secretPtr(), 32).toString('hex'),
      key: read(wasm.keyPtr(), 16).toString('hex'),
      iv: read(wasm.ivPtr(), 12).toString('hex'),
      hp: read(wasm.hpPtr(), 16).toString('hex'),
    };
  }

  function mask(sample: string): string {
    arena.reset();
    const samplePtr = arena.put(hex(sample));
    const maskPtr = arena.reserve(5);
    wasm.quicHeaderProtectionMask(samplePtr, maskPtr);
    return read(maskPtr, 5).toString('hex');
  }

  it('RFC 9001 A.1 and A.2: v1 client keys and header protection mask', () => {
    expect(derive(0x00000001, false)).toEqual({
      ok: 1,
      secret: 'c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea',
      key: '1f369613dd76d5467730efcbe3b1a22d',
      iv: 'fa044b2f42a3fd3b46fb255c',
      hp: '9f50449e04a0e810283a1e9933adedd2',
    });
    expect(mask('d1b1c98dd7689fb8ec11d242b123dc9b')).toBe('437b9aec36');
  });

  it('RFC 9001 A.1 and A.3: v1 server keys and header protection mask', () => {
    expect(derive(0x00000001, true)).toEqual({
      ok: 1,
      secret: '3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b',
      key: 'cf3a5331653c364c88f0f379b6067e37',
      iv: '0ac1493ca1905853b0bba03e',
      hp: 'c206b8d9b9f0f37644430b490eeaa314',
    });
    expect(mask('2cd0991cd25b0aac406a5816b6394100')).toBe('2ec0d8356a');
  });

  it('RFC 9369 A.1 and A.2: v2 client keys and header protection mask', () => {
    expect(derive(0x6b3343cf, false)).toEqual({
      ok: 1,
      secret: '14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b',
      key: '8b1a0bc121284290a29e0971b5cd045d',
      iv: '91f73e2351d8fa91660e909f',
      hp: '45b95e15235d6f45a6b19cbcb0294ba9',
    });
    expect(mask('ffe67b6abcdb4298b485dd04de806071')).toBe('94a0c95e80');
  });

  it('RFC 9369 A.1 and A.3: v2 server keys and header protection mask', () => {
    expect(derive(0x6b3343cf, true)).toEqual({
      ok: 1,
      secret: '0263db1782731bf4588e7e4d93b7463907cb8cd8200b5da55a8bd488eafc37c1',
      key: '82db637861d55e1d011f19ea71d5d2a7',
      iv: 'dd13c276499c0249d3310652',
      hp: 'edf6d05c83121201b436e16877593c3a',
    });
    expect(mask('6f05d8a4398c47089698baeea26b91eb')).toBe('4dd92e91ea');
  });

  it('rejects unknown versions and over-long connection IDs, keeping the previous keys', () => {
    const before = derive(0x00000001, false);
    for (const version of [0x00000000, 0x00000002, 0xff00001d, 0x709a50c4, 0x1a2a3a4a]) {
      expect(derive(version, false)).toEqual({ ...before, ok: 0 });
    }
    arena.reset();
    const longDcid = arena.put(Buffer.alloc(21, 0xab));
    expect(wasm.quicInitialKeys(0x00000001, longDcid, 21, 0)).toBe(0);
    expect(wasm.quicInitialKeys(0x00000001, longDcid, 20, 0)).toBe(1);
    expect(wasm.quicInitialKeys(0x00000001, longDcid, 0, 0)).toBe(1);
  });

  // The server Initial of RFC 9001 A.3 and RFC 9369 A.3: 99 bytes of ACK and
  // CRYPTO frames, protected under the server keys for the DCID above.
  const serverPayload = hex(
    '02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf739' +
      '88cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c94' +
      '0d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00' +
      '020304',
  );
  const protectedServerInitial = {
    v1: hex(
      'cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a' +
        '5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3' +
        'dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84' +
        '022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4' +
        '2158407dd074ee',
    ),
    v2: hex(
      'dc6b3343cf0008f067a5502a4262b5004075d92faaf16f05d8a4398c47089698' +
        'baeea26b91eb761d9b89237bbf87263017915358230035f7fd3945d88965cf17' +
        'f9af6e16886c61bfc703106fbaf3cb4cfa52382dd16a393e42757507698075b2' +
        'c984c707f0a0812d8cd5a6881eaf21ceda98f4bd23f6fe1a3e2c43edd9ce7ca8' +
        '4bed8521e2e140',
    ),
  };

  for (const [name, version] of [
    ['v1', 0x00000001],
    ['v2', 0x6b3343cf],
  ] as const) {
    it(`removes protection from the ${name} server Initial end to end`, () => {
      const packet = Buffer.from(protectedServerInitial[name]);
      expect(derive(version, true).ok).toBe(1);

      // Header protection (RFC 9001, 5.4): the packet number starts after
      // the 18-byte header prefix; the sample sits 4 bytes past its start.
      const packetNumberOffset = 18;
      const headerMask = hex(mask(packet.subarray(packetNumberOffset + 4, packetNumberOffset + 20).toString('hex')));
      packet[0] = packet[0]! ^ (headerMask[0]! & 0x0f);
      const packetNumberLen = (packet[0]! & 0x03) + 1;
      let packetNumber = 0;
      for (let i = 0; i < packetNumberLen; i++) {
        packet[packetNumberOffset + i] = packet[packetNumberOffset + i]! ^ headerMask[1 + i]!;
        packetNumber = packetNumber * 256 + packet[packetNumberOffset + i]!;
      }
      expect(packetNumberLen).toBe(2);
      expect(packetNumber).toBe(1);

      // Nonce = IV XOR the packet number, left-padded (RFC 9001, 5.3).
      const nonce = read(wasm.ivPtr(), 12);
      nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ packetNumber) >>> 0, 8);
      const headerLen = packetNumberOffset + packetNumberLen;
      const ciphertext = packet.subarray(headerLen, packet.length - 16);

      arena.reset();
      const noncePtr = arena.put(nonce);
      const payloadPtr = arena.put(ciphertext);
      wasm.aesGcmDecryptNoAuth(wasm.keyRoundKeysPtr(), noncePtr, payloadPtr, ciphertext.length, payloadPtr);
      expect(read(payloadPtr, ciphertext.length).toString('hex')).toBe(serverPayload.toString('hex'));
    });
  }
});
