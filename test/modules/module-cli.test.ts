/**
 * Module addresses everywhere a user types or reads one (issue 20): the human plan,
 * `--target` of a module instance, `hl state list/show/mv/rm`, the plan JSON's
 * module_address and child_modules, and `hl graph`'s clusters.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHl } from '../support/run-hl.js';

const ROOT = `providers:
  fake: {}
modules:
  node:
    source: ./modules/node
    for_each: [a, b]
    name: "\${each.key}"
resources:
  fake_resource.top: { name: top, value: "\${module.node[\\"a\\"].id}" }
`;
const MODULE = `variables:
  name: { type: string }
resources:
  fake_resource.this: { name: "node-\${var.name}" }
outputs:
  id: { value: "\${fake_resource.this.id}" }
`;

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hl-modules-'));
  mkdirSync(join(dir, 'modules', 'node'), { recursive: true });
  writeFileSync(join(dir, 'homelab.yaml'), ROOT);
  writeFileSync(join(dir, 'modules', 'node', 'main.yaml'), MODULE);
  return dir;
}

describe('module addresses on the command line', () => {
  it('plans, targets, lists, shows, moves and removes resources inside module instances', async () => {
    const dir = project();
    const hl = (...args: string[]) => runHl(args, { cwd: dir });

    const plan = await hl('plan', '-c', 'homelab.yaml');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('# module.node["a"].fake_resource.this will be created');
    expect(plan.stdout).toContain('Plan: 3 to add');

    const targeted = await hl('apply', '-c', 'homelab.yaml', '--auto-approve', '--target', 'module.node["b"]');
    expect(targeted.code, targeted.stderr).toBe(0);
    expect(targeted.stdout).toContain('Resources: 1 added');
    expect((await hl('state', 'list', '-c', 'homelab.yaml')).stdout.trim().split('\n')).toEqual(['module.node["b"].fake_resource.this']);

    const all = await hl('apply', '-c', 'homelab.yaml', '--auto-approve');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('Resources: 2 added');
    const shown = await hl('state', 'show', '-c', 'homelab.yaml', 'module.node["a"].fake_resource.this');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('node-a');

    expect((await hl('plan', '-c', 'homelab.yaml', '--out', 'tfplan')).code).toBe(0);
    const json = await hl('show', '-c', 'homelab.yaml', '--json', 'tfplan');
    const doc = JSON.parse(json.stdout) as {
      resource_changes: { address: string; module_address?: string }[];
      planned_values: { root_module: { resources: { address: string }[]; child_modules?: { address: string; resources: { address: string }[] }[] } };
    };
    expect(doc.resource_changes.find((c) => c.address === 'module.node["a"].fake_resource.this')?.module_address).toBe('module.node["a"]');
    expect(doc.resource_changes.find((c) => c.address === 'fake_resource.top')?.module_address).toBeUndefined();
    expect(doc.planned_values.root_module.resources.map((r) => r.address)).toEqual(['fake_resource.top']);
    expect(doc.planned_values.root_module.child_modules?.map((m) => [m.address, m.resources.map((r) => r.address)])).toEqual([
      ['module.node["a"]', ['module.node["a"].fake_resource.this']],
      ['module.node["b"]', ['module.node["b"].fake_resource.this']],
    ]);

    const graph = await hl('graph', '-c', 'homelab.yaml', '--format', 'dot');
    expect(graph.stdout).toMatch(/subgraph "cluster_0" \{\n\s+label = "module\.node\[\\"a\\"\]";\n\s+"module\.node\[\\"a\\"\]\.fake_resource\.this";/);

    // out of the module and back: the state follows, the plan sees it where the config has it
    const out = await hl('state', 'mv', '-c', 'homelab.yaml', 'module.node["b"].fake_resource.this', 'fake_resource.loose');
    expect(out.code, out.stderr).toBe(0);
    const after = await hl('plan', '-c', 'homelab.yaml');
    expect(after.stdout).toContain('# fake_resource.loose will be destroyed');
    expect(after.stdout).toContain('# module.node["b"].fake_resource.this will be created');
    const back = await hl('state', 'mv', '-c', 'homelab.yaml', 'fake_resource.loose', 'module.node["b"].fake_resource.this');
    expect(back.code, back.stderr).toBe(0);
    const clean = await hl('plan', '-c', 'homelab.yaml', '--detailed-exitcode');
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);

    const replace = await hl('plan', '-c', 'homelab.yaml', '--replace', 'module.node["a"].fake_resource.this');
    expect(replace.code, replace.stderr).toBe(0);
    expect(replace.stdout).toContain('# module.node["a"].fake_resource.this will be replaced (delete then create)\n  # (replacement was requested with --replace)');

    // a policy matches resources inside modules by their address
    writeFileSync(join(dir, 'guard.yaml'), 'policies:\n  - { rule: no-replace, match: { address: "module.node[*" } }\n');
    const guarded = await hl('plan', '-c', 'homelab.yaml', '--replace', 'module.node["a"].fake_resource.this', '--policy', 'guard.yaml');
    expect(guarded.code, 'a policy violation exits 3').toBe(3);
    expect(guarded.stdout + guarded.stderr).toContain('module.node["a"].fake_resource.this');

    const rm = await hl('state', 'rm', '-c', 'homelab.yaml', 'module.node["b"].fake_resource.this');
    expect(rm.code, rm.stderr).toBe(0);
    expect((await hl('state', 'list', '-c', 'homelab.yaml')).stdout).not.toContain('module.node["b"]');
  }, 60_000);

  it('refuses a target that names no module instance, and an input the module does not declare, with locations', async () => {
    const dir = project();
    const hl = (...args: string[]) => runHl(args, { cwd: dir });
    const none = await hl('plan', '-c', 'homelab.yaml', '--target', 'module.nod');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('--target "module.nod" matches no resource in config or state');
    writeFileSync(join(dir, 'homelab.yaml'), ROOT.replace('    name: "${each.key}"', '    nmae: "${each.key}"'));
    const bad = await hl('validate', '-c', 'homelab.yaml');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Unsupported input "nmae" in module.node');
    expect(bad.stderr).toContain('on homelab.yaml:7:5');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
