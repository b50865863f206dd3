/**
 * Templates in YAML string scalars: the fast check for `${`, and the per-node parse cache so
 * every scalar is parsed once however many instances evaluate it.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { ScalarNode } from '../yaml/node.js';
import type { Expr } from './ast.js';
import { parseTemplate } from './parser.js';
import { collectReferences, type Reference } from './reference.js';
import { makeLocator, scalarSource, type Locator } from './source-locator.js';
import { syntaxDiagnostic } from './syntax-problem.js';

export type StringScalar = ScalarNode & { value: string };

/** A string needs parsing only when it contains `${` (which also covers the `$${` escape). */
export function hasTemplate(text: string): boolean {
  return text.includes('${');
}

export interface ParsedScalar {
  /** The text this entry was parsed from (a changed node is parsed again). */
  text: string;
  /** The expression, or undefined when the text has a syntax error. */
  expr: Expr | undefined;
  /** The syntax error, if any. */
  diagnostics: Diagnostic[];
  locate: Locator;
  /** Computed on first use. */
  references?: Reference[];
}

const cache = new WeakMap<ScalarNode, ParsedScalar>();

/** The parsed template of a string scalar that contains `${`, from the cache when possible. */
export function parseScalar(node: StringScalar): ParsedScalar {
  const hit = cache.get(node);
  if (hit && hit.text === node.value) return hit;
  const locate = makeLocator(scalarSource(node));
  const outcome = parseTemplate(node.value);
  const entry: ParsedScalar = outcome.problem
    ? { text: node.value, expr: undefined, diagnostics: [syntaxDiagnostic(outcome.problem, locate)], locate }
    : { text: node.value, expr: outcome.expr, diagnostics: [], locate };
  cache.set(node, entry);
  return entry;
}

/** The references of a parsed scalar (cached on the entry). */
export function scalarReferences(parsed: ParsedScalar): Reference[] {
  if (!parsed.references) {
    parsed.references = parsed.expr ? collectReferences(parsed.expr, parsed.text, parsed.locate) : [];
  }
  return parsed.references;
}
