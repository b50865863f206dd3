/**
 * The change set of a config update: keys to set and keys to delete, computed against the
 * live config so that only what really differs is sent (compared canonically, never as raw
 * text). Property strings are merged into their live value: keys hl does not manage (a NIC's
 * `queues`, a disk's `iops`, the CPU `flags`) are kept as they are.
 */
import { isUnknown, type Value } from '../../../src/core/value.js';
import {
  formatPropertyString,
  parsePropertyString,
  propertyStringsEqual,
  type PropertyMap,
  type PropertyStringFormat,
} from '../property-string.js';

/** One field of a property-string update: text to set, null to remove, undefined to leave. */
export type FieldUpdate = string | null | undefined;

export class ConfigChanges {
  readonly set: Record<string, string> = {};
  readonly delete = new Set<string>();

  /** Sets `key` to `desired` (null: delete) unless `live` already equals it. */
  put(key: string, desired: string | null, live: string | undefined, equal: (a: string, b: string) => boolean = (a, b) => a === b): void {
    if (desired === null) {
      if (live !== undefined) this.delete.add(key);
      return;
    }
    if (live !== undefined && equal(desired, live)) return;
    this.set[key] = desired;
  }

  get empty(): boolean {
    return Object.keys(this.set).length === 0 && this.delete.size === 0;
  }

  /** Every key touched. */
  keys(): string[] {
    return [...Object.keys(this.set), ...this.delete].sort();
  }
}

export function safeParse(text: string | undefined, format: PropertyStringFormat): PropertyMap {
  if (text === undefined) return {};
  try {
    return parsePropertyString(text, format);
  } catch {
    return {};
  }
}

/** `live` with `updates` applied, printed as PVE prints it. */
export function mergeProps(live: string | undefined, format: PropertyStringFormat, updates: Record<string, FieldUpdate>): string {
  const map: Record<string, string> = { ...safeParse(live, format) };
  for (const [k, v] of Object.entries(updates)) {
    if (v === undefined) continue;
    if (v === null) delete map[k];
    else map[k] = v;
  }
  return formatPropertyString(map, format);
}

export function propsEqual(format: PropertyStringFormat): (a: string, b: string) => boolean {
  return (a, b) => propertyStringsEqual(a, b, format);
}

/** Field update for a planned value: unknown values leave the field alone. */
export function text(v: Value | undefined): FieldUpdate {
  if (v === undefined || isUnknown(v)) return undefined;
  if (v === null) return null;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' || typeof v === 'string') return String(v);
  return undefined;
}

/** A boolean whose PVE default is false: true → `1`, false → removed. */
export function flag(v: Value | undefined): FieldUpdate {
  if (v === undefined || isUnknown(v)) return undefined;
  return v === true ? '1' : null;
}

/** A boolean whose PVE default is true: false → `0`, true → removed. */
export function flagDefaultOn(v: Value | undefined): FieldUpdate {
  if (v === undefined || isUnknown(v)) return undefined;
  return v === false ? '0' : null;
}

/** Known (not unknown, not undefined). */
export function known(v: Value | undefined): v is Value {
  return v !== undefined && !isUnknown(v);
}
