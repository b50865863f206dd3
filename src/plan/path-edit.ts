/** Reading, writing and parsing attribute paths (`disks.scsi0.size`, `networks["net0"].bridge`). */
import { isValueMap, valueEquals, type Path, type Value } from '../core/value.js';

/** Parses a dotted/bracketed attribute path; undefined when malformed. */
export function parseAttributePath(text: string): Path | undefined {
  const path: Path = [];
  const re = /\s*(?:([A-Za-z_][A-Za-z0-9_-]*)|\[\s*(\d+)\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\])\s*(\.?)/y;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m || m[0].length === 0) return undefined;
    if (m[1] !== undefined) path.push(m[1]);
    else if (m[2] !== undefined) path.push(Number(m[2]));
    else path.push(JSON.parse(`"${m[3]}"`) as string);
    pos = re.lastIndex;
  }
  return path.length > 0 ? path : undefined;
}

/** A copy of `root` with the value at `path` replaced (missing maps are created). */
export function setPath(root: Value, path: Path, value: Value | undefined): Value {
  if (path.length === 0) return value ?? null;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const list = Array.isArray(root) ? [...root] : [];
    list[head] = setPath(list[head] ?? null, rest, value);
    return list;
  }
  const obj = isValueMap(root) ? { ...root } : {};
  const next = setPath(obj[head!] ?? null, rest, value);
  if (value === undefined && rest.length === 0) delete obj[head!];
  else obj[head!] = next;
  return obj;
}

/** Every leaf path at which two values differ (a whole subtree counts once where types differ). */
export function differingPaths(a: Value | undefined, b: Value | undefined, prefix: Path = [], out: Path[] = []): Path[] {
  if (a === b) return out;
  if (isValueMap(a) && isValueMap(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) differingPaths(a[k], b[k], [...prefix, k], out);
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (const [i, x] of a.entries()) differingPaths(x, b[i], [...prefix, i], out);
    return out;
  }
  if (!valueEquals(a, b)) out.push(prefix);
  return out;
}
