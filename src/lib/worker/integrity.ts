// Whether a session's stored index can be trusted: the version it was
// stored with, its checksum, and its structure (lengths that agree with the
// packet count, packets that lie within the capture's bytes, references
// into its side tables that exist). An index that fails is rebuilt from the
// capture rather than shown wrong.

import { AddrKind, ADDR_KIND_MASK, COLUMN_SPECS, LEN_OVERFLOW, NO_INTERFACE } from '../engine/columns';
import { NO_ETH_PAIR, PATH_ID_MASK, PATH_UNKNOWN } from '../engine/layers';
import { indexChecksum } from './checksum';
import { STORED_INDEX_VERSION, type StoredIndex } from './storage';

/** Why a stored index is not used: stored by an earlier version (no checksum), or damaged. */
export interface IndexProblem {
  kind: 'outdated' | 'damaged';
  reason: string;
}

/** What the session's other records say the index must describe. */
export interface IndexExpectation {
  /** Packets in the session record. */
  packets: number;
  /** Size of the stored capture bytes. */
  captureSize: number;
}

const REASSEMBLY_RECORD = 6;
const REASSEMBLY_PART = 4;
const FLOW_ENTRY = 64;

function damaged(reason: string): IndexProblem {
  return { kind: 'damaged', reason };
}

function isBuffer(b: unknown): b is ArrayBuffer {
  return b instanceof ArrayBuffer;
}

/** Checks a stored index; null when it can be used as it is. */
export function checkStoredIndex(s: StoredIndex | null | undefined, expect: IndexExpectation): IndexProblem | null {
  if (!s || typeof s !== 'object') return damaged('the index record is missing');
  if (s.version !== STORED_INDEX_VERSION) return { kind: 'outdated', reason: `stored with index version ${String(s.version)}, not ${STORED_INDEX_VERSION}` };
  if (typeof s.checksum !== 'number') return { kind: 'outdated', reason: 'stored without a checksum' };
  const n = s.length;
  if (!Number.isInteger(n) || n < 0) return damaged(`packet count ${String(n)} is not a count`);
  if (n !== expect.packets) return damaged(`it describes ${n} packets, the session ${expect.packets}`);

  // Shapes first: the checksum and the checks below read these buffers.
  for (const spec of COLUMN_SPECS) {
    const b = s.columns?.[spec.name];
    if (!isBuffer(b)) return damaged(`column ${spec.name} is missing`);
    if (b.byteLength !== n * spec.array.BYTES_PER_ELEMENT) return damaged(`column ${spec.name} holds ${b.byteLength} bytes, not ${n * spec.array.BYTES_PER_ELEMENT}`);
  }
  const layers = s.layers;
  if (!layers || !isBuffer(layers.path) || !isBuffer(layers.ethPair) || !isBuffer(layers.pairs) || !Array.isArray(layers.paths)) return damaged('the layer table is missing');
  if (layers.length !== n || layers.path.byteLength !== n * 2 || layers.ethPair.byteLength !== n * 4) return damaged('the layer table does not match the packet count');
  if (layers.pairs.byteLength % 12 !== 0) return damaged('the Ethernet pair table is cut');
  const re = s.reassemblies;
  if (!re || !isBuffer(re.records) || !isBuffer(re.parts)) return damaged('the reassembly table is missing');
  if (re.records.byteLength % (REASSEMBLY_RECORD * 4) !== 0 || re.parts.byteLength % (REASSEMBLY_PART * 4) !== 0) return damaged('the reassembly table is cut');
  if (s.flows && (!(s.flows.entries instanceof Uint8Array) || s.flows.entries.byteLength % FLOW_ENTRY !== 0)) return damaged('the flow table is cut');
  if (!Array.isArray(s.bigLengths) || !Array.isArray(s.addresses) || !Array.isArray(s.interfaces)) return damaged('a side table is missing');

  const sum = indexChecksum(s);
  if (sum !== s.checksum) return damaged(`checksum ${sum.toString(16).padStart(8, '0')} is not the stored ${(s.checksum >>> 0).toString(16).padStart(8, '0')}`);

  return checkReferences(s, expect);
}

/** Offsets, lengths and references that must hold whatever the checksum says. */
function checkReferences(s: StoredIndex, expect: IndexExpectation): IndexProblem | null {
  const n = s.length;
  const offset = new Uint32Array(s.columns.offset);
  const offsetHigh = new Uint8Array(s.columns.offsetHigh);
  const capLen = new Uint16Array(s.columns.capLen);
  const src = new Uint32Array(s.columns.src);
  const dst = new Uint32Array(s.columns.dst);
  const addrKind = new Uint8Array(s.columns.addrKind);
  const iface = new Uint16Array(s.columns.iface);
  const big = new Map(s.bigLengths);
  for (const [k] of s.bigLengths) if (!Number.isInteger(k) || k < 0 || k >= n) return damaged(`a long packet's length is kept for packet ${k}, past the last`);
  const addresses = s.addresses.length;
  const interfaces = s.interfaces.length;
  if (s.bytesRead > expect.captureSize) return damaged(`it read ${s.bytesRead} bytes of a ${expect.captureSize}-byte capture`);
  for (let i = 0; i < n; i++) {
    const len = capLen[i] === LEN_OVERFLOW ? (big.get(i)?.capLen ?? LEN_OVERFLOW) : capLen[i]!;
    const end = offsetHigh[i]! * 2 ** 32 + offset[i]! + len;
    if (end > expect.captureSize) return damaged(`packet ${i + 1} ends at byte ${end}, past the capture's ${expect.captureSize}`);
    const kind = addrKind[i]! & ADDR_KIND_MASK;
    if ((kind === AddrKind.IPV6 || kind === AddrKind.MAC) && (src[i]! >= addresses || dst[i]! >= addresses)) return damaged(`packet ${i + 1} names an address that is not in the table`);
    if (iface[i] !== NO_INTERFACE && iface[i]! >= interfaces) return damaged(`packet ${i + 1} names interface ${iface[i]}, of ${interfaces}`);
  }

  const path = new Uint16Array(s.layers.path);
  const ethPair = new Uint32Array(s.layers.ethPair);
  const paths = s.layers.paths.length;
  const pairs = s.layers.pairs.byteLength / 12;
  for (let i = 0; i < n; i++) {
    const id = path[i]! & PATH_ID_MASK;
    if (id !== PATH_UNKNOWN && id >= paths) return damaged(`packet ${i + 1} has layer path ${id}, of ${paths}`);
    if (ethPair[i] !== NO_ETH_PAIR && ethPair[i]! >= pairs) return damaged(`packet ${i + 1} has Ethernet pair ${ethPair[i]}, of ${pairs}`);
  }

  const records = new Int32Array(s.reassemblies.records);
  const parts = new Int32Array(s.reassemblies.parts);
  const partCount = parts.length / REASSEMBLY_PART;
  let previous = -1;
  for (let o = 0; o < records.length; o += REASSEMBLY_RECORD) {
    const packet = records[o]!;
    const first = records[o + 4]!;
    const count = records[o + 5]!;
    if (packet < previous || packet >= n) return damaged(`a reassembly is kept for packet ${packet + 1}, out of order or past the last`);
    if (first < 0 || count < 0 || first + count > partCount) return damaged(`a reassembly of packet ${packet + 1} points past its pieces`);
    previous = packet;
  }
  for (let q = 0; q < parts.length; q += REASSEMBLY_PART) {
    const packet = parts[q]!;
    if (packet < 0 || packet >= n) return damaged(`a reassembled piece comes from packet ${packet + 1}, past the last`);
  }
  return null;
}
