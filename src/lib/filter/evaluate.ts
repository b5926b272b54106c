// Running a filter over a whole capture: the summary columns answer for
// most packets at once; the packets they cannot tell about are dissected
// (in batches, their bytes read back from the capture) and the filter is
// evaluated on their fields.

import type { CaptureIndex, Engine, Rebuilt } from '../engine/engine';
import { FieldType, type Registry } from '../engine/registry';
import { rebuildRecords } from '../engine/rebuild';
import { evaluatePlan, type Comparable, type CompiledFilter, type PacketFields, type Plan, type Source } from './compile';
import { ColumnEvaluator, UNKNOWN, YES } from './columns';
import { NodeFields } from './packet-fields';

/** Reads packets' captured bytes (from a File in the browser, a file in Node). */
export type ReadPackets = (packets: number[]) => Promise<Uint8Array[]>;

export interface FilterResult {
  /** 1 for each packet the filter matches. */
  matches: Uint8Array;
  count: number;
  /** Packets that had to be dissected (the columns could not answer for them). */
  dissected: number;
  milliseconds: number;
  /** Of which answering from the summary columns (the rest is reading and dissecting). */
  columnMilliseconds: number;
}

export interface FilterProgress {
  dissected: number;
  toDissect: number;
}

const BATCH = 1024;

/** Reassembly records that rebuild only TCP payloads (a message, data already seen, data held for later). */
const TCP_PAYLOAD_RECORDS = new Set([1, 4, 5]);

export async function runFilter(
  filter: CompiledFilter,
  index: CaptureIndex,
  engine: Engine,
  read: ReadPackets,
  onProgress?: (p: FilterProgress) => void,
  shouldStop?: () => boolean,
  /** Packets before this one are not evaluated (left unmatched): a live capture's new packets only. */
  from = 0,
): Promise<FilterResult> {
  const started = performance.now();
  const n = index.packetCount;
  const matches = new Uint8Array(n);
  const test = new ColumnEvaluator(index, engine.registry).compile(filter.plan);
  const unknown: number[] = [];
  let count = 0;
  for (let i = from; i < n; i++) {
    const a = test(i);
    if (a === YES) {
      matches[i] = 1;
      count++;
    } else if (a === UNKNOWN) unknown.push(i);
  }
  const columnMilliseconds = performance.now() - started;
  const registry = engine.registry;
  const frameOnly = readsOnlyFrame(filter, registry);
  const frameTest = frameOnly ? frameSearch(filter.plan, frameOnly.id) : null;
  const tcpPayloads = readsTcpPayloads(filter.plan, registry);
  for (let b = 0; b < unknown.length; b += BATCH) {
    if (shouldStop?.()) break;
    const batch = unknown.slice(b, b + BATCH);
    const bytes = await read(batch);
    if (frameOnly) {
      // The frame's value is the captured bytes: no dissection needed.
      const fields = new FrameBytes(frameOnly.id, index.info.comments);
      for (let k = 0; k < batch.length; k++) {
        if (frameTest ? frameTest(bytes[k]!) : evaluatePlan(filter.plan, fields.of(batch[k]!, bytes[k]!))) {
          matches[batch[k]!] = 1;
          count++;
        }
      }
    } else {
      const rebuilt = await rebuildBatch(index, batch, bytes, read, tcpPayloads);
      for (let k = 0; k < batch.length; k++) {
        const i = batch[k]!;
        const raw = engine.dissectNodes(index, i, bytes[k]!, rebuilt[k]);
        const fields = new NodeFields(filter.fieldIds, registry, raw, (s) => engine.sourceBytes(s), index.info.comments.get(i));
        if (evaluatePlan(filter.plan, fields)) {
          matches[i] = 1;
          count++;
        }
      }
    }
    onProgress?.({ dissected: Math.min(b + BATCH, unknown.length), toDissect: unknown.length });
  }
  return { matches, count, dissected: unknown.length, milliseconds: performance.now() - started, columnMilliseconds };
}

/**
 * The messages and datagrams the summary pass rebuilt in each packet of a
 * batch, from pieces read in one request. A plan that reads nothing carried
 * in TCP payloads is evaluated without rebuilding TCP messages: the rest of
 * the packet's fields do not depend on them.
 */
async function rebuildBatch(index: CaptureIndex, batch: number[], bytes: Uint8Array[], read: ReadPackets, tcpPayloads: boolean): Promise<Rebuilt[][]> {
  const records = batch.map((i) => {
    const list = index.info.reassemblies.get(i);
    return list && (tcpPayloads || !list.every((r) => TCP_PAYLOAD_RECORDS.has(r.kind))) ? list : undefined;
  });
  const have = new Map<number, Uint8Array>();
  batch.forEach((i, k) => have.set(i, bytes[k]!));
  const wanted = new Set<number>();
  for (const list of records) for (const r of list ?? []) for (const p of r.parts) if (!have.has(p.packet)) wanted.add(p.packet);
  if (wanted.size) {
    const more = [...wanted].sort((x, y) => x - y);
    const got = await read(more);
    more.forEach((p, k) => have.set(p, got[k]!));
  }
  return batch.map((i, k) => (records[k] ? rebuildRecords(index, i, records[k], (p) => have.get(p)!) : []));
}

