/** Collection functions over lists and maps. */
import { compareStrings, isUnknown, isValueMap, UNKNOWN, valueEquals, type Value, type ValueMap } from '../../core/value.js';
import { boolElements, numberElements, stringElements } from './args.js';
import { fail, type FunctionDef } from '../function-types.js';
import { setEntry } from '../values.js';
import { describeType, numberToString, sortedKeys, toJson } from '../value-text.js';

const list = (name = 'list') => ({ name, type: 'list' as const });
const map = (name = 'map') => ({ name, type: 'map' as const });

/**
 * A text equal for two values exactly when `valueEquals` holds (map keys in sorted order,
 * unknown equal only to unknown), so that set operations take linear time, not quadratic.
 */
export function valueKey(v: Value): string {
  if (v === null) return 'n';
  if (isUnknown(v)) return '?';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return `d${numberToString(v)}`;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (Array.isArray(v)) return `[${v.map(valueKey).join(',')}]`;
  return `{${sortedKeys(v)
    .map((k) => `${JSON.stringify(k)}:${valueKey(v[k]!)}`)
    .join(',')}}`;
}

/** Removes duplicates, keeping the first occurrence. */
export function distinctValues(items: readonly Value[]): Value[] {
  const seen = new Set<string>();
  const out: Value[] = [];
  for (const v of items) {
    const key = valueKey(v);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  return out;
}

function flatten(items: readonly Value[], out: Value[]): Value[] {
  for (const v of items) {
    if (Array.isArray(v)) flatten(v, out);
    else out.push(v);
  }
  return out;
}

function integerArg(v: Value, argIndex: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    const got = typeof v === 'number' ? numberToString(v) : describeType(v);
    fail(`argument ${argIndex + 1} must be a whole number, got ${got}`, argIndex);
  }
  return v;
}

function range(args: Value[]): Value {
  const nums = args as number[];
  let [start, limit, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2]];
  if (step === undefined) step = start <= limit ? 1 : -1;
  if (step === 0) fail('step must not be zero', 2);
  if (step < 0 && start < limit) fail('for a descending range (negative step), the limit must be less than the start', 1);
  if (step > 0 && start > limit) fail('for an ascending range (positive step), the limit must be greater than the start', 1);
  const out: Value[] = [];
  for (let v = start; step > 0 ? v < limit : v > limit; v += step) {
    if (out.length >= 1024) fail('more than 1024 values were generated; narrow the range or use a larger step');
    out.push(v);
  }
  return out;
}

