// The Point-to-Point Protocol header, and LCP's code and identifier.

import { field, protocol, columnProtocol, valueStrings, FT, BASE } from "../core/registry";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";
import { dissectIpv4 } from "./ipv4";
import { dissectIpv6 } from "./ipv6";
import { dissectData } from "./data";

const HF_PPP = protocol("ppp", "Point-to-Point Protocol", "PPP: the link protocol of dial-up, DSL (PPPoE) and VPN (PPTP) connections.");
const HF_ADDRESS = field("ppp.address", "Address", FT.UINT8, BASE.HEX, "Always 0xff (all stations) in HDLC-like framing.");
const HF_CONTROL = field("ppp.control", "Control", FT.UINT8, BASE.HEX, "Always 0x03 (unnumbered information) in HDLC-like framing.");
const HF_PROTOCOL = field("ppp.protocol", "Protocol", FT.UINT16, BASE.HEX, "What the PPP frame carries: 0x0021 IPv4, 0x0057 IPv6, 0xc021 link control (LCP) ...");
const COL_PPP = columnProtocol("PPP", HF_PPP);
const HF_LCP = protocol("lcp", "PPP Link Control Protocol", "LCP sets up, tests and closes a PPP link.");
const HF_LCP_CODE = field("ppp.code", "Code", FT.UINT8, BASE.DEC, "The LCP message: 1 configure-request, 2 configure-ack, 5 terminate-request, 9 echo-request ...");
const HF_LCP_ID = field("ppp.identifier", "Identifier", FT.UINT8, BASE.DEC_HEX, "Matches replies to requests.");
const HF_LCP_LENGTH = field("ppp.length", "Length", FT.UINT16, BASE.DEC, "Length of the LCP message.");
const COL_LCP = columnProtocol("PPP LCP", HF_LCP);
valueStrings(HF_PROTOCOL, "0x0021:Internet Protocol version 4|0x0057:Internet Protocol version 6|0xc021:Link Control Protocol|0x8021:Internet Protocol Control Protocol|0x8057:IPv6 Control Protocol|0xc023:Password Authentication Protocol|0xc223:Challenge Handshake Authentication Protocol|0x80fd:Compression Control Protocol");
valueStrings(HF_LCP_CODE, "1:Configuration Request|2:Configuration Ack|3:Configuration Nak|4:Configuration Reject|5:Termination Request|6:Termination Ack|7:Code Reject|8:Protocol Reject|9:Echo Request|10:Echo Reply|11:Discard Request|12:Identification|13:Time Remaining");

/** A PPP frame, with or without the HDLC-like address and control bytes. */
export function dissectPpp(off: i32, end: i32): void {
  if (!pinfo.inError) pinfo.colProto = COL_PPP;
  pinfo.shimmed = true;
  const node = t.open(HF_PPP, off, 0);
  let o = off;
  if (t.has(o, 2) && load<u8>(t.at(o)) == 0xff && load<u8>(t.at(o + 1)) == 0x03) {
    t.f8(HF_ADDRESS, o);
    t.f8(HF_CONTROL, o + 1);
    o += 2;
  }
  // The protocol field may be compressed to one byte (odd values).
  let proto: u32 = 0;
  if (t.has(o, 1) && (load<u8>(t.at(o)) & 1) != 0) {
    proto = t.f8(HF_PROTOCOL, o);
    o += 1;
  } else {
    proto = t.f16(HF_PROTOCOL, o);
    o += 2;
  }
  t.setLength(node, o - off);
  t.close(node);
  if (t.stopped) return;
  if (proto == 0x0021) dissectIpv4(o, end);
  else if (proto == 0x0057) dissectIpv6(o, end);
  else if (proto == 0xc021) dissectLcp(o, end);
  else dissectData(o, end);
}

function dissectLcp(off: i32, end: i32): void {
  if (!pinfo.inError) pinfo.colProto = COL_LCP;
  const node = t.open(HF_LCP, off, end - off);
  t.f8(HF_LCP_CODE, off);
  t.f8(HF_LCP_ID, off + 1);
  t.f16(HF_LCP_LENGTH, off + 2);
  t.close(node);
}
