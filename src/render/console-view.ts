/** `hl console`: each expression's value in HCL form (as `terraform console`), sensitive parts as `(sensitive value)`. */
import { isValueMap, type Path, type Value } from '../core/value.js';
import { SENSITIVE_VALUE } from './format-value.js';
import { formatOutputValue } from './outputs-view.js';

const MARK = '\u0000hl-sensitive\u0000';

/** The value as `terraform console` prints it; a sensitive path ([] is the whole value) shows as `(sensitive value)`. */
export function formatConsoleValue(value: Value, sensitivePaths: readonly Path[]): string {
  if (sensitivePaths.some((p) => p.length === 0)) return SENSITIVE_VALUE;
  let v = value;
  for (const p of sensitivePaths) v = masked(v, p);
  return formatOutputValue(v).split(JSON.stringify(MARK)).join(SENSITIVE_VALUE);
}

function masked(v: Value, path: Path): Value {
  if (path.length === 0) return MARK;
  const [k, ...rest] = path;
  if (Array.isArray(v) && typeof k === 'number' && k < v.length) return v.map((x, i) => (i === k ? masked(x, rest) : x));
  if (isValueMap(v) && typeof k === 'string' && Object.hasOwn(v, k)) return { ...v, [k]: masked(v[k]!, rest) };
  return v;
}
