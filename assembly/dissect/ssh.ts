// The Secure Shell protocol (SSH-2, RFC 4253). A connection starts with a
// text line from each side, the banner ("SSH-2.0-OpenSSH_9.6"); then come
// binary packets: a 4-byte length, a padding length, the message (its first
// byte is the message code) and random padding. The key exchange (KEXINIT,
// the Diffie-Hellman messages, NEWKEYS) travels in the clear; everything after
// NEWKEYS is encrypted and shown as such.
//
// tshark keeps per-connection state: the version from the client's banner,
// the agreed key exchange method, where NEWKEYS was. Here the summary pass
// remembers, per TCP stream, the frame where SSH was first recognised and
// that of the client's SSH-2 banner: from then on every packet of the stream
// is SSH, "SSHv2" in the Protocol column as tshark shows it. Once the version
// is known, a packet is read as cleartext when it is a well-formed packet
// carrying a key exchange message, and the key exchange method is told from
// the message's layout; other packets are shown as encrypted.

import { field, protocol, columnProtocol, FT, BASE } from "../core/registry";
import * as t from "../core/tree";
import { pinfo, frame } from "../core/pinfo";
import { needMore, UNTIL_MORE_DATA } from "./desegment";

const HF_SSH = protocol("ssh", "SSH Protocol", "SSH: encrypted remote login, command execution and file transfer (scp, sftp), usually on TCP port 22.");
const HF_PROTOCOL = field("ssh.protocol", "Protocol", FT.STRING, BASE.NONE, "The banner each side sends first: SSH-protocol version-software version, such as SSH-2.0-OpenSSH_9.6.");
const HF_DIRECTION = field("ssh.direction", "Direction", FT.BOOLEAN, BASE.NONE, "Which way the packet goes: 0 from client to server, 1 from server to client.");
const HF_PACKET_LENGTH = field("ssh.packet_length", "Packet Length", FT.UINT32, BASE.DEC, "Length of the rest of the binary packet in bytes: padding length, message and padding (not the MAC).");
const HF_PACKET_LENGTH_ENC = field("ssh.packet_length_encrypted", "Packet Length (encrypted)", FT.BYTES, BASE.NONE, "The packet length field, encrypted: after the key exchange even the lengths are hidden.");
const HF_PADDING_LENGTH = field("ssh.padding_length", "Padding Length", FT.UINT8, BASE.DEC, "How many random padding bytes end the packet (at least 4), which round its size up to the cipher's block size.");
const HF_MSG_CODE = field("ssh.message_code", "Message Code", FT.UINT8, BASE.DEC, "The kind of message: 20 key exchange init, 21 new keys, 30-34 Diffie-Hellman key exchange, 50-60 authentication, 90-100 channels.");
const HF_PAYLOAD = field("ssh.payload", "Payload", FT.BYTES, BASE.NONE, "Bytes of the message that are not broken down further.");
const HF_ENCRYPTED = field("ssh.encrypted_packet", "Encrypted Packet", FT.BYTES, BASE.NONE, "An encrypted packet: only the two sides, who agreed on keys during the key exchange, can read it.");
const HF_PADDING = field("ssh.padding_string", "Padding String", FT.BYTES, BASE.NONE, "Random bytes that pad the packet to a multiple of the block size.");
const HF_COOKIE = field("ssh.cookie", "Cookie", FT.BYTES, BASE.NONE, "16 random bytes that make every key exchange different, even between the same two hosts.");
const HF_KEX_ALGS_LEN = field("ssh.kex_algorithms_length", "kex_algorithms length", FT.UINT32, BASE.DEC, "Length of the list of key exchange methods.");
const HF_KEX_ALGS = field("ssh.kex_algorithms", "kex_algorithms string", FT.STRING, BASE.NONE, "The key exchange methods the sender supports, most preferred first (curve25519-sha256, diffie-hellman-group14-sha256 ...).");
const HF_HOSTKEY_ALGS_LEN = field("ssh.server_host_key_algorithms_length", "server_host_key_algorithms length", FT.UINT32, BASE.DEC, "Length of the list of host key types.");
const HF_HOSTKEY_ALGS = field("ssh.server_host_key_algorithms", "server_host_key_algorithms string", FT.STRING, BASE.NONE, "The kinds of server key the sender accepts or has (ssh-ed25519, rsa-sha2-512 ...), with which the server proves its identity.");
const HF_ENC_C2S_LEN = field("ssh.encryption_algorithms_client_to_server_length", "encryption_algorithms_client_to_server length", FT.UINT32, BASE.DEC, "Length of the list of ciphers for client-to-server data.");
const HF_ENC_C2S = field("ssh.encryption_algorithms_client_to_server", "encryption_algorithms_client_to_server string", FT.STRING, BASE.NONE, "The ciphers the sender accepts for data from client to server (aes128-ctr, chacha20-poly1305@openssh.com ...).");
const HF_ENC_S2C_LEN = field("ssh.encryption_algorithms_server_to_client_length", "encryption_algorithms_server_to_client length", FT.UINT32, BASE.DEC, "Length of the list of ciphers for server-to-client data.");
const HF_ENC_S2C = field("ssh.encryption_algorithms_server_to_client", "encryption_algorithms_server_to_client string", FT.STRING, BASE.NONE, "The ciphers the sender accepts for data from server to client.");
const HF_MAC_C2S_LEN = field("ssh.mac_algorithms_client_to_server_length", "mac_algorithms_client_to_server length", FT.UINT32, BASE.DEC, "Length of the list of integrity checks for client-to-server data.");
const HF_MAC_C2S = field("ssh.mac_algorithms_client_to_server", "mac_algorithms_client_to_server string", FT.STRING, BASE.NONE, "The message authentication codes the sender accepts for data from client to server (hmac-sha2-256 ...).");
const HF_MAC_S2C_LEN = field("ssh.mac_algorithms_server_to_client_length", "mac_algorithms_server_to_client length", FT.UINT32, BASE.DEC, "Length of the list of integrity checks for server-to-client data.");
const HF_MAC_S2C = field("ssh.mac_algorithms_server_to_client", "mac_algorithms_server_to_client string", FT.STRING, BASE.NONE, "The message authentication codes the sender accepts for data from server to client.");
const HF_COMP_C2S_LEN = field("ssh.compression_algorithms_client_to_server_length", "compression_algorithms_client_to_server length", FT.UINT32, BASE.DEC, "Length of the list of compressions for client-to-server data.");
const HF_COMP_C2S = field("ssh.compression_algorithms_client_to_server", "compression_algorithms_client_to_server string", FT.STRING, BASE.NONE, "The compressions the sender accepts for data from client to server (none, zlib@openssh.com).");
const HF_COMP_S2C_LEN = field("ssh.compression_algorithms_server_to_client_length", "compression_algorithms_server_to_client length", FT.UINT32, BASE.DEC, "Length of the list of compressions for server-to-client data.");
const HF_COMP_S2C = field("ssh.compression_algorithms_server_to_client", "compression_algorithms_server_to_client string", FT.STRING, BASE.NONE, "The compressions the sender accepts for data from server to client.");
const HF_LANG_C2S_LEN = field("ssh.languages_client_to_server_length", "languages_client_to_server length", FT.UINT32, BASE.DEC, "Length of the list of languages for client-to-server messages.");
const HF_LANG_C2S = field("ssh.languages_client_to_server", "languages_client_to_server string", FT.STRING, BASE.NONE, "Languages for messages from client to server; almost always empty.");
const HF_LANG_S2C_LEN = field("ssh.languages_server_to_client_length", "languages_server_to_client length", FT.UINT32, BASE.DEC, "Length of the list of languages for server-to-client messages.");
const HF_LANG_S2C = field("ssh.languages_server_to_client", "languages_server_to_client string", FT.STRING, BASE.NONE, "Languages for messages from server to client; almost always empty.");
const HF_FIRST_KEX_FOLLOWS = field("ssh.first_kex_packet_follows", "First KEX Packet Follows", FT.UINT8, BASE.DEC, "1 when the sender already sends its first key exchange packet, guessing the method the other side will pick.");
const HF_KEX_RESERVED = field("ssh.kex.reserved", "Reserved", FT.BYTES, BASE.NONE, "Four bytes reserved for future use; zero.");
const HF_HASSH_ALGS = field("ssh.kex.hassh_algorithms", "hasshAlgorithms", FT.STRING, BASE.NONE, "The client's key exchange, cipher, MAC and compression lists joined with ';': the input of the hassh fingerprint.");
const HF_HASSH = field("ssh.kex.hassh", "hassh", FT.STRING, BASE.NONE, "MD5 of hasshAlgorithms: a fingerprint of the client software, the same for every connection it makes.");
const HF_HASSH_SERVER_ALGS = field("ssh.kex.hasshserver_algorithms", "hasshServerAlgorithms", FT.STRING, BASE.NONE, "The server's key exchange, cipher, MAC and compression lists joined with ';': the input of the hasshServer fingerprint.");
const HF_HASSH_SERVER = field("ssh.kex.hasshserver", "hasshServer", FT.STRING, BASE.NONE, "MD5 of hasshServerAlgorithms: a fingerprint of the server software.");
const HF_HOSTKEY_LEN = field("ssh.host_key.length", "Host key length", FT.UINT32, BASE.DEC, "Length of the server's public host key.");
const HF_HOSTKEY_TYPE_LEN = field("ssh.host_key.type_length", "Host key type length", FT.UINT32, BASE.DEC, "Length of the host key type name.");
const HF_HOSTKEY_TYPE = field("ssh.host_key.type", "Host key type", FT.STRING, BASE.NONE, "The kind of host key, such as ssh-ed25519 or ssh-rsa.");
const HF_HOSTKEY_DATA = field("ssh.host_key.data", "Host key data", FT.BYTES, BASE.NONE, "The host key's contents, for key types not broken down further.");
const HF_HOSTKEY_RSA_N = field("ssh.host_key.rsa.n", "RSA modulus (N)", FT.BYTES, BASE.NONE, "The modulus of the server's RSA public key.");
const HF_HOSTKEY_RSA_E = field("ssh.host_key.rsa.e", "RSA public exponent (e)", FT.BYTES, BASE.NONE, "The public exponent of the server's RSA key (often 65537).");
const HF_HOSTKEY_DSA_P = field("ssh.host_key.dsa.p", "DSA prime modulus (p)", FT.BYTES, BASE.NONE, "The prime modulus of the server's DSA key.");
const HF_HOSTKEY_DSA_Q = field("ssh.host_key.dsa.q", "DSA prime divisor (q)", FT.BYTES, BASE.NONE, "The prime divisor of the server's DSA key.");
const HF_HOSTKEY_DSA_G = field("ssh.host_key.dsa.g", "DSA subgroup generator (g)", FT.BYTES, BASE.NONE, "The generator of the server's DSA key.");
const HF_HOSTKEY_DSA_Y = field("ssh.host_key.dsa.y", "DSA public key (y)", FT.BYTES, BASE.NONE, "The public value of the server's DSA key.");
const HF_HOSTKEY_ECDSA_ID_LEN = field("ssh.host_key.ecdsa.id_length", "ECDSA elliptic curve identifier length", FT.UINT32, BASE.DEC, "Length of the curve name.");
const HF_HOSTKEY_ECDSA_ID = field("ssh.host_key.ecdsa.id", "ECDSA elliptic curve identifier", FT.STRING, BASE.NONE, "The curve of the server's ECDSA key, such as nistp256.");
const HF_HOSTKEY_ECDSA_Q_LEN = field("ssh.host_key.ecdsa.q_length", "ECDSA public key length", FT.UINT32, BASE.DEC, "Length of the ECDSA public point.");
const HF_HOSTKEY_ECDSA_Q = field("ssh.host_key.ecdsa.q", "ECDSA public key (Q)", FT.BYTES, BASE.NONE, "The public point of the server's ECDSA key.");
const HF_HOSTKEY_EDDSA_LEN = field("ssh.host_key.eddsa.key_length", "EdDSA public key length", FT.UINT32, BASE.DEC, "Length of the Ed25519 or Ed448 public key.");
const HF_HOSTKEY_EDDSA = field("ssh.host_key.eddsa.key", "EdDSA public key", FT.BYTES, BASE.NONE, "The server's Ed25519 or Ed448 public key.");
const HF_HOSTSIG_LEN = field("ssh.host_sig.length", "Host signature length", FT.UINT32, BASE.DEC, "Length of the server's signature over the exchange.");
const HF_HOSTSIG_TYPE_LEN = field("ssh.host_sig.type_length", "Host signature type length", FT.UINT32, BASE.DEC, "Length of the signature type name.");
const HF_HOSTSIG_TYPE = field("ssh.host_sig.type", "Host signature type", FT.STRING, BASE.NONE, "The kind of signature, such as ssh-ed25519 or rsa-sha2-512.");
const HF_HOSTSIG_DATA = field("ssh.host_sig.data", "Host signature data", FT.BYTES, BASE.NONE, "The signature, for types not broken down further.");
const HF_HOSTSIG_RSA = field("ssh.host_sig.rsa", "RSA signature", FT.BYTES, BASE.NONE, "The server's RSA signature over the key exchange, proving it holds the host key.");
const HF_HOSTSIG_DSA = field("ssh.host_sig.dsa", "DSA signature", FT.BYTES, BASE.NONE, "The server's DSA signature over the key exchange.");
const HF_DH_E = field("ssh.dh.e", "DH client e", FT.BYTES, BASE.NONE, "The client's public Diffie-Hellman value.");
const HF_DH_F = field("ssh.dh.f", "DH server f", FT.BYTES, BASE.NONE, "The server's public Diffie-Hellman value.");
const HF_GEX_MIN = field("ssh.dh_gex.min", "DH GEX Min", FT.UINT32, BASE.DEC, "The smallest Diffie-Hellman group size, in bits, the client accepts.");
const HF_GEX_NBITS = field("ssh.dh_gex.nbits", "DH GEX Number of Bits", FT.UINT32, BASE.DEC, "The Diffie-Hellman group size, in bits, the client would like.");
const HF_GEX_MAX = field("ssh.dh_gex.max", "DH GEX Max", FT.UINT32, BASE.DEC, "The largest Diffie-Hellman group size, in bits, the client accepts.");
const HF_GEX_P = field("ssh.dh_gex.p", "DH GEX modulus (P)", FT.BYTES, BASE.NONE, "The prime of the Diffie-Hellman group the server chose.");
const HF_GEX_G = field("ssh.dh_gex.g", "DH GEX base (G)", FT.BYTES, BASE.NONE, "The generator of the Diffie-Hellman group the server chose.");
const HF_ECDH_QC_LEN = field("ssh.ecdh.q_c_length", "ECDH client's ephemeral public key length", FT.UINT32, BASE.DEC, "Length of the client's one-time elliptic curve public key.");
const HF_ECDH_QC = field("ssh.ecdh.q_c", "ECDH client's ephemeral public key (Q_C)", FT.BYTES, BASE.NONE, "The client's one-time elliptic curve public key.");
const HF_ECDH_QS_LEN = field("ssh.ecdh.q_s_length", "ECDH server's ephemeral public key length", FT.UINT32, BASE.DEC, "Length of the server's one-time elliptic curve public key.");
const HF_ECDH_QS = field("ssh.ecdh.q_s", "ECDH server's ephemeral public key (Q_S)", FT.BYTES, BASE.NONE, "The server's one-time elliptic curve public key.");
const HF_MPINT_LEN = field("ssh.mpint_length", "Multi Precision Integer Length", FT.UINT32, BASE.DEC, "Length of the big number that follows.");
const COL_SSH = columnProtocol("SSH", HF_SSH);
const COL_SSHV2 = columnProtocol("SSHv2", HF_SSH);

