// What each packet's layer path (recorded by the summary pass, see
// engine/layers.ts) says to the statistics: how many Ethernet, IPv4, IPv6,
// TCP and UDP layers the packet has at the top level of its tree. A packet
// with exactly one network layer and at most one transport has its
// addresses, ports and stream in the summary columns; the others (tunnels,
// several Ethernet headers, unknown paths) are dissected.

import type { CaptureIndex } from '../engine/engine';
import type { Registry } from '../engine/registry';
import { PATH_CUT, PATH_FRAGMENT, PATH_ID_MASK, PATH_UNKNOWN } from '../engine/layers';

export const enum Layer {
  ETH = 0,
  IP = 1,
  IPV6 = 2,
  TCP = 3,
  UDP = 4,
}

export const LAYER_PROTOCOLS = ['eth', 'ip', 'ipv6', 'tcp', 'udp'] as const;

/** Counts of each Layer per path id, 5 bytes a path; PATH_UNKNOWN and missing paths have none (and are `unknown`). */
export class PathFacts {
  private readonly counts: Uint8Array;
  /** The Layer of each path's last protocol, or -1. */
  private readonly last: Int8Array;
  readonly pathCount: number;

  constructor(
    private readonly index: CaptureIndex,
    registry: Registry,
  ) {
    const paths = index.info.layers.paths;
    this.pathCount = paths.length;
    this.counts = new Uint8Array(paths.length * 5);
    const ids = LAYER_PROTOCOLS.map((p) => registry.get(p)?.id ?? -1);
    this.last = new Int8Array(paths.length).fill(-1);
    paths.forEach((fields, p) => {
      for (const f of fields ?? []) {
        const k = ids.indexOf(f);
        if (k >= 0 && this.counts[p * 5 + k]! < 255) this.counts[p * 5 + k]!++;
      }
      if (fields?.length) this.last[p] = ids.indexOf(fields[fields.length - 1]!);
    });
  }

  /** The path id of packet i, or PATH_UNKNOWN when the summary did not record it. */
  path(i: number): number {
    const layers = this.index.info.layers;
    return i < layers.length ? layers.path[i]! & PATH_ID_MASK : PATH_UNKNOWN;
  }

  /** Whether the dissection of packet i stopped at a read past its data (a short or malformed packet). */
  cut(i: number): boolean {
    const layers = this.index.info.layers;
    return i < layers.length && (layers.path[i]! & PATH_CUT) !== 0;
  }

  /** Whether packet i is an IP fragment. */
  fragment(i: number): boolean {
    const layers = this.index.info.layers;
    return i < layers.length && (layers.path[i]! & PATH_FRAGMENT) !== 0;
  }

  /** Whether the summary recorded packet i's layers. */
  known(path: number): boolean {
    return path !== PATH_UNKNOWN && path < this.pathCount;
  }

  /** Whether the last top-level protocol of path `path` is a `layer` layer (nothing was dissected after it). */
  endsWith(path: number, layer: Layer): boolean {
    return this.last[path] === layer;
  }

  /** How many `layer` layers path `path` has at the top level (known paths only). */
  count(path: number, layer: Layer): number {
    return this.counts[path * 5 + layer]!;
  }
}
