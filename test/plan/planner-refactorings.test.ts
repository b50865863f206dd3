/**
 * moved, import and removed blocks in the planner: a rename plans no change but the move,
 * chains are followed, a for_each key can be renamed, conflicts and cycles are refused at
 * the moved block; imports plan against the object read; removed blocks forget or destroy.
 */
import { describe, expect, it } from 'vitest';
import { formatLocation } from '../../src/core/diagnostic.js';
import { renderPlanHuman } from '../../src/render/plan-human.js';
import { planToShowJson } from '../../src/render/plan-json.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { decodePlan, encodePlan } from '../../src/plan/plan-codec.js';
import { fakeState, planScenario } from '../support/plan-harness.js';

const LOC = { file: 'main.yaml', line: 1, col: 1 };

function errors(r: { diagnostics: { severity: string; summary: string; location?: typeof LOC }[] }): string[] {
  return r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.location ? formatLocation(d.location) : '-'} ${d.summary}`);
}

const text = (plan: Parameters<typeof renderPlanHuman>[0]) => renderPlanHuman(plan, { color: false });

describe('moved blocks', () => {
  it('a renamed block plans no change but the move, shown and counted', () => {
    const r = planScenario({
      yaml: `resources:\n  fake_resource.k3s_node: { name: a, value: 1 }\nmoved:\n  - from: fake_resource.k3s\n    to: fake_resource.k3s_node\n`,
      state: [fakeState('fake_resource.k3s', { name: 'a', value: 1, id: 'f-1' })],
    });
    expect(errors(r)).toEqual([]);
    expect(r.plan!.changes).toHaveLength(1);
    const c = r.change('fake_resource.k3s_node');
    expect(c).toMatchObject({ action: 'no-op', previousAddress: 'fake_resource.k3s', id: 'f-1' });
    expect(r.plan!.hasChanges).toBe(true);
    expect(r.plan!.summary).toMatchObject({ add: 0, change: 0, destroy: 0, move: 1 });
    const out = text(r.plan!);
    expect(out).toContain('# fake_resource.k3s has moved to fake_resource.k3s_node');
    expect(out).toContain('Plan: 0 to add, 0 to change, 0 to replace, 0 to destroy, 1 to move.');
    expect(planToShowJson(r.plan!, 'test').resource_changes[0]).toMatchObject({
      address: 'fake_resource.k3s_node',
      previous_address: 'fake_resource.k3s',
      change: { actions: ['no-op'] },
    });
    expect(renderPlanMarkdown(r.plan!)).toContain('| 🚚 move | `fake_resource.k3s_node` (from `fake_resource.k3s`) |');
    // the saved plan carries the move
    const saved = decodePlan(encodePlan(r.plan!), 'p.json').plan!;
    expect(saved.changes[0]!.previousAddress).toBe('fake_resource.k3s');
  });

  it('a block move carries every instance with its key; an instance move renames a for_each key', () => {
    const r = planScenario({
      yaml: `resources:
  fake_resource.node:
    for_each: { chief-horse: 1, pumped-piglet: 2 }
    name: "\${each.key}"
    value: "\${each.value}"
moved:
  - from: fake_resource.k3s
    to: fake_resource.node
  - from: fake_resource.node["pve"]
    to: fake_resource.node["chief-horse"]
