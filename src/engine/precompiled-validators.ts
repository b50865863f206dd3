/**
 * Validators compiled at build time (scripts/precompile-schemas.ts): ajv's standalone code
 * for each schema hl ships, so that validating needs neither ajv's compiler nor the time
 * it takes to compile.
 *
 * The build writes them as CommonJS modules into `dist/schemas/precompiled/`: one per
 * validator, named by its key, and `index.cjs` mapping each key to a function that loads
 * it. A key stands for exactly one schema compiled with one set of ajv options (a
 * profile): the SHA-256 of the profile's name and the schema's JSON. A schema edited
 * after the build, or one built at run time (tests, the fake provider), has no
 * validator here and is compiled as before.
 *
 * Beside each validator the build writes V8's code cache for it (`<key>.v8-cache`, made after
 * one run of the validator, so it holds the compiled validator and not only its outline);
 * a validator with one is run from its source with that cache (node:vm), which spares the
 * compilation V8 would otherwise do on every start: these are the largest code `hl validate`
 * runs once. A cache V8 refuses (another Node, other V8 flags) costs nothing but that saving.
 *
 * The index is found beside this module's build output (dist/src/engine/ →
 * dist/schemas/precompiled/) on first lookup; running from the TypeScript sources there is
 * none, and everything is compiled at run time. The engine hands `precompiledValidator` to
 * parsing, planning and the state store (a `PrecompiledValidators` lookup); they never look
 * on disk themselves.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import type { SchemaValidateFunction } from '../schema/precompiled-validators.js';

export type { SchemaValidateFunction } from '../schema/precompiled-validators.js';

/** The directory the build writes, relative to `dist/` ('/'-separated), and its index file. */
export const PRECOMPILED_DIRECTORY = 'schemas/precompiled';
export const PRECOMPILED_INDEX_FILE = 'index.cjs';
/** What the build appends to a validator's key to name the file of its V8 code cache. */
export const CODE_CACHE_SUFFIX = '.v8-cache';

/** The key of `schema` compiled with the ajv options named `profile`. */
export function precompiledKey(profile: string, schema: object): string {
  return createHash('sha256')
    .update(`${profile}\n${JSON.stringify(schema)}`)
    .digest('hex')
    .slice(0, 32);
}

type PrecompiledIndex = Record<string, () => SchemaValidateFunction>;

/** undefined: not looked for yet; null: there is none. */
let index: PrecompiledIndex | null | undefined;
/** The directory the index was found in. */
let indexDirectory = '';
/** Where to look instead of beside this module (tests); null: nowhere. */
let directoryOverride: string | null | undefined;
/** Lookups so far, per profile, by schema object (a miss is null). */
let found = new Map<string, WeakMap<object, SchemaValidateFunction | null>>();

/** The build's validator for `schema` compiled with the `profile` options, if it has one. */
export function precompiledValidator(profile: string, schema: object): SchemaValidateFunction | undefined {
  let perProfile = found.get(profile);
  if (!perProfile) found.set(profile, (perProfile = new WeakMap()));
  let validate = perProfile.get(schema);
  if (validate === undefined) {
    const loaded = loadIndex();
    const key = loaded ? precompiledKey(profile, schema) : '';
    validate = loaded && Object.hasOwn(loaded, key) ? loadValidator(indexDirectory, key, loaded[key]!) : null;
    perProfile.set(schema, validate);
  }
  return validate ?? undefined;
}

/**
 * For tests: look for the index in `directory` (a build's `dist/schemas/precompiled`), or
 * nowhere (null: compile everything at run time), or where hl does (undefined).
 */
export function setPrecompiledDirectory(directory: string | null | undefined): void {
  directoryOverride = directory;
  index = undefined;
  found = new Map();
}

function loadIndex(): PrecompiledIndex | null {
  if (index !== undefined) return index;
  const directory =
    directoryOverride === undefined ? fileURLToPath(new URL(`../../${PRECOMPILED_DIRECTORY}/`, import.meta.url)) : directoryOverride;
  const file = directory === null ? undefined : join(directory, PRECOMPILED_INDEX_FILE);
  index = file !== undefined && existsSync(file) ? (createRequire(import.meta.url)(file) as PrecompiledIndex) : null;
  indexDirectory = directory ?? '';
  return index;
}

/** The validator `key` of `directory`: run with its code cache when the build wrote one, else required. */
function loadValidator(directory: string, key: string, load: () => SchemaValidateFunction): SchemaValidateFunction {
  const cache = join(directory, `${key}${CODE_CACHE_SUFFIX}`);
  if (!existsSync(cache)) return load();
  return runValidatorModule(join(directory, `${key}.cjs`), readFileSync(cache)).validate;
}

/**
 * Runs the CommonJS validator module `file` as `require` would (same wrapper, its own
 * `require`), compiled with `cachedData` when given and accepted; the script is returned so
 * that the build can make the cache from it.
 */
export function runValidatorModule(file: string, cachedData?: Buffer): { validate: SchemaValidateFunction; script: Script } {
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  const script = new Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: { exports: unknown }, f: string, d: string) => void;
  run(module.exports, createRequire(file), module, file, dirname(file));
  return { validate: module.exports as SchemaValidateFunction, script };
}