/** Packets (banners, binary packets) dissected per segment. */
const MAX_PACKETS = 256;
/** Longest banner line waited for. */
const MAX_BANNER = 8192;
/** Largest cleartext packet believed (RFC 4253 asks implementations to accept 35000). */
const MAX_CLEAR_PACKET: u32 = 262144;

// ---- per-stream state ------------------------------------------------------------
// For each TCP stream with SSH: the frame where SSH was first recognised (a
// banner or a cleartext packet) and that of the client's SSH-2 banner, as the
// summary pass meets them. A packet is known to be SSH-2 when the client's
// banner came in an earlier frame, which holds in the detail pass too (it
// runs after the summary pass).

const streams = new Map<i32, u64>();
let lastFrame: u32 = 0;
/** Streams remembered; more are not tracked (their packets show as "SSH"). */
const MAX_STREAMS = 65536;

/** Forgets the streams of the previous capture. */
export function resetSsh(): void {
  streams.clear();
  lastFrame = 0;
}

/** Summary pass: a frame number going back means a new capture (if the host did not call resetSsh). */
function noteFrame(): void {
  if (!frame.track) return;
  if (frame.number < lastFrame) resetSsh();
  lastFrame = frame.number;
}

function remember(stream: i32, clientV2: bool): void {
  if (!frame.track || stream < 0) return;
  const had = streams.has(stream);
  if (!had && streams.size >= MAX_STREAMS) return;
  let v: u64 = had ? streams.get(stream) : 0;
  if (<u32>v == 0) v |= <u64>frame.number;
  if (clientV2 && (v >> 32) == 0) v |= <u64>frame.number << 32;
  if (!had || v != streams.get(stream)) streams.set(stream, v);
}

