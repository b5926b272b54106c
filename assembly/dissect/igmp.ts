// The Internet Group Management Protocol: IPv4 hosts joining and leaving
// multicast groups.

import { field, protocol, columnProtocol, valueStrings, FT, BASE } from "../core/registry";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";

const HF_IGMP = protocol("igmp", "Internet Group Management Protocol", "IGMP: how IPv4 hosts tell routers which multicast groups they want to receive.");
const HF_TYPE = field("igmp.type", "Type", FT.UINT8, BASE.HEX, "0x11 membership query, 0x16 v2 report, 0x17 leave group, 0x22 v3 report.");
const HF_MAX_RESP = field("igmp.max_resp", "Max Resp Time", FT.UINT8, BASE.DEC, "How long hosts may wait before answering a query, in tenths of a second.");
const HF_CHECKSUM = field("igmp.checksum", "Checksum", FT.UINT16, BASE.HEX, "A checksum over the message.");
const HF_MADDR = field("igmp.maddr", "Multicast Address", FT.IPV4, BASE.NONE, "The multicast group the message is about.");
const HF_NUM_GRP = field("igmp.num_grp_recs", "Num Group Records", FT.UINT16, BASE.DEC, "How many group records a version 3 report holds.");
const HF_RECORD_TYPE = field("igmp.record_type", "Record Type", FT.UINT8, BASE.DEC, "What a version 3 record says about its group.");
const HF_NUM_SRC = field("igmp.num_src", "Num Src", FT.UINT16, BASE.DEC, "How many sources a record lists.");
const HF_SADDR = field("igmp.saddr", "Source Address", FT.IPV4, BASE.NONE, "A source the host wants (or does not want) traffic from.");
const COL_IGMP = columnProtocol("IGMP", HF_IGMP);
valueStrings(HF_TYPE, "0x11:Membership Query|0x12:Membership Report (v1)|0x16:Membership Report (v2)|0x17:Leave Group|0x22:Membership Report (v3)");

export function dissectIgmp(off: i32, end: i32): void {
  const prev = t.enter(end);
  if (!pinfo.inError) pinfo.colProto = COL_IGMP;
  const node = t.open(HF_IGMP, off, end - off);
  const type = t.f8(HF_TYPE, off);
  t.f8(HF_MAX_RESP, off + 1);
  t.f16(HF_CHECKSUM, off + 2);
  if (type == 0x22) {
    const n = t.f16(HF_NUM_GRP, off + 6);
    let o = off + 8;
    for (let i: u32 = 0; i < n && !t.stopped; i++) {
      t.f8(HF_RECORD_TYPE, o);
      const aux = <i32>t.get8(o + 1);
      const nsrc = <i32>t.f16(HF_NUM_SRC, o + 2);
      t.fipv4(HF_MADDR, o + 4);
      o += 8;
      for (let s = 0; s < nsrc && !t.stopped; s++) {
        t.fipv4(HF_SADDR, o);
        o += 4;
      }
      o += aux * 4;
    }
  } else t.fipv4(HF_MADDR, off + 4);
  if (t.detail && !pinfo.inError) {
    const i = t.info;
    i.reset();
    if (type == 0x11) i.str("Membership Query");
    else if (type == 0x12 || type == 0x16) i.str("Membership Report");
    else if (type == 0x17) i.str("Leave Group");
    else if (type == 0x22) i.str("Membership Report / Join group");
    else {
      i.str("IGMP type 0x");
      i.hexw(type, 2);
    }
  }
  t.close(node);
  t.restore(prev);
}
