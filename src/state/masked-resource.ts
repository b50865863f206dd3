/**
 * A state entry as it may be printed (`hl state show`, `hl show`): its attributes and the
 * attributes of each of its deposed objects with their sensitive values masked.
 */
import { maskSensitive } from '../core/mask-sensitive.js';
import type { Attributes } from '../core/value.js';
import type { ResourceState } from './state-types.js';

/** A state entry safe to print: its attributes and its deposed objects' attributes masked. */
export function maskedResource(r: ResourceState): ResourceState {
  const attributes = maskSensitive(r.attributes, r.sensitivePaths) as Attributes;
  if (!r.deposed) return { ...r, attributes };
  return {
    ...r,
    attributes,
    deposed: r.deposed.map((d) => ({ ...d, attributes: maskSensitive(d.attributes, d.sensitivePaths) as Attributes })),
  };
}
