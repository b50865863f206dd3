/**
 * A bound on how deeply a config may nest maps and lists. Every layer of hl walks node trees
 * recursively; a document nested thousands of levels deep (which YAML allows) is refused up
 * front with a clear error instead of exhausting the stack.
 */
import { error, type Diagnostic } from '../core/diagnostic.js';
import type { Node } from './node.js';

export const MAX_NESTING = 64;

/** The first node deeper than `limit`, found without recursion; undefined when within it. */
export function nestingProblem(root: Node, limit = MAX_NESTING): Diagnostic | undefined {
  const stack: { node: Node; depth: number }[] = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth > limit) {
      return error(
        `The config nests maps and lists more than ${limit} levels deep`,
        node.loc,
        'No hl config needs that; check for a runaway structure.',
      );
    }
    if (node.kind === 'map') for (const e of node.entries) stack.push({ node: e.value, depth: depth + 1 });
    else if (node.kind === 'seq') for (const item of node.items) stack.push({ node: item, depth: depth + 1 });
  }
  return undefined;
}
