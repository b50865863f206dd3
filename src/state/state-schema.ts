/**
 * The state file's JSON Schema (`schemas/state.schema.json`) compiled with ajv. The schema is
 * found by walking up from this module: the source runs from `src/state/`, the build from
 * `dist/src/state/`, an installed package from `node_modules/hl/dist/src/state/`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';

export const STATE_SCHEMA_RELATIVE_PATH = join('schemas', 'state.schema.json');

/** Checks against the state schema; each returns one line per problem, empty when valid. */
export interface StateValidator {
  /** A whole parsed state file. */
  state(data: unknown): string[];
  /** One resource entry (`definitions.resource`; accepts anything when the schema has none). */
  resource(data: unknown): string[];
  /** One output entry (`definitions.output`; likewise). */
  output(data: unknown): string[];
}

/** The nearest `schemas/state.schema.json` above `fromUrl` (default: this module). */
export function findStateSchemaFile(fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const candidate = join(dir, STATE_SCHEMA_RELATIVE_PATH);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`hl is installed incompletely: no ${STATE_SCHEMA_RELATIVE_PATH} above ${fileURLToPath(fromUrl)}`);
    }
    dir = parent;
  }
}

function formatAjvError(e: ErrorObject): string {
  const where = e.instancePath === '' ? '(top level)' : e.instancePath;
  if (e.keyword === 'additionalProperties') {
    return `${where}: unexpected property "${String((e.params as { additionalProperty: unknown }).additionalProperty)}"`;
  }
  if (e.keyword === 'enum') {
    return `${where}: ${e.message ?? 'invalid'}: ${JSON.stringify((e.params as { allowedValues: unknown }).allowedValues)}`;
  }
  return `${where}: ${e.message ?? 'invalid'}`;
}

type Check = (data: unknown) => string[];

function compileCheck(ajv: Ajv, schema: object): Check {
  const validate = ajv.compile(schema);
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map(formatAjvError));
}

/** A check for one entry of `definitions`, compiled with the other definitions beside it. */
function compileDefinitionCheck(ajv: Ajv, schema: object, name: string): Check {
  const definitions = (schema as { definitions?: Record<string, object> }).definitions;
  const definition = definitions?.[name];
  if (definition === undefined) return () => [];
  return compileCheck(ajv, { ...definition, definitions });
}

/** Compiles a state schema object into a validator. */
export function compileStateValidator(schema: object): StateValidator {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const { $id: _id, $schema: _schema, ...rest } = schema as Record<string, unknown>;
  return {
    state: compileCheck(ajv, schema),
    resource: compileDefinitionCheck(ajv, rest, 'resource'),
    output: compileDefinitionCheck(ajv, rest, 'output'),
  };
}

let defaultValidator: Promise<StateValidator> | undefined;

/** The validator for the schema shipped with hl; loaded on first use and then cached. */
export function defaultStateValidator(): Promise<StateValidator> {
  defaultValidator ??= (async () => {
    const file = findStateSchemaFile();
    return compileStateValidator(JSON.parse(await readFile(file, 'utf8')) as object);
  })();
  defaultValidator.catch(() => {
    defaultValidator = undefined;
  });
  return defaultValidator;
}
