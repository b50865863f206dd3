/**
 * Preparing an engine value for JSON Schema validation, and telling which validation
 * errors only exist because a value is not known yet.
 *
 * - A map entry whose value is null is left out: null means "not set" (so `required`
 *   still catches it, and optional attributes may be null). Config files are validated
 *   as written instead, like an editor does.
 * - An unknown value (known after apply) becomes a null placeholder, so its key still
 *   counts as present; every error *at* a placeholder is dropped, and so are errors about
 *   a whole container that holds one (`enum`, `const`, `uniqueItems`, `not`, `if`, ...),
 *   since the container's final value cannot be judged yet.
 */
import { isUnknown, isValueMap, type Value } from '../core/value.js';

export interface PreparedValue {
  /** Plain JSON data for ajv. */
  data: unknown;
  /** JSON pointers of unknown values (now null placeholders). */
  unknownAt: Set<string>;
  /** JSON pointers of every container holding an unknown somewhere inside, and of the unknowns. */
  containsUnknown: Set<string>;
}

/**
 * undefined when the whole value is unknown: there is nothing to validate yet.
 * `nullIsUnset` (default true) leaves out map entries whose value is null.
 */
export function prepareForValidation(value: Value, nullIsUnset = true): PreparedValue | undefined {
  if (isUnknown(value)) return undefined;
  const unknownAt = new Set<string>();
  // A value the copy would leave as it is (no unknown, no null entry to leave out) is
  // handed to ajv itself: ajv only reads it (no defaults, coercion or removal).
  if (!needsCopy(value, nullIsUnset)) return { data: value, unknownAt, containsUnknown: new Set<string>() };
  const data = copy(value, '', unknownAt, nullIsUnset);
  const containsUnknown = new Set<string>();
  for (const pointer of unknownAt) {
    let p = pointer;
    for (;;) {
      containsUnknown.add(p);
      if (p === '') break;
      p = p.slice(0, p.lastIndexOf('/'));
    }
  }
  return { data, unknownAt, containsUnknown };
}

/** Keywords that judge a value as a whole, and so cannot judge one holding an unknown. */
const WHOLE_VALUE_KEYWORDS = new Set(['const', 'enum', 'not', 'uniqueItems', 'contains', 'minContains', 'maxContains', 'if']);

export interface ErrorLike {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/** True when the error may go away once unknown values are known. */
export function isCausedByUnknown(e: ErrorLike, prepared: PreparedValue): boolean {
  if (prepared.unknownAt.size === 0) return false;
  if (isAtOrUnder(e.instancePath, prepared.unknownAt)) return true;
  // A oneOf matching several branches is judged on the whole value; one matching none is
  // handled like anyOf (by its branches' errors).
  const wholeValue = WHOLE_VALUE_KEYWORDS.has(e.keyword) || (e.keyword === 'oneOf' && e.params.passingSchemas != null);
  if (wholeValue && prepared.containsUnknown.has(e.instancePath)) return true;
  return false;
}

export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isAtOrUnder(pointer: string, set: Set<string>): boolean {
  let p = pointer;
  for (;;) {
    if (set.has(p)) return true;
    if (p === '') return false;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

/** Whether `copy` would change anything in `v`: an unknown inside it, or (`nullIsUnset`) a map entry that is null. */
function needsCopy(v: Value, nullIsUnset: boolean): boolean {
  if (Array.isArray(v)) {
    for (const item of v as Value[]) if (needsCopy(item, nullIsUnset)) return true;
    return false;
  }
  if (isValueMap(v)) {
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      const item = v[k] as Value;
      if (item === null ? nullIsUnset : needsCopy(item, nullIsUnset)) return true;
    }
    return false;
  }
  return isUnknown(v);
}

function copy(v: Value, pointer: string, unknownAt: Set<string>, nullIsUnset: boolean): unknown {
  if (Array.isArray(v)) return v.map((item: Value, i: number) => copy(item, `${pointer}/${i}`, unknownAt, nullIsUnset));
  if (isValueMap(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v) as [string, Value][]) {
      if (item === null && nullIsUnset) continue;
      const c = copy(item, `${pointer}/${pointerSegment(k)}`, unknownAt, nullIsUnset);
      if (k === '__proto__') Object.defineProperty(out, k, { value: c, enumerable: true, writable: true, configurable: true });
      else out[k] = c;
    }
    return out;
  }
  if (isUnknown(v)) {
    unknownAt.add(pointer);
    return null;
  }
  return v;
}
