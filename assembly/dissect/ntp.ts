// The Network Time Protocol (UDP port 123): the 48-byte time packet of
// clients, servers and peers, with its four timestamps; control (mode 6) and
// private (mode 7) messages are shown by their flags only.

import { field, protocol, columnProtocol, FT, BASE } from "../core/registry";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";
import { Text } from "../core/text";

const HF_NTP = protocol("ntp", "Network Time Protocol", "NTP keeps computer clocks in step: a client asks a server for the time and uses four timestamps to correct for the network delay.");
const HF_FLAGS = field("ntp.flags", "Flags", FT.UINT8, BASE.HEX, "The first byte: leap second warning, protocol version and mode.");
const HF_LI = field("ntp.flags.li", "Leap Indicator", FT.UINT8, BASE.DEC, "Warns of a leap second at the end of the day; 3 means the sender's clock is not synchronised.", 0xc0);
const HF_VN = field("ntp.flags.vn", "Version number", FT.UINT8, BASE.DEC, "The NTP version, 4 today (3 is still common).", 0x38);
const HF_MODE = field("ntp.flags.mode", "Mode", FT.UINT8, BASE.DEC, "The sender's role: 3 client, 4 server, 1 or 2 peer, 5 broadcast, 6 control, 7 private.", 0x07);
const HF_STRATUM = field("ntp.stratum", "Peer Clock Stratum", FT.UINT8, BASE.DEC, "How far the sender is from a reference clock: 1 is attached to one (GPS, atomic clock), 2 gets its time from a stratum 1 server, and so on; 16 means unsynchronised.");
const HF_PPOLL = field("ntp.ppoll", "Peer Polling Interval", FT.UINT8, BASE.DEC, "How often the sender asks for the time, as a power of two in seconds (6 means 64 s).");
const HF_PRECISION = field("ntp.precision", "Peer Clock Precision", FT.UINT8, BASE.DEC, "How fine the sender's clock is, as a signed power of two in seconds (-20 is about a microsecond).");
const HF_ROOTDELAY = field("ntp.rootdelay", "Root Delay", FT.UINT32, BASE.DEC, "The round-trip delay to the reference clock, in 1/65536 s units.");
const HF_ROOTDISP = field("ntp.rootdispersion", "Root Dispersion", FT.UINT32, BASE.DEC, "The largest error the sender's clock may have relative to the reference clock, in 1/65536 s units.");
const HF_REFID = field("ntp.refid", "Reference ID", FT.BYTES, BASE.NONE, "Which clock the sender follows: four letters naming a reference clock for stratum 1 (such as GPS), otherwise the upstream server's IPv4 address.");
const HF_REFTIME = field("ntp.reftime", "Reference Timestamp", FT.ABSOLUTE_TIME, BASE.NONE, "When the sender's clock was last set or corrected.");
const HF_ORG = field("ntp.org", "Origin Timestamp", FT.ABSOLUTE_TIME, BASE.NONE, "In a reply, the time the client sent its request (copied from the request's transmit timestamp).");
const HF_REC = field("ntp.rec", "Receive Timestamp", FT.ABSOLUTE_TIME, BASE.NONE, "The time the request arrived at the server.");
const HF_XMT = field("ntp.xmt", "Transmit Timestamp", FT.ABSOLUTE_TIME, BASE.NONE, "The time this packet left its sender.");
const HF_KEYID = field("ntp.keyid", "Key ID", FT.BYTES, BASE.NONE, "Which shared key authenticates the packet.");
const HF_MAC = field("ntp.mac", "Message Authentication Code", FT.BYTES, BASE.NONE, "A keyed hash proving the packet comes from a holder of the key.");
const COL_NTP = columnProtocol("NTP", HF_NTP);

/** Seconds between 1900 (NTP's era 0) and 1970. */
const NTP_1900_TO_1970: i64 = 2208988800;
/** Seconds between 1970 and NTP era 1 (7 Feb 2036 06:28:16). */
const NTP_1970_TO_2036: i64 = 2085978496;

export function dissectNtp(off: i32, end: i32): void {
  if (!pinfo.inError) pinfo.colProto = COL_NTP;
  const prev = t.enter(end);
  if (!t.detail) {
    if (t.has(off, 1)) t.summaryLayer(HF_NTP);
    t.restore(prev);
    return;
  }
  const info = pinfo.inError ? scratch : t.info;
  if (!t.has(off, 1)) {
    t.need(off, 1);
    t.restore(prev);
    return;
  }
  const flags = <u32>load<u8>(t.at(off));
  const li = flags >> 6;
  const vn = (flags >> 3) & 7;
  const mode = flags & 7;
  info.reset();
  info.str("NTP Version ");
  info.dec(vn);
  info.str(", ");
  info.str(modeName(mode));
  const node = t.open(HF_NTP, off, end - off);
  if (node >= 0) {
    const m = t.beginNote();
    t.pool.str("Network Time Protocol (NTP Version ");
    t.pool.dec(vn);
    t.pool.str(", ");
    t.pool.str(modeName(mode));
    t.pool.str(")");
    t.endNote(node, m);
  }
  t.f8(HF_FLAGS, off);
  const fnode = t.lastNode();
  if (fnode >= 0) {
    const m = t.beginNote();
    t.pool.hex(flags, 2);
    if (mode != 7) {
      t.pool.str(", Leap Indicator: ");
      t.pool.str(leapName(li));
    }
    t.pool.str(", Version number: ");
    versionName(t.pool, vn);
    t.pool.str(", Mode: ");
    t.pool.str(modeName(mode));
    t.endNote(fnode, m);
  }
  t.openNode(fnode);
  if (mode != 7) {
    t.fbits(HF_LI, off, 1, 0xc0);
    noteNamed(t.lastNode(), leapName(li), li);
  }
  t.fbits(HF_VN, off, 1, 0x38);
  const vnode = t.lastNode();
  if (vnode >= 0) {
    const m = t.beginNote();
    versionName(t.pool, vn);
    t.pool.str(" (");
    t.pool.dec(vn);
    t.pool.str(")");
    t.endNote(vnode, m);
  }
  t.fbits(HF_MODE, off, 1, 0x07);
  noteNamed(t.lastNode(), modeName(mode), mode);
  t.close(fnode);
  if (mode != 6 && mode != 7) timePacket(off, end);
  t.close(node);
  t.restore(prev);
}

