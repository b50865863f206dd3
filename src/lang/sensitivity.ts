/**
 * Values as the evaluator carries them: the value plus the paths inside it that are
 * sensitive. `[]` (no paths) means nothing is sensitive; a single empty path means all of it.
 * The shared constants are never mutated.
 */
import type { Path, Value } from '../core/value.js';

export interface Evaluated {
  value: Value;
  /** Sensitive paths relative to `value`; `NOT_SENSITIVE` or `ALL_SENSITIVE` when simple. */
  sens: readonly Path[];
}

export const NOT_SENSITIVE: readonly Path[] = Object.freeze([]) as readonly Path[];
export const ALL_SENSITIVE: readonly Path[] = Object.freeze([Object.freeze([]) as unknown as Path]) as readonly Path[];

export function plain(value: Value): Evaluated {
  return { value, sens: NOT_SENSITIVE };
}

export function isWhollySensitive(sens: readonly Path[]): boolean {
  return sens.some((p) => p.length === 0);
}

/** Normalizes scope-provided paths: any empty path means the whole value. */
export function fromScope(paths: readonly Path[] | undefined): readonly Path[] {
  if (!paths || paths.length === 0) return NOT_SENSITIVE;
  return isWhollySensitive(paths) ? ALL_SENSITIVE : paths;
}

/** The sensitive paths of the element at `step` (an attribute name or a list index). */
export function stepInto(sens: readonly Path[], step: string | number): readonly Path[] {
  if (sens.length === 0) return NOT_SENSITIVE;
  let out: Path[] | undefined;
  for (const p of sens) {
    if (p.length === 0) return ALL_SENSITIVE;
    if (p[0] === step) {
      if (p.length === 1) return ALL_SENSITIVE;
      (out ??= []).push(p.slice(1));
    }
  }
  return out ?? NOT_SENSITIVE;
}

/** Paths of a child placed at `step` inside a new parent, appended to `into`. */
export function addUnder(into: Path[], step: string | number, child: readonly Path[]): void {
  for (const p of child) into.push([step, ...p]);
}

/** A value derived from several inputs as a whole: sensitive if any input was. */
export function combined(...inputs: readonly (readonly Path[])[]): readonly Path[] {
  for (const s of inputs) if (s.length > 0) return ALL_SENSITIVE;
  return NOT_SENSITIVE;
}
