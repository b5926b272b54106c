// Finding fields in a packet's tree: the deepest one covering a byte, and
// the path of ids that leads to a node.

import type { TreeNode } from '$lib/worker/types';

/** The deepest (then the shortest) field of `source` whose bytes include `offset`. */
export function deepestAt(nodes: TreeNode[], source: number, offset: number): TreeNode | null {
  let best: TreeNode | null = null;
  let bestDepth = -1;
  const walk = (list: TreeNode[], depth: number) => {
    for (const n of list) {
      if (n.source === source && n.length > 0 && offset >= n.offset && offset < n.offset + n.length) {
        if (depth > bestDepth || (depth === bestDepth && best && n.length < best.length)) {
          best = n;
          bestDepth = depth;
        }
      }
      walk(n.children, depth + 1);
    }
  };
  walk(nodes, 0);
  return best;
}

/** Ids of the ancestors of node `id`, outermost first. */
export function pathTo(nodes: TreeNode[], id: number): number[] {
  const path: number[] = [];
  const find = (list: TreeNode[]): boolean => {
    for (const n of list) {
      if (n.id === id) return true;
      path.push(n.id);
      if (find(n.children)) return true;
      path.pop();
    }
    return false;
  };
  find(nodes);
  return path;
}
