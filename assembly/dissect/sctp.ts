// The Stream Control Transmission Protocol: identified, with its common
// header and chunk list (used by telephony signalling such as M3UA).

import { field, protocol, columnProtocol, valueStrings, FT, BASE } from "../core/registry";
import * as t from "../core/tree";
import { pinfo } from "../core/pinfo";

const HF_SCTP = protocol("sctp", "Stream Control Transmission Protocol", "SCTP: a message-oriented transport with several streams per association, used mainly for telephony signalling.");
const HF_SRCPORT = field("sctp.srcport", "Source port", FT.UINT16, BASE.DEC, "The port of the sending endpoint.");
const HF_DSTPORT = field("sctp.dstport", "Destination port", FT.UINT16, BASE.DEC, "The port of the receiving endpoint.");
const HF_PORT = field("sctp.port", "Port", FT.UINT16, BASE.DEC, "Either port of the packet.");
const HF_VTAG = field("sctp.verification_tag", "Verification tag", FT.UINT32, BASE.HEX, "A value chosen at association set-up that every packet must carry, against blind spoofing.");
const HF_CHECKSUM = field("sctp.checksum", "Checksum", FT.UINT32, BASE.HEX, "A CRC32c checksum over the packet.");
const HF_CHUNK_TYPE = field("sctp.chunk_type", "Chunk type", FT.UINT8, BASE.DEC, "What the chunk is: 0 DATA, 1 INIT, 2 INIT ACK, 3 SACK, 4 HEARTBEAT ...");
const HF_CHUNK_FLAGS = field("sctp.chunk_flags", "Chunk flags", FT.UINT8, BASE.HEX, "Flags of the chunk.");
const HF_CHUNK_LENGTH = field("sctp.chunk_length", "Chunk length", FT.UINT16, BASE.DEC, "Length of the chunk in bytes.");
const HF_DATA_PPI = field("sctp.data_payload_proto_id", "Payload protocol identifier", FT.UINT32, BASE.DEC, "Which protocol a DATA chunk carries (3 is M3UA).");
const COL_SCTP = columnProtocol("SCTP", HF_SCTP);
valueStrings(HF_CHUNK_TYPE, "0:DATA|1:INIT|2:INIT_ACK|3:SACK|4:HEARTBEAT|5:HEARTBEAT_ACK|6:ABORT|7:SHUTDOWN|8:SHUTDOWN_ACK|9:ERROR|10:COOKIE_ECHO|11:COOKIE_ACK|14:SHUTDOWN_COMPLETE|64:I_DATA|192:FORWARD_TSN");
valueStrings(HF_DATA_PPI, "3:M3UA|5:M2UA|46:Diameter|47:Diameter DTLS|60:NGAP|18:S1AP");

const MAX_CHUNKS = 64;

export function dissectSctp(off: i32, end: i32): void {
  const prev = t.enter(end);
  const node = t.open(HF_SCTP, off, end - off);
  const sport = t.f16(HF_SRCPORT, off);
  const dport = t.f16(HF_DSTPORT, off + 2);
  t.hiddenCopy(HF_PORT, off, 2, sport);
  t.hiddenCopy(HF_PORT, off + 2, 2, dport);
  if (!pinfo.inError && !t.stopped) {
    pinfo.colProto = COL_SCTP;
    pinfo.srcPort = sport;
    pinfo.dstPort = dport;
  }
  t.f32(HF_VTAG, off + 4);
  t.f32(HF_CHECKSUM, off + 8);
  let o = off + 12;
  for (let n = 0; n < MAX_CHUNKS && o + 4 <= end && t.has(o, 4); n++) {
    const type = t.f8(HF_CHUNK_TYPE, o);
    t.f8(HF_CHUNK_FLAGS, o + 1);
    const len = <i32>t.f16(HF_CHUNK_LENGTH, o + 2);
    if (len < 4) break;
    if (type == 0 && len >= 16) t.f32(HF_DATA_PPI, o + 12);
    o += (len + 3) & ~3;
  }
  t.close(node);
  t.restore(prev);
}
