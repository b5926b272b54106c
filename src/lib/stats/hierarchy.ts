// The protocol hierarchy, as Wireshark's Protocol Hierarchy window and
// tshark -z io,phs count it: every packet is a path of the protocols at the
// top level of its tree (eth, ip, tcp, http), and each node of the tree of
// paths counts the packets (and their bytes on the wire) that went through
// it. Children are listed in order of appearance.
//
// The summary pass records each packet's path (engine/layers.ts), so the
// count reads no packet. Three things of tshark's tree are not layers of
// ours and are added here as tshark adds them: "pkt_comment" first in a
// packet with comments; "tcp.segments" after the message a segment
// completed (a message rebuilt from several); and "_ws.short" or
// "_ws.malformed" last when the dissection stopped at a read past the
// captured ("short") or reported ("malformed") end of the packet.

import type { RawNodes } from '../engine/tree';
import { FieldType, type Registry } from '../engine/registry';
import { dissectEach } from './dissect';
import { PathFacts } from './layers';
import type { StatsSource } from './source';

export interface ProtocolNode {
  /** The protocol's filter name, as tshark prints it ("eth", "ip", "tcp.segments"). */
  protocol: string;
  /** Its full name ("Ethernet", "Internet Protocol Version 4"). */
  name: string;
  frames: number;
  bytes: number;
  children: ProtocolNode[];
}

export interface ProtocolHierarchy {
  roots: ProtocolNode[];
  /** Packets and bytes counted (the selection). */
  frames: number;
  bytes: number;
  /** Packets dissected because the summary did not record their layers. */
  dissected: number;
  milliseconds: number;
}

/** Reassembly record of a TCP message rebuilt from several segments. */
const TCP_MESSAGE = 1;

const PSEUDO: Record<string, string> = {
  pkt_comment: 'Packet comments',
  'tcp.segments': 'Reassembled TCP Segments',
  '_ws.short': 'Packet size limited during capture',
  '_ws.malformed': 'Malformed Packet',
};

const enum Cut {
  NONE = 0,
  SHORT = 1,
  MALFORMED = 2,
}

export async function protocolHierarchy(src: StatsSource): Promise<ProtocolHierarchy> {
  const started = performance.now();
  const { index, engine } = src;
  const registry = engine.registry;
  const facts = new PathFacts(index, registry);
  const n = index.packetCount;
  const c = index.columns;
  const sel = src.selection;

  const commented = new Uint8Array(n);
  for (const k of index.info.comments.keys()) if (k < n) commented[k] = 1;
  const completesMessage = new Uint8Array(n);
  index.info.reassemblies.forEachRecord((packet, kind) => {
    if (kind === TCP_MESSAGE && packet < n) completesMessage[packet] = 1;
  });

  // Counts by (path, comment, segments, cut): 12 variants of each path.
  const variants = facts.pathCount * 12;
  const frames = new Float64Array(variants);
  const bytes = new Float64Array(variants);
  const first = new Float64Array(variants).fill(Infinity);
  const unknown: number[] = [];
  let totalFrames = 0;
  let totalBytes = 0;
  for (let i = 0; i < n; i++) {
    if (sel && sel[i] !== 1) continue;
    const len = c.origLen(i);
    totalFrames++;
    totalBytes += len;
    const path = facts.path(i);
    if (!facts.known(path)) {
      unknown.push(i);
      continue;
    }
    const cut = facts.cut(i) ? (c.capLen(i) < len ? Cut.SHORT : Cut.MALFORMED) : Cut.NONE;
    const key = ((path * 2 + commented[i]!) * 2 + completesMessage[i]!) * 3 + cut;
    frames[key]!++;
    bytes[key]! += len;
    if (first[key] === Infinity) first[key] = i;
  }

  // Paths the summary did not record come from a dissection.
  const extra = new Map<string, { tokens: string[]; frames: number; bytes: number; first: number }>();
  const top = new TopLevel(registry);
  const dissected = await dissectEach(src, unknown, (i, raw) => {
    const fields = top.protocols(raw);
    const cut = facts.cut(i) ? (c.capLen(i) < c.origLen(i) ? Cut.SHORT : Cut.MALFORMED) : Cut.NONE;
    const tokens = pathTokens(fields.map((f) => registry.field(f).abbrev), commented[i] === 1, completesMessage[i] === 1, cut);
    const key = tokens.join('/');
    const e = extra.get(key);
    if (e) {
      e.frames++;
      e.bytes += c.origLen(i);
    } else extra.set(key, { tokens, frames: 1, bytes: c.origLen(i), first: i });
  });

  const groups: { tokens: string[]; frames: number; bytes: number; first: number }[] = [...extra.values()];
  for (let key = 0; key < variants; key++) {
    if (!frames[key]) continue;
    const cut = (key % 3) as Cut;
    const segments = Math.floor(key / 3) % 2 === 1;
    const comment = Math.floor(key / 6) % 2 === 1;
    const path = Math.floor(key / 12);
    const names = (index.info.layers.paths[path] ?? []).map((f) => registry.field(f).abbrev);
    groups.push({ tokens: pathTokens(names, comment, segments, cut), frames: frames[key]!, bytes: bytes[key]!, first: first[key]! });
  }
  // Inserted in order of their first packet, nodes come out in order of appearance.
  groups.sort((a, b) => a.first - b.first);
  const roots: ProtocolNode[] = [];
  for (const g of groups) {
    let level = roots;
    for (const token of g.tokens) {
      let node = level.find((x) => x.protocol === token);
      if (!node) {
        node = { protocol: token, name: PSEUDO[token] ?? registry.get(token)?.name ?? token, frames: 0, bytes: 0, children: [] };
        level.push(node);
      }
      node.frames += g.frames;
      node.bytes += g.bytes;
      level = node.children;
    }
  }
  return { roots, frames: totalFrames, bytes: totalBytes, dissected, milliseconds: performance.now() - started };
}

/** A packet's path as tshark's tree has it (see the top of this file). */
function pathTokens(protocols: string[], comment: boolean, segments: boolean, cut: Cut): string[] {
  const out = comment ? ['pkt_comment', ...protocols] : [...protocols];
  if (segments) {
    // After the layer that follows the last TCP layer: the message the segment completed.
    const tcp = out.lastIndexOf('tcp');
    if (tcp >= 0) out.splice(Math.min(tcp + 2, out.length), 0, 'tcp.segments');
  }
  if (cut === Cut.SHORT) out.push('_ws.short');
  else if (cut === Cut.MALFORMED) out.push('_ws.malformed');
  return out;
}

/** The protocols at the top level of a dissected packet's tree (the frame left out). */
class TopLevel {
  private readonly isProtocol: Uint8Array;
  private readonly frame: number;

  constructor(registry: Registry) {
    this.isProtocol = new Uint8Array(registry.fields.length);
    for (const f of registry.fields) if (f.type === FieldType.PROTOCOL) this.isProtocol[f.id] = 1;
    this.frame = registry.get('frame')?.id ?? -1;
  }

  protocols(raw: RawNodes): number[] {
    const out: number[] = [];
    for (let n = 0; n < raw.count; n++) {
      const f = raw.fieldId(n);
      if (raw.parent(n) === -1 && f !== this.frame && this.isProtocol[f]) out.push(f);
    }
    return out;
  }
}
