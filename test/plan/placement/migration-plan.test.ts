/** A change of node in the plan: a migration recorded on the change, a replacement with lifecycle.migrate false, refusals. */
import { describe, expect, it } from 'vitest';
import type { ResourceState } from '../../../src/state/state-types.js';
import { guestState, planPlacement } from './placement-scenario.js';
import { seedFacts } from './seed-cluster.js';

const FRIGATE_STATE: ResourceState[] = [
  guestState('fake_guest.frigate', { name: 'frigate', node: 'fun-bedbug', memory: 4096, cores: 2, storage: null, running: null, placement: null, fail: null }, 'fun-bedbug/113'),
  guestState('fake_binding.coral', { guest: 'fun-bedbug/113', node: 'fun-bedbug', what: 'the USB Coral TPU on port 2-1' }, 'fake-9'),
];

const frigateOn = (node: string, extra = '') => `
resources:
  fake_guest.frigate:
    name: frigate
    node: ${node}
    memory: 4096
    cores: 2${extra}
  fake_binding.coral:
    guest: fun-bedbug/113
    node: fun-bedbug
    what: the USB Coral TPU on port 2-1
`;

const DOCKER_STATE = [guestState('fake_guest.docker', { name: 'docker', node: 'pve', memory: 4096, cores: 2, storage: null, running: null, placement: null, fail: null }, 'pve/100')];
const dockerOn = (node: string, lifecycle = '') => `
resources:
  fake_guest.docker:
    name: docker
    node: ${node}
    memory: 4096
    cores: 2${lifecycle}
`;

describe('migration in the plan', () => {
  it('a change of node is an update carrying the migration', () => {
    const r = planPlacement({ yaml: dockerOn('pumped-piglet'), state: DOCKER_STATE, facts: seedFacts() });
    expect(r.errors).toEqual([]);
    const c = r.change('fake_guest.docker');
    expect(c.action).toBe('update');
    expect(c.migration).toEqual({ path: ['node'], from: 'pve', to: 'pumped-piglet', how: 'online migration, local disks copied' });
    expect(r.plan!.summary).toMatchObject({ add: 0, change: 1, replace: 0, destroy: 0 });
  });

  it('lifecycle.migrate false replaces it instead, the create half planned as a create', () => {
    const r = planPlacement({ yaml: dockerOn('pumped-piglet', '\n    lifecycle:\n      migrate: false'), state: DOCKER_STATE, facts: seedFacts() });
    expect(r.errors).toEqual([]);
    const c = r.change('fake_guest.docker');
    expect(c.action).toBe('delete-create');
    expect(c.reason).toBe('replace_because_cannot_update');
    expect(c.migration).toBeUndefined();
    expect(c.replacePaths).toEqual([{ path: ['node'], reason: 'lifecycle.migrate is false: moving from pve to pumped-piglet replaces it instead of migrating it' }]);
    expect(c.after!['serial']).toEqual(expect.objectContaining({}));
    expect(r.plan!.summary).toMatchObject({ replace: 1, change: 0 });
  });

  it('lifecycle.migrate true (or absent) keeps the migration', () => {
    const r = planPlacement({ yaml: dockerOn('pumped-piglet', '\n    lifecycle:\n      migrate: true'), state: DOCKER_STATE, facts: seedFacts() });
    expect(r.change('fake_guest.docker').action).toBe('update');
  });

  it('moving Frigate off fun-bedbug is refused at its node attribute, naming the Coral', () => {
    const r = planPlacement({ yaml: frigateOn('pumped-piglet'), state: FRIGATE_STATE, facts: seedFacts() });
    expect(r.plan).toBeUndefined();
    expect(r.errors).toEqual([
      'main.yaml:5:11 fake_guest.frigate cannot migrate from fun-bedbug to pumped-piglet: fake_binding.coral passes the USB Coral TPU on port 2-1 of fun-bedbug through to it; the hardware cannot follow it',
    ]);
    expect(r.diagnostics[0]!.address).toBe('fake_guest.frigate');
  });

  it('the binding is checked without the cluster read too (refresh off)', () => {
    const r = planPlacement({ yaml: frigateOn('pumped-piglet'), state: FRIGATE_STATE, refresh: false });
    expect(r.errors).toHaveLength(1);
  });

  it('a binding whose block left the config (planned as a delete) still refuses: the hardware is passed through until it is gone', () => {
    const yaml = `
resources:
  fake_guest.frigate:
    name: frigate
    node: pumped-piglet
    memory: 4096
    cores: 2
`;
    const r = planPlacement({ yaml, state: FRIGATE_STATE, facts: seedFacts() });
    expect(r.errors.length).toBe(1);
  });

  it('a binding moved to the target in the same plan lets it go', () => {
    const yaml = frigateOn('pumped-piglet').replace('    node: fun-bedbug\n    what', '    node: pumped-piglet\n    what');
    const r = planPlacement({ yaml, state: FRIGATE_STATE, facts: seedFacts() });
    expect(r.errors).toEqual([]);
    expect(r.change('fake_guest.frigate').migration?.to).toBe('pumped-piglet');
  });
});

describe('bindings state holds that the plan does not touch', () => {
  it('refuse too (a targeted plan leaves the binding out of the changes)', () => {
    const yaml = `
resources:
  fake_guest.frigate:
    name: frigate
    node: pumped-piglet
    memory: 4096
    cores: 2
  fake_binding.coral:
    guest: fun-bedbug/113
    node: fun-bedbug
    what: the USB Coral TPU on port 2-1
`;
    const r = planPlacement({ yaml, state: FRIGATE_STATE, facts: seedFacts(), targets: ['fake_guest.frigate'] });
    expect(r.plan).toBeUndefined();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toContain('fake_binding.coral passes the USB Coral TPU on port 2-1 of fun-bedbug through to it');
  });
});
