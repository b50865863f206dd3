/**
 * schemas/config.schema.json, the editor's schema, is what scripts/generate-editor-schema.ts
 * writes from the parser schema and the providers' schemas (so it cannot fall behind them),
 * knows every built-in resource type, data source and provider, and accepts a `${...}`
 * string wherever a value may be given. hl's parser keeps config-shape.schema.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { builtinEditorSchemaText } from '../../scripts/editor-schema.js';
import { builtinProviders } from '../../src/cli/builtin-registries.js';
import { CONFIG_SCHEMA } from '../../src/config/config-schema.js';
import type { ProviderSchema } from '../../src/provider/contract.js';
import { newSchemaCompiler } from '../../src/schema/schema-compile.js';

type Json = Record<string, unknown>;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FILE = join(ROOT, 'schemas', 'config.schema.json');
const EXAMPLES = ['examples/homelab.yaml', 'examples/coral/main.yaml', 'examples/crucible/main.yaml', 'examples/language/main.yaml'];

const editor = JSON.parse(readFileSync(FILE, 'utf8')) as Json;
/** Compiled as hl compiles its schemas (strict), all errors reported. */
const validate = newSchemaCompiler('draft-07', { allErrors: true }).compile(editor);

async function providerSchemas(): Promise<[string, ProviderSchema][]> {
  const registry = builtinProviders();
  const out: [string, ProviderSchema][] = [];
  for (const type of registry.types()) out.push([type, (await registry.load(type))!.create().getSchema()]);
  return out;
}

/** A body setting every property of `jsonSchema` to an expression. */
function allExpressions(jsonSchema: object): Json {
  const props = ((jsonSchema as Json).properties ?? {}) as Json;
  return Object.fromEntries(Object.keys(props).map((k) => [k, `\${var.${k}}`]));
}

describe('config.schema.json (the editor schema)', () => {
  it('is what scripts/generate-editor-schema.ts writes (run `npm run schema:editor` after changing a provider schema)', async () => {
    expect(readFileSync(FILE, 'utf8') === (await builtinEditorSchemaText()), 'schemas/config.schema.json is stale: npm run schema:editor').toBe(true);
  });

  it('is not the schema hl parses with', () => {
    expect((CONFIG_SCHEMA as Json).$comment).not.toEqual(editor.$comment);
    expect(JSON.stringify(CONFIG_SCHEMA)).not.toContain('#/definitions/expression');
  });

  it('accepts the example configs', () => {
    for (const file of EXAMPLES) {
      const ok = validate(YAML.parse(readFileSync(join(ROOT, file), 'utf8')));
      expect(ok ? [] : validate.errors, file).toEqual([]);
    }
  });

  it('knows every resource type, data source and provider block, each attribute set to ${...} accepted', async () => {
    for (const [type, schema] of await providerSchemas()) {
      const config: Json = { providers: { [type]: allExpressions(schema.providerJsonSchema), [`${type}.second`]: {} }, resources: {}, data: {} };
      for (const [t, rts] of Object.entries(schema.resources)) (config.resources as Json)[`${t}.x`] = allExpressions(rts.jsonSchema);
      for (const [t, rts] of Object.entries(schema.dataSources)) (config.data as Json)[`${t}.x`] = allExpressions(rts.jsonSchema);
      // Only keys and values matter here: which settings a block must have (required, if/then, a oneOf of required sets) is the type's own rule.
      const errors = validate(config) ? [] : (validate.errors ?? []).filter((e: { keyword: string }) => !['required', 'if', 'oneOf'].includes(e.keyword));
      expect(errors, type).toEqual([]);
      for (const [t, rts] of Object.entries({ ...schema.resources, ...schema.dataSources })) {
        const props = (rts.jsonSchema as Json).properties as Record<string, Json> | undefined;
        const prefix = t in schema.resources ? 'resource' : 'data';
        const body = (editor.definitions as Record<string, Json>)[`${prefix}_${t}`];
        expect(body, t).toBeDefined();
        for (const [name, p] of Object.entries(props ?? {})) {
          expect((body!.properties as Record<string, Json>)[name]?.description, `${t}.${name}`).toBe(p.description);
        }
      }
    }
  });

  it('accepts ${...} for numbers, booleans, lists, maps, nested objects and list items, and keeps the meta-arguments', () => {
    const config = {
      resources: {
        'proxmox_vm.web': {
          node: 'pve',
          memory: '${var.memory}',
          agent: '${var.agent}',
          tags: ['${var.tag}', 'web'],
          networks: '${local.networks}',
          disks: { scsi0: '${local.disk}' },
          cloud_init: '${local.cloud_init}',
          count: '${var.n}',
          depends_on: ['maas_device.web'],
          lifecycle: { prevent_destroy: true, ignore_changes: ['description'] },
          provider: 'proxmox.second',
        },
        'proxmox_lxc.ct': { node: 'pve', for_each: { a: 1 }, memory: '${each.value}' },
      },
    };
    expect(validate(config) ? [] : validate.errors).toEqual([]);
  });

  it('refuses a misspelt attribute, a wrong type, a nested misspelling, an unknown type and a misspelt provider setting', () => {
    const cases: [string, Json][] = [
      ['memroy', { resources: { 'proxmox_vm.web': { node: 'pve', memroy: 1 } } }],
      ['cores: two', { resources: { 'proxmox_vm.web': { node: 'pve', cores: 'two' } } }],
      ['modle', { resources: { 'proxmox_vm.web': { node: 'pve', networks: { net0: { modle: 'virtio' } } } } }],
      ['proxmox_vmm', { resources: { 'proxmox_vmm.web': { node: 'pve' } } }],
      ['endpiont', { providers: { proxmox: { endpoint: 'https://pve:8006', endpiont: 'https://pve:8006' } } }],
      ['count and for_each', { resources: { 'proxmox_vm.web': { node: 'pve', count: 1, for_each: {} } } }],
      ['lifecycle on data', { data: { 'maas_subnet.lan': { lifecycle: {} } } }],
    ];
    for (const [what, config] of cases) expect(validate(config), what).toBe(false);
  });
});
