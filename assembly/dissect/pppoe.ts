// PPP over Ethernet, session stage (EtherType 0x8864).

import { field, protocol, columnProtocol, valueStrings, FT, BASE } from "../core/registry";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";
import { dissectPpp } from "./ppp";

const HF_PPPOES = protocol("pppoes", "PPP-over-Ethernet Session", "PPPoE: a PPP link carried over Ethernet, as DSL connections use.");
const HF_VERSION = field("pppoe.version", "Version", FT.UINT8, BASE.DEC, "PPPoE version; always 1.", 0xf0);
const HF_TYPE = field("pppoe.type", "Type", FT.UINT8, BASE.DEC, "PPPoE type; always 1.", 0x0f);
const HF_CODE = field("pppoe.code", "Code", FT.UINT8, BASE.HEX, "0 for session data; other codes belong to the discovery stage.");
const HF_SESSION = field("pppoe.session_id", "Session ID", FT.UINT16, BASE.HEX, "The session the access concentrator assigned to this PPP link.");
const HF_PAYLOAD_LEN = field("pppoe.payload_length", "Payload Length", FT.UINT16, BASE.DEC, "Length of the PPP frame that follows.");
const COL_PPPOES = columnProtocol("PPPoES", HF_PPPOES);
valueStrings(HF_CODE, "0x00:Session Data|0x07:Active Discovery Offer (PADO)|0x09:Active Discovery Initiation (PADI)|0x19:Active Discovery Request (PADR)|0x65:Active Discovery Session-confirmation (PADS)|0xa7:Active Discovery Terminate (PADT)");

export function dissectPppoeSession(off: i32, end: i32): i32 {
  if (!pinfo.inError) pinfo.colProto = COL_PPPOES;
  pinfo.shimmed = true;
  const node = t.open(HF_PPPOES, off, 6);
  t.fbits(HF_VERSION, off, 1, 0xf0);
  t.fbits(HF_TYPE, off, 1, 0x0f);
  t.f8(HF_CODE, off + 1);
  t.f16(HF_SESSION, off + 2);
  const len = t.f16(HF_PAYLOAD_LEN, off + 4);
  t.close(node);
  if (t.stopped) return -1;
  const payloadEnd = off + 6 + <i32>len < end ? off + 6 + <i32>len : end;
  dissectPpp(off + 6, payloadEnd);
  return 6 + <i32>len;
}