/** Was SSH recognised on this stream up to this frame? */
function sshSeen(stream: i32): bool {
  if (stream < 0 || !streams.has(stream)) return false;
  const first = <u32>streams.get(stream);
  return first != 0 && first <= frame.number;
}

/** Did the client's banner say SSH-2 in an earlier frame? */
function v2Before(stream: i32): bool {
  if (stream < 0 || !streams.has(stream)) return false;
  const v2 = <u32>(streams.get(stream) >> 32);
  return v2 != 0 && v2 < frame.number;
}

// ---- byte helpers ------------------------------------------------------------------

// @ts-ignore: decorator
@inline function byteAt(i: i32): u32 {
  return <u32>load<u8>(t.at(i));
}

function u32At(i: i32): u32 {
  return bswap<u32>(load<u32>(t.at(i)));
}

/** "SSH-" at p, in any case (as tshark compares it). */
function bannerAt(p: i32, lim: i32): bool {
  if (p + 4 > lim) return false;
  return (byteAt(p) | 0x20) == 0x73 && (byteAt(p + 1) | 0x20) == 0x73 && (byteAt(p + 2) | 0x20) == 0x68 && byteAt(p + 3) == 0x2d;
}

function isKexCode(c: u32): bool {
  return (c >= 1 && c <= 7) || c == 20 || c == 21 || (c >= 30 && c <= 34);
}

