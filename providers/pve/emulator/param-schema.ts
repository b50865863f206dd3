/**
 * Parameter schemas of the emulated endpoints and their verification, with PVE's messages
 * (pve-common PVE::JSONSchema): unknown parameters, missing ones, type checks with PVE's
 * boolean words, enums, ranges, lengths, patterns, named formats and property strings.
 *
 * Indexed keys are written as PVE's API schema shows them: `net[n]` covers `net0`..`netN-1`
 * for `indexCount: N`.
 */
import {
  parseBoolean,
  parsePropertyString,
  PropertyStringError,
  tryParseSize,
  type PropertyKeySpec,
  type PropertyStringFormat,
} from '../property-string.js';
import { paramFail } from './api-error.js';
import { checkStringFormat } from './string-formats.js';

/** `array`: repeated values of the parameter, kept joined with `\0` for the handler to split. */
export type ParamType = 'string' | 'integer' | 'number' | 'boolean' | 'array';

export interface ParamDef {
  type: ParamType;
  optional?: boolean;
  enum?: readonly string[];
  /** Whole-value pattern. */
  pattern?: RegExp;
  /** Named string format (see string-formats.ts). */
  format?: string;
  /** The value is a property string of this format. */
  propertyFormat?: PropertyStringFormat;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  /** For an indexed key `name[n]`: the number of indexes (`name0`..). */
  indexCount?: number;
}

export type ParamSchema = Record<string, ParamDef>;
export type ParamValue = string | number | boolean;
export type Params = Record<string, ParamValue>;

// Small constructors keep the endpoint tables readable.
export const str = (extra: Partial<ParamDef> = {}): ParamDef => ({ type: 'string', ...extra });
export const int = (extra: Partial<ParamDef> = {}): ParamDef => ({ type: 'integer', ...extra });
export const num = (extra: Partial<ParamDef> = {}): ParamDef => ({ type: 'number', ...extra });
export const bool = (extra: Partial<ParamDef> = {}): ParamDef => ({ type: 'boolean', ...extra });
export const opt = (def: ParamDef): ParamDef => ({ ...def, optional: true });
/** An indexed property-string key (`net[n]`). */
export const indexed = (count: number, def: ParamDef): ParamDef => ({ ...def, optional: true, indexCount: count });

/** Standard options shared by most endpoints. */
export const NODE: ParamDef = str({ format: 'pve-node' });
export const VMID: ParamDef = int({ format: 'pve-vmid', minimum: 100, maximum: 999999999 });
export const STORAGE_ID: ParamDef = str({ format: 'pve-storage-id' });
export const SNAPNAME: ParamDef = str({ format: 'pve-configid', maxLength: 40 });
export const DIGEST: ParamDef = opt(str({ maxLength: 40 }));

const INDEX_RE = /^(.*?)(\d+)$/;

/** The definition for `key` (exact, or via its `name[n]` entry), or undefined. */
export function findParamDef(schema: ParamSchema, key: string): ParamDef | undefined {
  const exact = schema[key];
  if (exact && exact.indexCount === undefined) return exact;
  const m = INDEX_RE.exec(key);
  if (!m) return undefined;
  const def = schema[`${m[1]}[n]`];
  if (!def || def.indexCount === undefined) return undefined;
  const index = Number(m[2]);
  if (String(index) !== m[2] || index >= def.indexCount) return undefined;
  return def;
}

function checkSubValue(path: string, spec: PropertyKeySpec, value: string): string | undefined {
  switch (spec.type) {
    case 'boolean':
      return parseBoolean(value) === undefined ? `${path}: type check ('boolean') failed - got '${value}'` : undefined;
    case 'integer':
    case 'number': {
      const ok = spec.type === 'integer' ? /^-?\d+$/.test(value) : /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(value);
      if (!ok) return `${path}: type check ('${spec.type}') failed - got '${value}'`;
      const n = Number(value);
      if (spec.minimum !== undefined && n < spec.minimum) return `${path}: value must have a minimum value of ${spec.minimum}`;
      if (spec.maximum !== undefined && n > spec.maximum) return `${path}: value must have a maximum value of ${spec.maximum}`;
      return undefined;
    }
    case 'size':
      return tryParseSize(value) === undefined ? `${path}: unable to parse size '${value}'` : undefined;
    case 'string': {
      if (spec.enum && !spec.enum.includes(value)) {
        return `${path}: value '${value}' does not have a value in the enumeration '${spec.enum.join(', ')}'`;
      }
      if (spec.pattern && !new RegExp(`^(?:${spec.pattern.source})$`).test(value)) {
        return `${path}: value does not match the regex pattern`;
      }
      if (spec.format) {
        const err = checkStringFormat(spec.format, value);
        if (err) return `${path}: ${err}`;
      }
      return undefined;
    }
  }
}

