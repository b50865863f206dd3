/**
 * Modules (issue 20): a `modules:` call expands into instances whose resources carry the
 * module path in their addresses; variables come from the call's inputs, outputs are read as
 * module.NAME.OUTPUT, and problems inside a module say through which module block they were
 * reached.
 */
import { describe, expect, it } from 'vitest';
import type { ConfigFile } from '../../src/config/config-types.js';
import { projectFromFiles } from '../../src/engine/project.js';
import { makeHarness } from '../support/engine-harness.js';

const MODULE = `
variables:
  name: { type: string }
  size: { type: number, default: 1 }
locals:
  full: "node-\${var.name}"
resources:
  fake_resource.this:
    name: "\${local.full}"
    size: "\${var.size}"
  fake_resource.peer:
    name: "\${fake_resource.this.name}-peer"
    value: "\${fake_resource.this.id}"
outputs:
  id: { value: "\${fake_resource.this.id}" }
  name: { value: "\${fake_resource.this.name}" }
`;

function files(root: string, module = MODULE, extra: ConfigFile[] = []): ConfigFile[] {
  return [{ path: 'main.yaml', text: root }, { path: 'modules/node/main.yaml', text: module, module: 'modules/node' }, ...extra];
}

const ROOT = `
locals:
  nodes: { a: 2, b: 3 }
modules:
  node:
    source: ./modules/node
    for_each: "\${local.nodes}"
    name: "\${each.key}"
    size: "\${each.value}"
resources:
  fake_resource.summary:
    name: summary
    value: "\${[for k, n in module.node : n.name]}"
outputs:
  ids: { value: "\${{ for k, n in module.node : k => n.id }}" }
`;

async function diagnosticsOf(f: ConfigFile[]): Promise<string[]> {
  const r = await projectFromFiles(f, '/tmp', { vars: [], varFiles: [], env: {} });
  return r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.location ? `${d.location.file}:${d.location.line}:${d.location.col}: ` : ''}${d.summary}${d.detail ? ` | ${d.detail}` : ''}`);
}

describe('module expansion', () => {
  it('plans every instance under its module address, in dependency order, and applies it', async () => {
    const h = makeHarness();
    const { plan } = await h.plan(files(ROOT));
    expect(plan.changes.map((c) => [c.address, c.action, c.module ?? ''])).toEqual([
      ['module.node["a"].fake_resource.this', 'create', 'module.node["a"]'],
      ['module.node["b"].fake_resource.this', 'create', 'module.node["b"]'],
      ['module.node["a"].fake_resource.peer', 'create', 'module.node["a"]'],
      ['module.node["b"].fake_resource.peer', 'create', 'module.node["b"]'],
      ['fake_resource.summary', 'create', ''],
    ]);
    const a = plan.changes.find((c) => c.address === 'module.node["a"].fake_resource.this')!;
    expect(a.after).toMatchObject({ name: 'node-a', size: 2 });
    expect(plan.changes.find((c) => c.address === 'fake_resource.summary')!.dependencies).toEqual([
      'module.node["a"].fake_resource.this',
      'module.node["b"].fake_resource.this',
    ]);
    expect(plan.changes.find((c) => c.address === 'module.node["b"].fake_resource.peer')!.dependencies).toEqual([
      'module.node["b"].fake_resource.this',
    ]);

    const applied = await h.apply(files(ROOT));
    expect(applied.counts.added).toBe(5);
    const state = applied.store.listResources();
    const peer = state.find((r) => r.address === 'module.node["b"].fake_resource.peer')!;
    const self = state.find((r) => r.address === 'module.node["b"].fake_resource.this')!;
    expect(peer.module).toBe('module.node["b"]');
    expect(peer.attributes['value']).toBe(self.id);
    expect(state.find((r) => r.address === 'fake_resource.summary')!.attributes['value']).toEqual(['node-a', 'node-b']);
    expect(applied.store.state.outputs['ids']!.value).toEqual({ a: state.find((r) => r.address === 'module.node["a"].fake_resource.this')!.id, b: self.id });

    const again = await h.plan(files(ROOT));
    expect(again.plan.hasChanges).toBe(false);
  });

  it('removing a for_each key plans the delete of that instance only', async () => {
    const h = makeHarness();
    await h.apply(files(ROOT));
    const { plan } = await h.plan(files(ROOT.replace('{ a: 2, b: 3 }', '{ a: 2 }')));
    expect(plan.changes.filter((c) => c.action !== 'no-op').map((c) => [c.address, c.action])).toEqual([
      ['fake_resource.summary', 'update'],
      ['module.node["b"].fake_resource.peer', 'delete'],
      ['module.node["b"].fake_resource.this', 'delete'],
    ]);
  });

  it('a module without count or for_each is one instance, and nested modules compose paths', async () => {
    const inner = `