/**
 * Does a cleartext binary packet start at p? Its length must be a multiple
 * of 8 with the length field (RFC 4253, 6), the padding at least 4 bytes and
 * shorter than the packet, and the message a key exchange message: an
 * encrypted packet passes this by chance about once in a million.
 */
function clearPacketAt(p: i32, lim: i32): bool {
  if (p + 6 > lim) return false;
  const plen = u32At(p);
  if (plen < 12 || plen > MAX_CLEAR_PACKET || ((plen + 4) & 7) != 0) return false;
  const pad = byteAt(p + 4);
  if (pad < 4 || pad + 1 >= plen) return false;
  return isKexCode(byteAt(p + 5));
}

/** SSH: a banner ("SSH-") or a cleartext key exchange packet at off, or a stream whose banner was seen before. */
export function looksLikeSsh(off: i32, end: i32): bool {
  noteFrame();
  const avail = t.limit < end ? t.limit : end;
  if (off < 0 || off >= avail) return false;
  return bannerAt(off, avail) || clearPacketAt(off, avail) || sshSeen(pinfo.stream);
}

// ---- the dissector -----------------------------------------------------------------

/** The lower port, or 22, is the server's (tshark: the port the dissector was found by). */
function isFromServer(): bool {
  const s = pinfo.srcPort;
  const d = pinfo.dstPort;
  const server = s == 22 || d == 22 ? 22 : s < d ? s : d;
  return d != server;
}

let infoItems: i32 = 0;

function infoSep(): void {
  if (!t.detail) return;
  if (infoItems++ > 0) t.info.str(", ");
}