/** PVE's error text for a property string that does not match `format`, else undefined. */
export function checkPropertyString(key: string, format: PropertyStringFormat, value: string): string | undefined {
  let parsed: Record<string, string>;
  try {
    parsed = parsePropertyString(value, format);
  } catch (err) {
    const msg = err instanceof PropertyStringError ? err.message : String(err);
    return `invalid format - ${msg}\n`;
  }
  const problems: string[] = [];
  for (const k of format.required ?? []) {
    if (parsed[k] === undefined) problems.push(`${key}.${k}: property is missing and it is not optional`);
  }
  if (!format.keys) return problems.length ? `invalid format - format error\n${problems.join('\n')}\n` : undefined;
  for (const [k, v] of Object.entries(parsed)) {
    const spec = format.keys[k];
    if (!spec) {
      problems.push(`${key}.${k}: property is not defined in schema and the schema does not allow additional properties`);
      continue;
    }
    const err = checkSubValue(`${key}.${k}`, spec, v);
    if (err) problems.push(err);
  }
  return problems.length ? `invalid format - format error\n${problems.join('\n')}\n` : undefined;
}

function checkValue(key: string, def: ParamDef, raw: string): { value?: ParamValue; error?: string } {
  switch (def.type) {
    case 'boolean': {
      const v = parseBoolean(raw);
      return v === undefined ? { error: `type check ('boolean') failed - got '${raw}'` } : { value: v };
    }
    case 'integer':
    case 'number': {
      const ok = def.type === 'integer' ? /^-?\d+$/.test(raw) : /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(raw);
      if (!ok) return { error: `type check ('${def.type}') failed - got '${raw}'` };
      const n = Number(raw);
      if (def.minimum !== undefined && n < def.minimum) return { error: `value must have a minimum value of ${def.minimum}` };
      if (def.maximum !== undefined && n > def.maximum) return { error: `value must have a maximum value of ${def.maximum}` };
      if (def.format) {
        const err = checkStringFormat(def.format, raw);
        if (err) return { error: err };
      }
      return { value: n };
    }
    case 'array':
      return { value: raw };
    case 'string': {
      if (def.enum && !def.enum.includes(raw)) {
        return { error: `value '${raw}' does not have a value in the enumeration '${def.enum.join(', ')}'` };
      }
      if (def.maxLength !== undefined && raw.length > def.maxLength) {
        return { error: `value may only be ${def.maxLength} characters long` };
      }
      if (def.pattern && !new RegExp(`^(?:${def.pattern.source})$`).test(raw)) {
        return { error: 'value does not match the regex pattern' };
      }
      if (def.format) {
        const err = checkStringFormat(def.format, raw);
        if (err) return { error: err };
      }
      if (def.propertyFormat) {
        const err = checkPropertyString(key, def.propertyFormat, raw);
        if (err) return { error: err };
      }
      return { value: raw };
    }
  }
}

/**
 * Verifies raw request parameters (strings; repeated parameters joined with `\0` as PVE does)
 * against `schema`. Returns typed values; throws ApiError 400 with PVE's messages.
 */
export function verifyParams(schema: ParamSchema, raw: Readonly<Record<string, string>>): Params {
  const errors: Record<string, string> = {};
  const out: Params = {};
  for (const [key, value] of Object.entries(raw)) {
    const def = findParamDef(schema, key);
    if (!def) {
      errors[key] = 'property is not defined in schema and the schema does not allow additional properties';
      continue;
    }
    const r = checkValue(key, def, value);
    if (r.error !== undefined) errors[key] = r.error;
    else if (r.value !== undefined) out[key] = r.value;
  }
  for (const [key, def] of Object.entries(schema)) {
    if (def.optional || def.indexCount !== undefined) continue;
    if (!(key in raw) && errors[key] === undefined) errors[key] = 'property is missing and it is not optional';
  }
  if (Object.keys(errors).length) paramFail(errors);
  return out;
}

/** Typed JSON value of a stored config value (`cores: 2` → 2, `onboot: 1` → 1), for GET answers. */
export function typedConfigValue(def: ParamDef | undefined, value: string): string | number {
  if (!def) return value;
  if (def.type === 'integer' || def.type === 'number') {
    const n = Number(value);
    return Number.isFinite(n) && value.trim() !== '' ? n : value;
  }
  if (def.type === 'boolean') {
    const b = parseBoolean(value);
    return b === undefined ? value : b ? 1 : 0;
  }
  return value;
}
