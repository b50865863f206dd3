/** How values read in messages and how they turn into text (interpolation, tostring, JSON). */
import { compareStrings, isUnknown, isValueMap, MAX_VALUE_DEPTH, type Value, type ValueMap } from '../core/value.js';
import { LimitExceeded } from './eval-limits.js';
import { setEntry } from './values.js';

/** The type of a value as messages name it: string, number, bool, null, list, map, unknown. */
export function describeType(v: Value): string {
  if (v === null) return 'null';
  if (isUnknown(v)) return 'unknown';
  if (Array.isArray(v)) return 'list';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'map';
  }
}

/** A number as text: integers without a fraction, no `-0`. */
export function numberToString(n: number): string {
  if (Object.is(n, -0)) return '0';
  return String(n);
}

/** The text of a primitive (string, number, bool); undefined for null, collections, unknown. */
export function primitiveToString(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberToString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

/** JSON text with object keys sorted (as Terraform's jsonencode). Unknowns must be excluded. */
export function toJson(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? numberToString(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (isValueMap(v)) {
    const keys = Object.keys(v).sort(compareStrings);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${toJson(v[k]!)}`).join(',')}}`;
  }
  throw new Error('toJson: unknown value reached JSON encoding');
}

/**
 * Converts parsed JSON (or YAML) data into a Value. Every key is kept as data, `__proto__`
 * included; data nested deeper than MAX_VALUE_DEPTH is refused (LimitExceeded).
 */
export function fromPlainData(data: unknown, depth = 0): Value {
  if (data === null || data === undefined) return null;
  if (typeof data === 'string' || typeof data === 'number' || typeof data === 'boolean') return data;
  if (data instanceof Date) return data.toISOString();
  if (typeof data !== 'object') return String(data);
  if (depth >= MAX_VALUE_DEPTH)
    throw new LimitExceeded(`the decoded data nests lists and maps more than ${MAX_VALUE_DEPTH} levels deep, the limit`);
  if (Array.isArray(data)) return data.map((x) => fromPlainData(x, depth + 1));
  const out: ValueMap = {};
  for (const [k, val] of Object.entries(data as Record<string, unknown>)) setEntry(out, k, fromPlainData(val, depth + 1));
  return out;
}

/** The keys of a map in iteration order (sorted). */
export function sortedKeys(m: ValueMap): string[] {
  return Object.keys(m).sort(compareStrings);
}
