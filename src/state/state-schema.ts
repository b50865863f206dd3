/**
 * The state file's JSON Schema (`schemas/state.schema.json`) compiled with ajv. The schema is
 * found by walking up from this module: the source runs from `src/state/`, the build from
 * `dist/src/state/`, an installed package from `node_modules/hl/dist/src/state/`.
 *
 * The build precompiles the shipped schema's variants (scripts/precompile-schemas.ts) and the
 * engine passes them in (`PrecompiledStateValidators`); ajv's compiler is only loaded, on first
 * use, for a schema without precompiled validators.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject, Options } from 'ajv';
import { lazyModule } from '../core/lazy-module.js';

const loadAjv = lazyModule<typeof import('ajv')>('ajv');

/** The name the build gives validators compiled by newStateSchemaCompiler (see src/engine/precompiled-validators.ts). */
export const STATE_SCHEMA_PROFILE = 'state';

/**
 * The build's validator for `schema` compiled with the ajv options named `profile`
 * (STATE_SCHEMA_PROFILE here), if it has one: what the engine loads and passes in.
 */
export type PrecompiledStateValidators = (
  profile: string,
  schema: object,
) => { (data: unknown): boolean; errors?: ErrorObject[] | null } | undefined;

export const STATE_SCHEMA_OPTIONS: Readonly<Options> = { allErrors: true, strict: true };

/** A new ajv instance set up as state schemas are compiled; `extra` options go on top (the build adds `code`). */
export function newStateSchemaCompiler(extra: Options = {}): Ajv {
  return new (loadAjv().Ajv)({ ...STATE_SCHEMA_OPTIONS, ...extra });
}

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

/**
 * The schemas a state validator compiles from a state schema: the whole file's, and one per
 * entry kind (`definitions.resource`, `definitions.output`) with the other definitions
 * beside it, absent when the schema has no such definition.
 */
export interface StateSchemaVariants {
  state: object;
  resource?: object;
  output?: object;
}

export function stateSchemaVariants(schema: object): StateSchemaVariants {
  const definitions = (schema as { definitions?: Record<string, object> }).definitions;
  const variants: StateSchemaVariants = { state: schema };
  for (const name of ['resource', 'output'] as const) {
    const definition = definitions?.[name];
    if (definition !== undefined) variants[name] = { ...definition, definitions };
  }
  return variants;
}

/** Compiles a state schema object into a validator, using the build's validators where `precompiled` has them. */
export function compileStateValidator(schema: object, precompiled?: PrecompiledStateValidators): StateValidator {
  const variants = stateSchemaVariants(schema);
  let ajv: Ajv | undefined;
  const check = (variant: object | undefined): Check => {
    if (variant === undefined) return () => []; // accepts anything
    const validate = precompiled?.(STATE_SCHEMA_PROFILE, variant) ?? (ajv ??= newStateSchemaCompiler()).compile(variant);
    return (data) => (validate(data) ? [] : (validate.errors ?? []).map(formatAjvError));
  };
  return { state: check(variants.state), resource: check(variants.resource), output: check(variants.output) };
}

/** The shipped schema's validators, one per lookup of precompiled validators (undefined: none). */
const defaultValidators = new Map<PrecompiledStateValidators | undefined, Promise<StateValidator>>();

/** The validator for the schema shipped with hl; loaded on first use and then cached. */
export function defaultStateValidator(precompiled?: PrecompiledStateValidators): Promise<StateValidator> {
  let validator = defaultValidators.get(precompiled);
  if (!validator) {
    validator = (async () => {
      const file = findStateSchemaFile();
      return compileStateValidator(JSON.parse(await readFile(file, 'utf8')) as object, precompiled);
    })();
    defaultValidators.set(precompiled, validator);
    validator.catch(() => {
      defaultValidators.delete(precompiled);
    });
  }
  return validator;
}
