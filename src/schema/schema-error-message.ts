/**
 * Wording of schema problems for people: what is wrong, what was expected, what was
 * given, and where to point (the value, or the key for "should not be here" problems).
 *
 * A schema can override wording with the editor annotations `errorMessage` (the whole
 * message of any failure of that schema) and `patternErrorMessage` (what a pattern
 * means), the same annotations VS Code and yaml-language-server show.
 */
import type { ErrorObject } from 'ajv';
import { didYouMean } from '../core/suggest.js';
import { pathToString, type Path } from '../core/value.js';
import { schemaString, type SchemaProblem } from './schema-error-selection.js';

/** What a path inside the validated value belongs to, for messages. */
export interface PathDescription {
  /** `proxmox_vm.k3s`, `variable "domain"`, `the configuration file` */
  context: string;
  /** The attribute path inside that context (may be empty: the context itself). */
  attribute: Path;
  /** "attribute" unless said otherwise ("key" for top-level config keys). */
  noun?: string;
}

export interface MessageContext {
  /** Describes a path (keys and list indices) of the validated value. */
  describe(path: Path): PathDescription;
  /** The path of a JSON pointer, with list indices as numbers. */
  pathOf(pointer: string): Path;
  /** Values under sensitive paths are never quoted. */
  isSensitive(path: Path): boolean;
}

/** Where a problem points in the source. */
export type Pointing =
  | { at: 'value' }
  /** The key `key` of the map at the problem's path (an extra or badly named key). */
  | { at: 'childKey'; key: string }
  /** The key holding the value at the problem's path (the attribute should not be there). */
  | { at: 'ownKey' }
  /** The last of these keys present in the map at the problem's path. */
  | { at: 'lastOfKeys'; keys: string[] }
  /** The key, if written (with a null value), else the map itself. */
  | { at: 'missingKey'; key: string };

export interface ProblemText {
  summary: string;
  detail?: string;
  pointing: Pointing;
}

export function describeProblem(p: SchemaProblem, ctx: MessageContext): ProblemText {
  if (p.kind === 'alternatives') return describeAlternatives(p, ctx);
  const e = p.error;
  const path = ctx.pathOf(e.instancePath);
  const parent = e.parentSchema;
  const errorMessage = schemaString(parent, 'errorMessage');
  if (e.propertyName !== undefined) return describeKeyProblem(e, path, ctx);

  const base = describeKeyword(e, path, ctx);
  if (errorMessage === undefined) return base;
  const got = VALUE_KEYWORDS.has(e.keyword) ? ` (got ${gotText(e.data, path, ctx)})` : '';
  return { summary: `${errorMessage}${got}`, pointing: base.pointing };
}

/** Keywords about the value itself: their messages say what was given. */
const VALUE_KEYWORDS = new Set([
  'type',
  'enum',
  'const',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
]);

