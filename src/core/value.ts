/**
 * Values flowing through the engine: JSON-like data plus one extra case, a value that is
 * not known until apply ("(known after apply)"). Unknowns propagate through expressions.
 */

/** The marker for a value only known after apply. A singleton: compare with `isUnknown`. */
export class Unknown {
  static readonly instance = new Unknown();
  /** Makes the class nominal: no plain object or array is ever an Unknown. */
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the brand is the point
  private readonly unknownBrand = true;
  private constructor() {}
  toString(): string {
    return '(known after apply)';
  }
}

export const UNKNOWN: Unknown = Unknown.instance;

export type Value = null | boolean | number | string | Unknown | Value[] | ValueMap;
export interface ValueMap {
  [key: string]: Value;
}

/**
 * How deeply lists and maps may nest inside a value: the evaluator refuses deeper values
 * (src/lang/eval-limits.ts) and a state file is held to it (src/state/json-value-bounds.ts).
 */
export const MAX_VALUE_DEPTH = 256;

/** A resource's attributes: always an object at the top. */
export type Attributes = ValueMap;

/** A path inside a value: object keys and list indices. */
export type Path = (string | number)[];

export function isUnknown(v: unknown): v is Unknown {
  return v === UNKNOWN;
}

export function isValueMap(v: Value | undefined): v is ValueMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown);
}

/** True when the value or anything inside it is unknown. */
export function containsUnknown(v: Value): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (isValueMap(v)) return Object.values(v).some(containsUnknown);
  return false;
}

/** Deep structural equality; two unknowns are equal to each other only. */
export function valueEquals(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => valueEquals(x, b[i]));
  }
  if (isValueMap(a)) {
    if (!isValueMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && valueEquals(a[k], b[k]));
  }
  return false;
}

/**
 * Equality as the planner sees it: a map key holding null is the same as an absent key
 * (providers differ in whether they report unset attributes).
 */
export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x, b[i]));
  }
  if (isValueMap(a) && isValueMap(b)) {
    for (const k of Object.keys(a)) if (!sameValue(a[k], b[k])) return false;
    for (const k of Object.keys(b)) if (!(k in a) && !sameValue(undefined, b[k])) return false;
    return true;
  }
  return valueEquals(a, b);
}

/** Code-unit order, the order Terraform uses for map keys (independent of locale). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Reads the value at a path, or undefined when the path does not exist. */
export function getPath(v: Value, path: Path): Value | undefined {
  let cur: Value | undefined = v;
  for (const step of path) {
    if (cur === undefined || cur === null || isUnknown(cur)) return cur === null ? undefined : cur;
    if (Array.isArray(cur) && typeof step === 'number') cur = cur[step];
    else if (isValueMap(cur) && typeof step === 'string') cur = cur[step];
    else return undefined;
  }
  return cur;
}

/** Human form of a type for messages: "string", "number", "list", "map", ... */
export function typeName(v: Value | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (isUnknown(v)) return 'unknown';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  return typeof v;
}

export function pathToString(path: Path): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(step)) out += out === '' ? step : `.${step}`;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}

/** True when `prefix` is a prefix of `path` (or equal to it). */
export function pathHasPrefix(path: Path, prefix: Path): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((s, i) => s === path[i]);
}
