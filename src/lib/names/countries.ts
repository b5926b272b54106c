// English names of ISO 3166-1 alpha-2 country codes, from the platform's
// own locale data (Intl.DisplayNames, in every browser and in Node).

let names: Intl.DisplayNames | null | undefined;

/** "Germany" for "DE"; the code itself when the platform has no name for it. */
export function countryName(code: string): string {
  if (names === undefined) {
    try {
      names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
    } catch {
      names = null;
    }
  }
  if (!names || !/^[A-Z]{2}$/.test(code)) return code;
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}
