// Fields of application protocols (DNS, TLS, HTTP), which the index does not
// hold: the packets that carry the protocol (their layer path says so) are
// dissected, and the wanted fields of each of its layers kept. What was read
// is cached per capture, so that the next statistic, or the same one with
// another filter, dissects only the packets not read yet.

import type { CaptureIndex } from '../engine/engine';
import { FieldType, INTEGER_TYPES, type Registry } from '../engine/registry';
import { displayValue, nodeValue, type RawNodes } from '../engine/tree';
import { dissectEach } from './dissect';
import { PathFacts } from './layers';
import type { StatsSource } from './source';

/** One layer of the protocol in one packet: each wanted field's values, in tree order. */
export interface LayerValues {
  packet: number;
  values: Map<string, (string | number)[]>;
}

/** Reads the wanted fields inside the top-level layers of some protocols. */
export class LayerFieldReader {
  private readonly protocolIds: Set<number>;
  private readonly wanted = new Map<number, string>();

  constructor(
    private readonly registry: Registry,
    protocols: readonly string[],
    fields: readonly string[],
  ) {
    this.protocolIds = new Set(protocols.map((p) => registry.get(p)?.id ?? -1));
    for (const f of fields) for (const id of registry.ids(f)) this.wanted.set(id, f);
  }

  read(packet: number, raw: RawNodes, sources: (s: number) => Uint8Array | undefined): LayerValues[] {
    const out: LayerValues[] = [];
    let current: LayerValues | null = null;
    for (let n = 0; n < raw.count; n++) {
      if (raw.parent(n) === -1) {
        current = this.protocolIds.has(raw.fieldId(n)) ? { packet, values: new Map() } : null;
        if (current) out.push(current);
        continue;
      }
      if (!current) continue;
      const name = this.wanted.get(raw.fieldId(n));
      if (name === undefined) continue;
      const field = this.registry.field(raw.fieldId(n));
      const v = nodeValue(raw, n, field, sources);
      const value = INTEGER_TYPES.has(field.type) || field.type === FieldType.BOOLEAN ? Number(v) : displayValue(field, v);
      const list = current.values.get(name);
      if (list) list.push(value);
      else current.values.set(name, [value]);
    }
    return out;
  }
}

type Cache = Map<number, LayerValues[]>;
const caches = new WeakMap<CaptureIndex, Map<string, Cache>>();

/**
 * The layers of `protocols` (with `fields`) in the `candidates` that are
 * selected, in packet order; dissects those not read before under `key`.
 */
export async function layerValues(
  src: StatsSource,
  key: string,
  protocols: readonly string[],
  fields: readonly string[],
  candidates: readonly number[],
): Promise<{ layers: LayerValues[]; dissected: number }> {
  let byKey = caches.get(src.index);
  if (!byKey) caches.set(src.index, (byKey = new Map()));
  let cache = byKey.get(key);
  if (!cache) byKey.set(key, (cache = new Map()));
  const sel = src.selection;
  const wanted = candidates.filter((i) => !sel || sel[i] === 1);
  const missing = wanted.filter((i) => !cache!.has(i));
  const reader = new LayerFieldReader(src.engine.registry, protocols, fields);
  const dissected = await dissectEach(src, missing, (i, raw, sources) => {
    cache!.set(i, reader.read(i, raw, sources));
  });
  const layers: LayerValues[] = [];
  for (const i of wanted) layers.push(...(cache.get(i) ?? []));
  return { layers, dissected };
}

/** Packets whose top-level layers include one of `protocols`, in order. */
export function packetsWith(src: StatsSource, protocols: readonly string[]): number[] {
  const { index, engine } = src;
  const ids = new Set(protocols.map((p) => engine.registry.get(p)?.id ?? -1));
  const facts = new PathFacts(index, engine.registry);
  const paths = index.info.layers.paths;
  const has = paths.map((fields) => (fields ?? []).some((f) => ids.has(f)));
  const out: number[] = [];
  for (let i = 0; i < index.packetCount; i++) {
    const p = facts.path(i);
    // A packet whose layers were not recorded may carry it: dissected to see.
    if (!facts.known(p) || has[p]) out.push(i);
  }
  return out;
}

/** Counts of values, most frequent first (ties in order of appearance). */
export function ranked<K>(counts: Map<K, number>): { value: K; count: number }[] {
  return [...counts].map(([value, count], k) => ({ value, count, k })).sort((a, b) => b.count - a.count || a.k - b.k).map(({ value, count }) => ({ value, count }));
}

export function bump<K>(counts: Map<K, number>, key: K, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}
