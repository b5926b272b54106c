// The Time column: seconds since the first packet, since the previous one,
// or the absolute date and time (UTC), as Wireshark offers.

export type TimeFormat = 'relative' | 'delta' | 'absolute';

/** "12.345678": nanoseconds as seconds with `digits` decimals. */
export function seconds(ns: bigint, digits: number): string {
  const negative = ns < 0n;
  const v = negative ? -ns : ns;
  const sec = v / 1_000_000_000n;
  const frac = String(v % 1_000_000_000n).padStart(9, '0').slice(0, digits);
  return `${negative ? '-' : ''}${sec}.${frac}`;
}

/** "2013-03-07 21:42:06.869344" (UTC). */
export function absolute(ns: bigint, digits: number): string {
  const sec = ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n);
  const frac = String(ns - sec * 1_000_000_000n).padStart(9, '0').slice(0, digits);
  const d = new Date(Number(sec) * 1000);
  if (Number.isNaN(d.getTime())) return seconds(ns, digits);
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}.${frac}`;
}
