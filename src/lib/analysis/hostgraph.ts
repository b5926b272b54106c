// The host graph: hosts as nodes, conversations between them as edges. An
// edge's weight is its bytes, decayed with the time since it last carried a
// packet: w = bytes * exp(-lambda * (t_now - t_last)), t_now being the
// newest packet's time, so in a live capture old conversations fade.

import type { CaptureIndex } from '../engine/engine';
import { ADDR_KIND_MASK, AddrKind, NO_TIME } from '../engine/columns';

export interface HostNode {
  id: string;
  /** The packet whose source or destination this host is, for naming it. */
  packet: number;
  side: 'source' | 'destination';
  packets: number;
  bytes: number;
}

export interface HostEdge {
  a: string;
  b: string;
  packets: number;
  bytes: number;
  /** Seconds since the epoch of the edge's last packet. */
  last: number;
  weight: number;
}

export interface HostGraphData {
  nodes: HostNode[];
  edges: HostEdge[];
  /** Hosts left out beyond the limit (the least traffic first). */
  omittedNodes: number;
}

/** Builds the graph of IP hosts (IPv4 and IPv6) for the packets `selected` marks (all when null). */
export function hostGraph(index: CaptureIndex, lambda: number, maxNodes: number, selected: Uint8Array | null): HostGraphData {
  const c = index.columns;
  const a = c.arrays;
  const nodes = new Map<string, HostNode>();
  const edges = new Map<string, HostEdge & { lastNs: bigint }>();
  let newest = NO_TIME;
  for (let i = 0; i < c.length; i++) {
    if (selected && !selected[i]) continue;
    const kind = a.addrKind[i]! & ADDR_KIND_MASK;
    if (kind !== AddrKind.IPV4 && kind !== AddrKind.IPV6) continue;
    const s = `${kind}:${a.src[i]}`;
    const d = `${kind}:${a.dst[i]}`;
    const len = c.origLen(i);
    const t = a.time[i]!;
    if (t !== NO_TIME && (newest === NO_TIME || t > newest)) newest = t;
    for (const [id, side] of [
      [s, 'source'],
      [d, 'destination'],
    ] as const) {
      const n = nodes.get(id);
      if (n) {
        n.packets++;
        n.bytes += len;
      } else nodes.set(id, { id, packet: i, side, packets: 1, bytes: len });
    }
    if (s === d) continue;
    const key = s < d ? `${s}|${d}` : `${d}|${s}`;
    const e = edges.get(key);
    if (e) {
      e.packets++;
      e.bytes += len;
      if (t !== NO_TIME && t > e.lastNs) e.lastNs = t;
    } else edges.set(key, { a: s < d ? s : d, b: s < d ? d : s, packets: 1, bytes: len, last: 0, weight: 0, lastNs: t === NO_TIME ? 0n : t });
  }
  const kept = [...nodes.values()].sort((x, y) => y.bytes - x.bytes).slice(0, maxNodes);
  const keep = new Set(kept.map((n) => n.id));
  const now = newest === NO_TIME ? 0 : Number(newest) / 1e9;
  const out: HostEdge[] = [];
  for (const e of edges.values()) {
    if (!keep.has(e.a) || !keep.has(e.b)) continue;
    const last = Number(e.lastNs) / 1e9;
    out.push({ a: e.a, b: e.b, packets: e.packets, bytes: e.bytes, last, weight: e.bytes * Math.exp(-lambda * Math.max(0, now - last)) });
  }
  return { nodes: kept, edges: out, omittedNodes: nodes.size - kept.length };
}
