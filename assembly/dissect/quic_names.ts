// Names of QUIC code points, as tshark 4.0 shows them (generated
// from `tshark -G values`; regenerate rather than edit by hand).

// @ts-ignore: unused when no table needs it
function find(codes: StaticArray<u32>, names: StaticArray<string>, v: u32): string | null {
  for (let i = 0; i < codes.length; i++) if (unchecked(codes[i]) == v) return unchecked(names[i]);
  return null;
}

const QUICFRAMENAME_LO: StaticArray<u32> = [0, 1, 2, 4, 5, 6, 7, 8, 16, 17, 18, 19, 20, 21, 22, 22, 24, 25, 26, 27, 28, 29, 30, 48, 64, 65, 66, 68, 69, 70, 172, 175, 757];
const QUICFRAMENAME_HI: StaticArray<u32> = [0, 1, 3, 4, 5, 6, 7, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 49, 64, 65, 67, 68, 69, 70, 172, 175, 757];
const QUICFRAMENAME_NAMES: StaticArray<string> = ["PADDING", "PING", "ACK", "RESET_STREAM", "STOP_SENDING", "CRYPTO", "NEW_TOKEN", "STREAM", "MAX_DATA", "MAX_STREAM_DATA", "MAX_STREAMS (BIDI)", "MAX_STREAMS (UNI)", "DATA_BLOCKED", "STREAM_DATA_BLOCKED", "STREAMS_BLOCKED (BIDI)", "STREAMS_BLOCKED (UNI)", "NEW_CONNECTION_ID", "RETIRE_CONNECTION_ID", "PATH_CHALLENGE", "PATH_RESPONSE", "CONNECTION_CLOSE (Transport)", "CONNECTION_CLOSE (Application)", "HANDSHAKE_DONE", "DATAGRAM", "MP_NEW_CONNECTION_ID", "MP_RETIRE_CONNECTION_ID", "MP_ACK", "ADD_ADDRESS", "REMOVE_ADDRESS", "UNIFLOWS", "IMMEDIATE_ACK", "ACK_FREQUENCY", "TIME_STAMP"];
export function quicFrameName(v: u64): string | null {
  for (let i = 0; i < QUICFRAMENAME_LO.length; i++) {
    if (v >= <u64>unchecked(QUICFRAMENAME_LO[i]) && v <= <u64>unchecked(QUICFRAMENAME_HI[i])) return unchecked(QUICFRAMENAME_NAMES[i]);
  }
  return null;
}

const QUICERRORNAME_LO: StaticArray<u32> = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 256];
const QUICERRORNAME_HI: StaticArray<u32> = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 511];
const QUICERRORNAME_NAMES: StaticArray<string> = ["NO_ERROR", "INTERNAL_ERROR", "CONNECTION_REFUSED", "FLOW_CONTROL_ERROR", "STREAM_ID_ERROR", "STREAM_STATE_ERROR", "FINAL_SIZE_ERROR", "FRAME_ENCODING_ERROR", "TRANSPORT_PARAMETER_ERROR", "CONNECTION_ID_LIMIT_ERROR", "PROTOCOL_VIOLATION", "INVALID_TOKEN", "APPLICATION_ERROR", "CRYPTO_BUFFER_EXCEEDED", "KEY_UPDATE_ERROR", "AEAD_LIMIT_REACHED", "NO_VIABLE_PATH", "VERSION_NEGOTIATION_ERROR", "CRYPTO_ERROR"];
export function quicErrorName(v: u64): string | null {
  for (let i = 0; i < QUICERRORNAME_LO.length; i++) {
    if (v >= <u64>unchecked(QUICERRORNAME_LO[i]) && v <= <u64>unchecked(QUICERRORNAME_HI[i])) return unchecked(QUICERRORNAME_NAMES[i]);
  }
  return null;
}