`,
      state: [
        fakeState('fake_resource.k3s["pve"]', { name: 'chief-horse', value: 1, id: 'f-1' }),
        fakeState('fake_resource.k3s["pumped-piglet"]', { name: 'pumped-piglet', value: 2, id: 'f-2' }),
      ],
    });
    expect(errors(r)).toEqual([]);
    // a chain: k3s["pve"] -> node["pve"] -> node["chief-horse"]
    expect(r.change('fake_resource.node["chief-horse"]')).toMatchObject({
      action: 'no-op',
      previousAddress: 'fake_resource.k3s["pve"]',
      id: 'f-1',
    });
    expect(r.change('fake_resource.node["pumped-piglet"]')).toMatchObject({
      action: 'no-op',
      previousAddress: 'fake_resource.k3s["pumped-piglet"]',
    });
    expect(r.plan!.changes.map((c) => c.action)).toEqual(['no-op', 'no-op']);
    expect(r.plan!.summary.move).toBe(2);
  });

  it('follows a chain of renames and plans an update of the moved object when config differs', () => {
    const r = planScenario({
      yaml: `resources:\n  fake_resource.c: { name: a, value: 2 }\nmoved:\n  - from: fake_resource.b\n    to: fake_resource.c\n  - from: fake_resource.a\n    to: fake_resource.b\n`,
      state: [fakeState('fake_resource.a', { name: 'a', value: 1, id: 'f-1' })],
    });
    expect(errors(r)).toEqual([]);
    const c = r.change('fake_resource.c');
    expect(c).toMatchObject({ action: 'update', previousAddress: 'fake_resource.a' });
    const out = text(r.plan!);
    expect(out).toContain('# fake_resource.c will be updated in place\n  # (moved from fake_resource.a)');
    expect(out).toContain('Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy, 1 to move.');
  });

  it('a move whose from is not in state does nothing', () => {
    const r = planScenario({
      yaml: `resources:\n  fake_resource.b: { name: a }\nmoved:\n  - from: fake_resource.a\n    to: fake_resource.b\n`,
      state: [fakeState('fake_resource.b', { name: 'a', id: 'f-1' })],
    });
    expect(errors(r)).toEqual([]);
    expect(r.change('fake_resource.b').previousAddress).toBeUndefined();
    expect(r.plan!.hasChanges).toBe(false);
  });

  it('refuses a cycle of moves at the moved block', () => {
    const r = planScenario({
      yaml: `resources:\n  fake_resource.c: { name: a }\nmoved:\n  - from: fake_resource.a\n    to: fake_resource.b\n  - from: fake_resource.b\n    to: fake_resource.a\n`,
      state: [fakeState('fake_resource.a', { name: 'a', id: 'f-1' })],
    });
    expect(r.plan).toBeUndefined();
    expect(errors(r)).toEqual(['main.yaml:4:5 Cycle of moved blocks: fake_resource.a -> fake_resource.b -> fake_resource.a']);
  });

  it('refuses a move onto an address state still holds while from is there too', () => {
    const r = planScenario({
      yaml: `resources:\n  fake_resource.b: { name: a }\nmoved:\n  - from: fake_resource.a\n    to: fake_resource.b\n`,
      state: [fakeState('fake_resource.a', { name: 'a', id: 'f-1' }), fakeState('fake_resource.b', { name: 'a', id: 'f-2' })],
    });
    expect(r.plan).toBeUndefined();
    expect(errors(r)).toEqual([
      'main.yaml:4:5 Cannot move fake_resource.a to fake_resource.b: state already holds an object at fake_resource.b',
    ]);
  });

  it('refuses two objects moved to one address (a block move and an instance move)', () => {
    const r = planScenario({
      yaml: `resources:\n  fake_resource.b: { for_each: [x], name: a }\nmoved:\n  - from: fake_resource.a\n    to: fake_resource.b\n  - from: fake_resource.c["y"]\n    to: fake_resource.b["x"]\n`,
      state: [fakeState('fake_resource.a["x"]', { name: 'a', id: 'f-1' }), fakeState('fake_resource.c["y"]', { name: 'a', id: 'f-2' })],
    });
    expect(r.plan).toBeUndefined();
    expect(errors(r)).toEqual(['main.yaml:6:5 Cannot move fake_resource.c["y"] to fake_resource.b["x"]: fake_resource.a["x"] is moved there too']);
  });
});

describe('import blocks', () => {
  const YAML = `resources:\n  fake_resource.docker: { name: docker, value: 2 }\nimport:\n  - to: fake_resource.docker\n    id: f-9\n`;
  const object = (value: number) => ({
    id: 'f-9',
    attributes: { id: 'f-9', name: 'docker', value, serial: 0 },
    sensitivePaths: [],
    loc: { file: 'main.yaml', line: 4, col: 5 },
  });

  it('plans an import with the diff against config, counted as an import', () => {
    const r = planScenario({ yaml: YAML, imported: { 'fake_resource.docker': object(1) } });
    expect(errors(r)).toEqual([]);
    const c = r.change('fake_resource.docker');
    expect(c).toMatchObject({ action: 'update', id: 'f-9', importing: { id: 'f-9' } });
    expect(c.before!['value']).toBe(1);
    const out = text(r.plan!);
    expect(out).toContain('# fake_resource.docker will be updated in place\n  # (imported from "f-9")');
    expect(out).toContain('Plan: 1 to import, 0 to add, 1 to change, 0 to replace, 0 to destroy.');
    expect(planToShowJson(r.plan!, 'test').resource_changes[0]!.change.importing).toEqual({ id: 'f-9' });
    expect(decodePlan(encodePlan(r.plan!), 'p.json').plan!.changes[0]!.importing).toEqual({ id: 'f-9' });
  });

  it('an import that matches the config is just imported', () => {
    const r = planScenario({ yaml: YAML, imported: { 'fake_resource.docker': object(2) } });
    expect(r.change('fake_resource.docker')).toMatchObject({ action: 'no-op', importing: { id: 'f-9' } });
    expect(r.plan!.hasChanges).toBe(true);
    const out = text(r.plan!);
    expect(out).toContain('# fake_resource.docker will be imported');
    expect(out).toContain('Plan: 1 to import, 0 to add, 0 to change, 0 to replace, 0 to destroy.');
    expect(renderPlanMarkdown(r.plan!)).toContain('| 📥 import | `fake_resource.docker` (id `f-9`) |');
  });

  it('refuses an import into an instance the config does not declare', () => {
    const r = planScenario({
      yaml: `resources:\n  fake_resource.k3s: { for_each: [a], name: x }\nimport:\n  - to: fake_resource.k3s["b"]\n    id: f-9\n`,
      imported: { 'fake_resource.k3s["b"]': { ...object(1), loc: { file: 'main.yaml', line: 4, col: 5 } } },
    });
    expect(errors(r)).toEqual(['main.yaml:4:5 Cannot import fake_resource.k3s["b"]: the configuration does not declare this instance']);
  });
});

describe('removed blocks', () => {
  const YAML = (destroy: boolean) =>
    `resources:\n  fake_resource.kept: { name: kept }\nremoved:\n  - from: fake_resource.cloudflared\n    lifecycle: { destroy: ${destroy} }\n`;
  const state = [
    fakeState('fake_resource.kept', { name: 'kept', id: 'f-1' }),
    fakeState('fake_resource.cloudflared', { name: 'cf', id: 'f-2' }, { preventDestroy: true }),
  ];

  it('destroy: false plans a forget, which prevent_destroy does not stop', () => {
    const r = planScenario({ yaml: YAML(false), state });
    expect(errors(r)).toEqual([]);
    expect(r.change('fake_resource.cloudflared')).toMatchObject({ action: 'forget', after: null, id: 'f-2' });
    const out = text(r.plan!);
    expect(out).toContain("# fake_resource.cloudflared will be removed from hl's state (it is not destroyed)");
    expect(out).toContain('Plan: 0 to add, 0 to change, 0 to replace, 0 to destroy, 1 to forget.');
    expect(planToShowJson(r.plan!, 'test').resource_changes.find((c) => c.address === 'fake_resource.cloudflared')!.change.actions).toEqual([
      'forget',
    ]);
    expect(renderPlanMarkdown(r.plan!)).toContain('| 🧹 forget | `fake_resource.cloudflared` |');
  });

  it('destroy: true plans the usual delete (and prevent_destroy refuses it)', () => {
    const r = planScenario({ yaml: YAML(true), state: [state[0]!, { ...state[1]!, preventDestroy: false }] });
    expect(r.change('fake_resource.cloudflared').action).toBe('delete');
    const refused = planScenario({ yaml: YAML(true), state });
    expect(refused.plan).toBeUndefined();
  });

  it('refuses a removed instance the config still declares', () => {
    const r = planScenario({
      yaml: `resources:\n  fake_resource.k: { for_each: [a, b], name: x }\nremoved:\n  - from: fake_resource.k["a"]\n    lifecycle: { destroy: false }\n`,
      state: [fakeState('fake_resource.k["a"]', { name: 'x', id: 'f-1' })],
    });
    expect(errors(r)).toEqual(['main.yaml:4:11 Removed resource still exists: the configuration still declares fake_resource.k["a"]']);
  });
});
