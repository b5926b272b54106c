// Names for the addresses of one open capture, for the worker to answer the
// page with: the name the capture gives an address (DNS answers, pcapng
// Name Resolution Blocks; switchable), the vendor of a MAC address, the
// country and AS of an IP address, and the special-purpose block of either;
// and the capture's traffic by country, from the index's columns.

import type { CaptureIndex, Engine } from '../engine/engine';
import { ADDR_KIND_MASK, AddrKind } from '../engine/columns';
import type { ReadPackets } from '../filter/evaluate';
import { addressText, parseAddress, type Address } from '../names/address';
import { currentName, namesFromDns, namesFromRecords, type CapturedName, type NameMap } from '../names/capture-names';
import { countryName } from '../names/countries';
import type { NameData } from '../names/data';
import { addressFacts, type AddressFacts } from '../names/lookup';
import type { Service, Transport } from '../names/services';
import { specialRange } from '../names/special';

export interface AddressNames extends AddressFacts {
  /** The address as asked for. */
  address: string;
  /** null when the text is not an address. */
  kind: Address['kind'] | null;
  /** The capture's name for it (the last learned, as in Wireshark), while capture names are on. */
  name?: string;
  /** Every name the capture gives it, in the order last learned (so `name` is the last). */
  names?: CapturedName[];
}

export interface CountryTraffic {
  /** ISO 3166-1 alpha-2 code and English name. */
  country: string;
  name: string;
  /** Packets with either end in the country, and their bytes (as on the wire). */
  packets: number;
  bytes: number;
  /** Packets sent from, and to, addresses in the country. */
  sentPackets: number;
  sentBytes: number;
  receivedPackets: number;
  receivedBytes: number;
  /** Distinct addresses of the capture in the country. */
  addresses: number;
}

export interface CountryTable {
  /** Most bytes first. */
  countries: CountryTraffic[];
  /** IP packets neither of whose ends has a country (private, special, or unknown to the data). */
  unlocated: { packets: number; bytes: number };
}

export interface LearnProgress {
  dissected: number;
  toDissect: number;
}

export class AddressNamer {
  private data: NameData | null;
  private captured: NameMap = new Map();
  private recordsSeen = 0;
  /** The next packet whose DNS answers have not been read. */
  private dnsNext = 0;
  private useCaptured = true;
  private cache = new Map<string, AddressNames>();

  constructor(
    private readonly index: CaptureIndex,
    data: NameData | null = null,
  ) {
    this.data = data;
  }

  /**
   * Adds offline tables as they are loaded (those given replace the ones
   * already set; the others stay); null removes them all.
   */
  setData(data: NameData | null): void {
    this.data = data && this.data ? { ...this.data, ...data, sources: { ...this.data.sources, ...data.sources } } : data;
    this.cache.clear();
  }

  /** Whether names from the capture (DNS answers, Name Resolution Blocks) are shown. */
  get captureNames(): boolean {
    return this.useCaptured;
  }

  set captureNames(on: boolean) {
    this.useCaptured = on;
    this.cache.clear();
  }

  /**
   * Reads the names the capture gives: its Name Resolution Blocks, and the
   * DNS answers of packets not read yet (all of them the first time; the new
   * ones of a live capture after). `read` reads packets' captured bytes.
   */
  async learn(engine: Engine, read: ReadPackets, onProgress?: (p: LearnProgress) => void, shouldStop?: () => boolean): Promise<{ addresses: number; dissected: number }> {
    this.takeRecords();
    const result = await namesFromDns(this.index, engine, read, {
      into: this.captured,
      from: this.dnsNext,
      ...(onProgress ? { onProgress: (dissected: number, toDissect: number) => onProgress({ dissected, toDissect }) } : {}),
      ...(shouldStop ? { shouldStop } : {}),
    });
    this.dnsNext = result.next;
    this.cache.clear();
    return { addresses: this.captured.size, dissected: result.dissected };
  }

