// Dissecting the few packets a detector needs: their bytes read in
// batches, the messages and datagrams the summary pass rebuilt put back
// together (so a packet shows what it showed in the single pass), and
// field values picked out with the display filter machinery: the columns
// rule out most packets, the rest are dissected and the filter is
// evaluated on their fields.

import type { CaptureIndex, Engine, Rebuilt } from '../engine/engine';
import { rebuildForSync } from '../engine/rebuild';
import type { RawNodes } from '../engine/tree';
import { compileFilter, evaluatePlan, type Comparable } from '../filter/compile';
import { ColumnEvaluator, NO } from '../filter/columns';
import { FilterError } from '../filter/errors';
import type { ReadPackets } from '../filter/evaluate';
import { NodeFields } from '../filter/packet-fields';

const BATCH = 512;

/** A packet that matched a detector's filter, with the values of the fields it asked for. */
export interface Collected {
  /** 0-based packet index. */
  packet: number;
  fields: Record<string, Comparable[]>;
}

export class PacketDissector {
  /** Packets dissected so far. */
  dissected = 0;
  /** Fields asked for that the engine does not have. */
  readonly unavailable = new Set<string>();

  constructor(
    private readonly index: CaptureIndex,
    private readonly engine: Engine,
    private readonly read: ReadPackets,
    private readonly shouldStop: () => boolean,
  ) {}

  /** Whether the engine knows a field (tcp.analysis.* may not exist yet). */
  has(field: string): boolean {
    return this.engine.registry.get(field) !== undefined;
  }

  /** Dissects each packet and shows its nodes and frame bytes to `visit` (nodes are valid only during the call). */
  async each(packets: readonly number[], visit: (packet: number, raw: RawNodes, frame: Uint8Array) => void): Promise<void> {
    for (let b = 0; b < packets.length; b += BATCH) {
      if (this.shouldStop()) return;
      const batch = packets.slice(b, b + BATCH);
      const bytes = await this.read(batch);
      const rebuilt = await this.rebuild(batch, bytes);
      for (let k = 0; k < batch.length; k++) {
        const raw = this.engine.dissectNodes(this.index, batch[k]!, bytes[k]!, rebuilt[k]);
        this.dissected++;
        visit(batch[k]!, raw, bytes[k]!);
      }
    }
  }

  /**
   * The packets among `candidates` that match the display filter, with the
   * values of `fields`. Fields the engine does not have are left out (and
   * noted); a filter naming one matches nothing.
   */
  async collect(filterText: string, fields: readonly string[], candidates: (i: number) => boolean): Promise<Collected[]> {
    const registry = this.engine.registry;
    const known = fields.filter((f) => {
      if (this.has(f)) return true;
      this.unavailable.add(f);
      return false;
    });
    let filter;
    try {
      filter = compileFilter(filterText, registry);
    } catch (e) {
      if (e instanceof FilterError) {
        this.unavailable.add(filterText);
        return [];
      }
      throw e;
    }
    const test = new ColumnEvaluator(this.index, registry).compile(filter.plan);
    const toDissect: number[] = [];
    for (let i = 0; i < this.index.packetCount; i++) {
      if (candidates(i) && test(i) !== NO) toDissect.push(i);
    }
    const wanted = new Set(filter.fieldIds);
    const ids = known.map((f) => registry.ids(f));
    for (const list of ids) for (const id of list) wanted.add(id);
    const out: Collected[] = [];
    await this.each(toDissect, (i, raw) => {
      const values = new NodeFields(wanted, registry, raw, (s) => this.engine.sourceBytes(s), this.index.info.comments.get(i));
      if (!evaluatePlan(filter.plan, values)) return;
      const record: Record<string, Comparable[]> = {};
      known.forEach((name, k) => (record[name] = values.values(ids[k]!, registry.get(name)!)));
      out.push({ packet: i, fields: record });
    });
    return out;
  }

  /** The messages and datagrams the summary pass rebuilt in each packet of a batch, their pieces read in one request. */
  private async rebuild(batch: number[], bytes: Uint8Array[]): Promise<Rebuilt[][]> {
    const have = new Map<number, Uint8Array>();
    batch.forEach((i, k) => have.set(i, bytes[k]!));
    const wanted = new Set<number>();
    for (const i of batch) {
      for (const r of this.index.info.reassemblies.get(i) ?? []) for (const p of r.parts) if (!have.has(p.packet)) wanted.add(p.packet);
    }
    if (wanted.size) {
      const more = [...wanted].sort((x, y) => x - y);
      const got = await this.read(more);
      more.forEach((p, k) => have.set(p, got[k]!));
    }
    return batch.map((i) => rebuildForSync(this.index, i, (p) => have.get(p)!));
  }
}
