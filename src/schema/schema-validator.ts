/**
 * Validating a value against a JSON Schema and reporting problems as located diagnostics.
 *
 * Used for whole config files (against `schemas/config-shape.schema.json`) and by the planner
 * for a resource's evaluated attributes (against the resource type's schema). Values
 * may hold unknowns: they never fail a check (see schema-unknowns.ts). Each ajv error is
 * mapped back through `node` to file:line:col: the key for "should not be here" errors,
 * the value otherwise, the nearest written ancestor when the value came from an
 * expression.
 */
import { error, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';
import { pathHasPrefix, type Path, type Value } from '../core/value.js';
import type { Node } from '../yaml/node.js';
import { findEntry, findNodeAtPath } from '../yaml/node-path.js';
import { compileSchema } from './schema-compile.js';
import type { PrecompiledValidators } from './precompiled-validators.js';
import { describeProblem, type MessageContext, type PathDescription, type Pointing } from './schema-error-message.js';
import { selectProblems } from './schema-error-selection.js';
import { parsePointer, prepareForValidation } from './schema-unknowns.js';

export type { PathDescription } from './schema-error-message.js';

export interface SchemaValidationOptions {
  /**
   * Splits a path of the value into what it belongs to and the attribute inside it, for
   * messages. Default: everything belongs to `context`.
   */
  describePath?: (path: Path) => PathDescription;
  /** Paths whose values must never appear in messages (`[]` = the whole value). */
  sensitivePaths?: readonly Path[];
  /** A map entry with a null value counts as not set (default true; false validates as written). */
  nullIsUnset?: boolean;
  /** The build's validators (the engine passes them); without them, schemas are compiled at run time. */
  precompiled?: PrecompiledValidators;
}

/**
 * Problems of `value` against `schema`, one diagnostic per problem, sorted by location.
 * `node` is the source the value was written as (its locations are used); `context`
 * names what is validated in messages (`proxmox_vm.k3s`).
 */
export function validateAgainstSchema(
  schema: object,
  value: Value,
  node: Node | undefined,
  context: string,
  options: SchemaValidationOptions = {},
): Diagnostic[] {
  const prepared = prepareForValidation(value, options.nullIsUnset ?? true);
  if (!prepared) return [];
  const validate = compileSchema(schema, options.precompiled);
  if (validate(prepared.data)) return [];

  const problems = selectProblems(validate.errors ?? [], schema, prepared);
  const sensitive = options.sensitivePaths ?? [];
  const ctx: MessageContext = {
    describe: options.describePath ?? ((path) => ({ context, attribute: path })),
    pathOf: (pointer) => pathOfPointer(prepared.data, pointer),
    isSensitive: (path) => sensitive.some((s) => pathHasPrefix(path, s)),
  };

  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const p of problems) {
    const text = describeProblem(p, ctx);
    const location = node ? locate(node, ctx.pathOf(p.error.instancePath), text.pointing) : undefined;
    const key = `${text.summary}\u0000${location ? `${location.file}:${location.line}:${location.col}` : ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(error(text.summary, location, text.detail));
  }
  return out.sort(byLocation);
}

/** The source location a problem points at. */
function locate(root: Node, path: Path, pointing: Pointing): SourceLocation {
  const found = findNodeAtPath(root, path);
  const exact = found.depth === path.length;
  if (!exact) return found.node.loc;
  const node = found.node;
  switch (pointing.at) {
    case 'childKey':
      return findEntry(node, pointing.key)?.keyLoc ?? node.loc;
    case 'ownKey':
      return found.entry?.keyLoc ?? node.loc;
    case 'missingKey':
      return findEntry(node, pointing.key)?.keyLoc ?? node.loc;
    case 'lastOfKeys': {
      if (node.kind !== 'map') return node.loc;
      const present = node.entries.filter((e) => pointing.keys.includes(e.key));
      const last = present.reduce<(typeof present)[number] | undefined>(
        (a, e) => (!a || e.keyLoc.line > a.keyLoc.line || (e.keyLoc.line === a.keyLoc.line && e.keyLoc.col > a.keyLoc.col) ? e : a),
        undefined,
      );
      return last?.keyLoc ?? node.loc;
    }
    case 'value':
      return node.loc;
  }
}

/** A JSON pointer as a value path: indices of lists become numbers. */
function pathOfPointer(data: unknown, pointer: string): Path {
  const path: Path = [];
  let cur: unknown = data;
  for (const seg of parsePointer(pointer)) {
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      path.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      path.push(seg);
      cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}

function byLocation(a: Diagnostic, b: Diagnostic): number {
  const la = a.location;
  const lb = b.location;
  if (la && lb) {
    if (la.file !== lb.file) return la.file < lb.file ? -1 : 1;
    if (la.line !== lb.line) return la.line - lb.line;
    if (la.col !== lb.col) return la.col - lb.col;
  } else if (la || lb) {
    return la ? -1 : 1;
  }
  return 0;
}
