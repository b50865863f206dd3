/**
 * One value on one line, HCL-like: `"text"`, `42`, `true`, `null`, `["a", "b"]`,
 * `{ a = 1, b = "x" }`, with `(known after apply)` for unknowns and `(sensitive value)` for
 * anything sensitive. Map keys print bare when they are identifiers, quoted otherwise.
 */
import { compareStrings, isUnknown, isValueMap, type Value } from '../core/value.js';
import { isRedacted } from '../plan/plan-codec.js';
import type { SensitiveCursor } from './path-cursor.js';

export const KNOWN_AFTER_APPLY = '(known after apply)';
export const SENSITIVE_VALUE = '(sensitive value)';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatKeyLabel(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

export function isMultilineString(v: Value | undefined): v is string {
  return typeof v === 'string' && v.includes('\n');
}

/** Keys of a map in the order renderers show them: sorted, so output is deterministic. */
export function sortedKeys(...maps: (Record<string, unknown> | null | undefined)[]): string[] {
  const keys = new Set<string>();
  for (const m of maps) if (m) for (const k of Object.keys(m)) keys.add(k);
  return [...keys].sort(compareStrings);
}

export function formatInline(v: Value | undefined, sensitive: SensitiveCursor): string {
  if (sensitive.hides(v)) return SENSITIVE_VALUE;
  if (v === undefined || v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map((x, i) => formatInline(x, sensitive.step(i))).join(', ')}]`;
  if (isUnknown(v)) return KNOWN_AFTER_APPLY;
  if (isValueMap(v)) {
    const keys = sortedKeys(v);
    if (keys.length === 0) return '{}';
    return `{ ${keys.map((k) => `${formatKeyLabel(k)} = ${formatInline(v[k], sensitive.step(k))}`).join(', ')} }`;
  }
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

/** True for a value shown as a nested block rather than inline. */
export function isComposite(v: Value | undefined): v is Value[] | Record<string, Value> {
  return v !== undefined && !isRedacted(v) && (Array.isArray(v) || isValueMap(v));
}