export function dissectSsh(off: i32, end: i32): void {
  noteFrame();
  const prev = t.enter(end);
  const avail = t.limit < end ? t.limit : end;
  const canDesegment = avail == end;
  const fromServer = isFromServer();
  // tshark sets the column from what it knew before this packet.
  const wasV2 = v2Before(pinfo.stream);
  // Binary packets are read as SSH-2 once the client's banner said so (before
  // this frame, or earlier in it); until then tshark shows them as encrypted.
  let v2 = wasV2;
  let sawBanner = false;
  let node = -1;
  let pos = off;
  infoItems = 0;
  for (let n = 0; n < MAX_PACKETS && pos < end && pos < avail && !t.stopped; n++) {
    if (bannerAt(pos, avail)) {
      // The banner line, up to its LF.
      let lf = -1;
      const lim = avail - pos > MAX_BANNER ? pos + MAX_BANNER : avail;
      for (let i = pos; i < lim; i++) {
        if (byteAt(i) == 0x0a) {
          lf = i;
          break;
        }
      }
      if (lf < 0 && canDesegment && lim == avail) {
        needMore(pos, UNTIL_MORE_DATA);
        break;
      }
      const lineEnd = lf < 0 ? lim : lf + 1;
      let protoLen = lineEnd - pos;
      if (lf >= 0) protoLen = lf > pos && byteAt(lf - 1) == 0x0d ? lf - 1 - pos : lf - pos;
      node = begin(node, off, fromServer);
      if (t.detail) {
        const mark = t.poolMark();
        asciiToPool(t.at(pos), protoLen);
        t.fstrPool(HF_PROTOCOL, pos, protoLen, mark);
        infoSep();
        t.info.str("Protocol (");
        t.info.printable(t.at(pos), protoLen);
        t.info.str(")");
      }
      // The client's banner tells the version (as in tshark): SSH-2.x, or SSH-1.99 (2 and 1).
      const clientV2 = !fromServer && (matchesCI(pos, avail, "ssh-2.") || matchesCI(pos, avail, "ssh-1.99-"));
      remember(pinfo.stream, clientV2);
      if (clientV2) v2 = true;
      sawBanner = true;
      pos = lineEnd;
      continue;
    }
    if (v2 && clearPacketAt(pos, avail)) {
      const total = <i32>u32At(pos) + 4;
      if (total > end - pos && canDesegment) {
        needMore(pos, total);
        break;
      }
      node = begin(node, off, fromServer);
      if (t.detail) binaryPacket(pos, total);
      pos += total;
      continue;
    }
    if (v2 && sawBanner && end - pos < 6 && canDesegment) {
      // The start of the first binary packet, too short to tell: wait for it.
      needMore(pos, UNTIL_MORE_DATA);
      break;
    }
    node = begin(node, off, fromServer);
    if (t.detail) encrypted(pos, end, avail);
    pos = end;
  }
  if (node >= 0 || pos > off) {
    // From now on the stream is SSH, even its packets that look like nothing.
    remember(pinfo.stream, false);
    if (!pinfo.inError) pinfo.colProto = wasV2 ? COL_SSHV2 : COL_SSH;
    if (node >= 0) {
      t.openNode(node);
      const dn = t.fgen(HF_DIRECTION, off, 0, fromServer ? 1 : 0);
      const note = t.beginNote();
      t.pool.str(fromServer ? "server-to-client" : "client-to-server");
      t.endNote(dn, note);
      t.setLength(node, (pos < avail ? pos : avail) - off);
      t.close(node);
    }
  }
  // Summary mode: the layer recorded for statistics ends here too.
  if (node < -1) t.close(node);
  t.restore(prev);
}

/** Opens the SSH node and starts the Info column, once. */
function begin(node: i32, off: i32, fromServer: bool): i32 {
  // Already open: a node, or in summary mode the layer recorded for statistics.
  if (node != -1) return node;
  if (!t.detail) return t.open(HF_SSH, off, 0);
  if (!pinfo.inError) {
    t.info.reset();
    t.info.str(fromServer ? "Server: " : "Client: ");
  }
  const n = t.open(HF_SSH, off, 0);
  return n;
}

function matchesCI(p: i32, lim: i32, s: string): bool {
  const n = s.length;
  if (p + n > lim) return false;
  for (let i = 0; i < n; i++) {
    let c = byteAt(p + i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c != <u32>s.charCodeAt(i)) return false;
  }
  return true;
}

/** An encrypted packet: the rest of the segment, as tshark shows it without the keys. */
function encrypted(pos: i32, end: i32, avail: i32): void {
  const len = end - pos;
  if (t.detail) {
    infoSep();
    t.info.str("Encrypted packet (len=");
    t.info.dec(<u64>len);
    t.info.str(")");
  }
  const have = avail - pos;
  if (len > 4) {
    t.fbytes(HF_PACKET_LENGTH_ENC, pos, 4);
    t.fbytes(HF_ENCRYPTED, pos + 4, have - 4);
  } else t.fbytes(HF_ENCRYPTED, pos, have);
}

// ---- cleartext binary packets -------------------------------------------------------

// Key exchange families, told from the layout of messages 30 and 31.
const KEX_DH = 0;
const KEX_GEX = 1;
const KEX_ECDH = 2;

function binaryPacket(pos: i32, total: i32): void {
  const prevLimit = t.enter(pos + total);
  const plen = t.f32(HF_PACKET_LENGTH, pos);
  const pad = <i32>t.f8(HF_PADDING_LENGTH, pos + 4);
  // End of the message, start of the padding; never past the captured bytes.
  let msgEnd = pos + 4 + <i32>plen - pad;
  if (msgEnd > t.limit) msgEnd = t.limit;
  const code = byteAt(pos + 5);
  let p = pos + 6;
  t.f8(HF_MSG_CODE, pos + 5);
  const codeId = t.lastNode();
  let kex = KEX_DH;
  if (code >= 30 && code <= 34) kex = kexFamily(code, p, msgEnd);
  if (t.detail) {
    const note = t.beginNote();
    t.pool.str(messageName(code, kex));
    t.pool.str(" (");
    t.pool.dec(code);
    t.pool.str(")");
    t.endNote(codeId, note);
    infoSep();
    t.info.str(messageName(code, kex));
  }
  if (code == 20) p = kexInit(p, msgEnd);
  else if (code >= 30 && code <= 34) p = kexMessage(code, kex, p, msgEnd);
  if (msgEnd > p) t.fbytes(HF_PAYLOAD, p, msgEnd - p);
  if (pad > 0) t.fbytes(HF_PADDING, pos + 4 + <i32>plen - pad, pad);
  t.restore(prevLimit);
}

