/**
 * Choosing which of ajv's errors to report, so there is one diagnostic per real problem.
 *
 * With `allErrors`, a failing `anyOf`/`oneOf` leaves the errors of *every* branch in the
 * list, followed by the combinator's own error. They are regrouped into a tree: each
 * error is attributed to the branch whose schema (following local `$ref`s) contains the
 * error's parent schema, as long as it sits at or under the combinator's instance path
 * and precedes it. Then, per combinator:
 *
 * - branches whose type does not match the value at all are set aside;
 * - of the others, the branch that got deepest into the value wins (it is what the
 *   author was writing), fewest errors breaking ties;
 * - when no branch got past the value itself, one "must be A or B" problem is reported
 *   (or the schema's `errorMessage`).
 *
 * `if`/`then`/`else` errors are grouped the same way so unknown values can void them.
 */
import type { ErrorObject } from 'ajv';
import { isCausedByUnknown, parsePointer, type PreparedValue } from './schema-unknowns.js';

export type SchemaProblem =
  | { kind: 'error'; error: ErrorObject }
  | {
      kind: 'alternatives';
      error: ErrorObject;
      /** For each branch, its problems at the combinator's own path. */
      branches: SchemaProblem[][];
      /** The combinator schema's `errorMessage`, when it has one. */
      errorMessage?: string;
    };

interface Leaf {
  kind: 'leaf';
  error: ErrorObject;
}
interface Group {
  kind: 'group';
  error: ErrorObject;
  branches: ErrorTree[][];
}
type ErrorTree = Leaf | Group;

/** Problems to report, from ajv's flat error list (validated with `verbose: true`). */
export function selectProblems(errors: readonly ErrorObject[], rootSchema: object, prepared?: PreparedValue): SchemaProblem[] {
  let tree = buildTree(errors, rootSchema);
  if (prepared && prepared.unknownAt.size > 0) tree = dropUnknownCaused(tree, prepared);
  return tree.flatMap(resolve);
}

/** Child-naming keywords: their problem is about a key one level below the path. */
const CHILD_KEYWORDS = new Set(['required', 'additionalProperties', 'unevaluatedProperties', 'dependencies', 'dependentRequired']);

/** How deep into the value a problem is (a missing or extra key counts as one level below). */
export function problemDepth(p: SchemaProblem): number {
  const depth = parsePointer(p.error.instancePath).length;
  if (p.kind === 'alternatives') return depth;
  return CHILD_KEYWORDS.has(p.error.keyword) || p.error.propertyName !== undefined ? depth + 1 : depth;
}

function buildTree(errors: readonly ErrorObject[], root: object): ErrorTree[] {
  const stack: ErrorTree[] = [];
  for (const e of errors) {
    const branchSchemas = combinatorBranches(e);
    if (!branchSchemas) {
      stack.push({ kind: 'leaf', error: e });
      continue;
    }
    const reach = branchSchemas.map((s) => reachableSchemas(s, root));
    const popped: ErrorTree[] = [];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (!isAtOrUnder(top.error.instancePath, e.instancePath)) break;
      const parent = top.error.parentSchema;
      if (!reach.some((r) => r.has(parent))) break;
      popped.unshift(stack.pop()!);
    }
    // ajv reports branch by branch, in order. A branch whose type did not match the value
    // reports nothing more, which tells apart branches sharing a `$ref`.
    const branches: ErrorTree[][] = branchSchemas.map(() => []);
    const closed = new Set<number>();
    let current = 0;
    for (const t of popped) {
      const fits = (i: number): boolean => reach[i]!.has(t.error.parentSchema);
      let index = reach.findIndex((_, i) => i >= current && !closed.has(i) && fits(i));
      if (index < 0) index = reach.findIndex((_, i) => i >= current && fits(i));
      if (index < 0) index = reach.findIndex((_, i) => fits(i));
      current = index;
      branches[index]!.push(t);
      if (t.error.keyword === 'type' && t.error.instancePath === e.instancePath) closed.add(index);
    }
    stack.push({ kind: 'group', error: e, branches });
  }
  return stack;
}

function combinatorBranches(e: ErrorObject): unknown[] | undefined {
  if ((e.keyword === 'anyOf' || e.keyword === 'oneOf') && Array.isArray(e.schema)) return e.schema;
  if (e.keyword === 'if') {
    const failing = (e.params as { failingKeyword?: string }).failingKeyword;
    const parent = e.parentSchema as Record<string, unknown> | undefined;
    if (failing && parent && parent[failing] !== undefined) return [parent[failing]];
  }
  return undefined;
}

