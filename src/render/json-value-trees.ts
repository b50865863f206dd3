/**
 * Values for `show -json`, and the boolean trees that travel beside them, built the way
 * Terraform's jsonplan does (`omitUnknowns`, `unknownAsBool`, `SensitiveAsBool`):
 *
 * - `jsonValue`: unknown map entries are dropped, unknown list elements become null (indices
 *   stay meaningful). Unlike Terraform, sensitive values (and REDACTED placeholders) are
 *   replaced by null, so secrets are never printed, not even in JSON.
 * - `unknownTree` / `sensitiveTree`: `true` at an unknown (sensitive) leaf; lists become
 *   arrays of the same length, maps keep only entries that are not `false`; anything else
 *   is `false`.
 */
import { isUnknown, isValueMap, type Value } from '../core/value.js';
import { isRedacted } from '../plan/plan-codec.js';
import { SensitiveCursor } from './path-cursor.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type BoolTree = boolean | BoolTree[] | { [key: string]: BoolTree };

export function jsonValue(v: Value | undefined, sens: SensitiveCursor = SensitiveCursor.NONE): JsonValue {
  if (v === undefined || v === null || sens.hides(v)) return null;
  if (Array.isArray(v)) return v.map((x, i) => jsonValue(x, sens.step(i)));
  if (isUnknown(v)) return null;
  if (isValueMap(v)) {
    const out: { [key: string]: JsonValue } = {};
    for (const key of Object.keys(v)) {
      const x = v[key];
      if (isUnknown(x) || x === undefined) continue;
      out[key] = jsonValue(x, sens.step(key));
    }
    return out;
  }
  return v;
}

export function unknownTree(v: Value | undefined): BoolTree {
  if (Array.isArray(v)) return v.map(unknownTree);
  if (v === undefined || v === null || isRedacted(v)) return false;
  if (isUnknown(v)) return true;
  if (isValueMap(v)) {
    const out: { [key: string]: BoolTree } = {};
    for (const key of Object.keys(v)) {
      const t = unknownTree(v[key]);
      if (t !== false) out[key] = t;
    }
    return out;
  }
  return false;
}

export function sensitiveTree(v: Value | undefined, sens: SensitiveCursor): BoolTree {
  if (v === undefined) return false;
  if (sens.hides(v)) return true;
  if (v === null) return false;
  if (Array.isArray(v)) return v.map((x, i) => sensitiveTree(x, sens.step(i)));
  if (isUnknown(v)) return false;
  if (isValueMap(v)) {
    const out: { [key: string]: BoolTree } = {};
    for (const key of Object.keys(v)) {
      const t = sensitiveTree(v[key], sens.step(key));
      if (t !== false) out[key] = t;
    }
    return out;
  }
  return false;
}
