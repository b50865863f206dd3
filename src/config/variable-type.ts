/**
 * Variable types: reading a declared `type`, and converting given values to it.
 *
 * Text from `--var` and `HL_VAR_*` is parsed by type: numbers and bools from their
 * usual spelling, lists and maps from JSON or YAML (`'["a","b"]'`, `'{a: 1}'`); for
 * `string` and `any` the text is the value. Typed values (var files, defaults) convert
 * like Terraform's: a number or bool can be a string, a numeric string a number,
 * "true"/"false" a bool. null is accepted for every type.
 */
import type { Value } from '../core/value.js';
import { isValueMap, typeName } from '../core/value.js';
import type { VariableType } from './config-types.js';
import { nodeToValue } from '../yaml/node-value.js';
import { parseYamlFile } from '../yaml/yaml-to-node.js';

export const VARIABLE_TYPES: readonly VariableType[] = ['string', 'number', 'bool', 'list', 'map', 'object', 'any'];

/** Outer types of the parameterised forms: `set(string)` is a list. */
const CONSTRUCTORS: Record<string, VariableType> = { list: 'list', set: 'list', tuple: 'list', map: 'map', object: 'object' };

/** `list(string)` → list; undefined when not a type. */
export function parseVariableType(text: string): VariableType | undefined {
  const t = text.trim();
  if ((VARIABLE_TYPES as readonly string[]).includes(t)) return t as VariableType;
  if (t === 'set' || t === 'tuple') return 'list';
  const m = /^([a-z]+)\s*\((.*)\)$/s.exec(t);
  return m ? CONSTRUCTORS[m[1]!] : undefined;
}

export type Conversion = { ok: true; value: Value } | { ok: false; expected: string };

const EXPECTED: Record<VariableType, string> = {
  string: 'a string',
  number: 'a number',
  bool: 'true or false',
  list: 'a list',
  map: 'a map',
  object: 'a map',
  any: 'any value',
};

export function expectedPhrase(type: VariableType): string {
  return EXPECTED[type];
}

const NUMBER_RE = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Converts text given on the command line or in the environment. */
export function convertText(text: string, type: VariableType): Conversion {
  switch (type) {
    case 'string':
    case 'any':
      return { ok: true, value: text };
    case 'number':
    case 'bool':
      return convertValue(text, type);
    case 'list':
    case 'map':
    case 'object': {
      const parsed = parseYamlFile({ path: '<value>', text });
      if (!parsed.node || parsed.diagnostics.some((d) => d.severity === 'error')) {
        return { ok: false, expected: `${EXPECTED[type]} written as JSON or YAML` };
      }
      return convertValue(nodeToValue(parsed.node), type);
    }
  }
}

/** Converts an already typed value (var file, default). */
export function convertValue(value: Value, type: VariableType): Conversion {
  if (value === null || type === 'any') return { ok: true, value };
  const fail: Conversion = { ok: false, expected: EXPECTED[type] };
  switch (type) {
    case 'string':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? { ok: true, value: typeof value === 'string' ? value : String(value) }
        : fail;
    case 'number':
      if (typeof value === 'number') return { ok: true, value };
      if (typeof value === 'string' && NUMBER_RE.test(value.trim())) return { ok: true, value: Number(value.trim()) };
      return fail;
    case 'bool':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 'true' || value === 'false') return { ok: true, value: value === 'true' };
      return fail;
    case 'list':
      return Array.isArray(value) ? { ok: true, value } : fail;
    case 'map':
    case 'object':
      return isValueMap(value) ? { ok: true, value } : fail;
  }
}

/** `string "lots"`, `number 42`, `a list`, for messages; `sensitive` hides the value. */
export function describeGiven(value: Value, sensitive: boolean): string {
  const kind = typeName(value);
  if (kind === 'list' || kind === 'map') return `a ${kind}`;
  if (kind === 'null') return 'null';
  if (sensitive) return `${kind} (sensitive value)`;
  return typeof value === 'string' ? `string ${JSON.stringify(value)}` : `${kind} ${String(value)}`;
}
