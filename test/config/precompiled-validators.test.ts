/**
 * The build's precompiled validators (dist/schemas/precompiled, written by
 * scripts/precompile-schemas.ts) against the same schemas compiled at run time:
 *
 * - each precompiled validator gives the same verdict and the same errors as ajv's
 *   run-time compilation, on values built from its schema (schema-samples.ts) and on the
 *   example configs; errors are compared by content (precompiled code reports copies of
 *   the schema objects);
 * - every schema hl validates with at run time has a precompiled validator, so a schema
 *   edited without a rebuild is caught (`npm test` builds first);
 * - the build recipe also handles `format` (ajv-formats), which no shipped schema uses yet.
 *
 * Without a build (running the tests on the sources alone) these are skipped.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorObject } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { CONFIG_SCHEMA } from '../../src/config/config-schema.js';
import {
  CODE_CACHE_SUFFIX,
  PRECOMPILED_INDEX_FILE,
  precompiledKey,
  precompiledValidator,
  runValidatorModule,
  setPrecompiledDirectory,
  type SchemaValidateFunction,
} from '../../src/engine/precompiled-validators.js';
import { newSchemaCompiler, SCHEMA_PROFILE } from '../../src/schema/schema-compile.js';
import { builtinProviders } from '../../src/cli/builtin-registries.js';
import { POLICY_FILE_SCHEMA, POLICY_RULE_SCHEMA } from '../../src/policy/policy-schema.js';
import { findStateSchemaFile, STATE_SCHEMA_PROFILE, stateSchemaVariants } from '../../src/state/state-schema.js';
import { compileShipped, shippedSchemas } from '../../scripts/shipped-schemas.js';
import { PRECOMPILED_DIST_DIR, precompiledIndexOrSkip, SCHEMAS_DIR } from './precompiled-build.js';
import { schemaSamples } from './schema-samples.js';

const standaloneCode = standaloneModule as unknown as typeof standaloneModule.default;

const shipped = shippedSchemas(SCHEMAS_DIR);

/** An error without object identity: what messages are made of. */
function comparable(e: ErrorObject): unknown {
  return {
    instancePath: e.instancePath,
    schemaPath: e.schemaPath,
    keyword: e.keyword,
    params: e.params,
    message: e.message,
    propertyName: e.propertyName,
    schema: e.schema,
    parentSchema: e.parentSchema,
    data: e.data,
  };
}

/** Runs both validators on each value; the number of valid and invalid values. */
function expectSameResults(precompiled: SchemaValidateFunction, runtime: SchemaValidateFunction, values: unknown[]): { valid: number; invalid: number } {
  let valid = 0;
  for (const value of values) {
    const verdict = runtime(value);
    expect(precompiled(value), JSON.stringify(value)).toBe(verdict);
    expect((precompiled.errors ?? []).map(comparable), JSON.stringify(value)).toEqual((runtime.errors ?? []).map(comparable));
    if (verdict) valid++;
  }
  return { valid, invalid: values.length - valid };
}

function exampleConfigs(): unknown[] {
  const dir = join(SCHEMAS_DIR, '..', 'examples');
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => YAML.parse(readFileSync(join(dir, f), 'utf8')) as unknown);
}

describe('precompiled validators', () => {
  it('are exactly the shipped schemas', (ctx) => {
    const index = precompiledIndexOrSkip(ctx);
    const keys = new Set(shipped.map((s) => precompiledKey(s.profile, s.schema)));
    expect(Object.keys(index).sort()).toEqual([...keys].sort());
  });

  for (const entry of shipped) {
    it(`${entry.name} [${entry.profile}]: same results as run-time compilation`, (ctx) => {
      const index = precompiledIndexOrSkip(ctx);
      const load = index[precompiledKey(entry.profile, entry.schema)];
      expect(load, `${entry.name} is not precompiled: rebuild`).toBeDefined();
      const values: unknown[] = schemaSamples(entry.schema);
      if (entry.name === 'config-shape.schema.json') values.push(...exampleConfigs());
      const counts = expectSameResults(load!(), compileShipped(entry).validate, values);
      expect(counts.valid, 'no valid sample: teach schema-samples.ts a value').toBeGreaterThan(0);
      expect(counts.invalid).toBeGreaterThan(0);
    });
  }
});

