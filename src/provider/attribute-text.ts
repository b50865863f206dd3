/**
 * Readers of attribute values for the inventory (inventory-facts.ts): a known string, a known
 * string that is not masked, a list of them, a MAC in one spelling, and the slots of a map
 * (`disks`, `networks`, ...) in natural order. Used by the providers' inventory hooks and by
 * `hl docs` itself.
 */
import { MASK } from '../core/redact.js';
import { isValueMap, type Value, type ValueMap } from '../core/value.js';

/** A string attribute that is set and known. */
export function text(v: Value | undefined): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** A known string other than a masked value. */
export function known(v: Value | undefined): string | undefined {
  const t = text(v);
  return t === MASK ? undefined : t;
}

/** The known, unmasked strings of a list attribute. */
export function strings(v: Value | undefined): string[] {
  if (!Array.isArray(v)) return [];
  return v.map((x) => known(x)).filter((x): x is string => x !== undefined);
}

/** `aa:bb:cc:dd:ee:ff` from any common spelling. */
export function normalizeMac(mac: string): string {
  return mac.trim().toLowerCase().replace(/-/g, ':');
}

/** The entries of a map of slots (`disks`, `networks`, ...), sorted naturally by slot. */
export function slots(v: Value | undefined): [string, ValueMap][] {
  if (!isValueMap(v)) return [];
  return Object.entries(v)
    .filter((e): e is [string, ValueMap] => isValueMap(e[1]))
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
}
