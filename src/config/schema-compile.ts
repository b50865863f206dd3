/**
 * Compiling JSON Schemas with ajv, once per schema object. Draft-07 by default (what
 * editors' YAML language servers understand best); a schema whose `$schema` names draft
 * 2020-12 gets a 2020-12 compiler. The editor annotations hl's schemas use
 * (`errorMessage`, `patternErrorMessage`, `markdownDescription`, ...) are registered as
 * plain annotations so ajv's strict mode still catches real typos in schemas.
 */
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';

/** ajv-formats is CommonJS; under NodeNext its default import is the plugin itself. */
const addFormats = formatsModule as unknown as typeof formatsModule.default;

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

const OPTIONS: Options = {
  allErrors: true,
  verbose: true, // errors carry parentSchema and data, used to word messages
  strict: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allowUnionTypes: true,
};

let draft07: Ajv | undefined;
let draft2020: Ajv2020 | undefined;
const cache = new WeakMap<object, ValidateFunction>();

/** The validator for a schema object (compiled on first use). A malformed schema is a bug: it throws. */
export function compileSchema(schema: object): ValidateFunction {
  const cached = cache.get(schema);
  if (cached) return cached;
  const ajv = compilerFor(schema);
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id === 'string' && ajv.getSchema(id)) ajv.removeSchema(id);
  const validate = ajv.compile(schema);
  cache.set(schema, validate);
  return validate;
}

function compilerFor(schema: object): Ajv | Ajv2020 {
  const declared = (schema as { $schema?: unknown }).$schema;
  if (typeof declared === 'string' && declared.includes('2020-12')) return (draft2020 ??= configure(new Ajv2020(OPTIONS)));
  return (draft07 ??= configure(new Ajv(OPTIONS)));
}

function configure<T extends Ajv | Ajv2020>(ajv: T): T {
  addFormats(ajv);
  for (const keyword of ANNOTATION_KEYWORDS) ajv.addKeyword({ keyword });
  return ajv;
}