function describeKeyword(e: ErrorObject, path: Path, ctx: MessageContext): ProblemText {
  const params = e.params as Record<string, unknown>;
  const subject = subjectOf(path, ctx);
  const got = (): string => gotText(e.data, path, ctx);
  const value = { at: 'value' } as const;
  switch (e.keyword) {
    case 'type':
      return { summary: `${subject} must be ${typePhrase(params.type)}, got ${got()}`, pointing: value };
    case 'required':
    case 'dependencies':
    case 'dependentRequired': {
      const missing = String(params.missingProperty);
      const d = ctx.describe([...path, missing]);
      const name = pathToString(d.attribute);
      if (e.keyword !== 'required') {
        const needs = String(params.property);
        return {
          summary: `${capitalize(d.noun ?? 'attribute')} "${pathToString([...d.attribute.slice(0, -1), needs])}" requires "${name}" to be set too, in ${d.context}`,
          pointing: { at: 'missingKey', key: missing },
        };
      }
      return {
        summary: `Missing required ${d.noun ?? 'attribute'} "${name}" in ${d.context}`,
        pointing: { at: 'missingKey', key: missing },
      };
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const extra = String(params.additionalProperty ?? params.unevaluatedProperty);
      const d = ctx.describe([...path, extra]);
      const known = knownProperties(e.parentSchema);
      const suggestion = didYouMean(extra, known);
      const summary = `Unsupported ${d.noun ?? 'attribute'} "${pathToString(d.attribute)}" in ${d.context}${suggestion ? `. Did you mean "${suggestion}"?` : ''}`;
      const text: ProblemText = { summary, pointing: { at: 'childKey', key: extra } };
      if (known.length > 0 && known.length <= 40) text.detail = `Supported: ${known.join(', ')}.`;
      return text;
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const suggestion =
        typeof e.data === 'string'
          ? didYouMean(
              e.data,
              allowed.filter((a): a is string => typeof a === 'string'),
            )
          : undefined;
      const list = allowed.map((a) => literal(a)).join(', ');
      return {
        summary: `${subject} must be one of ${list}, got ${got()}${suggestion && !ctx.isSensitive(path) ? `. Did you mean "${suggestion}"?` : ''}`,
        pointing: value,
      };
    }
    case 'const':
      return { summary: `${subject} must be ${literal(params.allowedValue)}, got ${got()}`, pointing: value };
    case 'pattern': {
      const meaning = schemaString(e.parentSchema, 'patternErrorMessage');
      if (meaning !== undefined) {
        return {
          summary: `${subject} is invalid: ${stripPeriod(meaning)} (got ${got()})`,
          detail: `Pattern: ${String(params.pattern)}`,
          pointing: value,
        };
      }
      return { summary: `${subject} must match the pattern "${String(params.pattern)}", got ${got()}`, pointing: value };
    }
    case 'format':
      return { summary: `${subject} must be a valid ${String(params.format)}, got ${got()}`, pointing: value };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const bound = BOUND_WORDS[e.keyword]!;
      return { summary: `${subject} must be ${bound} ${String(params.limit)}, got ${got()}`, pointing: value };
    }
    case 'multipleOf':
      return { summary: `${subject} must be a multiple of ${String(params.multipleOf)}, got ${got()}`, pointing: value };
    case 'minLength':
    case 'maxLength': {
      const len = typeof e.data === 'string' ? [...e.data].length : 0;
      const word = e.keyword === 'minLength' ? 'at least' : 'at most';
      return {
        summary: `${subject} must be ${word} ${String(params.limit)} characters long, got ${len} character${len === 1 ? '' : 's'}`,
        pointing: value,
      };
    }
    case 'minItems':
    case 'maxItems':
    case 'additionalItems':
    case 'unevaluatedItems': {
      const count = Array.isArray(e.data) ? e.data.length : 0;
      const word = e.keyword === 'minItems' ? 'at least' : 'at most';
      return {
        summary: `${subject} must have ${word} ${String(params.limit)} item${params.limit === 1 ? '' : 's'}, got ${count}`,
        pointing: value,
      };
    }
    case 'minProperties':
    case 'maxProperties': {
      const word = e.keyword === 'minProperties' ? 'at least' : 'at most';
      return { summary: `${subject} must have ${word} ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}`, pointing: value };
    }
    case 'uniqueItems': {
      const [a, b] = [Number(params.i), Number(params.j)].sort((x, y) => x - y);
      return { summary: `${subject} must not contain duplicates (items ${a} and ${b} are equal)`, pointing: value };
    }
    case 'contains':
      return { summary: `${subject} must contain at least one matching item`, pointing: value };
    case 'not': {
      const required = (e.schema as { required?: unknown } | undefined)?.required;
      if (Array.isArray(required) && required.length > 1) {
        const keys = required.map(String);
        const d = ctx.describe(path);
        return {
          summary: `${joinAnd(keys.map((k) => `"${k}"`))} cannot be used together in ${describeWhere(d)}`,
          pointing: { at: 'lastOfKeys', keys },
        };
      }
      return { summary: `${subject} is not allowed here`, pointing: { at: 'ownKey' } };
    }
    case 'false schema':
      return { summary: `${subject} is not allowed here`, pointing: { at: 'ownKey' } };
    case 'oneOf':
      return { summary: `${subject} matches more than one of the allowed forms`, pointing: value };
    default:
      return { summary: `${subject} ${e.message ?? 'is invalid'}`, pointing: value };
  }
}

function describeKeyProblem(e: ErrorObject, path: Path, ctx: MessageContext): ProblemText {
  const key = e.propertyName!;
  const d = ctx.describe(path);
  const where = d.attribute.length === 0 ? ` in ${d.context}` : ` under "${pathToString(d.attribute)}"`;
  const params = e.params as Record<string, unknown>;
  const meaning = schemaString(e.parentSchema, 'patternErrorMessage') ?? schemaString(e.parentSchema, 'errorMessage');
  let why: string;
  if (meaning !== undefined) why = stripPeriod(meaning);
  else if (e.keyword === 'pattern') why = `keys must match the pattern "${String(params.pattern)}"`;
  else if (e.keyword === 'enum') why = `keys must be one of ${((params.allowedValues as unknown[]) ?? []).map(literal).join(', ')}`;
  else why = `key ${e.message ?? 'is invalid'}`;
  return { summary: `Invalid key "${key}"${where}: ${why}`, pointing: { at: 'childKey', key } };
}

