// The field names closest to a mistyped one.

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Up to `count` known names closest to `name`: same prefix first, then by edit distance. */
export function closestNames(name: string, known: Iterable<string>, count = 3): string[] {
  const lower = name.toLowerCase();
  const scored: { n: string; d: number }[] = [];
  for (const n of known) {
    const d = distance(lower, n.toLowerCase());
    const limit = Math.max(2, Math.floor(name.length / 3));
    if (d <= limit || n.startsWith(lower + '.')) scored.push({ n, d: n.startsWith(lower + '.') ? limit : d });
  }
  scored.sort((a, b) => a.d - b.d || a.n.length - b.n.length || a.n.localeCompare(b.n));
  return scored.slice(0, count).map((s) => s.n);
}
