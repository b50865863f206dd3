/**
 * The planner's view of a guest attribute table: the spec of every attribute
 * (planning/attribute-plan.ts), the replacements a change of a `forceNew` attribute asks
 * for, and the settings whose change a running guest may take only at its next start.
 */
import type { Attributes } from '../../../src/core/value.js';
import type { Spec } from '../planning/attribute-plan.js';
import { replaceIfChanged, type Replacement } from '../planning/guest-plan-common.js';
import { scalar, type GuestAttributeTable } from './guest-attribute.js';

const specsOfTable = new WeakMap<GuestAttributeTable, Record<string, Spec>>();

/** Every attribute's spec; one only the provider sets is kept as read (unknown on a create). */
export function planSpecs(table: GuestAttributeTable): Record<string, Spec> {
  let specs = specsOfTable.get(table);
  if (!specs) {
    specs = Object.fromEntries(
      Object.entries(table).map(([name, a]) => [name, a.setBy === 'provider' ? scalar({ computedOnly: true }) : a.plan]),
    );
    specsOfTable.set(table, specs);
  }
  return specs;
}

/** The replacements (and notes) the `forceNew` attributes of an existing guest ask for, in table order. */
export function forceNewReplacements(
  table: GuestAttributeTable,
  prior: Attributes,
  planned: Attributes,
  out: Replacement[],
  notes: string[],
): void {
  for (const [name, a] of Object.entries(table)) {
    if (typeof a.forceNew === 'string') replaceIfChanged(out, prior, planned, name, a.forceNew);
    else a.forceNew?.(prior, planned, out, notes);
  }
}

/** Attributes with a live rule and their config keys, in the order the reboot note names them. */
export function liveSettings(table: GuestAttributeTable): (readonly [attribute: string, key: string])[] {
  const entries = Object.entries(table).flatMap(([name, a], i) =>
    a.live ? [{ name, key: a.live.key, position: a.live.notePosition ?? i }] : [],
  );
  return entries.sort((x, y) => x.position - y.position).map((e) => [e.name, e.key] as const);
}
