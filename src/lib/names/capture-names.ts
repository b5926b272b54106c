// Names the capture itself gives its addresses, as Wireshark uses them:
// the A and AAAA records of the DNS, mDNS and LLMNR answers it carries (an
// address takes the name of the record that holds it, as in tshark's
// `-z hosts`), and the pcapng Name Resolution Blocks the capturing tool
// wrote.

import type { CaptureIndex, Engine, Rebuilt } from '../engine/engine';
import type { NameRecord } from '../engine/capture';
import { rebuildFor } from '../engine/rebuild';
import { formatIpv4 } from '../engine/format';
import { formatIpv6 } from '../engine/capture';
import { nodeValue } from '../engine/tree';
import type { ReadPackets } from '../filter/evaluate';
import { addressText, parseAddress } from './address';

export interface CapturedName {
  name: string;
  /** A DNS (mDNS, LLMNR) answer in the capture, or a pcapng Name Resolution Block. */
  source: 'dns' | 'nrb';
  /** For DNS: the packet (0-based index) whose answer first gave the name. */
  packet?: number;
}

/**
 * Names by address text (as the packet list shows it), in the order they
 * were last learned: the last one is the address's name, as in Wireshark,
 * where a later answer or block replaces an earlier name.
 */
export type NameMap = Map<string, CapturedName[]>;

/** Adds a name, or moves a name the address has already to the end (keeping where it was first seen). */
export function addName(map: NameMap, address: string, entry: CapturedName): void {
  const list = map.get(address);
  if (!list) {
    map.set(address, [entry]);
    return;
  }
  const at = list.findIndex((e) => e.name === entry.name && e.source === entry.source);
  if (at === list.length - 1) return;
  list.push(at >= 0 ? list.splice(at, 1)[0]! : entry);
}

/** The name an address goes by: the last learned. */
export function currentName(names: readonly CapturedName[]): string | undefined {
  return names[names.length - 1]?.name;
}

/** The names of pcapng Name Resolution Blocks (CaptureInfo.names). */
export function namesFromRecords(records: readonly NameRecord[], into: NameMap = new Map()): NameMap {
  for (const r of records) {
    const a = parseAddress(r.address);
    if (!a) continue;
    const text = addressText(a);
    for (const name of r.names) addName(into, text, { name, source: 'nrb' });
  }
  return into;
}

export interface DnsNameOptions {
  /** Add to this map (a live capture's, growing). */
  into?: NameMap;
  /** The first packet to look at (the packets before were looked at already). */
  from?: number;
  /** Called after each batch. */
  onProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
}

export interface DnsNames {
  names: NameMap;
  /** DNS packets dissected. */
  dissected: number;
  /** The packet after the last one looked at: `from` for the next call. */
  next: number;
}

const BATCH = 512;

/** The Protocol column values of packets that carry DNS messages (DNS, MDNS, LLMNR). */
function dnsColumnProtocols(engine: Engine): Set<number> {
  const dns = new Set(engine.registry.ids('dns'));
  const out = new Set<number>();
  for (const p of engine.registry.columnProtocols) {
    if (dns.has(p.field) || p.carries.some((f) => dns.has(f))) out.add(p.id);
  }
  return out;
}

/**
 * Names from the A and AAAA records of every DNS answer in the capture.
 * Only packets whose Protocol column is a DNS protocol are read back and
 * dissected. Nodes are walked in tree order rather than taken through a
 * FieldExtractor: a record's address must be paired with that record's
 * name (a sibling in the tree), which joined field values cannot tell.
 */
export async function namesFromDns(index: CaptureIndex, engine: Engine, read: ReadPackets, options: DnsNameOptions = {}): Promise<DnsNames> {
  const names = options.into ?? new Map();
  const protocols = dnsColumnProtocols(engine);
  const registry = engine.registry;
  const nameIds = new Set(registry.ids('dns.resp.name'));
  const aIds = new Set(registry.ids('dns.a'));
  const aaaaIds = new Set(registry.ids('dns.aaaa'));
  const proto = index.columns.arrays.proto;
  const end = index.packetCount;
  const packets: number[] = [];
  for (let i = options.from ?? 0; i < end; i++) if (protocols.has(proto[i]!)) packets.push(i);
  const sources = (s: number) => engine.sourceBytes(s);
  let dissected = 0;
  for (let b = 0; b < packets.length; b += BATCH) {
    if (options.shouldStop?.()) return { names, dissected, next: packets[b]! };
    const batch = packets.slice(b, b + BATCH);
    const bytes = await read(batch);
    for (let k = 0; k < batch.length; k++) {
      const i = batch[k]!;
      const rebuilt: Rebuilt[] = index.info.reassemblies.has(i) ? await rebuildFor(index, i, async (p) => (await read([p]))[0]!) : [];
      const raw = engine.dissectNodes(index, i, bytes[k]!, rebuilt);
      dissected++;
      // The last record name seen, and the record (its parent node) it names.
      let owner = '';
      let ownerRecord = -2;
      for (let n = 0; n < raw.count; n++) {
        const id = raw.fieldId(n);
        if (nameIds.has(id)) {
          owner = nodeValue(raw, n, registry.field(id), sources) as string;
          ownerRecord = raw.parent(n);
        } else if ((aIds.has(id) || aaaaIds.has(id)) && raw.parent(n) === ownerRecord && owner) {
          const value = nodeValue(raw, n, registry.field(id), sources);
          const address = aIds.has(id) ? formatIpv4(value as number) : (value as Uint8Array).length === 16 ? formatIpv6(value as Uint8Array) : '';
          if (address) addName(names, address, { name: owner, source: 'dns', packet: i });
        }
      }
    }
    options.onProgress?.(Math.min(b + BATCH, packets.length), packets.length);
  }
  return { names, dissected, next: end };
}
