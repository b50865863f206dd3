/**
 * Plan scenarios in the Terraform/Pulumi style: a config, a prior state and live reads in;
 * the exact actions, reasons and attribute changes out.
 */
import { describe, expect, it } from 'vitest';
import { isUnknown, UNKNOWN } from '../../src/core/value.js';
import { renderPlanHuman } from '../../src/render/plan-human.js';
import { encodePlan } from '../../src/plan/plan-codec.js';
import { fakeState, planScenario } from '../support/plan-harness.js';

const ONE = `
resources:
  fake_resource.a:
    name: alpha
    value: 2
`;

describe('planner scenarios', () => {
  const cases: { reason: string; run: () => void }[] = [
    {
      reason: 'a new resource is created, its computed attributes unknown',
      run: () => {
        const r = planScenario({ yaml: ONE });
        const c = r.change('fake_resource.a');
        expect(c.action).toBe('create');
        expect(c.after!['name']).toBe('alpha');
        expect(isUnknown(c.after!['id'])).toBe(true);
        expect(r.plan!.summary).toEqual({ add: 1, change: 0, replace: 0, destroy: 0, read: 0 });
      },
    },
    {
      reason: 'a changed attribute is updated in place, computed values kept',
      run: () => {
        const r = planScenario({ yaml: ONE, state: [fakeState('fake_resource.a', { name: 'alpha', value: 1, id: 'fake-1' })] });
        const c = r.change('fake_resource.a');
        expect(c.action).toBe('update');
        expect(c.before!['value']).toBe(1);
        expect(c.after!['value']).toBe(2);
        expect(c.after!['id']).toBe('fake-1');
      },
    },
    {
      reason: 'nothing changes when config and state agree',
      run: () => {
        const r = planScenario({ yaml: ONE, state: [fakeState('fake_resource.a', { name: 'alpha', value: 2, id: 'fake-1' })] });
        expect(r.change('fake_resource.a').action).toBe('no-op');
        expect(r.plan!.hasChanges).toBe(false);
      },
    },
    {
      reason: 'a change to a forceNew attribute forces delete-then-create, with the reason',
      run: () => {
        const r = planScenario({ yaml: ONE, state: [fakeState('fake_resource.a', { name: 'old', value: 2, id: 'fake-1' })] });
        const c = r.change('fake_resource.a');
        expect(c.action).toBe('delete-create');
        expect(c.reason).toBe('replace_because_cannot_update');
        expect(c.replacePaths).toEqual([{ path: ['name'], reason: 'name cannot be changed in place' }]);
        expect(isUnknown(c.after!['id'])).toBe(true);
      },
    },
    {
      reason: 'create_before_destroy turns the replacement around',
      run: () => {
        const r = planScenario({
          yaml: `
resources:
  fake_resource.a:
    name: alpha
    lifecycle: { create_before_destroy: true }
`,
          state: [fakeState('fake_resource.a', { name: 'old', id: 'fake-1' })],
        });
        expect(r.change('fake_resource.a').action).toBe('create-delete');
      },
    },
    {
      reason: 'a resource removed from config is destroyed',
      run: () => {
        const r = planScenario({ yaml: ONE, state: [fakeState('fake_resource.a', { name: 'alpha', value: 2 }), fakeState('fake_resource.gone', { name: 'g' })] });
        const c = r.change('fake_resource.gone');
        expect(c.action).toBe('delete');
        expect(c.reason).toBe('delete_because_no_resource_config');
        expect(r.plan!.summary.destroy).toBe(1);
      },
    },
    {
      reason: 'ignore_changes hides a difference on the ignored attribute only',
      run: () => {
        const r = planScenario({
          yaml: `
resources:
  fake_resource.a:
    name: alpha
    description: from config
    value: 3
    lifecycle: { ignore_changes: [description] }
`,
          state: [fakeState('fake_resource.a', { name: 'alpha', description: 'edited by hand', value: 3 })],
        });
        const c = r.change('fake_resource.a');
        expect(c.action).toBe('no-op');
        expect(c.after!['description']).toBe('edited by hand');
      },
    },
    {
      reason: 'prevent_destroy refuses a plan that would destroy, even after the block is gone from config (kept in state)',
      run: () => {
        const r = planScenario({
          yaml: 'resources: {}\n',
          state: [fakeState('fake_resource.keep', { name: 'k' }, { preventDestroy: true })],
        });
        expect(r.plan).toBeUndefined();
        expect(r.diagnostics.map((d) => d.summary).join('\n')).toMatch(/fake_resource\.keep has lifecycle\.prevent_destroy set.*destroyed/);
      },
    },
    {
      reason: 'prevent_destroy in config refuses a forced replacement',
      run: () => {
        const r = planScenario({
          yaml: `
resources:
  fake_resource.a:
    name: alpha
    lifecycle: { prevent_destroy: true }
`,
          state: [fakeState('fake_resource.a', { name: 'old' })],
        });
        expect(r.plan).toBeUndefined();
        expect(r.diagnostics[0]!.summary).toMatch(/replaced/);
        expect(r.diagnostics[0]!.location?.line).toBe(5);
      },
    },
    {
      reason: 'for_each: adding and removing one key touches only that key',
      run: () => {
        const r = planScenario({
          yaml: `
locals:
  vms: { pve: 1, chief-horse: 2, pumped-piglet: 3 }
resources:
  fake_resource.vm:
    for_each: \${local.vms}
    name: "k3s-\${each.key}"
    value: \${each.value}
`,
          state: [
            fakeState('fake_resource.vm["pve"]', { name: 'k3s-pve', value: 1 }),
            fakeState('fake_resource.vm["chief-horse"]', { name: 'k3s-chief-horse', value: 2 }),
            fakeState('fake_resource.vm["fun-bedbug"]', { name: 'k3s-fun-bedbug', value: 4 }),
          ],
        });
        expect(r.change('fake_resource.vm["pve"]').action).toBe('no-op');
        expect(r.change('fake_resource.vm["chief-horse"]').action).toBe('no-op');
        expect(r.change('fake_resource.vm["pumped-piglet"]').action).toBe('create');
        const gone = r.change('fake_resource.vm["fun-bedbug"]');
        expect(gone.action).toBe('delete');
        expect(gone.reason).toBe('delete_because_each_key');
        expect(r.plan!.summary).toEqual({ add: 1, change: 0, replace: 0, destroy: 1, read: 0 });
      },
    },
    {
      reason: 'count: shrinking deletes the highest index',
      run: () => {
        const r = planScenario({
          yaml: `
resources:
  fake_resource.n:
    count: 1
    name: "n\${count.index}"
`,
          state: [fakeState('fake_resource.n[0]', { name: 'n0' }), fakeState('fake_resource.n[1]', { name: 'n1' })],
        });
        expect(r.change('fake_resource.n[0]').action).toBe('no-op');
        expect(r.change('fake_resource.n[1]').reason).toBe('delete_because_count_index');
      },
    },
    {
      reason: 'drift is reported apart from the changes, and the change brings reality back to config',
      run: () => {
        const r = planScenario({
          yaml: ONE,
          state: [fakeState('fake_resource.a', { name: 'alpha', value: 2, id: 'fake-1' })],
          refreshed: { 'fake_resource.a': { name: 'alpha', value: 7, id: 'fake-1', serial: 0 } },
        });
        expect(r.plan!.drift).toHaveLength(1);
        expect(r.plan!.drift[0]!.before!['value']).toBe(2);
        expect(r.plan!.drift[0]!.after!['value']).toBe(7);
        const c = r.change('fake_resource.a');
        expect(c.action).toBe('update');
        expect(c.before!['value']).toBe(7);
        expect(c.after!['value']).toBe(2);
      },
    },
    {
      reason: 'a resource deleted outside hl is reported as drift and created again',
      run: () => {
        const r = planScenario({
          yaml: ONE,
          state: [fakeState('fake_resource.a', { name: 'alpha', value: 2 })],
          refreshed: { 'fake_resource.a': null },
        });
        expect(r.plan!.drift[0]!.action).toBe('delete');
        const c = r.change('fake_resource.a');
        expect(c.action).toBe('create');
        expect(c.reason).toBe('create_because_gone');
      },
    },
    {
      reason: 'unknown values propagate through references and interpolation',
      run: () => {
        const r = planScenario({
          yaml: `
resources:
  fake_resource.a:
    name: alpha
  fake_resource.b:
    name: beta
    value: "\${fake_resource.a.id}"
    description: "depends on \${fake_resource.a.id}"
    size: 3
`,
        });
        const b = r.change('fake_resource.b');
        expect(b.action).toBe('create');
        expect(b.after!['value']).toBe(UNKNOWN);
        expect(b.after!['description']).toBe(UNKNOWN);
        expect(b.after!['size']).toBe(3);
        expect(b.dependencies).toEqual(['fake_resource.a']);
      },
    },
    {
      reason: 'sensitive values are marked, masked in the human plan, and absent from the saved plan',
      run: () => {
        const r = planScenario({
          yaml: `
variables:
  token: { type: string, sensitive: true }
resources:
  fake_resource.a:
    name: alpha
    description: "token is \${var.token}"
    secret: plain-config-secret
`,
          variables: { token: 'hunter2-very-secret' },
        });
        const c = r.change('fake_resource.a');
        expect(c.afterSensitive).toEqual(expect.arrayContaining([['description'], ['secret']]));
        const human = renderPlanHuman(r.plan!, { color: false });
        expect(human).not.toContain('hunter2-very-secret');
        expect(human).not.toContain('plain-config-secret');
        expect(human).toContain('(sensitive value)');
        const saved = encodePlan(r.plan!);
        expect(saved).not.toContain('hunter2-very-secret');
        // a literal in the config text is part of the config; it must not appear as a value
        expect(JSON.stringify(JSON.parse(saved).changes)).not.toContain('plain-config-secret');
      },
    },
    {
      reason: '--replace forces replacement of an otherwise unchanged resource',
      run: () => {
        const r = planScenario({ yaml: ONE, state: [fakeState('fake_resource.a', { name: 'alpha', value: 2 })], replace: ['fake_resource.a'] });
        const c = r.change('fake_resource.a');
        expect(c.action).toBe('delete-create');
        expect(c.reason).toBe('replace_by_request');
      },
    },
    {
      reason: 'replace_triggered_by fires when the referenced resource changes, not otherwise',
      run: () => {
        const yaml = `
resources:
  fake_resource.a:
    name: alpha
    value: 2
  fake_resource.b:
    name: beta
    lifecycle: { replace_triggered_by: ["\${fake_resource.a}"] }
`;
        const changed = planScenario({ yaml, state: [fakeState('fake_resource.a', { name: 'alpha', value: 1 }), fakeState('fake_resource.b', { name: 'beta' })] });
        expect(changed.change('fake_resource.b').action).toBe('delete-create');
        expect(changed.change('fake_resource.b').reason).toBe('replace_by_triggers');
        const same = planScenario({ yaml, state: [fakeState('fake_resource.a', { name: 'alpha', value: 2 }), fakeState('fake_resource.b', { name: 'beta' })] });
        expect(same.change('fake_resource.b').action).toBe('no-op');
      },
    },
    {
      reason: '--target plans only the target and what it depends on',
      run: () => {
        const r = planScenario({
          yaml: `
resources:
  fake_resource.a: { name: alpha }
  fake_resource.b: { name: beta, value: "\${fake_resource.a.name}" }
  fake_resource.c: { name: gamma }
`,
          targets: ['fake_resource.b'],
        });
        expect(r.plan!.changes.map((c) => c.address).sort()).toEqual(['fake_resource.a', 'fake_resource.b']);
      },
    },
    {
      reason: 'destroy mode deletes everything in state',
      run: () => {
        const r = planScenario({ yaml: ONE, mode: 'destroy', state: [fakeState('fake_resource.a', { name: 'alpha' }), fakeState('fake_resource.z', { name: 'z' })] });
        expect(r.plan!.changes.map((c) => c.action)).toEqual(['delete', 'delete']);
        expect(r.plan!.summary.destroy).toBe(2);
      },
    },
    {
      reason: 'a tainted resource is replaced',
      run: () => {
        const r = planScenario({ yaml: ONE, state: [fakeState('fake_resource.a', { name: 'alpha', value: 2 }, { status: 'tainted' })] });
        expect(r.change('fake_resource.a').reason).toBe('replace_because_tainted');
      },
    },
    {
      reason: 'a data source is read at plan time and its values flow into resources',
      run: () => {
        const r = planScenario({
          yaml: `
data:
  fake_data.info: { name: lan }
resources:
  fake_resource.a: { name: alpha, description: "\${data.fake_data.info.echo}" }
`,
        });
        expect(r.change('fake_resource.a').after!['description']).toBe('echo:lan');
      },
    },
    {
      reason: 'outputs are planned from resource values, unknown until apply',
      run: () => {
        const r = planScenario({
          yaml: `
resources:
  fake_resource.a: { name: alpha }
outputs:
  a_id: { value: "\${fake_resource.a.id}" }
  a_name: { value: "\${fake_resource.a.name}" }
`,
        });
        const byName = Object.fromEntries(r.plan!.outputChanges.map((o) => [o.name, o]));
        expect(byName['a_id']!.after).toBe(UNKNOWN);
        expect(byName['a_name']!.after).toBe('alpha');
      },
    },
  ];
  for (const c of cases) it(c.reason, c.run);
});

describe('nested sensitive attributes declared by a provider schema', () => {
  it('masks a nested attribute the schema marks sensitive, even when written as a literal', () => {
    const r = planScenario({
      yaml: `
resources:
  fake_resource.a:
    name: a
    value: { users: { root: { pw: literal-pw-1 }, bob: { pw: literal-pw-2 } }, open: visible }
`,
      extraSensitivePaths: [['value', 'users', '*', 'pw']],
    });
    const c = r.change('fake_resource.a');
    expect(c.afterSensitive).toEqual(expect.arrayContaining([['value', 'users', 'root', 'pw'], ['value', 'users', 'bob', 'pw']]));
    const human = renderPlanHuman(r.plan!, { color: false });
    expect(human).not.toContain('literal-pw');
    expect(human).toContain('visible');
  });
});