/** Protocols below the TCP payload, whose fields come out the same whether or not TCP messages are rebuilt. */
const BELOW_TCP_PAYLOAD = new Set(['frame', 'eth', 'vlan', 'sll', 'ip', 'ipv6', 'tcp', 'udp', 'icmp', 'icmpv6', 'arp']);
/** TCP's fields about the segment's data and the messages it belongs to. */
const TCP_DATA_FIELD = /^tcp\.(payload|segment|reassembled|pdu)/;

/** Whether the plan may read something that depends on TCP messages rebuilt from several segments. */
function readsTcpPayloads(plan: Plan, registry: Registry): boolean {
  switch (plan.kind) {
    case 'and':
    case 'or':
      return readsTcpPayloads(plan.left, registry) || readsTcpPayloads(plan.right, registry);
    case 'not':
      return readsTcpPayloads(plan.expr, registry);
    case 'exists':
      // A protocol's presence does not depend on the bytes after it; its value (used below) does.
      if (plan.source.kind === 'field' && !plan.source.slice && plan.source.field.type === FieldType.PROTOCOL) return !BELOW_TCP_PAYLOAD.has(plan.source.field.abbrev);
      return sourceReadsTcpPayloads(plan.source);
    case 'compareFields':
      return sourceReadsTcpPayloads(plan.left) || sourceReadsTcpPayloads(plan.right);
    default:
      return sourceReadsTcpPayloads(plan.left);
  }
}

function sourceReadsTcpPayloads(s: Source): boolean {
  if (s.kind !== 'field') return sourceReadsTcpPayloads(s.arg);
  const abbrev = s.field.abbrev;
  if (abbrev === 'frame') return false;
  if (s.field.type === FieldType.PROTOCOL || s.field.id < 0) return true;
  const dot = abbrev.indexOf('.');
  return !BELOW_TCP_PAYLOAD.has(dot < 0 ? abbrev : abbrev.slice(0, dot)) || TCP_DATA_FIELD.test(abbrev);
}

/** The frame protocol's field when it is the only field the filter reads (besides frame.comment); null otherwise. */
function readsOnlyFrame(filter: CompiledFilter, registry: Registry): { id: number } | null {
  const frame = registry.get('frame');
  if (!frame || filter.fieldIds.size !== 1 || !filter.fieldIds.has(frame.id)) return null;
  return { id: frame.id };
}

/** A packet's fields when the filter reads only the frame: its captured bytes, and its comments. */
class FrameBytes implements PacketFields {
  private bytes: Uint8Array = new Uint8Array();
  private comments: string[] = [];

  constructor(
    private readonly frameId: number,
    private readonly allComments: Map<number, string[]>,
  ) {}

  of(i: number, bytes: Uint8Array): this {
    this.bytes = bytes;
    this.comments = this.allComments.get(i) ?? [];
    return this;
  }

  values(ids: number[], field: { id: number; abbrev: string }): Comparable[] {
    if (field.id < 0) return field.abbrev === 'frame.comment' ? this.comments : [];
    return ids.includes(this.frameId) ? [this.bytes] : [];
  }
}

/**
 * "frame contains ..." and its combinations, as a search of the captured
 * bytes (the same test evaluatePlan makes, done with the native indexOf:
 * such a filter reads every byte of the capture). Null for other plans.
 */
function frameSearch(plan: Plan, frameId: number): ((bytes: Uint8Array) => boolean) | null {
  switch (plan.kind) {
    case 'and':
    case 'or': {
      const a = frameSearch(plan.left, frameId);
      const b = frameSearch(plan.right, frameId);
      if (!a || !b) return null;
      return plan.kind === 'and' ? (x) => a(x) && b(x) : (x) => a(x) || b(x);
    }
    case 'not': {
      const a = frameSearch(plan.expr, frameId);
      return a && ((x) => !a(x));
    }
    case 'compare': {
      const { left, op, right } = plan;
      if (op !== 'contains' || right.type !== 'bytes' || left.kind !== 'field' || left.slice || left.field.id !== frameId) return null;
      const needle = right.bytes;
      return (x) => includes(x, needle);
    }
    default:
      return null;
  }
}

function includes(hay: Uint8Array, needle: Uint8Array): boolean {
  const n = needle.length;
  if (n === 0) return true;
  const first = needle[0]!;
  const last = hay.length - n;
  for (let at = hay.indexOf(first); at >= 0 && at <= last; at = hay.indexOf(first, at + 1)) {
    let j = 1;
    while (j < n && hay[at + j] === needle[j]) j++;
    if (j === n) return true;
  }
  return false;
}
