// What TLS remembers about a connection between packets, as Wireshark's
// SslSession does: the negotiated version (which names the Protocol column of
// every later record), the cipher suite (which says how to read the key
// exchange messages), which side is the server, and when each side sent its
// ChangeCipherSpec (after which its handshake messages are encrypted).
//
// The table is keyed by the TCP stream index and bounded (a direct-mapped
// table: a newer connection that maps to a taken slot replaces it). It is
// written only while the engine tracks state (frame.track, the summary pass,
// which sees packets in order). The detail pass of a single packet reads it
// as the summary pass left it, and takes a remembered fact into account only
// when it was learnt in an earlier frame than the one being dissected.

import { frame } from "../core/pinfo";
import { CaptureWatch } from "./tls_util";

const SLOTS = 1024; // a power of two
const MASK = SLOTS - 1;

const slotStream = new StaticArray<i32>(SLOTS);
const slotCreated = new StaticArray<u32>(SLOTS);
const slotVersion = new StaticArray<u32>(SLOTS);
const slotVersionFrame = new StaticArray<u32>(SLOTS);
const slotCipher = new StaticArray<u32>(SLOTS);
const slotCipherFrame = new StaticArray<u32>(SLOTS);
const slotServerPort = new StaticArray<u32>(SLOTS);
const slotServerFrame = new StaticArray<u32>(SLOTS);
const slotCcsClient = new StaticArray<u32>(SLOTS);
const slotApp = new StaticArray<u32>(SLOTS);
const slotResumedSet = new StaticArray<u32>(SLOTS);
const slotResumedClear = new StaticArray<u32>(SLOTS);
const slotAppFrame = new StaticArray<u32>(SLOTS);
const slotCcsServer = new StaticArray<u32>(SLOTS);

/** Version of the session unknown (Wireshark's SSL_VER_UNKNOWN). */
export const VER_UNKNOWN: u32 = 0;
export const SSLV3: u32 = 0x0300;
export const TLSV1: u32 = 0x0301;
export const TLSV11: u32 = 0x0302;
export const TLSV12: u32 = 0x0303;
export const TLSV13: u32 = 0x0304;

// The session of the packet being dissected, loaded by loadSession() and
// written back by saveSession().
export let sessVersion: u32 = VER_UNKNOWN;
export let sessCipher: u32 = 0;
/** The server's port, 0 while unknown. */
export let sessServerPort: u32 = 0;
/** Frames of the last ChangeCipherSpec from each side, 0 when none. */
export let sessCcsClient: u32 = 0;
export let sessCcsServer: u32 = 0;
/** The application protocol ALPN settled on (APP_* in tls.ts), 0 when none. */
export let sessApp: u32 = 0;
/**
 * A Server Hello was seen and no Server Hello Done nor server ChangeCipherSpec
 * since: the handshake is abbreviated, the session resumed.
 */
export let sessResumed: bool = false;
/** The packet comes from the server. */
export let sessFromServer: bool = false;
/** The session belongs to a QUIC connection (TLS 1.3 without a record layer). */
export let sessQuic: bool = false;

let loadedStream: i32 = -1;
const watch = new CaptureWatch();

export function resetTlsSessions(): void {
  for (let i = 0; i < SLOTS; i++) unchecked((slotStream[i] = -1));
}
resetTlsSessions();

/** A new capture: forget the previous one's sessions (the engine's reset does not call this module). */
function checkNewCapture(): void {
  if (watch.changed()) resetTlsSessions();
}

/** Known only when learnt in an earlier frame, unless the state is being tracked now. */
// @ts-ignore: decorator
@inline function learnt(at: u32): bool {
  return at != 0 && (frame.track || at < frame.number);
}

/**
 * Loads the session of TCP stream `stream` (or a blank one when the stream is
 * unknown) and works out the direction of the packet from its source port.
 * `srcOnTlsPort`: the source port is one TLS is registered on.
 */
export function loadSession(stream: i32, srcPort: u32, srcOnTlsPort: bool): void {
  checkNewCapture();
  sessQuic = false;
  loadedStream = stream;
  sessVersion = VER_UNKNOWN;
  sessCipher = 0;
  sessServerPort = 0;
  sessCcsClient = 0;
  sessCcsServer = 0;
  sessApp = 0;
  sessResumed = false;
  if (stream >= 0) {
    const i = stream & MASK;
    if (unchecked(slotStream[i]) == stream) {
      if (learnt(unchecked(slotVersionFrame[i]))) sessVersion = unchecked(slotVersion[i]);
      if (learnt(unchecked(slotCipherFrame[i]))) sessCipher = unchecked(slotCipher[i]);
      if (learnt(unchecked(slotServerFrame[i]))) sessServerPort = unchecked(slotServerPort[i]);
      const cc = unchecked(slotCcsClient[i]);
      const cs = unchecked(slotCcsServer[i]);
      if (learnt(cc)) sessCcsClient = cc;
      if (learnt(cs)) sessCcsServer = cs;
      if (learnt(unchecked(slotAppFrame[i]))) sessApp = unchecked(slotApp[i]);
      const rs = unchecked(slotResumedSet[i]);
      const rc = unchecked(slotResumedClear[i]);
      if (learnt(rs)) sessResumed = !learnt(rc) || rc < rs;
    }
  }
  // Until a Client Hello names the server, the side on a TLS port is the server.
  if (sessServerPort != 0) sessFromServer = srcPort == sessServerPort;
  else sessFromServer = srcOnTlsPort;
}

