// Reading DNS names for signs of data hidden in them: the domain a name
// belongs to, and how random the rest of it looks.

import { THRESHOLDS } from './thresholds';

/** Second-level labels under which country domains register names (example.co.uk). */
const SECOND_LEVELS = new Set(['co', 'com', 'net', 'org', 'gov', 'ac', 'edu', 'ne', 'or', 'go', 'gob', 'mil']);

/** The registered domain a name belongs to (its last two labels, three under co.uk-like suffixes), and the part before it. */
export function splitDomain(name: string): { domain: string; sub: string } {
  const labels = name.replace(/\.$/, '').split('.');
  let keep = 2;
  const tld = labels[labels.length - 1] ?? '';
  const second = labels[labels.length - 2] ?? '';
  if (labels.length > 2 && tld.length === 2 && SECOND_LEVELS.has(second.toLowerCase())) keep = 3;
  if (labels.length <= keep) return { domain: labels.join('.'), sub: '' };
  return { domain: labels.slice(-keep).join('.'), sub: labels.slice(0, -keep).join('.') };
}

/** Shannon entropy of the characters of `s`, in bits per character. */
export function entropy(s: string): number {
  if (!s.length) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

export interface NameVerdict {
  suspicious: boolean;
  /** Why: "112 characters", "label of 57 characters", "entropy 4.6 bits". */
  reason: string;
  entropy: number;
}

/** Names under these suffixes are long by design (reverse lookups, mDNS services). */
const EXEMPT = /(\.arpa|\.local)\.?$/i;

/** Whether a query name looks like data encoded into a name (THRESHOLDS.dnsTunnel). */
export function judgeName(name: string): NameVerdict {
  const t = THRESHOLDS.dnsTunnel;
  const { sub } = splitDomain(name);
  const letters = sub.replace(/\./g, '');
  const h = entropy(letters.toLowerCase());
  if (EXEMPT.test(name)) return { suspicious: false, reason: '', entropy: h };
  if (name.length >= t.longName) return { suspicious: true, reason: `${name.length} characters`, entropy: h };
  const longest = Math.max(...name.split('.').map((l) => l.length));
  if (longest >= t.longLabel) return { suspicious: true, reason: `a label of ${longest} characters`, entropy: h };
  if (letters.length >= t.entropyMinChars && h >= t.entropyBits) return { suspicious: true, reason: `entropy ${h.toFixed(2)} bits a character over ${letters.length} characters`, entropy: h };
  return { suspicious: false, reason: '', entropy: h };
}