const scratch = new Text(256);

function timePacket(off: i32, end: i32): void {
  const stratum = t.f8(HF_STRATUM, off + 1);
  noteNamed(t.lastNode(), stratumName(stratum), stratum);
  const poll = t.f8(HF_PPOLL, off + 2);
  const pn = t.lastNode();
  if (pn >= 0) {
    const m = t.beginNote();
    t.pool.dec(poll);
    if (poll < 64) {
      t.pool.str(" (");
      t.pool.dec(<u64>1 << <u64>poll);
      t.pool.str(" seconds)");
    }
    t.endNote(pn, m);
  }
  const prec = t.f8(HF_PRECISION, off + 3);
  secondsNote(t.lastNode(), Math.pow(2.0, <f64>(<i8>prec)));
  const rd = t.f32(HF_ROOTDELAY, off + 4);
  secondsNote(t.lastNode(), <f64>rd / 65536.0);
  const rdisp = t.f32(HF_ROOTDISP, off + 8);
  secondsNote(t.lastNode(), <f64>rdisp / 65536.0);
  if (t.fbytes(HF_REFID, off + 12, 4)) refidNote(t.lastNode(), off + 12, stratum);
  timestamp(HF_REFTIME, off + 16);
  timestamp(HF_ORG, off + 24);
  timestamp(HF_REC, off + 32);
  timestamp(HF_XMT, off + 40);
  if (t.stopped) return;
  // Authentication: a key identifier and a message digest may follow.
  let o = off + 48;
  if (end - o >= 4) t.fbytes(HF_KEYID, o, 4);
  o += 4;
  if (end - o > 0) t.fbytes(HF_MAC, o, end - o);
}

/** An NTP timestamp (seconds since 1900 or, with the top bit clear, since 2036) as an absolute time. */
function timestamp(hf: u16, off: i32): void {
  if (!t.need(off, 8)) return;
  const secs = t.get32(off);
  const frac = t.get32(off + 4);
  const unix: i64 = (secs & 0x80000000) != 0 ? <i64>secs - NTP_1900_TO_1970 : <i64>secs + NTP_1970_TO_2036;
  const nsec = <u32>(1000000000.0 * (<f64>frac / 4294967296.0));
  t.ftime(hf, off, 8, unix, nsec, 0);
}

function noteNamed(node: i32, name: string, v: u32): void {
  if (node < 0) return;
  const m = t.beginNote();
  t.pool.str(name);
  t.pool.str(" (");
  t.pool.dec(v);
  t.pool.str(")");
  t.endNote(node, m);
}

/** "0.046280 seconds", as Wireshark's %.6f. */
function secondsNote(node: i32, v: f64): void {
  if (node < 0) return;
  const m = t.beginNote();
  const micros = <u64>Math.round(v * 1000000.0);
  t.pool.dec(micros / 1000000);
  t.pool.str(".");
  const frac = micros % 1000000;
  let s = frac.toString();
  while (s.length < 6) s = "0" + s;
  t.pool.str(s);
  t.pool.str(" seconds");
  t.endNote(node, m);
}

function refidNote(node: i32, off: i32, stratum: u32): void {
  if (node < 0) return;
  const m = t.beginNote();
  const v = t.get32(off);
  if (v == 0) t.pool.str("NULL");
  else if (stratum <= 1) {
    for (let i = 0; i < 4; i++) {
      const c = <u32>load<u8>(t.at(off + i));
      if (c == 0) break;
      if (c >= 0x20 && c < 0x7f) t.pool.byte(c);
      else t.pool.byte(0x2e);
    }
  } else t.pool.ipv4(v);
  t.endNote(node, m);
}

function leapName(li: u32): string {
  switch (li) {
    case 0: return "no warning";
    case 1: return "last minute of the day has 61 seconds";
    case 2: return "last minute of the day has 59 seconds";
  }
  return "unknown (clock unsynchronized)";
}

function modeName(mode: u32): string {
  switch (mode) {
    case 0: return "reserved";
    case 1: return "symmetric active";
    case 2: return "symmetric passive";
    case 3: return "client";
    case 4: return "server";
    case 5: return "broadcast";
    case 6: return "control";
  }
  return "private";
}

function versionName(out: Text, vn: u32): void {
  if (vn >= 1 && vn <= 4) {
    out.str("NTP Version ");
    out.dec(vn);
  } else {
    out.str("reserved");
  }
}

function stratumName(s: u32): string {
  if (s == 0) return "unspecified or invalid";
  if (s == 1) return "primary reference";
  if (s <= 15) return "secondary reference";
  if (s == 16) return "unsynchronized";
  return "reserved";
}
