// Browser only (Vite): the name data files as build assets, so they are
// hashed, precached by the service worker and served from the cache
// offline, and their fetching. Imported by the capture worker.

import ouiUrl from '../../../data/names/oui.bin?url';
import servicesUrl from '../../../data/names/services.bin?url';
import countryUrl from '../../../data/names/country.bin?url';
import asnUrl from '../../../data/names/asn.bin?url';
import { decodeNameData, type NameData, type NameDataFile } from './data';

export const NAME_DATA_URLS: Record<NameDataFile, string> = {
  oui: ouiUrl,
  services: servicesUrl,
  country: countryUrl,
  asn: asnUrl,
};

/** Fetches and reads the tables named in `which`. */
export async function fetchNameData(which: readonly NameDataFile[], urls: Record<NameDataFile, string> = NAME_DATA_URLS): Promise<NameData> {
  const files: Partial<Record<NameDataFile, Uint8Array>> = {};
  await Promise.all(
    which.map(async (key) => {
      const response = await fetch(urls[key]);
      if (!response.ok) throw new Error(`cannot load the name data ${urls[key]}: HTTP ${response.status}`);
      files[key] = new Uint8Array(await response.arrayBuffer());
    }),
  );
  return decodeNameData(files);
}