/** Which key exchange a message 30-34 belongs to, from its layout (tshark knows it from the KEXINITs). */
function kexFamily(code: u32, p: i32, e: i32): i32 {
  if (code >= 32) return KEX_GEX;
  const rest = e - p;
  if (code == 30) {
    if (rest == 4) return KEX_GEX; // the old group exchange request: one number
    if (rest >= 4) {
      const l = u32At(p);
      if (isEcPointLength(l) && <i64>l + 4 == <i64>rest) return KEX_ECDH;
    }
    return KEX_DH;
  }
  // 31: a reply starts with the host key (a string holding a type name such
  // as "ssh-rsa"); the group exchange's group starts with the prime.
  if (rest >= 12) {
    const klen = u32At(p);
    const tlen = u32At(p + 4);
    if (<i64>klen + 4 <= <i64>rest && tlen >= 3 && tlen <= 64 && <i64>tlen + 4 <= <i64>klen && p + 8 + <i32>tlen <= e && isTypeName(p + 8, <i32>tlen)) {
      const after = p + 4 + <i32>klen;
      if (after + 4 <= e && isEcPointLength(u32At(after))) return KEX_ECDH;
      return KEX_DH;
    }
  }
  return KEX_GEX;
}

/** Lengths of elliptic curve public keys: X25519, X448, and uncompressed NIST P-256, P-384, P-521 points. */
function isEcPointLength(l: u32): bool {
  return l == 32 || l == 56 || l == 65 || l == 97 || l == 133;
}

