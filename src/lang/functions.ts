/**
 * The function library: the registry of built-in functions and the checks every call goes
 * through (argument count and types, unknown arguments). `try` and `can` take their
 * arguments unevaluated and `templatefile` evaluates a template, so the evaluator handles
 * those itself; they are listed here.
 */
import { containsUnknown, isUnknown, isValueMap, UNKNOWN, type Value } from '../core/value.js';
import type { EvalContext } from './eval-context.js';
import { FunctionError, type FunctionDef, type Param, type ParamType } from './function-types.js';
import { COLLECTION_FUNCTIONS } from './functions/collection.js';
import { CONVERSION_FUNCTIONS } from './functions/conversion.js';
import { CRYPTO_FUNCTIONS } from './functions/crypto.js';
import { ENCODING_FUNCTIONS } from './functions/encoding.js';
import { FILE_FUNCTIONS } from './functions/file.js';
import { FORMAT_FUNCTIONS } from './functions/format.js';
import { NETWORK_FUNCTIONS } from './functions/network.js';
import { NUMERIC_FUNCTIONS } from './functions/numeric.js';
import { STRING_FUNCTIONS } from './functions/string.js';
import { describeType, numberToString } from './value-text.js';

/** Functions the evaluator implements itself (lazy arguments, or evaluating a template). */
export const SPECIAL_FORMS: readonly string[] = ['can', 'templatefile', 'try'];

const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map(
  Object.entries({
    ...STRING_FUNCTIONS,
    ...FORMAT_FUNCTIONS,
    ...COLLECTION_FUNCTIONS,
    ...NUMERIC_FUNCTIONS,
    ...CONVERSION_FUNCTIONS,
    ...ENCODING_FUNCTIONS,
    ...CRYPTO_FUNCTIONS,
    ...NETWORK_FUNCTIONS,
    ...FILE_FUNCTIONS,
  }),
);

export const FUNCTION_NAMES: readonly string[] = Object.freeze([...FUNCTIONS.keys(), ...SPECIAL_FORMS].sort());

export function lookupFunction(name: string): FunctionDef | undefined {
  return FUNCTIONS.get(name);
}

export type CallOutcome = { value: Value; error?: undefined } | { value?: undefined; error: FunctionError };

const ARTICLE: Record<ParamType, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  bool: 'a bool',
  list: 'a list',
  map: 'a map',
  collection: 'a list or map',
  any: 'a value',
};

function matches(v: Value, type: ParamType): boolean {
  switch (type) {
    case 'any':
      return true;
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'bool':
      return typeof v === 'boolean';
    case 'list':
      return Array.isArray(v);
    case 'map':
      return isValueMap(v);
    case 'collection':
      return Array.isArray(v) || isValueMap(v);
  }
}

function paramAt(def: FunctionDef, i: number): Param | undefined {
  if (i < def.params.length) return def.params[i];
  const optional = def.optional ?? [];
  if (i < def.params.length + optional.length) return optional[i - def.params.length];
  return def.variadic;
}

/** The error for a wrong number of arguments (located at the first extra one, if any). */
function arityError(def: FunctionDef, got: number): FunctionError | undefined {
  const min = def.params.length;
  const max = def.variadic ? Infinity : min + (def.optional?.length ?? 0);
  if (got >= min && got <= max) return undefined;
  const plural = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
  const at = got > max ? max : undefined;
  if (max === Infinity) return new FunctionError(`expected at least ${plural(min)}, got ${got}`, at);
  if (min === max) return new FunctionError(`expected ${plural(min)}, got ${got}`, at);
  return new FunctionError(`expected ${min} to ${plural(max)}, got ${got}`, at);
}

/**
 * Calls a built-in with evaluated arguments: checks the count and the types of the known
 * arguments, returns UNKNOWN for unknown input (see `FunctionDef.unknowns`), then runs it.
 */
export function invokeFunction(name: string, def: FunctionDef, args: Value[], ctx: EvalContext): CallOutcome {
  const arity = arityError(def, args.length);
  if (arity) return { error: arity };
  let unknownTop = false;
  let unknownNested = false;
  for (let i = 0; i < args.length; i++) {
    const v = args[i]!;
    if (isUnknown(v)) {
      unknownTop = true;
      continue;
    }
    const param = paramAt(def, i)!;
    if (!matches(v, param.type)) {
      const got = param.type === 'integer' && typeof v === 'number' ? numberToString(v) : describeType(v);
      return { error: new FunctionError(`argument ${i + 1} must be ${ARTICLE[param.type]}, got ${got}`, i) };
    }
    if (!unknownNested && typeof v === 'object' && v !== null && containsUnknown(v)) unknownNested = true;
  }
  if (unknownTop || (unknownNested && def.unknowns !== 'nested')) return { value: UNKNOWN };
  try {
    return { value: def.body(args, { name, ctx }) };
  } catch (e) {
    if (e instanceof FunctionError) return { error: e };
    throw e;
  }
}
