/**
 * A plan is a promise: what the planner accepts must be applicable. These scenarios hold
 * the planner to the checks a create makes (also for the create half of a replacement), to
 * create_before_destroy with a fixed identity, and to instances whose refresh failed.
 */
import { describe, expect, it } from 'vitest';
import { defaultPlanResource } from '../../src/provider/default-plan-resource.js';
import type { PlannerProvider } from '../../src/plan/planner-provider.js';
import { fakeState, planScenario } from '../support/plan-harness.js';

/** The fake provider with one create-only rule: a create needs `size` (like an LXC's ostemplate). */
function sizeNeededToCreate(p: PlannerProvider): PlannerProvider {
  const typeSchema = p.schema.resources['fake_resource']!;
  return {
    ...p,
    planResource: ({ prior, config }) => {
      const r = defaultPlanResource(typeSchema, prior, config);
      if (prior === null && (config['size'] === undefined || config['size'] === null)) {
        r.problems.push({ path: ['size'], message: 'size is required to create a fake_resource' });
      }
      return r;
    },
  };
}

/** The fake provider with `value` declared an identity attribute (as proxmox declares vmid). */
function valueIsIdentity(p: PlannerProvider): PlannerProvider {
  const typeSchema = p.schema.resources['fake_resource']!;
  const attributes = { ...typeSchema.attributes, value: { ...typeSchema.attributes['value'], optional: true, identity: true } };
  return { ...p, schema: { ...p.schema, resources: { ...p.schema.resources, fake_resource: { ...typeSchema, attributes } } } };
}

const IMPORTED = [fakeState('fake_resource.a', { name: 'alpha', value: 1 })];

describe('the create half of a replacement is checked as a create', () => {
  const cases: { reason: string; yaml: string; replace?: string[]; state?: typeof IMPORTED }[] = [
    { reason: '--replace of an object whose config cannot create it', yaml: 'resources:\n  fake_resource.a:\n    name: alpha\n    value: 1\n', replace: ['fake_resource.a'] },
    { reason: 'a forceNew change (name) whose create cannot succeed', yaml: 'resources:\n  fake_resource.a:\n    name: beta\n    value: 1\n' },
    {
      reason: 'a create_before_destroy replacement whose create cannot succeed',
      yaml: 'resources:\n  fake_resource.a:\n    name: beta\n    value: 1\n    lifecycle: { create_before_destroy: true }\n',
    },
    { reason: 'a tainted object', yaml: 'resources:\n  fake_resource.a:\n    name: alpha\n    value: 1\n', state: [fakeState('fake_resource.a', { name: 'alpha', value: 1 }, { status: 'tainted' })] },
  ];
  for (const c of cases) {
    it(`refuses ${c.reason}, located at the resource`, () => {
      const r = planScenario({ yaml: c.yaml, state: c.state ?? IMPORTED, replace: c.replace ?? [], planner: sizeNeededToCreate });
      expect(r.plan).toBeUndefined();
      const d = r.diagnostics.find((x) => x.severity === 'error')!;
      expect(d.summary).toBe('fake_resource.a: size is required to create a fake_resource');
      expect(d.location).toMatchObject({ file: 'main.yaml', line: 3 });
    });
  }

  it('an in-place update of the same object is not held to the create rules', () => {
    const r = planScenario({ yaml: 'resources:\n  fake_resource.a:\n    name: alpha\n    value: 2\n', state: IMPORTED, planner: sizeNeededToCreate });
    expect(r.change('fake_resource.a').action).toBe('update');
  });

  it('a replacement that can be created plans, its computed values unknown', () => {
    const r = planScenario({ yaml: 'resources:\n  fake_resource.a:\n    name: beta\n    size: 3\n', state: IMPORTED, planner: sizeNeededToCreate });
    const c = r.change('fake_resource.a');
    expect(c.action).toBe('delete-create');
    expect(c.replacePaths.map((p) => p.path)).toEqual([['name']]);
  });
});

describe('create_before_destroy and identity attributes', () => {
  const cbd = (value: string): string => `resources:\n  fake_resource.a:\n    name: beta\n${value}    lifecycle: { create_before_destroy: true }\n`;

  it('refuses keeping a fixed identity the replaced object still holds, at the attribute, saying what to do', () => {
    const r = planScenario({ yaml: cbd('    value: 361\n'), state: [fakeState('fake_resource.a', { name: 'alpha', value: 361 })], planner: valueIsIdentity });
    expect(r.plan).toBeUndefined();
    const d = r.diagnostics.find((x) => x.severity === 'error')!;
    expect(d.summary).toMatch(/fake_resource\.a: create_before_destroy cannot work with a fixed value: the new object would need value 361/);
    expect(d.detail).toMatch(/drop "value".*or remove create_before_destroy/);
    expect(d.location).toMatchObject({ line: 4, col: 12 });
  });

  it('accepts a new identity value, and an identity the provider allocates', () => {
    const changed = planScenario({ yaml: cbd('    value: 362\n'), state: [fakeState('fake_resource.a', { name: 'alpha', value: 361 })], planner: valueIsIdentity });
    expect(changed.change('fake_resource.a').action).toBe('create-delete');
    const unset = planScenario({ yaml: cbd(''), state: [fakeState('fake_resource.a', { name: 'alpha', value: 361 })], planner: valueIsIdentity });
    expect(unset.change('fake_resource.a').action).toBe('create-delete');
  });

  it('does not refuse a delete-then-create with the same identity (the old object goes first)', () => {
    const r = planScenario({
      yaml: 'resources:\n  fake_resource.a:\n    name: beta\n    value: 361\n',
      state: [fakeState('fake_resource.a', { name: 'alpha', value: 361 })],
      planner: valueIsIdentity,
    });
    expect(r.change('fake_resource.a').action).toBe('delete-create');
  });
});

describe('an instance whose refresh failed', () => {
  const yaml = 'resources:\n  fake_resource.a:\n    name: alpha\n    value: 5\n  fake_resource.b:\n    name: bravo\n    value: 7\n';
  const state = [fakeState('fake_resource.a', { name: 'alpha', value: 1 }), fakeState('fake_resource.b', { name: 'bravo', value: 1 })];

  it('is left as it is with a warning, and the rest still plans', () => {
    const r = planScenario({ yaml, state, refreshed: { 'fake_resource.b': state[1]!.attributes }, unreadable: { 'fake_resource.a': 'connection refused' } });
    expect(r.change('fake_resource.a').action).toBe('no-op');
    expect(r.change('fake_resource.b').action).toBe('update');
    const w = r.diagnostics.find((d) => d.address === 'fake_resource.a')!;
    expect(w.severity).toBe('warning');
    expect(w.summary).toMatch(/could not be read, so this plan leaves it as it is: connection refused/);
  });

  it('is not destroyed when removed from config, nor by hl destroy', () => {
    const gone = planScenario({ yaml: 'resources: {}\n', state, unreadable: { 'fake_resource.a': 'timeout' } });
    expect(gone.change('fake_resource.a').action).toBe('no-op');
    expect(gone.change('fake_resource.b').action).toBe('delete');
    const destroy = planScenario({ yaml, state, mode: 'destroy', unreadable: { 'fake_resource.a': 'timeout' } });
    expect(destroy.change('fake_resource.a').action).toBe('no-op');
    expect(destroy.change('fake_resource.b').action).toBe('delete');
  });
});
