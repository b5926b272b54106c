// IEEE 802.11 (Wi-Fi) frames and the radiotap header that radio captures put
// before them. Data frames are followed down through LLC/SNAP to IP.

import { field, protocol, columnProtocol, valueStrings, FT, BASE } from "../core/registry";
import { SET_NOT_SET } from "../core/names";
import * as t from "../core/tree";
import { pinfo, AddrKind } from "../core/pinfo";
import { dissectLlc } from "./ethernet";
import { dissectData } from "./data";

const HF_RADIOTAP = protocol("radiotap", "Radiotap Header", "Information the capturing radio adds about how a Wi-Fi frame was received: channel, data rate, signal strength.");
const HF_RT_VERSION = field("radiotap.version", "Header revision", FT.UINT8, BASE.DEC, "Radiotap version; always 0.");
const HF_RT_PAD = field("radiotap.pad", "Header pad", FT.UINT8, BASE.DEC, "Padding; zero.");
const HF_RT_LENGTH = field("radiotap.length", "Header length", FT.UINT16, BASE.DEC, "Length of the radiotap header, after which the 802.11 frame starts.");
const HF_RT_PRESENT = field("radiotap.present.word", "Present flags word", FT.UINT32, BASE.HEX, "Bits saying which radio fields follow.");
const HF_RT_MACTIME = field("radiotap.mactime", "MAC timestamp", FT.UINT64, BASE.DEC, "The radio's clock, in microseconds, when the frame arrived.");
const HF_RT_FLAGS = field("radiotap.flags", "Flags", FT.UINT8, BASE.HEX, "Properties of the frame (short preamble, frame check sequence included, ...).");
const HF_RT_FLAGS_FCS = field("radiotap.flags.fcs", "FCS at end", FT.BOOLEAN, BASE.NONE, "The frame ends with its 4-byte checksum.", 0x10);
const HF_RT_RATE = field("radiotap.datarate", "Data rate (Mb/s)", FT.DOUBLE, BASE.NONE, "The speed at which the frame was sent, in megabits per second.");
const HF_RT_FREQ = field("radiotap.channel.freq", "Channel frequency", FT.UINT32, BASE.DEC, "The radio channel, as a frequency in MHz (2412 is channel 1).");
const HF_RT_CHFLAGS = field("radiotap.channel.flags", "Channel flags", FT.UINT16, BASE.HEX, "The band and modulation of the channel.");
const HF_RT_SIGNAL = field("radiotap.dbm_antsignal", "Antenna signal", FT.INT32, BASE.DEC, "Received signal strength in dBm; closer to 0 is stronger (-30 excellent, -90 barely usable).");