/** A session for TLS carried in QUIC CRYPTO frames: always TLS 1.3, direction given. */
export function quicSession(fromServer: bool): void {
  sessQuic = true;
  loadedStream = -1;
  sessVersion = TLSV13;
  sessCipher = 0;
  sessServerPort = 0;
  sessCcsClient = 0;
  sessCcsServer = 0;
  sessApp = 0;
  sessResumed = false;
  sessFromServer = fromServer;
}

export function setVersion(v: u32): void {
  sessVersion = v;
  if (!frame.track || loadedStream < 0) return;
  const i = touch(loadedStream);
  // The same version again (a second Server Hello) keeps the frame it was first learnt in.
  if (unchecked(slotVersion[i]) == v && unchecked(slotVersionFrame[i]) != 0) return;
  unchecked((slotVersion[i] = v));
  unchecked((slotVersionFrame[i] = frame.number));
}

export function setCipher(c: u32): void {
  sessCipher = c;
  if (!frame.track || loadedStream < 0) return;
  const i = touch(loadedStream);
  if (unchecked(slotCipher[i]) == c && unchecked(slotCipherFrame[i]) != 0) return;
  unchecked((slotCipher[i] = c));
  unchecked((slotCipherFrame[i] = frame.number));
}

export function setServerPort(port: u32): void {
  sessServerPort = port;
  if (!frame.track || loadedStream < 0) return;
  const i = touch(loadedStream);
  if (unchecked(slotServerPort[i]) == port && unchecked(slotServerFrame[i]) != 0) return;
  unchecked((slotServerPort[i] = port));
  unchecked((slotServerFrame[i] = frame.number));
}

export function setApp(app: u32): void {
  sessApp = app;
  if (!frame.track || loadedStream < 0) return;
  const i = touch(loadedStream);
  if (unchecked(slotApp[i]) == app && unchecked(slotAppFrame[i]) != 0) return;
  unchecked((slotApp[i] = app));
  unchecked((slotAppFrame[i] = frame.number));
}

/** A Server Hello (on) or a Server Hello Done or server ChangeCipherSpec (off). */
export function setResumed(on: bool): void {
  sessResumed = on;
  if (!frame.track || loadedStream < 0) return;
  const i = touch(loadedStream);
  // Keep the first clearing after the latest Server Hello, so that the detail
  // pass of a later frame still sees when the handshake stopped looking resumed.
  if (on) unchecked((slotResumedSet[i] = frame.number));
  else if (unchecked(slotResumedClear[i]) < unchecked(slotResumedSet[i]) || unchecked(slotResumedClear[i]) == 0)
    unchecked((slotResumedClear[i] = frame.number));
}

/** The sender of the current packet sent a ChangeCipherSpec: the first one of each side is remembered. */
export function setCcs(): void {
  if (sessFromServer) {
    if (sessCcsServer == 0) sessCcsServer = frame.number;
  } else if (sessCcsClient == 0) sessCcsClient = frame.number;
  if (!frame.track || loadedStream < 0) return;
  const i = touch(loadedStream);
  if (sessFromServer) {
    if (unchecked(slotCcsServer[i]) == 0) unchecked((slotCcsServer[i] = frame.number));
  } else if (unchecked(slotCcsClient[i]) == 0) unchecked((slotCcsClient[i] = frame.number));
}

/** Frame of the sender's last ChangeCipherSpec, 0 when none. */
export function senderCcsFrame(): u32 {
  return sessFromServer ? sessCcsServer : sessCcsClient;
}

/** The slot of a stream, claimed (and cleared) if another stream held it. */
function touch(stream: i32): i32 {
  const i = stream & MASK;
  if (unchecked(slotStream[i]) != stream) {
    unchecked((slotStream[i] = stream));
    unchecked((slotCreated[i] = frame.number));
    unchecked((slotVersion[i] = 0));
    unchecked((slotVersionFrame[i] = 0));
    unchecked((slotCipher[i] = 0));
    unchecked((slotCipherFrame[i] = 0));
    unchecked((slotServerPort[i] = 0));
    unchecked((slotServerFrame[i] = 0));
    unchecked((slotCcsClient[i] = 0));
    unchecked((slotCcsServer[i] = 0));
    unchecked((slotApp[i] = 0));
    unchecked((slotAppFrame[i] = 0));
    unchecked((slotResumedSet[i] = 0));
    unchecked((slotResumedClear[i] = 0));
  }
  return i;
}

/** Has TLS been seen on this TCP stream before (its conversation is TLS's)? */
export function isTlsStream(stream: i32): bool {
  checkNewCapture();
  if (stream < 0) return false;
  const i = stream & MASK;
  return unchecked(slotStream[i]) == stream && (frame.track || unchecked(slotCreated[i]) <= frame.number);
}

/** Marks the stream as a TLS conversation (tshark sets its conversation's dissector). */
export function markTlsStream(stream: i32): void {
  if (!frame.track || stream < 0) return;
  touch(stream);
}

/**
 * Wireshark's tls_try_get_version: the version a value names for the
 * session (TLS 1.3 drafts count as TLS 1.3), or VER_UNKNOWN.
 */
export function sessionVersionOf(v: u32): u32 {
  if (v == SSLV3 || v == TLSV1 || v == TLSV11 || v == TLSV12 || v == TLSV13) return v;
  if ((v & 0xff00) == 0x7f00 && (v & 0xff) >= 14 && (v & 0xff) <= 28) return TLSV13;
  if (v == 0xfb17 || v == 0xfb1a) return TLSV13;
  return VER_UNKNOWN;
}
