/**
 * The paths of a value whose strings hold a known secret: for an object read from a provider
 * (an import) that the config fills from sensitive variables, so that state marks those
 * attributes sensitive before any plan has traced where they come from.
 */
import { isValueMap, type Path, type Value } from './value.js';

export function secretPaths(v: Value, holdsSecret: (s: string) => boolean, path: Path = []): Path[] {
  if (typeof v === 'string') return holdsSecret(v) ? [path] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => secretPaths(x, holdsSecret, [...path, i]));
  if (isValueMap(v)) return Object.entries(v).flatMap(([k, x]) => secretPaths(x, holdsSecret, [...path, k]));
  return [];
}