describe('precompiled validators as hl loads them (with their V8 code caches)', () => {
  afterAll(() => setPrecompiledDirectory(undefined));

  it('each has a code cache beside it, which V8 takes in the Node that built it', (ctx) => {
    const index = precompiledIndexOrSkip(ctx);
    for (const key of Object.keys(index)) {
      const cache = join(PRECOMPILED_DIST_DIR, `${key}${CODE_CACHE_SUFFIX}`);
      expect(existsSync(cache), key).toBe(true);
      // the build runs on this Node without V8 flags; vitest's workers may run with some, so V8's verdict is not asserted
      const { validate } = runValidatorModule(join(PRECOMPILED_DIST_DIR, `${key}.cjs`), readFileSync(cache));
      expect(typeof validate).toBe('function');
    }
  });

  for (const entry of shipped.filter((e) => ['config-shape.schema.json', 'proxmox_vm.schema.json'].includes(e.name))) {
    it(`${entry.name}: same results through precompiledValidator as run-time compilation`, (ctx) => {
      precompiledIndexOrSkip(ctx);
      setPrecompiledDirectory(PRECOMPILED_DIST_DIR);
      const validate = precompiledValidator(entry.profile, entry.schema);
      expect(validate).toBeDefined();
      const values: unknown[] = schemaSamples(entry.schema);
      if (entry.name === 'config-shape.schema.json') values.push(...exampleConfigs());
      expectSameResults(validate!, compileShipped(entry).validate, values);
    });
  }

  it('a code cache V8 refuses (another Node, a damaged file) leaves the validator as it is', (ctx) => {
    const index = precompiledIndexOrSkip(ctx);
    const dir = mkdtempSync(join(tmpdir(), 'hl-precompiled-'));
    try {
      const entry = shipped.find((e) => e.name === 'config-shape.schema.json')!;
      const key = precompiledKey(entry.profile, entry.schema);
      expect(Object.hasOwn(index, key)).toBe(true);
      for (const f of [PRECOMPILED_INDEX_FILE, `${key}.cjs`]) copyFileSync(join(PRECOMPILED_DIST_DIR, f), join(dir, f));
      // the validator requires ajv's runtime helpers
      symlinkSync(join(SCHEMAS_DIR, '..', 'node_modules'), join(dir, 'node_modules'), 'dir');
      writeFileSync(join(dir, `${key}${CODE_CACHE_SUFFIX}`), 'not a code cache');
      const { script } = runValidatorModule(join(dir, `${key}.cjs`), readFileSync(join(dir, `${key}${CODE_CACHE_SUFFIX}`)));
      expect(script.cachedDataRejected).toBe(true);
      setPrecompiledDirectory(dir);
      const validate = precompiledValidator(entry.profile, entry.schema);
      expect(validate).toBeDefined();
      expectSameResults(validate!, compileShipped(entry).validate, [...schemaSamples(entry.schema), ...exampleConfigs()]);
    } finally {
      setPrecompiledDirectory(undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('every schema validated at run time', () => {
  async function runtimeSchemas(): Promise<{ name: string; profile: string; schema: object }[]> {
    const out = [
      { name: 'CONFIG_SCHEMA', profile: SCHEMA_PROFILE, schema: CONFIG_SCHEMA },
      { name: 'POLICY_FILE_SCHEMA', profile: SCHEMA_PROFILE, schema: POLICY_FILE_SCHEMA },
      { name: 'POLICY_RULE_SCHEMA', profile: SCHEMA_PROFILE, schema: POLICY_RULE_SCHEMA },
    ];
    const registry = builtinProviders();
    // The fake provider (tests only) builds its schemas in code: compiled at run time.
    for (const type of registry.types().filter((t) => t !== 'fake')) {
      const schema = (await registry.load(type))!.create().getSchema();
      out.push({ name: `provider ${type}`, profile: SCHEMA_PROFILE, schema: schema.providerJsonSchema });
      for (const [name, r] of Object.entries({ ...schema.resources, ...schema.dataSources })) out.push({ name, profile: SCHEMA_PROFILE, schema: r.jsonSchema });
    }
    const state = JSON.parse(readFileSync(findStateSchemaFile(), 'utf8')) as object;
    for (const [variant, schema] of Object.entries(stateSchemaVariants(state))) if (schema) out.push({ name: `state (${variant})`, profile: STATE_SCHEMA_PROFILE, schema });
    return out;
  }

  it('has a precompiled validator (a schema edited since the build needs a rebuild)', async (ctx) => {
    const index = precompiledIndexOrSkip(ctx);
    const schemas = await runtimeSchemas();
    expect(schemas.length).toBeGreaterThan(20);
    const missing = schemas.filter((s) => !Object.hasOwn(index, precompiledKey(s.profile, s.schema))).map((s) => s.name);
    expect(missing, 'no precompiled validator (run "npm run build")').toEqual([]);
  });
});

/** Runs a standalone module's code as CommonJS, resolving its requires from here. */
function loadStandalone(code: string): SchemaValidateFunction {
  const module = { exports: {} as unknown };
  new Function('module', 'exports', 'require', code)(module, module.exports, createRequire(import.meta.url));
  return module.exports as SchemaValidateFunction;
}

describe('the build recipe', () => {
  it('precompiles formats, string lengths and uniqueness like run-time compilation', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        ip: { type: 'string', format: 'ipv4' },
        url: { type: 'string', format: 'uri' },
        name: { type: 'string', minLength: 2, maxLength: 4 },
        tags: { type: 'array', uniqueItems: true },
      },
    };
    const ajv = newSchemaCompiler('draft-07', { code: { source: true } });
    const code = standaloneCode(ajv, ajv.compile(schema));
    expect(code).toContain('require("ajv-formats/dist/formats")');
    const precompiled = loadStandalone(code);
    const runtime = newSchemaCompiler('draft-07').compile(schema);
    const values = [
      { ip: '10.0.0.1', url: 'https://example.com/x', name: 'ab', tags: ['a', 'b'] },
      { ip: '10.0.0.300', url: 'not a uri', name: '😀', tags: ['a', 'a'] },
      { name: 'abcde' },
    ];
    const counts = expectSameResults(precompiled, runtime, values);
    expect(counts).toEqual({ valid: 1, invalid: 2 });
  });
});
