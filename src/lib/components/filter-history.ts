// Display filters applied before, newest first, kept in this browser.

const KEY = 'packetlens.filterHistory';
const LIMIT = 30;

export function filterHistory(): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string').slice(0, LIMIT) : [];
  } catch {
    return [];
  }
}

/** Puts a filter first in the history; returns the new history. */
export function rememberFilter(text: string): string[] {
  const list = [text, ...filterHistory().filter((s) => s !== text)].slice(0, LIMIT);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // Storage full or refused: the history just is not kept.
  }
  return list;
}
