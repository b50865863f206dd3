/**
 * `isUnknown` without type narrowing. The core's `isUnknown` is a type guard on the `Unknown`
 * class, which has no fields: structurally every string (it has `toString`) is an `Unknown`,
 * so the guard's false branch narrows strings away to `never`. This plain boolean check avoids that.
 */
import { isUnknown } from '../../src/core/value.js';

export function isUnknownValue(v: unknown): boolean {
  return isUnknown(v);
}
