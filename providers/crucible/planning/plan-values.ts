/** Small pure helpers the crucible planners share. */
import { containsUnknown, isUnknown, type Value } from '../../../src/core/value.js';

/** A value that is set and fully known. */
export function known<T extends Value>(v: T | undefined): v is T {
  return v !== undefined && v !== null && !containsUnknown(v);
}

export function isSet(v: Value | undefined): boolean {
  return v !== undefined && v !== null;
}

/** The config value when set (unknowns included), else the fallback. */
export function orElse(config: Value | undefined, fallback: Value): Value {
  return config === undefined || config === null ? fallback : config;
}

export function describe(v: Value | undefined): string {
  if (v === undefined || v === null) return 'nothing';
  if (isUnknown(v)) return '(known after apply)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
