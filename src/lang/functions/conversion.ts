/** Type conversion functions: tostring, tonumber, tobool, tolist, toset, tomap. */
import { compareStrings, isUnknown, isValueMap, UNKNOWN, type Value } from '../../core/value.js';
import { distinctValues } from './collection.js';
import { fail, type FunctionDef } from '../function-types.js';
import { describeType, primitiveToString } from '../value-text.js';

const any = { name: 'value', type: 'any' as const };

/** Deduplicated and sorted: numbers numerically, strings (and mixed primitives, as strings) by code unit. */
function toSet(items: readonly Value[]): Value {
  if (items.some(isUnknown)) return UNKNOWN;
  const unique = distinctValues(items);
  if (unique.every((v) => typeof v === 'number')) return (unique as number[]).sort((a, b) => a - b);
  if (unique.every((v) => typeof v === 'string')) return (unique as string[]).sort(compareStrings);
  if (unique.every((v) => v !== null && typeof v !== 'object')) {
    return distinctValues(unique.map((v) => primitiveToString(v)!)).sort((a, b) => compareStrings(a as string, b as string));
  }
  return unique;
}

export const CONVERSION_FUNCTIONS: Record<string, FunctionDef> = {
  tostring: {
    params: [any],
    body: (args) => {
      const v = args[0]!;
      if (v === null) return null;
      const s = primitiveToString(v);
      if (s === undefined) fail(`cannot convert a ${describeType(v)} to a string; use jsonencode() or join()`, 0);
      return s;
    },
  },
  tonumber: {
    params: [any],
    body: (args) => {
      const v = args[0]!;
      if (v === null || typeof v === 'number') return v;
      if (typeof v === 'string') {
        const t = v.trim();
        const n = t === '' ? NaN : Number(t);
        if (!Number.isFinite(n)) fail(`cannot convert ${JSON.stringify(v)} to a number`, 0);
        return n;
      }
      return fail(`cannot convert a ${describeType(v)} to a number`, 0);
    },
  },
  tobool: {
    params: [any],
    body: (args) => {
      const v = args[0]!;
      if (v === null || typeof v === 'boolean') return v;
      if (v === 'true') return true;
      if (v === 'false') return false;
      const what = typeof v === 'string' ? JSON.stringify(v) : `a ${describeType(v)}`;
      return fail(`cannot convert ${what} to a bool; expected true, false, "true" or "false"`, 0);
    },
  },
  tolist: {
    params: [any],
    unknowns: 'nested',
    body: (args) => {
      const v = args[0]!;
      if (v === null || Array.isArray(v)) return v;
      return fail(`cannot convert a ${describeType(v)} to a list`, 0);
    },
  },
  toset: {
    params: [any],
    unknowns: 'nested',
    body: (args) => {
      const v = args[0]!;
      if (v === null) return null;
      if (!Array.isArray(v)) fail(`cannot convert a ${describeType(v)} to a set`, 0);
      return toSet(v);
    },
  },
  tomap: {
    params: [any],
    unknowns: 'nested',
    body: (args) => {
      const v = args[0]!;
      if (v === null || isValueMap(v)) return v;
      return fail(`cannot convert a ${describeType(v)} to a map`, 0);
    },
  },
};
