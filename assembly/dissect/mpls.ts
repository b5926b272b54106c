// MPLS label stacks. Below the bottom label the payload carries no type, so
// it is guessed as Wireshark does: a first nibble of 4 or 6 means IP, a zero
// control word means an Ethernet pseudowire.

import { field, protocol, columnProtocol, FT, BASE } from "../core/registry";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";
import { dissectIpv4 } from "./ipv4";
import { dissectIpv6 } from "./ipv6";
import { dissectEthernet } from "./ethernet";
import { dissectData } from "./data";

const HF_MPLS = protocol("mpls", "MultiProtocol Label Switching Header", "An MPLS label: routers in a provider network forward the packet by this label instead of its IP address.");
const HF_MPLS_LABEL = field("mpls.label", "MPLS Label", FT.UINT32, BASE.DEC, "The label that tells the next router where to send the packet.", 0xfffff000);
const HF_MPLS_EXP = field("mpls.exp", "MPLS Experimental Bits", FT.UINT32, BASE.DEC, "Traffic class bits, used for quality of service.", 0x00000e00);
const HF_MPLS_BOTTOM = field("mpls.bottom", "MPLS Bottom Of Label Stack", FT.UINT32, BASE.DEC, "1 on the last label of the stack: the payload follows.", 0x00000100);
const HF_MPLS_TTL = field("mpls.ttl", "MPLS TTL", FT.UINT32, BASE.DEC, "Time to live: decremented by each router; the packet is dropped at zero.", 0x000000ff);
const COL_MPLS = columnProtocol("MPLS", HF_MPLS);
const HF_PWETHCW = protocol("pwethcw", "PW Ethernet Control Word", "The control word that precedes an Ethernet frame carried over an MPLS pseudowire.");
const HF_PW_SEQ = field("pwethcw.sequence_number", "Sequence Number", FT.UINT16, BASE.DEC, "Sequence number of the pseudowire frame; 0 when sequencing is not used.");

export function dissectMpls(off: i32, end: i32): void {
  if (!pinfo.inError) pinfo.colProto = COL_MPLS;
  let o = off;
  // A stack deeper than 32 labels is not a real stack.
  for (let depth = 0; depth < 32; depth++) {
    pinfo.shimmed = true;
    const node = t.open(HF_MPLS, o, 4);
    const word = t.get32(o);
    if (t.stopped) {
      t.close(node);
      return;
    }
    if (t.detail) {
      const note = t.beginNote();
      t.pool.str("MultiProtocol Label Switching Header, Label: ");
      t.pool.dec(word >> 12);
      t.pool.str(", Exp: ");
      t.pool.dec((word >> 9) & 7);
      t.pool.str(", S: ");
      t.pool.dec((word >> 8) & 1);
      t.pool.str(", TTL: ");
      t.pool.dec(word & 0xff);
      t.endNote(node, note);
    }
    t.fbits(HF_MPLS_LABEL, o, 4, 0xfffff000);
    t.fbits(HF_MPLS_EXP, o, 4, 0x00000e00);
    t.fbits(HF_MPLS_BOTTOM, o, 4, 0x00000100);
    t.fbits(HF_MPLS_TTL, o, 4, 0x000000ff);
    t.close(node);
    o += 4;
    if ((word & 0x100) != 0) break;
  }
  if (!t.has(o, 1)) {
    dissectData(o, end);
    return;
  }
  const nibble = load<u8>(t.at(o)) >> 4;
  if (nibble == 4) dissectIpv4(o, end);
  else if (nibble == 6) dissectIpv6(o, end);
  else if (nibble == 0 && t.has(o, 4 + 14)) {
    const cw = t.open(HF_PWETHCW, o, 4);
    t.f16(HF_PW_SEQ, o + 2);
    t.close(cw);
    dissectEthernet(o + 4, end, false);
  } else dissectData(o, end);
}
