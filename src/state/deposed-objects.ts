/**
 * Deposed objects: what an address held before a create-before-destroy replacement, kept in
 * its state entry until deleted (see `ResourceState.deposed`). Pure helpers over state
 * entries; the executor and the journal's reconciliation use them.
 */
import { createHash } from 'node:crypto';
import type { DeposedObject, ResourceState } from './state-types.js';

/** The deposed key of the object with provider id `id`: stable, 8 hex digits. */
export function deposedKeyOf(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 8);
}

/** `current` (the new object at the address) with `old` (the replaced one) recorded as deposed. */
export function withDeposed(current: ResourceState, old: ResourceState): ResourceState {
  const entry: DeposedObject = { key: deposedKeyOf(old.id), id: old.id, attributes: old.attributes, sensitivePaths: old.sensitivePaths };
  const kept = [...(old.deposed ?? []), ...(current.deposed ?? [])].filter((d) => d.key !== entry.key);
  return { ...current, deposed: [...kept, entry] };
}

/** `resource` without its deposed object `key` (the field dropped when none is left). */
export function withoutDeposed(resource: ResourceState, key: string): ResourceState {
  const rest = (resource.deposed ?? []).filter((d) => d.key !== key);
  const { deposed: _, ...base } = resource;
  return rest.length > 0 ? { ...base, deposed: rest } : base;
}

/** The deposed object of `resource` with provider id `id`, if any. */
export function deposedById(resource: ResourceState | undefined, id: string): DeposedObject | undefined {
  return resource?.deposed?.find((d) => d.id === id);
}