const QUICPACKETTYPEV1NAME_CODES: StaticArray<u32> = [0, 3, 2, 1];
const QUICPACKETTYPEV1NAME_NAMES: StaticArray<string> = ["Initial", "Retry", "Handshake", "0-RTT"];
export function quicPacketTypeV1Name(v: u32): string | null {
  return find(QUICPACKETTYPEV1NAME_CODES, QUICPACKETTYPEV1NAME_NAMES, v);
}

const QUICPACKETTYPEV2NAME_CODES: StaticArray<u32> = [0, 1, 2, 3];
const QUICPACKETTYPEV2NAME_NAMES: StaticArray<string> = ["Retry", "Initial", "0-RTT", "Handshake"];
export function quicPacketTypeV2Name(v: u32): string | null {
  return find(QUICPACKETTYPEV2NAME_CODES, QUICPACKETTYPEV2NAME_NAMES, v);
}

const QUICVERSIONNAME_LO: StaticArray<u32> = [0, 1, 1162299136, 1346588976, 1347571544, 1362113587, 1362113588, 1362113590, 1362113840, 1363627776, 1412445488, 1412445489, 2445373440, 2882338816, 4042322160, 4042322416, 4045664448, 4207849473, 4207849474, 4207849475, 4207849486, 4207849487, 4278190084, 4278190085, 4278190086, 4278190087, 4278190088, 4278190089, 4278190090, 4278190091, 4278190092, 4278190093, 4278190094, 4278190095, 4278190096, 4278190097, 4278190098, 4278190099, 4278190100, 4278190101, 4278190102, 4278190103, 4278190104, 4278190105, 4278190106, 4278190107, 4278190108, 4278190109, 4278190110, 4278190111, 4278190112, 4278190113, 4278190114, 4278321152, 1889161412, 1798521807];
const QUICVERSIONNAME_HI: StaticArray<u32> = [0, 1, 1162299391, 1346588977, 1347571544, 1362113587, 1362113588, 1362113590, 1362113840, 1363628031, 1412445488, 1412445489, 2445373695, 2882338831, 4042322175, 4042322431, 4045664463, 4207849473, 4207849474, 4207849485, 4207849486, 4207849487, 4278190084, 4278190085, 4278190086, 4278190087, 4278190088, 4278190089, 4278190090, 4278190091, 4278190092, 4278190093, 4278190094, 4278190095, 4278190096, 4278190097, 4278190098, 4278190099, 4278190100, 4278190101, 4278190102, 4278190103, 4278190104, 4278190105, 4278190106, 4278190107, 4278190108, 4278190109, 4278190110, 4278190111, 4278190112, 4278190113, 4278190114, 4278321152, 1889161412, 1798521807];
const QUICVERSIONNAME_NAMES: StaticArray<string> = ["Version Negotiation", "1", "Quant", "Picoquic internal", "Proxied QUIC (PROX)", "Google Q043", "Google Q044", "Google Q046", "Google Q050", "QGO (QUIC GO)", "Google T050", "Google T051", "Quicly", "MsQuic", "ETH Zürich (Measurability experiments)", "Telecom Italia (Measurability experiments)", "MozQuic", "Facebook mvfst (draft-22)", "Facebook mvfst (draft-27)", "Facebook mvfst", "Facebook mvfst (Experimental)", "Facebook mvfst", "draft-04", "draft-05", "draft-06", "draft-07", "draft-08", "draft-09", "draft-10", "draft-11", "draft-12", "draft-13", "draft-14", "draft-15", "draft-16", "draft-17", "draft-18", "draft-19", "draft-20", "draft-21", "draft-22", "draft-23", "draft-24", "draft-25", "draft-26", "draft-27", "draft-28", "draft-29", "draft-30", "draft-31", "draft-32", "draft-33", "draft-34", "v2-draft-00", "v2-draft-01", "2"];
export function quicVersionName(v: u64): string | null {
  for (let i = 0; i < QUICVERSIONNAME_LO.length; i++) {
    if (v >= <u64>unchecked(QUICVERSIONNAME_LO[i]) && v <= <u64>unchecked(QUICVERSIONNAME_HI[i])) return unchecked(QUICVERSIONNAME_NAMES[i]);
  }
  return null;
}
