/** A saved plan keeps the capacity table, the migration and what node: auto chose; a damaged table is refused, a later version left out. */
import { describe, expect, it } from 'vitest';
import { decodePlan, encodePlan } from '../../../src/plan/plan-codec.js';
import { guestState, planPlacement } from './placement-scenario.js';
import { seedFacts } from './seed-cluster.js';

const YAML = `
resources:
  fake_guest.docker:
    name: docker
    node: pumped-piglet
    memory: 4096
    cores: 2
  fake_guest.big:
    name: big
    node: auto
    memory: 8192
`;

function planned() {
  const state = [guestState('fake_guest.docker', { name: 'docker', node: 'pve', memory: 4096, cores: 2, storage: null, running: null, placement: null, fail: null }, 'pve/100')];
  const r = planPlacement({ yaml: YAML, facts: seedFacts(), state });
  expect(r.errors).toEqual([]);
  return r.plan!;
}

describe('plan codec: placement', () => {
  it('round-trips the table, the migration and the choice', () => {
    const plan = planned();
    const back = decodePlan(encodePlan(plan), 'p.json');
    expect(back.diagnostics).toEqual([]);
    expect(back.plan!.placement).toEqual(plan.placement);
    const docker = back.plan!.changes.find((c) => c.address === 'fake_guest.docker')!;
    expect(docker.migration).toEqual({ path: ['node'], from: 'pve', to: 'pumped-piglet', how: 'online migration, local disks copied' });
    expect(back.plan!.changes.find((c) => c.address === 'fake_guest.big')!.placement!.node).toBe('pumped-piglet');
  });

  it('a malformed table or migration is a damaged plan', () => {
    const text = JSON.parse(encodePlan(planned()));
    const badTable = { ...text, placement: { ...text.placement, providers: [{ provider: 'fake', nodes: [{ node: 'pve' }] }] } };
    expect(decodePlan(JSON.stringify(badTable), 'p.json').diagnostics[0]!.summary).toBe('p.json is a damaged hl plan: required fields are missing');
    const badMigration = { ...text, changes: text.changes.map((c: { migration?: unknown }) => (c.migration ? { ...c, migration: { to: 3 } } : c)) };
    expect(decodePlan(JSON.stringify(badMigration), 'p.json').diagnostics[0]!.summary).toMatch(/^p\.json is a damaged hl plan: change \d is malformed$/);
  });

  it('a table of a later version is left out, the plan still read', () => {
    const text = JSON.parse(encodePlan(planned()));
    const later = { ...text, placement: { version: 2, whatever: true } };
    const back = decodePlan(JSON.stringify(later), 'p.json');
    expect(back.diagnostics).toEqual([]);
    expect(back.plan!.placement).toBeUndefined();
  });
});
