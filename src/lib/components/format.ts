// Small formatting helpers for the page.

export function formatBytes(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return 'unknown';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${v} bytes` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

// One formatter, made once: toLocaleString builds one per call, which is slow when counts update often.
const counts = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return counts.format(n);
}

export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString();
}
