/**
 * The plain value of a node tree: maps become objects, sequences arrays, scalars stay as
 * they are. Template strings (`${...}`) are not evaluated; this is the data as written.
 */
import type { Value, ValueMap } from '../core/value.js';
import type { Node } from './node.js';

export function nodeToValue(node: Node): Value {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(nodeToValue);
    case 'map': {
      const out: ValueMap = {};
      for (const e of node.entries) setOwn(out, e.key, nodeToValue(e.value));
      return out;
    }
  }
}

/** Sets a property even when the key is `__proto__`. */
export function setOwn(target: ValueMap, key: string, value: Value): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
