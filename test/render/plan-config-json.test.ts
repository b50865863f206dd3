/**
 * The Terraform fields of `hl show --json` beyond the changes: `configuration` (resources,
 * expressions with references, module calls with their module inside, providers),
 * `relevant_attributes`, `prior_state` with child modules, and `timestamp`, which the plan
 * file carries (the planner records the time the engine gives it).
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { ConfigFile } from '../../src/config/config-types.js';
import { configTreeOf } from '../../src/engine/show-operation.js';
import { decodePlan, encodePlan } from '../../src/plan/plan-codec.js';
import { planToShowJson } from '../../src/render/plan-json.js';
import { change, makePlan } from './plan-fixtures.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/plan-json.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

const FILES: ConfigFile[] = [
  {
    path: 'cfg/homelab.yaml',
    text: `
providers:
  kuma.pve: { url: "\${var.kuma_url}", password: hunter2-inline }
variables:
  kuma_url: { type: string, default: "http://kuma" }
  token: { type: string, sensitive: true, default: sekrit-default }
resources:
  fake_resource.base: { name: base, value: 1, tags: [a, b] }
  fake_resource.app:
    count: 2
    name: "app-\${count.index}"
    value: "\${fake_resource.base.value}"
    description: "\${fake_resource.base.tags[0]}"
    secret: inline-secret-constant
    depends_on: [fake_resource.base]
modules:
  node:
    source: ./modules/node
    for_each: { pve: 1, piglet: 2 }
    providers: { kuma.primary: kuma.pve }
    vmid: "\${each.value}"
    base: "\${fake_resource.base.id}"
outputs:
  base_id: { value: "\${fake_resource.base.id}", description: the base }
`,
  },
  {
    path: 'cfg/modules/node/main.yaml',
    module: 'cfg/modules/node',
    text: `
variables:
  vmid: { type: number }
  base: { type: string }
resources:
  fake_resource.vm: { name: "vm-\${var.vmid}", value: "\${var.vmid}", description: "\${var.base}" }
  kuma_monitor.api: { provider: kuma.primary, name: "api-\${var.vmid}", ref: "\${fake_resource.vm.id}" }
modules:
  disk:
    source: ../disk
    size: "\${fake_resource.vm.value}"
`,
  },
  {
    path: 'cfg/modules/disk/main.yaml',
    module: 'cfg/modules/disk',
    text: `
variables:
  size: { type: number }
resources:
  fake_resource.disk: { name: disk, value: "\${var.size}" }
`,
  },
];

function tree() {
  const t = configTreeOf(FILES);
  if (!t) throw new Error('the test config does not parse');
  return t;
}

/** A change of a resource inside a module instance. */
function inModule(module: string, address: string, ...rest: Parameters<typeof change> extends [unknown, ...infer R] ? R : never) {
  const c = change(address, ...rest);
  return { ...c, address: `${module}.${address}`, block: `${module}.${c.block}`, module };
}

function plan() {
  return makePlan({
    changes: [
      change('fake_resource.base', 'no-op', { id: 'b1', name: 'base', value: 1 }, { id: 'b1', name: 'base', value: 1 }),
      change('fake_resource.app[0]', 'create', null, { name: 'app-0', value: 1, secret: null }, { afterSensitive: [['secret']] }),
      inModule('module.node["pve"]', 'fake_resource.vm', 'update', { id: 'v1', value: 0 }, { id: 'v1', value: 1 }),
      inModule('module.node["pve"]', 'kuma_monitor.api', 'create', null, { name: 'api-1' }),
      inModule('module.node["pve"].module.disk', 'fake_resource.disk', 'update', { id: 'd1', value: 0 }, { id: 'd1', value: 1 }),
    ],
  });
}