const HF_WLAN = protocol("wlan", "IEEE 802.11 wireless LAN", "A Wi-Fi frame: management (beacons, association), control (acknowledgments) or data.");
const HF_FC = field("wlan.fc", "Frame Control Field", FT.UINT16, BASE.HEX, "The frame's type and flags.");
const HF_FC_TYPE_SUBTYPE = field("wlan.fc.type_subtype", "Type/Subtype", FT.UINT16, BASE.HEX, "The combined frame type: 0x0008 beacon, 0x0028 QoS data, 0x001d acknowledgment ...");
const HF_FC_TYPE = field("wlan.fc.type", "Type", FT.UINT8, BASE.DEC, "0 management, 1 control, 2 data.", 0x0c);
const HF_FC_SUBTYPE = field("wlan.fc.subtype", "Subtype", FT.UINT8, BASE.DEC, "The kind of frame within its type.", 0xf0);
const HF_FC_DS = field("wlan.fc.ds", "DS status", FT.UINT8, BASE.HEX, "Whether the frame goes to (1) or comes from (2) the wired network behind the access point.", 0x03);
const HF_FC_TODS = field("wlan.fc.tods", "To DS", FT.BOOLEAN, BASE.NONE, "The frame goes to the distribution system (through the access point).", 0x01);
const HF_FC_FROMDS = field("wlan.fc.fromds", "From DS", FT.BOOLEAN, BASE.NONE, "The frame comes from the distribution system.", 0x02);
const HF_FC_RETRY = field("wlan.fc.retry", "Retry", FT.BOOLEAN, BASE.NONE, "This frame is a retransmission.", 0x08);
const HF_FC_PROTECTED = field("wlan.fc.protected", "Protected flag", FT.BOOLEAN, BASE.NONE, "The payload is encrypted (WEP, WPA).", 0x40);
const HF_DURATION = field("wlan.duration", "Duration", FT.UINT16, BASE.DEC, "How long, in microseconds, the medium will stay busy for this exchange.", 0x7fff);
const HF_RA = field("wlan.ra", "Receiver address", FT.ETHER, BASE.NONE, "The radio that should receive this frame.");
const HF_TA = field("wlan.ta", "Transmitter address", FT.ETHER, BASE.NONE, "The radio that transmitted this frame.");
const HF_DA = field("wlan.da", "Destination address", FT.ETHER, BASE.NONE, "The final destination of the frame.");
const HF_SA = field("wlan.sa", "Source address", FT.ETHER, BASE.NONE, "The original sender of the frame.");
const HF_BSSID = field("wlan.bssid", "BSS Id", FT.ETHER, BASE.NONE, "The access point's identifier (its MAC address).");
const HF_ADDR = field("wlan.addr", "Hardware address", FT.ETHER, BASE.NONE, "Any address of the frame.");
const HF_FRAG = field("wlan.frag", "Fragment number", FT.UINT16, BASE.DEC, "Which fragment of a split frame this is.", 0x000f);
const HF_SEQ = field("wlan.seq", "Sequence number", FT.UINT16, BASE.DEC, "Counts the frames of the sender, to spot duplicates.", 0xfff0);
const HF_QOS = field("wlan.qos", "Qos Control", FT.UINT16, BASE.HEX, "Quality of service control: the traffic identifier and acknowledgment policy.");
const HF_QOS_TID = field("wlan.qos.tid", "TID", FT.UINT16, BASE.DEC, "Traffic identifier: the priority class of the frame.", 0x000f);
const COL_WLAN = columnProtocol("802.11", HF_WLAN);
valueStrings(HF_FC_TYPE, "0:Management frame|1:Control frame|2:Data frame|3:Extension frame");
valueStrings(HF_FC_DS, "0:Not leaving DS or network is operating in AD-HOC mode (To DS: 0 From DS: 0)|1:Frame from STA to DS via an AP (To DS: 1 From DS: 0)|2:Frame from DS to a STA via AP (To DS: 0 From DS: 1)|3:WDS (AP to AP) or Mesh (MP to MP) Frame (To DS: 1 From DS: 1)");
valueStrings(HF_FC_TODS, "1:Frame is entering DS|0:Frame is not entering DS");
valueStrings(HF_FC_FROMDS, "1:Frame is exiting DS|0:Frame is not exiting DS");
valueStrings(HF_FC_RETRY, "1:Frame is being retransmitted|0:Frame is not being retransmitted");
valueStrings(HF_FC_PROTECTED, "1:Data is protected|0:Data is not protected");
valueStrings(HF_RT_FLAGS_FCS, SET_NOT_SET);

export function dissectRadiotap(off: i32, end: i32): void {
  const node = t.open(HF_RADIOTAP, off, 8);
  t.f8(HF_RT_VERSION, off);
  t.f8(HF_RT_PAD, off + 1);
  const len = <i32>t.f16le(HF_RT_LENGTH, off + 2);
  const present = t.f32le(HF_RT_PRESENT, off + 4);
  if (t.stopped || len < 8 || !t.has(off, len)) {
    t.close(node);
    t.setStopped(true);
    return;
  }
  t.setLength(node, len);
  // Further present words follow while bit 31 is set.
  let o = off + 8;
  let word = present;
  while ((word & 0x80000000) != 0 && o + 4 <= off + len) {
    word = load<u32>(t.at(o));
    o += 4;
  }
  let rtFlags: u32 = 0;
  // Fields are aligned to their natural size, from the start of the header.
  if ((present & 1) != 0) {
    o = off + align(o - off, 8);
    if (o + 8 <= off + len) t.fval(HF_RT_MACTIME, o, 8, load<u64>(t.at(o)));
    o += 8;
  }
  if ((present & 2) != 0 && o < off + len) {
    rtFlags = load<u8>(t.at(o));
    t.fval(HF_RT_FLAGS, o, 1, rtFlags);
    if (t.detail) {
      t.openNode(t.lastNode());
      t.fval(HF_RT_FLAGS_FCS, o, 1, (rtFlags >> 4) & 1);
      t.close(t.currentParent());
    }
    o += 1;
  }
  if ((present & 4) != 0 && o < off + len) {
    if (t.detail) {
      const r = t.fval(HF_RT_RATE, o, 1, 0);
      const note = t.beginNote();
      const rate = <u32>load<u8>(t.at(o));
      t.pool.dec(rate / 2);
      if ((rate & 1) != 0) t.pool.str(".5");
      t.pool.str(" Mb/s");
      t.endNote(r, note);
    }
    o += 1;
  }
  if ((present & 8) != 0) {
    o = off + align(o - off, 2);
    if (o + 4 <= off + len) {
      t.fval(HF_RT_FREQ, o, 2, load<u16>(t.at(o)));
      t.fval(HF_RT_CHFLAGS, o + 2, 2, load<u16>(t.at(o + 2)));
    }
    o += 4;
  }
  if ((present & 0x10) != 0) {
    o = off + align(o - off, 2);
    o += 2;
  }
  if ((present & 0x20) != 0 && o < off + len) {
    t.fval(HF_RT_SIGNAL, o, 1, <u64>(<i64>load<i8>(t.at(o))));
  }
  t.close(node);
  let frameEnd = end;
  if ((rtFlags & 0x10) != 0 && end - 4 >= off + len) frameEnd = end - 4;
  dissectIeee80211(off + len, frameEnd);
}