variables:
  n: { type: string }
resources:
  fake_resource.leaf: { name: "leaf-\${var.n}" }
outputs:
  leaf: { value: "\${fake_resource.leaf.name}" }
`;
    const outer = `
variables:
  n: { type: string }
modules:
  inner: { source: ../inner, count: 2, n: "\${var.n}-\${count.index}" }
outputs:
  leaves: { value: "\${[for m in module.inner : m.leaf]}" }
`;
    const root = `
modules:
  outer: { source: ./modules/outer, n: x }
outputs:
  leaves: { value: "\${module.outer.leaves}" }
`;
    const h = makeHarness();
    const r = await h.apply([
      { path: 'main.yaml', text: root },
      { path: 'modules/outer/main.yaml', text: outer, module: 'modules/outer' },
      { path: 'modules/inner/main.yaml', text: inner, module: 'modules/inner' },
    ]);
    expect(r.plan.changes.map((c) => c.address)).toEqual([
      'module.outer.module.inner[0].fake_resource.leaf',
      'module.outer.module.inner[1].fake_resource.leaf',
    ]);
    expect(r.store.state.outputs['leaves']!.value).toEqual(['leaf-x-0', 'leaf-x-1']);
  });

  it('reports mistakes inside a module at the module file, with the module block it was reached through', async () => {
    const bad = MODULE.replace('"${local.full}"', '"${local.fulll}"');
    const errors = await diagnosticsOf(files(ROOT, bad));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^modules\/node\/main\.yaml:9:\d+: Reference to undeclared local value "fulll"/);
    expect(errors[0]).toContain('Did you mean "local.full"?');
    expect(errors[0]).toContain('In module.node["a"] (module block at main.yaml:5:3).');
  });

  it('checks the inputs of a module block against the variables it declares', async () => {
    const errors = await diagnosticsOf(files(ROOT.replace('    name: "${each.key}"\n', '    nmae: "${each.key}"\n')));
    expect(errors).toEqual([
      'main.yaml:5:3: Missing required input "name" in module.node | The module declares variable "name" without a default at modules/node/main.yaml:3:3; set name: ... in the module block.',
      'main.yaml:8:5: Unsupported input "nmae" in module.node: the module at ./modules/node declares no variable "nmae" | Did you mean "name"?',
    ]);
  });

  it('converts inputs to the variable type and says which instance got a wrong one', async () => {
    const errors = await diagnosticsOf(files(ROOT.replace('nodes: { a: 2, b: 3 }', 'nodes: { a: 2, b: [3] }')));
    expect(errors).toEqual([
      'main.yaml:9:11: Invalid value for input "size" of module.node["b"]: must be a number, got a list | The module declares it with type number at modules/node/main.yaml:4:3.',
    ]);
  });

  it('finds a dependency cycle through a module and prints it', async () => {
    const root = ROOT.replace('    size: "${each.value}"', '    size: "${length(fake_resource.summary.name)}"');
    const errors = await diagnosticsOf(files(root));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Dependency cycle:');
    expect(errors[0]).toContain('module.node["a"].var.size');
    expect(errors[0]).toContain('fake_resource.summary');
  });

  it('refuses a module that calls itself', async () => {
    const selfCalling = `${MODULE}modules:\n  again: { source: ., name: x }\n`;
    const errors = await diagnosticsOf(files(ROOT, selfCalling));
    expect(errors[0]).toMatch(/^modules\/node\/main\.yaml:\d+:\d+: Module cycle: modules\/node -> modules\/node/);
  });

  it('keeps provider blocks, policies, checks and refactoring blocks in the root config', async () => {
    const errors = await diagnosticsOf(files(ROOT, `${MODULE}providers:\n  fake: {}\n`));
    expect(errors[0]).toMatch(/^modules\/node\/main\.yaml:\d+:1: A module cannot configure providers/);
    const moved = await diagnosticsOf(files(ROOT, `${MODULE}moved:\n  - { from: fake_resource.a, to: fake_resource.b }\n`));
    expect(moved[0]).toMatch(/^modules\/node\/main\.yaml:\d+:1: "moved" belongs in the root config, not in a module/);
  });

  it('moved blocks carry flat resources into module instances and back out, without a create or destroy', async () => {
    const flat = `
