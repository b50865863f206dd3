/** Finds the config node at an attribute path, for locating problems in the source. */
import type { Path } from '../core/value.js';
import type { SourceLocation } from '../core/diagnostic.js';
import type { Node } from './config-types.js';

/** The deepest node along `path` (the value node, or the key for a missing last key). */
export function locateAtPath(root: Node, path: Path): SourceLocation {
  let cur: Node = root;
  let loc = root.loc;
  for (const step of path) {
    if (cur.kind === 'map' && typeof step === 'string') {
      const entry = cur.entries.find((e) => e.key === step);
      if (!entry) return loc;
      cur = entry.value;
      loc = entry.value.loc;
    } else if (cur.kind === 'seq' && typeof step === 'number' && cur.items[step]) {
      cur = cur.items[step]!;
      loc = cur.loc;
    } else return loc;
  }
  return loc;
}