  /** Name Resolution Blocks arrive with the capture: take the new ones. */
  private takeRecords(): void {
    const records = this.index.info.names;
    if (records.length === this.recordsSeen) return;
    namesFromRecords(records.slice(this.recordsSeen), this.captured);
    this.recordsSeen = records.length;
    this.cache.clear();
  }

  /** Every address the capture names, with its names (Wireshark's "Resolved Addresses"). */
  capturedNames(): { address: string; names: CapturedName[] }[] {
    this.takeRecords();
    return [...this.captured].map(([address, names]) => ({ address, names }));
  }

  /** What is known of an address given as text (IPv4, IPv6 or MAC, as the packet list shows it). */
  describe(address: string): AddressNames {
    this.takeRecords();
    let out = this.cache.get(address);
    if (out) return out;
    const a = parseAddress(address);
    out = { address, kind: a ? a.kind : null };
    if (a) {
      Object.assign(out, addressFacts(a, this.data));
      const names = this.useCaptured ? this.captured.get(address) ?? this.captured.get(addressText(a)) : undefined;
      if (names?.length) {
        out.name = currentName(names);
        out.names = names.map((n) => ({ ...n }));
      }
    }
    this.cache.set(address, out);
    return out;
  }

  /** describe() for each address of a table (endpoints, conversations, top talkers). */
  describeMany(addresses: readonly string[]): AddressNames[] {
    return addresses.map((a) => this.describe(a));
  }

  /** IANA's service name for a port ("domain" for 53/udp), when the table is loaded. */
  service(port: number, transport: Transport): Service | undefined {
    return this.data?.services?.service(port, transport);
  }

  /**
   * Packets and bytes by country of their source and destination, for a map
   * or a table: empty until the country table is loaded.
   */
  countryTraffic(): CountryTable {
    const table = this.data?.country;
    const countries = new Map<string, CountryTraffic>();
    const unlocated = { packets: 0, bytes: 0 };
    if (!table) return { countries: [], unlocated };
    const c = this.index.columns;
    const a = c.arrays;
    const addresses = this.index.info.addresses;
    const byKey = new Map<number, CountryTraffic | null>();
    const locate = (kind: number, value: number): CountryTraffic | null => {
      const key = kind * 2 ** 32 + value;
      let entry = byKey.get(key);
      if (entry !== undefined) return entry;
      let address: Address | null = null;
      if (kind === AddrKind.IPV4) address = { kind: 'ipv4', value };
      else if (kind === AddrKind.IPV6 && addresses[value]) address = { kind: 'ipv6', bytes: addresses[value]!.bytes };
      const special = address ? specialRange(address) : undefined;
      const code = !address || (special && !special.global) ? undefined : address.kind === 'ipv4' ? table.ipv4(address.value) : table.ipv6(address.bytes);
      entry = null;
      if (code) {
        entry = countries.get(code) ?? null;
        if (!entry) {
          entry = { country: code, name: countryName(code), packets: 0, bytes: 0, sentPackets: 0, sentBytes: 0, receivedPackets: 0, receivedBytes: 0, addresses: 0 };
          countries.set(code, entry);
        }
        entry.addresses++;
      }
      byKey.set(key, entry);
      return entry;
    };
    for (let i = 0; i < c.length; i++) {
      const kind = a.addrKind[i]! & ADDR_KIND_MASK;
      if (kind !== AddrKind.IPV4 && kind !== AddrKind.IPV6) continue;
      const bytes = c.origLen(i);
      const from = locate(kind, a.src[i]!);
      const to = locate(kind, a.dst[i]!);
      if (from) {
        from.sentPackets++;
        from.sentBytes += bytes;
        from.packets++;
        from.bytes += bytes;
      }
      if (to) {
        to.receivedPackets++;
        to.receivedBytes += bytes;
        if (to !== from) {
          to.packets++;
          to.bytes += bytes;
        }
      }
      if (!from && !to) {
        unlocated.packets++;
        unlocated.bytes += bytes;
      }
    }
    return { countries: [...countries.values()].sort((x, y) => y.bytes - x.bytes || y.packets - x.packets), unlocated };
  }
}