resources:
  fake_resource.n:
    for_each: [a, b]
    name: "node-\${each.key}"
`;
    const mod = `
variables:
  name: { type: string }
resources:
  fake_resource.this: { name: "node-\${var.name}" }
`;
    const intoModule = `
modules:
  node: { source: ./modules/node, for_each: [a, b], name: "\${each.key}" }
moved:
  - { from: 'fake_resource.n["a"]', to: 'module.node["a"].fake_resource.this' }
  - { from: 'fake_resource.n["b"]', to: 'module.node["b"].fake_resource.this' }
`;
    const h = makeHarness();
    const first = await h.apply(flat);
    const ids = first.store.listResources().map((r) => r.id);
    const tree = (root: string): ConfigFile[] => [{ path: 'main.yaml', text: root }, { path: 'modules/node/main.yaml', text: mod, module: 'modules/node' }];

    const { plan } = await h.plan(tree(intoModule));
    expect(plan.changes.map((c) => [c.address, c.action, c.previousAddress])).toEqual([
      ['module.node["a"].fake_resource.this', 'no-op', 'fake_resource.n["a"]'],
      ['module.node["b"].fake_resource.this', 'no-op', 'fake_resource.n["b"]'],
    ]);
    const moved = await h.apply(tree(intoModule));
    const state = moved.store.listResources();
    expect(state.map((r) => [r.address, r.module, r.id])).toEqual([
      ['module.node["a"].fake_resource.this', 'module.node["a"]', ids[0]],
      ['module.node["b"].fake_resource.this', 'module.node["b"]', ids[1]],
    ]);
    expect((await h.plan(tree(intoModule))).plan.hasChanges).toBe(false);

    const backOut = `${flat}moved:\n  - { from: 'module.node["a"].fake_resource.this', to: 'fake_resource.n["a"]' }\n  - { from: 'module.node["b"].fake_resource.this', to: 'fake_resource.n["b"]' }\n`;
    const out = await h.apply(backOut);
    expect(out.store.listResources().map((r) => [r.address, r.module, r.id])).toEqual([
      ['fake_resource.n["a"]', undefined, ids[0]],
      ['fake_resource.n["b"]', undefined, ids[1]],
    ]);
  });

  it('an object moved into a module instance the config does not declare is planned for destroy there', async () => {
    const h = makeHarness();
    await h.apply('resources:\n  fake_resource.old: { name: old }\n');
    const { plan } = await h.plan("moved:\n  - { from: fake_resource.old, to: 'module.gone[\"a\"].fake_resource.this' }\n");
    expect(plan.changes.map((c) => [c.address, c.block, c.module, c.action, c.previousAddress])).toEqual([
      ['module.gone["a"].fake_resource.this', 'module.gone["a"].fake_resource.this', 'module.gone["a"]', 'delete', 'fake_resource.old'],
    ]);
  });
});