function align(x: i32, a: i32): i32 {
  return (x + a - 1) & ~(a - 1);
}

/** An 802.11 frame (without FCS) in [off, end). */
export function dissectIeee80211(off: i32, end: i32): void {
  const prev = t.enter(end);
  if (!pinfo.inError) pinfo.colProto = COL_WLAN;
  const node = t.open(HF_WLAN, off, 24);
  const fcLow = t.get8(off);
  const fcFlags = t.get8(off + 1);
  if (t.stopped) {
    t.close(node);
    t.restore(prev);
    return;
  }
  const type = (fcLow >> 2) & 3;
  const subtype = fcLow >> 4;
  t.fval(HF_FC_TYPE_SUBTYPE, off, 2, (type << 4) | subtype);
  t.fval(HF_FC, off, 2, (fcLow << 8) | fcFlags);
  if (t.detail) {
    t.openNode(t.lastNode());
    t.fbits(HF_FC_TYPE, off, 1, 0x0c);
    t.fbits(HF_FC_SUBTYPE, off, 1, 0xf0);
    t.fbits(HF_FC_DS, off + 1, 1, 0x03);
    t.fbits(HF_FC_TODS, off + 1, 1, 0x01);
    t.fbits(HF_FC_FROMDS, off + 1, 1, 0x02);
    t.fbits(HF_FC_RETRY, off + 1, 1, 0x08);
    t.fbits(HF_FC_PROTECTED, off + 1, 1, 0x40);
    t.close(t.currentParent());
  }
  if (t.has(off + 2, 2)) t.fval(HF_DURATION, off + 2, 2, load<u16>(t.at(off + 2)) & 0x7fff);
  if (type == 1) {
    // Control frames: receiver, and for most a transmitter address.
    t.fbytes(HF_RA, off + 4, 6);
    if (subtype != 12 && subtype != 13) t.fbytes(HF_TA, off + 10, 6);
    t.close(node);
    t.restore(prev);
    return;
  }
  const ds = fcFlags & 3;
  // Address roles depend on the To DS / From DS bits.
  let daOff = off + 4;
  let saOff = off + 10;
  let bssidOff = off + 16;
  if (ds == 1) {
    bssidOff = off + 4;
    saOff = off + 10;
    daOff = off + 16;
  } else if (ds == 2) {
    daOff = off + 4;
    bssidOff = off + 10;
    saOff = off + 16;
  } else if (ds == 3) {
    daOff = off + 16;
    saOff = off + 24;
    bssidOff = -1;
  }
  t.fbytes(HF_RA, off + 4, 6);
  t.fbytes(HF_DA, daOff, 6);
  t.fbytes(HF_TA, off + 10, 6);
  t.fbytes(HF_SA, saOff, 6);
  if (bssidOff >= 0) t.fbytes(HF_BSSID, bssidOff, 6);
  t.hiddenCopy(HF_ADDR, daOff, 6, 0);
  t.hiddenCopy(HF_ADDR, saOff, 6, 0);
  t.fbits(HF_FRAG, off + 22, 2, 0x000f);
  if (t.has(off + 22, 2)) t.fval(HF_SEQ, off + 22, 2, (<u32>load<u16>(t.at(off + 22))) >> 4);
  let hdr = ds == 3 ? 30 : 24;
  if (!t.stopped && t.has(daOff, 6) && t.has(saOff, 6) && !pinfo.inError) {
    pinfo.addrKind = AddrKind.MAC;
    pinfo.srcPtr = t.at(saOff);
    pinfo.dstPtr = t.at(daOff);
  }
  const qos = type == 2 && (subtype & 8) != 0;
  if (qos) {
    if (t.has(off + hdr, 2)) {
      const q = <u32>load<u16>(t.at(off + hdr));
      t.fval(HF_QOS, off + hdr, 2, q);
      t.fval(HF_QOS_TID, off + hdr, 2, q & 0xf);
    }
    hdr += 2;
    // An HT control field follows when the order bit is set.
    if ((fcFlags & 0x80) != 0) hdr += 4;
  }
  t.setLength(node, hdr);
  t.close(node);
  t.restore(prev);
  if (t.stopped) return;
  // Only unprotected data frames with a body carry LLC.
  if (type == 2 && (subtype & 4) == 0 && (fcFlags & 0x40) == 0 && off + hdr < end) dissectLlc(off + hdr, end);
  else if (off + hdr < end) dissectData(off + hdr, end);
}