function dropUnknownCaused(tree: ErrorTree[], prepared: PreparedValue): ErrorTree[] {
  const out: ErrorTree[] = [];
  for (const t of tree) {
    if (isCausedByUnknown(t.error, prepared)) continue;
    if (t.kind === 'leaf') {
      out.push(t);
      continue;
    }
    const branches = t.branches.map((b) => dropUnknownCaused(b, prepared));
    // A branch that only failed because of unknowns may pass: the combinator may pass too.
    if (branches.some((b, i) => b.length === 0 && t.branches[i]!.length > 0)) continue;
    out.push({ ...t, branches });
  }
  return out;
}

function resolve(t: ErrorTree): SchemaProblem[] {
  if (t.kind === 'leaf') {
    if (t.error.keyword === 'propertyNames' || t.error.keyword === 'if') return []; // its inner errors say it
    return [{ kind: 'error', error: t.error }];
  }
  const e = t.error;
  if (e.keyword === 'if') return t.branches.flat().flatMap(resolve);
  if (e.keyword === 'oneOf' && (e.params as { passingSchemas?: unknown }).passingSchemas != null) return [{ kind: 'error', error: e }];

  const ownDepth = parsePointer(e.instancePath).length;
  const branches = t.branches.map((b) => b.flatMap(resolve)).filter((b) => b.length > 0);
  if (branches.length === 0) return [{ kind: 'error', error: e }];
  const mismatched = (b: SchemaProblem[]): boolean =>
    b.some((p) => p.kind === 'error' && p.error.keyword === 'type' && p.error.instancePath === e.instancePath);
  const maxDepth = (b: SchemaProblem[]): number => Math.max(...b.map(problemDepth));
  const viable = branches.filter((b) => !mismatched(b));
  const deep = viable.filter((b) => maxDepth(b) > ownDepth);

  let chosen: SchemaProblem[] | undefined;
  if (deep.length > 0) chosen = deep.reduce((best, b) => (maxDepth(b) > maxDepth(best) || (maxDepth(b) === maxDepth(best) && b.length < best.length) ? b : best));
  else if (viable.length === 1) chosen = viable[0];

  const errorMessage = schemaString(e.parentSchema, 'errorMessage');
  const shallow = chosen === undefined || chosen.every((p) => problemDepth(p) === ownDepth);
  if (chosen && !(shallow && errorMessage !== undefined)) return chosen;
  const atOwnPath = branches.map((b) => b.filter((p) => p.error.instancePath === e.instancePath));
  const alternatives: SchemaProblem = { kind: 'alternatives', error: e, branches: atOwnPath };
  if (errorMessage !== undefined) alternatives.errorMessage = errorMessage;
  return [alternatives];
}

/** A string annotation of a schema object (`errorMessage`, `patternErrorMessage`). */
export function schemaString(schema: unknown, keyword: string): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const v = (schema as Record<string, unknown>)[keyword];
  return typeof v === 'string' ? v : undefined;
}

function isAtOrUnder(pointer: string, base: string): boolean {
  return pointer === base || pointer.startsWith(`${base}/`);
}

// ---- which schema objects a branch can reach ------------------------------------------

const OBJECT_KEYWORDS = [
  'additionalItems',
  'additionalProperties',
  'contains',
  'else',
  'if',
  'items',
  'not',
  'propertyNames',
  'then',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
];
const ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const MAP_KEYWORDS = ['properties', 'patternProperties', 'dependentSchemas', 'dependencies'];

const reachCache = new WeakMap<object, WeakMap<object, Set<unknown>>>();

function reachableSchemas(branch: unknown, root: object): Set<unknown> {
  if (typeof branch !== 'object' || branch === null) return new Set([branch]);
  let perRoot = reachCache.get(root);
  if (!perRoot) reachCache.set(root, (perRoot = new WeakMap()));
  const cached = perRoot.get(branch);
  if (cached) return cached;
  const seen = new Set<unknown>();
  const todo: unknown[] = [branch];
  while (todo.length > 0) {
    const s = todo.pop();
    if (typeof s !== 'object' || s === null || seen.has(s)) continue;
    seen.add(s);
    const o = s as Record<string, unknown>;
    for (const k of OBJECT_KEYWORDS) if (typeof o[k] === 'object' && !Array.isArray(o[k])) todo.push(o[k]);
    for (const k of ARRAY_KEYWORDS) if (Array.isArray(o[k])) todo.push(...(o[k] as unknown[]));
    for (const k of MAP_KEYWORDS) {
      const m = o[k];
      if (typeof m === 'object' && m !== null && !Array.isArray(m)) todo.push(...Object.values(m));
    }
    if (typeof o.$ref === 'string') {
      const target = resolveLocalRef(o.$ref, root);
      if (target !== undefined) todo.push(target);
    }
  }
  perRoot.set(branch, seen);
  return seen;
}

function resolveLocalRef(ref: string, root: object): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let cur: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
