/**
 * The attribute paths that differ between two values, for summaries ("memory,
 * networks.net0.bridge"). Maps are descended into; a list or a scalar that differs is one
 * path. Only names are returned, never values, so the result is safe to print even when
 * the attribute is sensitive.
 */
import { isValueMap, type Path, type Value } from '../core/value.js';
import { isRedacted } from '../plan/plan-codec.js';
import { sameWhenRendered } from './attribute-diff-writer.js';
import { sortedKeys } from './format-value.js';

export function changedPaths(before: Value | null, after: Value | null): Path[] {
  const out: Path[] = [];
  walk(before, after, [], out);
  return out;
}

function walk(b: Value | null, a: Value | null, path: Path, out: Path[]): void {
  if (sameWhenRendered(b, a)) return;
  if (b !== null && a !== null && !isRedacted(b) && !isRedacted(a) && isValueMap(b) && isValueMap(a)) {
    for (const key of sortedKeys(b, a)) walk(b[key] ?? null, a[key] ?? null, [...path, key], out);
    return;
  }
  out.push(path);
}
