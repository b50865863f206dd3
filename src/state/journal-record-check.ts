/**
 * The shape of each journal line (header and records, see journal-records.ts), checked in
 * full on replay (pure): every field of every record has its type, and the resources and
 * outputs a record carries match the state schema's entries (the StateValidator's
 * `resource` and `output`), so a record that parses but says nonsense (`address: 42`) is
 * refused before it reaches the state.
 */
import type { StateValidator } from './state-schema.js';

type Fields = Record<string, unknown>;

function isObject(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

const OPERATIONS = new Set(['create', 'update', 'delete']);

/** Checks one record; each method returns a problem or undefined. */
class RecordCheck {
  constructor(readonly validate: StateValidator) {}

  field(o: Fields, key: string, ok: (v: unknown) => boolean, what: string, optional = false): string | undefined {
    if (optional && o[key] === undefined) return undefined;
    return ok(o[key]) ? undefined : `${key} is not ${what}`;
  }

  resource(v: unknown, where: string): string | undefined {
    if (!isObject(v)) return `${where} is not an object`;
    const problems = this.validate.resource(v);
    return problems.length === 0 ? undefined : `${where}${problems[0] === undefined ? '' : ` ${problems[0]}`}`;
  }

  output(v: unknown, where: string): string | undefined {
    const problems = this.validate.output(v);
    return problems.length === 0 ? undefined : `${where} ${problems[0]}`;
  }

  intent(v: unknown): string | undefined {
    if (!isObject(v)) return 'intent is not an object';
    const problem =
      this.field(v, 'intentId', isNonEmptyString, 'a non-empty string') ??
      this.field(v, 'address', isNonEmptyString, 'a non-empty string') ??
      this.field(v, 'operation', (x) => isString(x) && OPERATIONS.has(x), 'create, update or delete') ??
      this.field(v, 'type', isNonEmptyString, 'a non-empty string') ??
      this.field(v, 'provider', isNonEmptyString, 'a non-empty string') ??
      this.field(v, 'identity', isObject, 'an object', true) ??
      this.field(v, 'id', isString, 'a string', true) ??
      this.field(v, 'planned', isObject, 'an object', true);
    return problem === undefined ? undefined : `intent.${problem}`;
  }

  outcome(v: unknown): string | undefined {
    if (!isObject(v)) return 'outcome is not an object';
    switch (v.kind) {
      case 'applied':
        return this.resource(v.resource, 'outcome.resource');
      case 'deleted':
        return isNonEmptyString(v.address) ? undefined : 'outcome.address is not a non-empty string';
      case 'failed':
        if (!isString(v.message)) return 'outcome.message is not a string';
        return v.taint === undefined ? undefined : this.resource(v.taint, 'outcome.taint');
      default:
        return `outcome.kind is not applied, deleted or failed`;
    }
  }

  resolution(v: unknown): string | undefined {
    if (!isObject(v)) return 'resolution is not an object';
    if (v.kind === 'adopted') return this.resource(v.resource, 'resolution.resource');
    return v.kind === 'dropped' ? undefined : 'resolution.kind is not adopted or dropped';
  }

  outputs(v: unknown): string | undefined {
    if (!isObject(v)) return 'outputs is not an object';
    for (const [name, output] of Object.entries(v)) {
      const problem = this.output(output, `outputs[${JSON.stringify(name)}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
}

/** Why `v` is not a well-formed journal line (header or record), or undefined when it is. */
export function journalLineProblem(v: unknown, validate: StateValidator): string | undefined {
  if (!isObject(v)) return 'not an object';
  const check = new RecordCheck(validate);
  const problem = ((): string | undefined => {
    switch (v.t) {
      case 'head':
        return (
          check.field(v, 'v', isCount, 'a version number') ??
          check.field(v, 'lineage', isString, 'a string') ??
          check.field(v, 'serial', isCount, 'a serial number')
        );
      case 'begin':
        return check.intent(v.intent);
      case 'done':
        return check.field(v, 'intentId', isNonEmptyString, 'a non-empty string') ?? check.outcome(v.outcome);
      case 'resolve':
        return check.field(v, 'intentId', isNonEmptyString, 'a non-empty string') ?? check.resolution(v.resolution);
      case 'set':
        return check.resource(v.resource, 'resource');
      case 'rm':
        return check.field(v, 'address', isNonEmptyString, 'a non-empty string');
      case 'mv':
        return check.field(v, 'from', isNonEmptyString, 'a non-empty string') ?? check.resource(v.resource, 'resource');
      case 'outputs':
        return check.outputs(v.outputs);
      default:
        return `unknown record type ${JSON.stringify(v.t)}`;
    }
  })();
  if (problem === undefined) return undefined;
  const kind = v.t === 'head' ? 'header' : `"${String(v.t)}" record`;
  return problem.startsWith('unknown record type') ? problem : `bad ${kind}: ${problem}`;
}