export const COLLECTION_FUNCTIONS: Record<string, FunctionDef> = {
  length: {
    params: [{ name: 'value', type: 'any' }],
    unknowns: 'nested',
    body: (args) => {
      const v = args[0]!;
      if (typeof v === 'string') return Array.from(v).length;
      if (Array.isArray(v)) return v.length;
      if (isValueMap(v)) return Object.keys(v).length;
      return fail(`argument 1 must be a string, list or map, got ${describeType(v)}`, 0);
    },
  },
  lookup: {
    params: [map(), { name: 'key', type: 'string' }],
    optional: [{ name: 'default', type: 'any' }],
    unknowns: 'nested',
    body: (args) => {
      const m = args[0] as ValueMap;
      const key = args[1] as string;
      if (Object.hasOwn(m, key)) return m[key]!;
      if (args.length > 2) return args[2]!;
      return fail(`the map has no key ${JSON.stringify(key)} and no default was given`, 1);
    },
  },
  merge: {
    params: [],
    variadic: { name: 'maps', type: 'any' },
    unknowns: 'nested',
    body: (args) => {
      const out: ValueMap = {};
      args.forEach((m, i) => {
        if (m === null) return;
        if (!isValueMap(m)) fail(`argument ${i + 1} must be a map, got ${describeType(m)}`, i);
        for (const k of Object.keys(m)) setEntry(out, k, m[k]!);
      });
      return out;
    },
  },
  concat: {
    params: [],
    variadic: list('lists'),
    unknowns: 'nested',
    body: (args) => ([] as Value[]).concat(...(args as Value[][])),
  },
  contains: {
    params: [list(), { name: 'value', type: 'any' }],
    body: (args) => (args[0] as Value[]).some((v) => valueEquals(v, args[1]!)),
  },
  keys: {
    params: [map()],
    unknowns: 'nested',
    body: (args) => sortedKeys(args[0] as ValueMap),
  },
  values: {
    params: [map()],
    unknowns: 'nested',
    body: (args) => {
      const m = args[0] as ValueMap;
      return sortedKeys(m).map((k) => m[k]!);
    },
  },
  flatten: {
    params: [list()],
    body: (args) => flatten(args[0] as Value[], []),
  },
  distinct: {
    params: [list()],
    body: (args) => distinctValues(args[0] as Value[]),
  },
  element: {
    params: [list(), { name: 'index', type: 'integer' }],
    unknowns: 'nested',
    body: (args) => {
      const l = args[0] as Value[];
      const i = args[1] as number;
      if (l.length === 0) fail('cannot take an element of an empty list', 0);
      if (i < 0) fail(`index ${i} is negative; element wraps around for indexes past the end but not before the start`, 1);
      return l[i % l.length]!;
    },
  },
  index: {
    params: [list(), { name: 'value', type: 'any' }],
    body: (args) => {
      const i = (args[0] as Value[]).findIndex((v) => valueEquals(v, args[1]!));
      if (i < 0) fail(`the value ${toJson(args[1]!)} is not in the list`, 1);
      return i;
    },
  },
  range: {
    params: [{ name: 'start_or_limit', type: 'number' }],
    optional: [
      { name: 'limit', type: 'number' },
      { name: 'step', type: 'number' },
    ],
    body: range,
  },
  zipmap: {
    params: [list('keys'), list('values')],
    unknowns: 'nested',
    body: (args) => {
      const ks = args[0] as Value[];
      const vs = args[1] as Value[];
      if (ks.some(isUnknown)) return UNKNOWN;
      const keys = stringElements(ks, 0);
      if (keys.length !== vs.length) fail(`the keys list has ${keys.length} elements but the values list has ${vs.length}`, 1);
      const out: ValueMap = {};
      keys.forEach((k, i) => {
        setEntry(out, k, vs[i]!);
      });
      return out;
    },
  },
  coalesce: {
    params: [],
    variadic: { name: 'values', type: 'any' },
    unknowns: 'nested',
    body: (args) => {
      for (const v of args) if (v !== null && v !== '') return v;
      return fail('all arguments are null or empty strings; at least one must have a value');
    },
  },
  coalescelist: {
    params: [],
    variadic: list('lists'),
    unknowns: 'nested',
    body: (args) => {
      for (const v of args as Value[][]) if (v.length > 0) return v;
      return [];
    },
  },
  compact: {
    params: [list()],
    body: (args) => (args[0] as Value[]).filter((v) => v !== null && v !== ''),
  },
  slice: {
    params: [list(), { name: 'start', type: 'integer' }, { name: 'end', type: 'integer' }],
    unknowns: 'nested',
    body: (args) => {
      const l = args[0] as Value[];
      const [start, end] = [args[1] as number, args[2] as number];
      if (start < 0 || start > l.length) fail(`start index ${start} is out of range for a list of ${l.length} elements`, 1);
      if (end < start || end > l.length) fail(`end index ${end} must be between the start (${start}) and the list length (${l.length})`, 2);
      return l.slice(start, end);
    },
  },
  reverse: {
    params: [list()],
    unknowns: 'nested',
    body: (args) => [...(args[0] as Value[])].reverse(),
  },
  sort: {
    params: [list()],
    body: (args) => stringElements(args[0] as Value[], 0).sort(compareStrings),
  },
  sum: {
    params: [list()],
    body: (args) => {
      const nums = numberElements(args[0] as Value[], 0);
      if (nums.length === 0) fail('cannot sum an empty list', 0);
      return nums.reduce((a, b) => a + b, 0);
    },
  },
  alltrue: { params: [list()], body: (args) => boolElements(args[0] as Value[], 0).every((b) => b) },
  anytrue: { params: [list()], body: (args) => boolElements(args[0] as Value[], 0).some((b) => b) },
  one: {
    params: [list()],
    unknowns: 'nested',
    body: (args) => {
      const l = args[0] as Value[];
      if (l.length > 1) fail(`the list must have no more than one element, it has ${l.length}`, 0);
      return l[0] ?? null;
    },
  },
  chunklist: {
    params: [list(), { name: 'size', type: 'integer' }],
    unknowns: 'nested',
    body: (args) => {
      const l = args[0] as Value[];
      const size = integerArg(args[1]!, 1);
      if (size < 0) fail('the chunk size must not be negative', 1);
      if (size === 0) return [l];
      const out: Value[] = [];
      for (let i = 0; i < l.length; i += size) out.push(l.slice(i, i + size));
      return out;
    },
  },
  setunion: {
    params: [list('first')],
    variadic: list('lists'),
    body: (args) => distinctValues(([] as Value[]).concat(...(args as Value[][]))),
  },
  setintersection: {
    params: [list('first')],
    variadic: list('lists'),
    body: (args) => {
      const [first, ...rest] = args as Value[][];
      const others = rest.map((r) => new Set(r.map(valueKey)));
      return distinctValues(first!.filter((v) => others.every((r) => r.has(valueKey(v)))));
    },
  },
  setsubtract: {
    params: [list('a'), list('b')],
    body: (args) => {
      const [a, b] = args as Value[][];
      const remove = new Set(b!.map(valueKey));
      return distinctValues(a!.filter((v) => !remove.has(valueKey(v))));
    },
  },
};
