// Sliding time windows: the most distinct things (ports, hosts) or events
// seen within any window of a given length.

export interface WindowPeak {
  /** The most distinct keys within one window. */
  distinct: number;
  /** Events [first, last] (indexes into the arrays given) of the window that reached it. */
  first: number;
  last: number;
}

/**
 * The window of `seconds` holding the most distinct keys, over events in
 * packet order (`times[k]` in seconds, `keys[k]` what to count). Times are
 * expected to rise; a time stamp that goes back is treated as equal to the
 * one before it, as the packets' order is the capture's.
 */
export function peakWindow(times: readonly number[], keys: readonly (number | string)[], seconds: number): WindowPeak {
  const counts = new Map<number | string, number>();
  let best: WindowPeak = { distinct: 0, first: 0, last: -1 };
  let start = 0;
  let latest = -Infinity;
  const at: number[] = [];
  for (let k = 0; k < times.length; k++) {
    latest = Math.max(latest, times[k]!);
    at.push(latest);
    counts.set(keys[k]!, (counts.get(keys[k]!) ?? 0) + 1);
    while (at[k]! - at[start]! > seconds) {
      const key = keys[start]!;
      const n = counts.get(key)! - 1;
      if (n === 0) counts.delete(key);
      else counts.set(key, n);
      start++;
    }
    if (counts.size > best.distinct) best = { distinct: counts.size, first: start, last: k };
  }
  return best;
}

/** The window of `seconds` holding the most events (each event its own key). */
export function peakCount(times: readonly number[], seconds: number): WindowPeak {
  return peakWindow(
    times,
    times.map((_, k) => k),
    seconds,
  );
}
