/**
 * The JSON Schemas hl validates with at run time, each with the profile (the ajv setup) it
 * is compiled with: what the build precompiles (precompile-schemas.ts) and what the tests
 * check the precompiled validators against.
 *
 * - profile `config` (src/schema/schema-compile.ts): every `schemas/*.json` the config,
 *   the policies and the providers use, and the policy rule schema derived from the policy
 *   file's;
 * - profile `state` (src/state/state-schema.ts): the state file's schema and its two
 *   definition variants.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Options, ValidateFunction } from 'ajv';
import { newSchemaCompiler, SCHEMA_PROFILE, schemaDraft } from '../src/schema/schema-compile.js';
import { POLICY_RULE_SCHEMA } from '../src/policy/policy-schema.js';
import { newStateSchemaCompiler, STATE_SCHEMA_PROFILE, stateSchemaVariants } from '../src/state/state-schema.js';

export interface ShippedSchema {
  /** What it is, for people: the file, or the file and the variant. */
  name: string;
  profile: typeof SCHEMA_PROFILE | typeof STATE_SCHEMA_PROFILE;
  schema: object;
}

const STATE_SCHEMA_FILE = 'state.schema.json';
/**
 * Schema files hl itself never validates with: the `--json` plan output's is for tests and
 * consumers, config.schema.json for editors (hl's parser uses config-shape.schema.json).
 */
const NOT_VALIDATED_BY_HL = new Set(['plan-json.schema.json', 'config.schema.json']);

/** The schemas of `schemasDir` (hl's `schemas/`) and those derived from them. */
export function shippedSchemas(schemasDir: string): ShippedSchema[] {
  const read = (file: string): object => JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as object;
  const out: ShippedSchema[] = [];
  const files = readdirSync(schemasDir)
    .filter((f) => f.endsWith('.schema.json') && f !== STATE_SCHEMA_FILE && !NOT_VALIDATED_BY_HL.has(f))
    .sort();
  for (const file of files) out.push({ name: file, profile: SCHEMA_PROFILE, schema: read(file) });
  out.push({ name: 'policy.schema.json#/definitions/rule (POLICY_RULE_SCHEMA)', profile: SCHEMA_PROFILE, schema: POLICY_RULE_SCHEMA });
  const variants = stateSchemaVariants(read(STATE_SCHEMA_FILE));
  for (const [variant, schema] of Object.entries(variants)) {
    if (schema) out.push({ name: `${STATE_SCHEMA_FILE} (${variant})`, profile: STATE_SCHEMA_PROFILE, schema });
  }
  return out;
}

/** Compiles a shipped schema as hl does at run time; `extra` ajv options go on top. */
export function compileShipped(
  entry: ShippedSchema,
  extra: Options = {},
): { ajv: ReturnType<typeof newSchemaCompiler>; validate: ValidateFunction } {
  const ajv = entry.profile === STATE_SCHEMA_PROFILE ? newStateSchemaCompiler(extra) : newSchemaCompiler(schemaDraft(entry.schema), extra);
  return { ajv, validate: ajv.compile(entry.schema) };
}