function isTypeName(p: i32, n: i32): bool {
  for (let i = 0; i < n; i++) {
    const c = byteAt(p + i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x40 || c == 0x2e || c == 0x5f;
    if (!ok) return false;
  }
  return true;
}

function messageName(code: u32, kex: i32): string {
  if (code >= 30 && code <= 34) {
    if (kex == KEX_GEX) {
      switch (code) {
        case 30: return "Diffie-Hellman Group Exchange Request (Old)";
        case 31: return "Diffie-Hellman Group Exchange Group";
        case 32: return "Diffie-Hellman Group Exchange Init";
        case 33: return "Diffie-Hellman Group Exchange Reply";
        default: return "Diffie-Hellman Group Exchange Request";
      }
    }
    if (kex == KEX_ECDH) return code == 30 ? "Elliptic Curve Diffie-Hellman Key Exchange Init" : "Elliptic Curve Diffie-Hellman Key Exchange Reply";
    return code == 30 ? "Diffie-Hellman Key Exchange Init" : "Diffie-Hellman Key Exchange Reply";
  }
  switch (code) {
    case 1: return "Disconnect";
    case 2: return "Ignore";
    case 3: return "Unimplemented";
    case 4: return "Debug";
    case 5: return "Service Request";
    case 6: return "Service Accept";
    case 7: return "Extension Information";
    case 20: return "Key Exchange Init";
    case 21: return "New Keys";
  }
  return "Unknown";
}

/** A name-list (length and string) of KEXINIT; returns the offset after it. */
function nameList(p: i32, e: i32, hfLen: u16, hfStr: u16): i32 {
  // A length that runs past the message ends its dissection.
  if (p + 4 > e || <i64>u32At(p) + 4 > <i64>(e - p)) return e;
  const len = <i32>t.f32(hfLen, p);
  strField(hfStr, p + 4, len);
  return p + 4 + len;
}

function strField(hf: u16, off: i32, len: i32): i32 {
  if (!t.detail || t.stopped || !t.has(off, len)) return -1;
  const mark = t.poolMark();
  asciiToPool(t.at(off), len);
  return t.fstrPool(hf, off, len, mark);
}

// Offsets of the lists the hassh fingerprint is made of.
let kexOff: i32 = 0;
let kexLen: i32 = 0;
let encOff: i32 = 0;
let encLen: i32 = 0;
let macOff: i32 = 0;
let macLen: i32 = 0;
let compOff: i32 = 0;
let compLen: i32 = 0;

function kexInit(p: i32, e: i32): i32 {
  if (!t.fbytes(HF_COOKIE, p, 16)) return e;
  p += 16;
  const fromServer = isFromServer();
  kexOff = p + 4;
  p = nameList(p, e, HF_KEX_ALGS_LEN, HF_KEX_ALGS);
  kexLen = p - kexOff;
  p = nameList(p, e, HF_HOSTKEY_ALGS_LEN, HF_HOSTKEY_ALGS);
  // hassh uses the client-to-server lists for the client, server-to-client for the server.
  if (!fromServer) encOff = p + 4;
  p = nameList(p, e, HF_ENC_C2S_LEN, HF_ENC_C2S);
  if (!fromServer) encLen = p - encOff;
  else encOff = p + 4;
  p = nameList(p, e, HF_ENC_S2C_LEN, HF_ENC_S2C);
  if (fromServer) encLen = p - encOff;
  if (!fromServer) macOff = p + 4;
  p = nameList(p, e, HF_MAC_C2S_LEN, HF_MAC_C2S);
  if (!fromServer) macLen = p - macOff;
  else macOff = p + 4;
  p = nameList(p, e, HF_MAC_S2C_LEN, HF_MAC_S2C);
  if (fromServer) macLen = p - macOff;
  if (!fromServer) compOff = p + 4;
  p = nameList(p, e, HF_COMP_C2S_LEN, HF_COMP_C2S);
  if (!fromServer) compLen = p - compOff;
  else compOff = p + 4;
  p = nameList(p, e, HF_COMP_S2C_LEN, HF_COMP_S2C);
  if (fromServer) compLen = p - compOff;
  p = nameList(p, e, HF_LANG_C2S_LEN, HF_LANG_C2S);
  p = nameList(p, e, HF_LANG_S2C_LEN, HF_LANG_S2C);
  t.f8(HF_FIRST_KEX_FOLLOWS, p);
  t.fbytes(HF_KEX_RESERVED, p + 1, 4);
  if (t.stopped) return e;
  p += 5;
  if (t.detail) hassh(p, fromServer);
  return p;
}

/** hassh / hasshServer: "kex;enc;mac;comp" and its MD5, as generated fields. */
function hassh(at: i32, fromServer: bool): void {
  const mark = t.poolMark();
  asciiToPool(t.at(kexOff), kexLen);
  t.pool.byte(0x3b);
  asciiToPool(t.at(encOff), encLen);
  t.pool.byte(0x3b);
  asciiToPool(t.at(macOff), macLen);
  t.pool.byte(0x3b);
  asciiToPool(t.at(compOff), compLen);
  const len = t.pool.len - mark;
  t.generated(t.fstrPool(fromServer ? HF_HASSH_SERVER_ALGS : HF_HASSH_ALGS, at, 0, mark));
  if (t.pool.len >= t.pool.cap) return;
  md5(t.pool.ptr + <usize>mark, len);
  const hm = t.poolMark();
  for (let i = 0; i < 16; i++) t.pool.hexw(load<u8>(md5Out + <usize>i), 2);
  t.generated(t.fstrPool(fromServer ? HF_HASSH_SERVER : HF_HASSH, at, 0, hm));
}

/** An mpint (length and bytes); returns the offset after it. */
function mpint(p: i32, e: i32, hf: u16): i32 {
  if (p + 4 > e || <i64>u32At(p) + 4 > <i64>(e - p)) return e;
  const len = <i32>t.f32(HF_MPINT_LEN, p);
  t.fbytes(hf, p + 4, len);
  return p + 4 + len;
}

/** A string (length and bytes) shown as bytes; returns the offset after it. */
function bytesString(p: i32, e: i32, hfLen: u16, hf: u16): i32 {
  if (p + 4 > e || <i64>u32At(p) + 4 > <i64>(e - p)) return e;
  const len = <i32>t.f32(hfLen, p);
  t.fbytes(hf, p + 4, len);
  return p + 4 + len;
}

function kexMessage(code: u32, kex: i32, p: i32, e: i32): i32 {
  if (kex == KEX_GEX) {
    switch (code) {
      case 30:
        t.f32(HF_GEX_NBITS, p);
        return p + 4;
      case 31:
        p = mpint(p, e, HF_GEX_P);
        return mpint(p, e, HF_GEX_G);
      case 32:
        return mpint(p, e, HF_DH_E);
      case 33:
        p = hostKey(p, e);
        p = mpint(p, e, HF_DH_F);
        return hostSignature(p, e);
      default:
        t.f32(HF_GEX_MIN, p);
        t.f32(HF_GEX_NBITS, p + 4);
        t.f32(HF_GEX_MAX, p + 8);
        return p + 12;
    }
  }
  if (kex == KEX_ECDH) {
    if (code == 30) return bytesString(p, e, HF_ECDH_QC_LEN, HF_ECDH_QC);
    p = hostKey(p, e);
    p = bytesString(p, e, HF_ECDH_QS_LEN, HF_ECDH_QS);
    return hostSignature(p, e);
  }
  if (code == 30) return mpint(p, e, HF_DH_E);
  p = hostKey(p, e);
  p = mpint(p, e, HF_DH_F);
  return hostSignature(p, e);
}

/** Is the string at p (of n bytes) exactly s? */
function isName(p: i32, n: i32, s: string): bool {
  if (n != s.length) return false;
  for (let i = 0; i < n; i++) if (byteAt(p + i) != <u32>s.charCodeAt(i)) return false;
  return true;
}

function startsWith(p: i32, n: i32, s: string): bool {
  if (n < s.length) return false;
  for (let i = 0; i < s.length; i++) if (byteAt(p + i) != <u32>s.charCodeAt(i)) return false;
  return true;
}

/** The server's host key (K_S): length, type, and the key's parts; returns the offset after it. */
function hostKey(p: i32, e: i32): i32 {
  if (p + 8 > e) return e;
  const klen = <i64>u32At(p);
  const tlen = <i64>u32At(p + 4);
  if (klen + 4 > <i64>(e - p) || tlen + 4 > klen) return e;
  const keyEnd = p + 4 + <i32>klen;
  t.f32(HF_HOSTKEY_LEN, p);
  t.f32(HF_HOSTKEY_TYPE_LEN, p + 4);
  const tp = p + 8;
  const tl = <i32>tlen;
  strField(HF_HOSTKEY_TYPE, tp, tl);
  let q = tp + tl;
  if (isName(tp, tl, "ssh-rsa")) {
    q = mpint(q, keyEnd, HF_HOSTKEY_RSA_E);
    mpint(q, keyEnd, HF_HOSTKEY_RSA_N);
  } else if (isName(tp, tl, "ssh-dss")) {
    q = mpint(q, keyEnd, HF_HOSTKEY_DSA_P);
    q = mpint(q, keyEnd, HF_HOSTKEY_DSA_Q);
    q = mpint(q, keyEnd, HF_HOSTKEY_DSA_G);
    mpint(q, keyEnd, HF_HOSTKEY_DSA_Y);
  } else if (startsWith(tp, tl, "ecdsa-sha2-")) {
    if (q + 4 <= keyEnd) {
      const il = <i32>t.f32(HF_HOSTKEY_ECDSA_ID_LEN, q);
      if (il >= 0 && q + 4 + il <= keyEnd) {
        strField(HF_HOSTKEY_ECDSA_ID, q + 4, il);
        bytesString(q + 4 + il, keyEnd, HF_HOSTKEY_ECDSA_Q_LEN, HF_HOSTKEY_ECDSA_Q);
      }
    }
  } else if (startsWith(tp, tl, "ssh-ed")) {
    bytesString(q, keyEnd, HF_HOSTKEY_EDDSA_LEN, HF_HOSTKEY_EDDSA);
  } else if (keyEnd > q) t.fbytes(HF_HOSTKEY_DATA, q, keyEnd - q);
  return keyEnd;
}

/** The server's signature over the exchange hash; returns the offset after it. */
function hostSignature(p: i32, e: i32): i32 {
  if (p + 8 > e) return e;
  const slen = <i64>u32At(p);
  const tlen = <i64>u32At(p + 4);
  if (slen + 4 > <i64>(e - p) || tlen + 4 > slen) return e;
  const sigEnd = p + 4 + <i32>slen;
  t.f32(HF_HOSTSIG_LEN, p);
  t.f32(HF_HOSTSIG_TYPE_LEN, p + 4);
  const tp = p + 8;
  const tl = <i32>tlen;
  strField(HF_HOSTSIG_TYPE, tp, tl);
  const q = tp + tl;
  if (isName(tp, tl, "ssh-rsa")) mpint(q, sigEnd, HF_HOSTSIG_RSA);
  else if (isName(tp, tl, "ssh-dss")) mpint(q, sigEnd, HF_HOSTSIG_DSA);
  else if (!startsWith(tp, tl, "ecdsa-sha2-") && !startsWith(tp, tl, "ssh-ed") && sigEnd > q) t.fbytes(HF_HOSTSIG_DATA, q, sigEnd - q);
  return sigEnd;
}

// ---- strings as tshark reads them (ENC_ASCII) ------------------------------------

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

/** Copies n bytes at p into the pool: high-bit bytes become U+FFFD, a NUL byte ends the string. */
function asciiToPool(p: usize, n: i32): void {
  const pool = t.pool;
  let i = 0;
  let run = 0;
  while (i < n) {
    if (i + 8 <= n) {
      const w = load<u64>(p + <usize>i);
      if (((w | ((w - ONES) & ~w)) & HIGHS) == 0) {
        i += 8;
        continue;
      }
    }
    const c = <u32>load<u8>(p + <usize>i);
    if (c == 0) break;
    if (c >= 0x80) {
      pool.raw(p + <usize>run, i - run);
      pool.byte(0xef);
      pool.byte(0xbf);
      pool.byte(0xbd);
      run = i + 1;
      if (pool.len >= pool.cap) return;
    }
    i++;
  }
  pool.raw(p + <usize>run, i - run);
}

// ---- MD5 (RFC 1321), for the hassh fingerprints ------------------------------------

const MD5_K: StaticArray<u32> = [
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
];
const MD5_S: StaticArray<u32> = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
  5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
  6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];