function describeAlternatives(p: Extract<SchemaProblem, { kind: 'alternatives' }>, ctx: MessageContext): ProblemText {
  const path = ctx.pathOf(p.error.instancePath);
  const got = gotText(p.error.data, path, ctx);
  if (p.errorMessage !== undefined) return { summary: `${p.errorMessage} (got ${got})`, pointing: { at: 'value' } };
  const expected = unique(p.branches.map((b) => (b[0] ? expectation(b[0]) : undefined)).filter((x): x is string => x !== undefined));
  const subject = subjectOf(path, ctx);
  if (expected.length === 0)
    return { summary: `${subject} does not match any of the allowed forms, got ${got}`, pointing: { at: 'value' } };
  return { summary: `${subject} must be ${expected.join(' or ')}, got ${got}`, pointing: { at: 'value' } };
}

/** What a failed branch expected, as a noun phrase ("a list", "\"all\""). */
function expectation(p: SchemaProblem): string | undefined {
  if (p.kind === 'alternatives')
    return (
      p.branches
        .map((b) => (b[0] ? expectation(b[0]) : undefined))
        .filter(Boolean)
        .join(' or ') || undefined
    );
  const e = p.error;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return typePhrase(params.type);
    case 'const':
      return literal(params.allowedValue);
    case 'enum':
      return `one of ${((params.allowedValues as unknown[]) ?? []).map(literal).join(', ')}`;
    case 'pattern':
      return `a string matching "${String(params.pattern)}"`;
    case 'format':
      return `a valid ${String(params.format)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `a number ${BOUND_WORDS[e.keyword]} ${String(params.limit)}`;
    case 'required':
      return `a map with "${String(params.missingProperty)}"`;
    default: {
      const declared = (e.parentSchema as { type?: unknown } | undefined)?.type;
      return declared !== undefined ? typePhrase(declared) : undefined;
    }
  }
}

const BOUND_WORDS: Record<string, string> = {
  minimum: 'at least',
  maximum: 'at most',
  exclusiveMinimum: 'greater than',
  exclusiveMaximum: 'less than',
};

const TYPE_PHRASES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
  null: 'null',
};

function typePhrase(type: unknown): string {
  let types = Array.isArray(type) ? type.map(String) : String(type).split(',');
  if (types.length > 1) types = types.filter((t) => t !== 'null'); // "a map", not "a map or null"
  return types.map((t) => TYPE_PHRASES[t] ?? t).join(' or ');
}

function subjectOf(path: Path, ctx: MessageContext): string {
  const d = ctx.describe(path);
  if (d.attribute.length === 0) return capitalize(d.context);
  return `${capitalize(d.noun ?? 'attribute')} "${pathToString(d.attribute)}"`;
}

function describeWhere(d: PathDescription): string {
  return d.attribute.length === 0 ? d.context : `"${pathToString(d.attribute)}" of ${d.context}`;
}

/** `string "lots"`, `number 42`, `a list`; never the value when it is sensitive. */
function gotText(data: unknown, path: Path, ctx: MessageContext): string {
  if (data === null || data === undefined) return 'null';
  if (Array.isArray(data)) return 'a list';
  if (typeof data === 'object') return 'a map';
  const kind = typeof data === 'boolean' ? 'boolean' : typeof data;
  if (ctx.isSensitive(path)) return `${kind} (sensitive value)`;
  if (typeof data === 'string') return `string ${JSON.stringify(data.length > 80 ? `${data.slice(0, 77)}...` : data)}`;
  return `${kind} ${String(data)}`;
}

function literal(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : JSON.stringify(v);
}

function knownProperties(schema: unknown): string[] {
  const props = (schema as { properties?: unknown } | undefined)?.properties;
  return typeof props === 'object' && props !== null ? Object.keys(props) : [];
}

/** Capitalizes a leading lowercase word ("variable "x"" → "Variable "x""), not an address. */
function capitalize(s: string): string {
  return /^[a-z]+( |$)/.test(s) ? s[0]!.toUpperCase() + s.slice(1) : s;
}

function stripPeriod(s: string): string {
  return s.replace(/\.\s*$/, '');
}

function joinAnd(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