describe('show --json configuration, from the config the plan carries', () => {
  const doc = planToShowJson(plan(), 'x', { config: tree() });
  const root = doc.configuration!.root_module;

  it('is valid against the schema', () => {
    expect(validate(JSON.parse(JSON.stringify(doc))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('lists resources with constants, references as Terraform lists them, count and depends_on', () => {
    expect(root.resources.map((r) => r.address)).toEqual(['fake_resource.base', 'fake_resource.app']);
    expect(root.resources[0]).toEqual({
      address: 'fake_resource.base',
      mode: 'managed',
      type: 'fake_resource',
      name: 'base',
      provider_config_key: 'fake',
      expressions: { name: { constant_value: 'base' }, value: { constant_value: 1 }, tags: { constant_value: ['a', 'b'] } },
      schema_version: 0,
    });
    const app = root.resources[1]!;
    expect(app.count_expression).toEqual({ constant_value: 2 });
    expect(app.depends_on).toEqual(['fake_resource.base']);
    expect(app.expressions['name']).toEqual({ references: ['count.index'] });
    expect(app.expressions['value']).toEqual({ references: ['fake_resource.base.value', 'fake_resource.base'] });
    expect(app.expressions['description']).toEqual({ references: ['fake_resource.base.tags[0]', 'fake_resource.base'] });
    // an attribute the plan marks sensitive keeps its key but not its constant
    expect(app.expressions['secret']).toEqual({});
  });

  it('has module calls with source, inputs, for_each and the called module inside, nested', () => {
    const node = root.module_calls!['node']!;
    expect(node.source).toBe('./modules/node');
    expect(node.for_each_expression).toEqual({ constant_value: { pve: 1, piglet: 2 } });
    expect(node.expressions).toEqual({
      base: { references: ['fake_resource.base.id', 'fake_resource.base'] },
      vmid: { references: ['each.value'] },
    });
    expect(node.module.resources.map((r) => [r.address, r.provider_config_key])).toEqual([
      ['fake_resource.vm', 'fake'],
      // kuma.primary inside the module is the caller's kuma.pve
      ['kuma_monitor.api', 'kuma.pve'],
    ]);
    expect(node.module.variables).toEqual({ base: {}, vmid: {} });
    const disk = node.module.module_calls!['disk']!;
    expect(disk.source).toBe('../disk');
    expect(disk.expressions).toEqual({ size: { references: ['fake_resource.vm.value', 'fake_resource.vm'] } });
    expect(disk.module.resources[0]!.expressions['value']).toEqual({ references: ['var.size'] });
  });

  it('has the providers, with references but no constants, and outputs and variables without secrets', () => {
    expect(doc.configuration!.provider_config).toEqual({
      fake: { name: 'fake', full_name: 'fake' },
      'kuma.pve': { name: 'kuma', full_name: 'kuma', alias: 'pve', expressions: { url: { references: ['var.kuma_url'] } } },
    });
    expect(root.outputs).toEqual({ base_id: { expression: { references: ['fake_resource.base.id', 'fake_resource.base'] }, description: 'the base' } });
    expect(root.variables).toEqual({ kuma_url: { default: 'http://kuma' }, token: { sensitive: true } });
    const text = JSON.stringify(doc);
    for (const secret of ['hunter2-inline', 'sekrit-default', 'inline-secret-constant']) expect(text).not.toContain(secret);
  });

  it('has relevant_attributes: what the changed resources read, within their module instance', () => {
    expect(doc.relevant_attributes).toEqual([
      { resource: 'fake_resource.base', attribute: ['tags', 0] },
      { resource: 'fake_resource.base', attribute: ['value'] },
      { resource: 'module.node["pve"].fake_resource.vm', attribute: ['id'] },
    ]);
  });

  it('is left out when the config is not known (plan --json)', () => {
    const bare = planToShowJson(plan(), 'x');
    expect(bare).not.toHaveProperty('configuration');
    expect(bare).not.toHaveProperty('relevant_attributes');
  });
});

describe('show --json prior_state and timestamp', () => {
  it('has the prior state in the state-values shape, module instances as child modules', () => {
    const doc = planToShowJson(plan(), 'x');
    const prior = doc.prior_state.values.root_module;
    expect(prior.resources.map((r) => r.address)).toEqual(['fake_resource.base']);
    expect(prior.child_modules!.map((m) => m.address)).toEqual(['module.node["pve"]']);
    const pve = prior.child_modules![0]!;
    expect(pve.resources.map((r) => [r.address, r.values])).toEqual([['module.node["pve"].fake_resource.vm', { id: 'v1', value: 0 }]]);
    expect(pve.child_modules!.map((m) => [m.address, m.resources.map((r) => r.address)])).toEqual([
      ['module.node["pve"].module.disk', ['module.node["pve"].module.disk.fake_resource.disk']],
    ]);
    expect(doc.prior_state.terraform_version).toBe(doc.terraform_version);
  });

  it('prints the time the plan file records, the same every time it is read', () => {
    const made = { ...plan(), createdAt: '2026-01-02T03:04:05.678Z' };
    const text = encodePlan(made);
    expect(JSON.parse(text)).toMatchObject({ createdAt: '2026-01-02T03:04:05.678Z' });
    const once = planToShowJson(decodePlan(text, 'p').plan!, 'x');
    const again = planToShowJson(decodePlan(text, 'p').plan!, 'x', { timestamp: '1999-01-01T00:00:00Z' });
    expect(once.timestamp).toBe('2026-01-02T03:04:05.678Z');
    expect(again.timestamp).toBe(once.timestamp);
  });

  it('refuses a plan file whose createdAt is not a string', () => {
    const text = encodePlan({ ...plan(), createdAt: 5 as unknown as string });
    expect(decodePlan(text, 'p.plan').diagnostics[0]?.summary).toBe('p.plan is a damaged hl plan: required fields are missing');
  });
});
