/**
 * Choosing which of ajv's errors to report, so there is one diagnostic per real problem.
 *
 * With `allErrors`, a failing `anyOf`/`oneOf` leaves the errors of *every* branch in the
 * list, followed by the combinator's own error. They are regrouped into a tree: each
 * error is attributed to the branch whose schema (following local `$ref`s) contains the
 * error's parent schema, as long as it sits at or under the combinator's instance path
 * and precedes it. Schemas are told apart by where they are (their `schemaPath`), never by
 * object identity: precompiled validators report copies of the schema objects. Then, per
 * combinator:
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
    const branchList = combinatorBranches(e);
    if (!branchList) {
      stack.push({ kind: 'leaf', error: e });
      continue;
    }
    const reach = branchList.map((b) => reachablePointers(b, root));
    const popped: ErrorTree[] = [];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (!isAtOrUnder(top.error.instancePath, e.instancePath)) break;
      const parent = parentPointer(top.error);
      if (!reach.some((r) => r.has(parent))) break;
      popped.unshift(stack.pop()!);
    }
    // ajv reports branch by branch, in order. A branch whose type did not match the value
    // reports nothing more, which tells apart branches sharing a `$ref`.
    const branches: ErrorTree[][] = branchList.map(() => []);
    const closed = new Set<number>();
    let current = 0;
    for (const t of popped) {
      const parent = parentPointer(t.error);
      const fits = (i: number): boolean => reach[i]!.has(parent);
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

/** A branch of a combinator: its schema (possibly a copy) and where it is, in ajv's `schemaPath` form. */
interface Branch {
  schema: unknown;
  pointer: string;
}

function combinatorBranches(e: ErrorObject): Branch[] | undefined {
  if ((e.keyword === 'anyOf' || e.keyword === 'oneOf') && Array.isArray(e.schema)) {
    return e.schema.map((schema: unknown, i) => ({ schema, pointer: `${e.schemaPath}/${i}` }));
  }
  if (e.keyword === 'if') {
    const failing = (e.params as { failingKeyword?: string }).failingKeyword;
    const parent = e.parentSchema as Record<string, unknown> | undefined;
    if (failing && parent && parent[failing] !== undefined) return [{ schema: parent[failing], pointer: `${parentPointer(e)}/${failing}` }];
  }
  return undefined;
}

/**
 * Where the schema object holding an error's keyword is: ajv writes an error's
 * `schemaPath` as that schema's own path plus `/keyword` (the keyword unescaped, even
 * `false schema`).
 */
function parentPointer(e: ErrorObject): string {
  const suffix = `/${e.keyword}`;
  if (e.schemaPath.endsWith(suffix)) return e.schemaPath.slice(0, -suffix.length);
  return e.schemaPath.slice(0, Math.max(0, e.schemaPath.lastIndexOf('/')));
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
  if (deep.length > 0)
    chosen = deep.reduce((best, b) =>
      maxDepth(b) > maxDepth(best) || (maxDepth(b) === maxDepth(best) && b.length < best.length) ? b : best,
    );
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

// ---- which schemas a branch can reach, by their paths ----------------------------------
//
// A branch's reach is the set of `schemaPath`s (minus the keyword) that errors raised inside
// it can carry. They are computed the way ajv writes them (compile/validate/subschema.js,
// vocabularies/core/ref.js):
//
// - a subschema adds `/keyword` or `/keyword/<escapeFragment(name or index)>` to its
//   parent's path;
// - a `$ref` whose target holds no ref itself is inlined: inside it, paths start at the
//   `$ref` string as written (`#/definitions/count/anyOf/0`);
// - any other target is compiled as a function of its own, whose paths start again at
//   `#` (an error at `#/allOf/0/not` may come from inside `#/definitions/resource`).
//
// A path inside such a function can read like one of the root's; only errors at or under
// the combinator's value and just before it are matched, where that does not happen in
// practice. This follows ajv's default `inlineRefs: true`, which both hl's ajv setups use.

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

/** The keywords that keep ajv from inlining a `$ref` target (compile/resolve.js). */
const REF_KEYWORDS = new Set(['$ref', '$recursiveRef', '$recursiveAnchor', '$dynamicRef', '$dynamicAnchor']);

/** Reach per root schema, per branch schema object (ajv's own or a precompiled copy), per branch path. */
const reachCache = new WeakMap<object, WeakMap<object, Map<string, Set<string>>>>();

function reachablePointers(branch: Branch, root: object): Set<string> {
  if (typeof branch.schema !== 'object' || branch.schema === null) return new Set([branch.pointer]);
  let perRoot = reachCache.get(root);
  if (!perRoot) reachCache.set(root, (perRoot = new WeakMap()));
  let perSchema = perRoot.get(branch.schema);
  if (!perSchema) perRoot.set(branch.schema, (perSchema = new Map()));
  let reach = perSchema.get(branch.pointer);
  if (!reach) perSchema.set(branch.pointer, (reach = walkPointers(branch, root)));
  return reach;
}

function walkPointers(branch: Branch, root: object): Set<string> {
  const seen = new Set<string>();
  const ownFunctions = new Set<string>(); // `$ref`s compiled as their own function, walked once
  const todo: Branch[] = [branch];
  while (todo.length > 0) {
    const { schema, pointer } = todo.pop()!;
    seen.add(pointer);
    if (!isObjectSchema(schema)) continue;
    for (const k of OBJECT_KEYWORDS)
      if (isObjectSchema(schema[k]) || typeof schema[k] === 'boolean') todo.push({ schema: schema[k], pointer: `${pointer}/${k}` });
    for (const k of ARRAY_KEYWORDS) {
      const list = schema[k];
      if (Array.isArray(list))
        for (const [i, s] of (list as unknown[]).entries()) todo.push({ schema: s, pointer: `${pointer}/${k}/${i}` });
    }
    for (const k of MAP_KEYWORDS) {
      const m = schema[k];
      if (!isObjectSchema(m)) continue;
      for (const [name, s] of Object.entries(m)) {
        if (isObjectSchema(s) || typeof s === 'boolean') todo.push({ schema: s, pointer: `${pointer}/${k}/${escapeFragment(name)}` });
      }
    }
    const ref = schema.$ref;
    if (typeof ref !== 'string') continue;
    const target = resolveRefTarget(ref, root);
    if (target === undefined) continue;
    if (!containsRef(target)) todo.push({ schema: target, pointer: ref });
    else if (!ownFunctions.has(ref)) {
      ownFunctions.add(ref);
      todo.push({ schema: target, pointer: '#' });
    }
  }
  return seen;
}

function isObjectSchema(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** ajv's `hasRef`: any ref keyword anywhere inside, values included. */
function containsRef(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(containsRef);
  if (typeof v !== 'object' || v === null) return false;
  for (const [k, sub] of Object.entries(v)) if (REF_KEYWORDS.has(k) || containsRef(sub)) return true;
  return false;
}

/** The schema a local `$ref` stands for; like ajv, it looks through targets that are nothing but a `$ref`. */
function resolveRefTarget(ref: string, root: object): unknown {
  let target = resolveLocalRef(ref, root);
  for (let hops = 0; hops < 32 && isObjectSchema(target) && typeof target.$ref === 'string' && Object.keys(target).length === 1; hops++) {
    target = resolveLocalRef(target.$ref, root);
  }
  return target;
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

/** ajv's `escapeFragment`: a JSON-pointer segment, URI-encoded. */
function escapeFragment(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}
