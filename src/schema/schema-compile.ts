/**
 * Compiling JSON Schemas with ajv, once per schema object. Draft-07 by default (what
 * editors' YAML language servers understand best); a schema whose `$schema` names draft
 * 2020-12 gets a 2020-12 compiler. The editor annotations hl's schemas use
 * (`errorMessage`, `patternErrorMessage`, `markdownDescription`, ...) are registered as
 * plain annotations so ajv's strict mode still catches real typos in schemas.
 *
 * The schemas hl ships are compiled at build time (scripts/precompile-schemas.ts, with
 * `newSchemaCompiler`); the engine passes their validators in (a `PrecompiledValidators`
 * lookup), and ajv's compiler is only loaded (on first use) for a schema without one.
 */
import type { Ajv, Options } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type formatsModule from 'ajv-formats';
import { lazyModule } from '../core/lazy-module.js';
import type { PrecompiledValidators, SchemaValidateFunction } from './precompiled-validators.js';

const loadAjv = lazyModule<typeof import('ajv')>('ajv');
const loadAjv2020 = lazyModule<typeof import('ajv/dist/2020.js')>('ajv/dist/2020.js');
/** ajv-formats is CommonJS: the module is the plugin itself. */
const loadAddFormats = lazyModule<typeof formatsModule.default>('ajv-formats');

/** The name the build gives validators compiled by newSchemaCompiler (see src/engine/precompiled-validators.ts). */
export const SCHEMA_PROFILE = 'config';

/** Annotation keywords of editor tooling (VS Code JSON, yaml-language-server). */
export const ANNOTATION_KEYWORDS = [
  'errorMessage',
  'patternErrorMessage',
  'markdownDescription',
  'deprecationMessage',
  'defaultSnippets',
  'doNotSuggest',
  'suggestSortText',
  'markdownEnumDescriptions',
  'enumDescriptions',
] as const;

export const SCHEMA_OPTIONS: Readonly<Options> = {
  allErrors: true,
  verbose: true, // errors carry parentSchema and data, used to word messages
  strict: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allowUnionTypes: true,
};

export type SchemaDraft = 'draft-07' | '2020-12';

const compilers = new Map<SchemaDraft, Ajv | Ajv2020>();
const cache = new WeakMap<object, SchemaValidateFunction>();

/**
 * The validator for a schema object: the build's, when `precompiled` has one, else compiled
 * on first use. A malformed schema is a bug: it throws.
 */
export function compileSchema(schema: object, precompiled?: PrecompiledValidators): SchemaValidateFunction {
  const built = precompiled?.(SCHEMA_PROFILE, schema);
  if (built) return built;
  const cached = cache.get(schema);
  if (cached) return cached;
  const ajv = compilerFor(schema);
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id === 'string' && ajv.getSchema(id)) ajv.removeSchema(id);
  const validate = ajv.compile(schema);
  cache.set(schema, validate);
  return validate;
}

/** The draft a schema is compiled as: 2020-12 when its `$schema` says so, else draft-07. */
export function schemaDraft(schema: object): SchemaDraft {
  const declared = (schema as { $schema?: unknown }).$schema;
  return typeof declared === 'string' && declared.includes('2020-12') ? '2020-12' : 'draft-07';
}

/** A new ajv instance set up as hl compiles schemas of `draft`; `extra` options go on top (the build adds `code`). */
export function newSchemaCompiler(draft: SchemaDraft, extra: Options = {}): Ajv | Ajv2020 {
  const options = { ...SCHEMA_OPTIONS, ...extra };
  const ajv = draft === '2020-12' ? new (loadAjv2020().Ajv2020)(options) : new (loadAjv().Ajv)(options);
  loadAddFormats()(ajv);
  for (const keyword of ANNOTATION_KEYWORDS) ajv.addKeyword({ keyword });
  return ajv;
}

function compilerFor(schema: object): Ajv | Ajv2020 {
  const draft = schemaDraft(schema);
  let ajv = compilers.get(draft);
  if (!ajv) compilers.set(draft, (ajv = newSchemaCompiler(draft)));
  return ajv;
}
