/**
 * Finding the node, and the map entry holding it, at a path inside a node tree. Used to
 * turn a problem found in a value (a schema error at `/networks/net0/model`) back into a
 * location in the YAML source.
 */
import type { Path } from '../core/value.js';
import type { MapEntry, Node } from './node.js';

export interface NodeAtPath {
  /** The deepest node reached; the one at `path` when `depth === path.length`. */
  node: Node;
  /** The map entry that holds `node`, when `node` is a map value. */
  entry?: MapEntry;
  /** How many steps of the path were found. */
  depth: number;
}

/** Walks `path` (keys for maps, indices for lists; numeric strings index lists too). */
export function findNodeAtPath(root: Node, path: Path): NodeAtPath {
  let cur: NodeAtPath = { node: root, depth: 0 };
  for (const step of path) {
    const next = childOf(cur.node, step);
    if (!next) return cur;
    cur = { ...next, depth: cur.depth + 1 };
  }
  return cur;
}

/** The entry for `key` in a map node (the last one, as YAML would keep). */
export function findEntry(node: Node, key: string): MapEntry | undefined {
  if (node.kind !== 'map') return undefined;
  for (let i = node.entries.length - 1; i >= 0; i--) if (node.entries[i]!.key === key) return node.entries[i];
  return undefined;
}

function childOf(node: Node, step: string | number): { node: Node; entry?: MapEntry } | undefined {
  if (node.kind === 'map') {
    const entry = findEntry(node, String(step));
    return entry ? { node: entry.value, entry } : undefined;
  }
  if (node.kind === 'seq') {
    const index = typeof step === 'number' ? step : /^\d+$/.test(step) ? Number(step) : NaN;
    const item = node.items[index];
    return item ? { node: item } : undefined;
  }
  return undefined;
}