const md5Out: usize = heap.alloc(16);
const md5Tail: usize = heap.alloc(128);
let h0: u32 = 0;
let h1: u32 = 0;
let h2: u32 = 0;
let h3: u32 = 0;

function md5Block(m: usize): void {
  let a = h0;
  let b = h1;
  let c = h2;
  let d = h3;
  for (let i = 0; i < 64; i++) {
    let f: u32;
    let g: i32;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    f = f + a + unchecked(MD5_K[i]) + load<u32>(m + <usize>(g * 4));
    a = d;
    d = c;
    c = b;
    b = b + rotl<u32>(f, unchecked(MD5_S[i]));
  }
  h0 += a;
  h1 += b;
  h2 += c;
  h3 += d;
}

/** MD5 of n bytes at p into md5Out (16 bytes). */
function md5(p: usize, n: i32): void {
  h0 = 0x67452301;
  h1 = 0xefcdab89;
  h2 = 0x98badcfe;
  h3 = 0x10325476;
  let i = 0;
  while (i + 64 <= n) {
    md5Block(p + <usize>i);
    i += 64;
  }
  const rest = n - i;
  memory.fill(md5Tail, 0, 128);
  memory.copy(md5Tail, p + <usize>i, <usize>rest);
  store<u8>(md5Tail + <usize>rest, 0x80);
  const blocks = rest + 9 > 64 ? 2 : 1;
  store<u64>(md5Tail + <usize>(blocks * 64 - 8), <u64>n << 3);
  md5Block(md5Tail);
  if (blocks == 2) md5Block(md5Tail + 64);
  store<u32>(md5Out, h0);
  store<u32>(md5Out + 4, h1);
  store<u32>(md5Out + 8, h2);
  store<u32>(md5Out + 12, h3);
}
