// CSV as RFC 4180 writes it: fields separated by commas, records ended by
// CRLF, and a field quoted (its quotes doubled) when it holds a comma, a
// quote, a CR or an LF, or starts or ends with a space.

export type Cell = string | number | bigint | boolean | null | undefined;

/** One field, quoted when it needs to be; null and undefined are empty. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record, with its CRLF. */
export function csvRecord(cells: readonly Cell[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

/** A table (a statistics table, a list of conversations ...) as CSV, headers first. */
export function tableToCsv(headers: readonly string[], rows: Iterable<readonly Cell[]>): string {
  let out = csvRecord(headers);
  for (const row of rows) out += csvRecord(row);
  return out;
}
