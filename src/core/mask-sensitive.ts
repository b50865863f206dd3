/** A value with everything at or under the given paths replaced by `(sensitive value)`. */
import { MASK } from './redact.js';
import { isValueMap, type Path, type Value } from './value.js';

export function maskSensitive(v: Value, sensitive: readonly Path[], path: Path = []): Value {
  if (sensitive.some((s) => s.length === path.length && s.every((step, i) => step === path[i]))) return MASK;
  if (Array.isArray(v)) return v.map((x, i) => maskSensitive(x, sensitive, [...path, i]));
  if (isValueMap(v)) {
    const out: Record<string, Value> = {};
    for (const [k, x] of Object.entries(v)) out[k] = maskSensitive(x, sensitive, [...path, k]);
    return out;
  }
  return v;
}
