/** The references made by a whole node tree (a resource body, a local's value, ...). */
import type { Diagnostic } from '../core/diagnostic.js';
import type { Node } from '../yaml/node.js';
import type { Reference } from './reference.js';
import { hasTemplate, parseScalar, scalarReferences, type StringScalar } from './template.js';

/** Parses (with a cache keyed by node object) every string scalar of a node tree and returns its references and parse errors. */
export function nodeReferences(node: Node): { references: Reference[]; diagnostics: Diagnostic[] } {
  const references: Reference[] = [];
  const diagnostics: Diagnostic[] = [];
  collect(node, references, diagnostics);
  return { references, diagnostics };
}

function collect(node: Node, references: Reference[], diagnostics: Diagnostic[]): void {
  switch (node.kind) {
    case 'scalar': {
      const v = node.value;
      if (typeof v !== 'string' || !hasTemplate(v)) return;
      const parsed = parseScalar(node as StringScalar);
      for (const d of parsed.diagnostics) diagnostics.push(d);
      for (const r of scalarReferences(parsed)) references.push(r);
      return;
    }
    case 'map':
      for (const e of node.entries) collect(e.value, references, diagnostics);
      return;
    case 'seq':
      for (const item of node.items) collect(item, references, diagnostics);
      return;
  }
}
