// Which application dissector reads a TCP or UDP payload: by well-known port
// (the lower port first, as Wireshark tries them), then by recognising the
// payload where a protocol can be told apart reliably.

import { pinfo } from "../core/pinfo";
import { dissectData } from "./data";
import { dissectVxlan } from "./vxlan";
import { dissectDns, DNS_UDP, DNS_TCP, MDNS, LLMNR } from "./dns";
import { dissectNbns } from "./nbns";
import { dissectDhcp } from "./dhcp";
import { dissectNtp } from "./ntp";
import { dissectHttp, looksLikeHttp } from "./http";
import { dissectSsh, looksLikeSsh } from "./ssh";
import { dissectTls, looksLikeTls } from "./tls";
import { dissectQuic, looksLikeQuic } from "./quic";

export function dissectUdpPayload(off: i32, end: i32, sport: u32, dport: u32): void {
  const low = sport < dport ? sport : dport;
  const high = sport < dport ? dport : sport;
  if (udpByPort(low, off, end)) return;
  if (high != low && udpByPort(high, off, end)) return;
  if (looksLikeQuic(off, end)) {
    dissectQuic(off, end);
    return;
  }
  dissectData(off, end);
}

function udpByPort(port: u32, off: i32, end: i32): bool {
  switch (port) {
    case 53:
      dissectDns(off, end, DNS_UDP);
      return true;
    case 5353:
      dissectDns(off, end, MDNS);
      return true;
    case 5355:
      dissectDns(off, end, LLMNR);
      return true;
    case 137:
      dissectNbns(off, end);
      return true;
    case 67:
    case 68:
      dissectDhcp(off, end);
      return true;
    case 123:
      dissectNtp(off, end);
      return true;
    case 1900:
      dissectHttp(off, end, true);
      return true;
    case 443:
      if (!looksLikeQuic(off, end)) return false;
      dissectQuic(off, end);
      return true;
    case 4789:
      dissectVxlan(off, end);
      return true;
  }
  return false;
}

export function dissectTcpPayload(off: i32, end: i32, sport: u32, dport: u32): void {
  if (pinfo.inError) return;
  const low = sport < dport ? sport : dport;
  const high = sport < dport ? dport : sport;
  if (tcpByPort(low, off, end)) return;
  if (high != low && tcpByPort(high, off, end)) return;
  dissectData(off, end);
}

function tcpByPort(port: u32, off: i32, end: i32): bool {
  switch (port) {
    case 53:
      dissectDns(off, end, DNS_TCP);
      return true;
    case 80:
    case 3128:
    case 3132:
    case 5985:
    case 8080:
    case 8088:
    case 11371:
    case 1900:
    case 2869:
    case 2710:
      if (!looksLikeHttp(off, end)) return false;
      dissectHttp(off, end, false);
      return true;
    case 22:
      if (!looksLikeSsh(off, end)) return false;
      dissectSsh(off, end);
      return true;
    // tshark's TLS ports.
    case 261:
    case 271:
    case 324:
    case 443:
    case 448:
    case 465:
    case 563:
    case 614:
    case 636:
    case 802:
    case 853:
    case 989:
    case 990:
    case 992:
    case 993:
    case 994:
    case 995:
    case 1300:
    case 1311:
    case 2221:
    case 2252:
    case 2376:
    case 2443:
    case 3249:
    case 3250:
    case 3251:
    case 3252:
    case 3269:
    case 3389:
    case 3496:
    case 3713:
    case 4433:
    case 4443:
    case 5061:
    case 5349:
    case 5671:
    case 5684:
    case 5868:
    case 5986:
    case 8443:
    case 8883:
    case 8991:
    case 9443:
    case 11207:
    case 19999:
    case 27017:
      if (!looksLikeTls(off, end)) return false;
      dissectTls(off, end);
      return true;
  }
  return false;
}
