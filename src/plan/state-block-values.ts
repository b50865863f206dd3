/**
 * Block values built from state instead of from a plan: what references see for blocks
 * that are not being planned (targeting), and the "before" side of replace_triggered_by.
 */
import { UNKNOWN, type Path, type Value, type ValueMap } from '../core/value.js';
import type { ScopedValue } from '../lang/eval-context.js';
import type { ResourceState } from '../state/state-types.js';

export function blockValueFromInstances(instances: readonly ResourceState[], attrs: (r: ResourceState) => Value | null): ScopedValue {
  if (instances.length === 0) return { value: null };
  const first = instances[0]!;
  if (first.index === null) {
    const v = attrs(first);
    return { value: v ?? null, sensitivePaths: first.sensitivePaths };
  }
  const sensitivePaths: Path[] = [];
  if (typeof first.index === 'number') {
    const list: Value[] = [];
    for (const r of instances) {
      if (typeof r.index !== 'number') continue;
      list[r.index] = attrs(r) ?? null;
      for (const p of r.sensitivePaths) sensitivePaths.push([r.index, ...p]);
    }
    for (let i = 0; i < list.length; i++) if (list[i] === undefined) list[i] = UNKNOWN;
    return { value: list, sensitivePaths };
  }
  const map: ValueMap = {};
  for (const r of instances) {
    if (typeof r.index !== 'string') continue;
    map[r.index] = attrs(r) ?? null;
    for (const p of r.sensitivePaths) sensitivePaths.push([r.index, ...p]);
  }
  return { value: map, sensitivePaths };
}
