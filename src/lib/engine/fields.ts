// Picking named fields out of dissected packets, as tshark -T fields does:
// every occurrence of a field in the tree (hidden ones included), in tree
// order, joined with commas; empty when absent.

import type { Registry } from './registry';
import { displayValue, nodeValue, type RawNodes, type SourceBytes } from './tree';
import { formatStringBytes } from './format';

const encoder = new TextEncoder();

/** Fields computed by the host rather than the dissector. */
const HOST_FIELDS = new Set(['frame.comment']);

export class UnknownFieldsError extends Error {
  constructor(readonly fields: string[]) {
    super(`unknown field${fields.length > 1 ? 's' : ''}: ${fields.join(', ')}`);
  }
}

export interface HostContext {
  comments?: string[];
}

export class FieldExtractor {
  /** Column of each field id, or -1. A field id may feed several columns. */
  private readonly columnsOf = new Map<number, number[]>();
  private readonly hostColumns: { column: number; name: string }[] = [];

  constructor(
    private readonly registry: Registry,
    readonly names: readonly string[],
  ) {
    const unknown: string[] = [];
    names.forEach((name, column) => {
      if (HOST_FIELDS.has(name)) {
        this.hostColumns.push({ column, name });
        return;
      }
      const ids = registry.ids(name);
      if (ids.length === 0) unknown.push(name);
      for (const id of ids) {
        const list = this.columnsOf.get(id);
        if (list) list.push(column);
        else this.columnsOf.set(id, [column]);
      }
    });
    if (unknown.length) throw new UnknownFieldsError(unknown);
  }

  /** The values of every requested field in the packet whose nodes are in `raw`. */
  extract(raw: RawNodes, sources: SourceBytes, host: HostContext = {}): string[] {
    const cells: string[][] = this.names.map(() => []);
    for (let i = 0; i < raw.count; i++) {
      const columns = this.columnsOf.get(raw.fieldId(i));
      if (!columns) continue;
      const field = this.registry.field(raw.fieldId(i));
      const text = displayValue(field, nodeValue(raw, i, field, sources));
      for (const c of columns) cells[c]!.push(text);
    }
    for (const { column, name } of this.hostColumns) {
      if (name === 'frame.comment' && host.comments) {
        for (const c of host.comments) cells[column]!.push(formatStringBytes(encoder.encode(c)));
      }
    }
    return cells.map((values) => values.join(','));
  }
}
