/** `node: auto` in the planner: a new guest gets a node, an existing one keeps its node, each choice sees the ones before. */
import { describe, expect, it } from 'vitest';
import { guestState, planPlacement } from './placement-scenario.js';
import { seedFacts } from './seed-cluster.js';

const AUTO_8G = `
resources:
  fake_guest.big:
    name: big
    node: auto
    memory: 8192
    cores: 4
    storage: local-lvm
`;

describe('node: auto', () => {
  it('places a new 8 GiB guest on pumped-piglet, and says why and what of the others', () => {
    const r = planPlacement({ yaml: AUTO_8G, facts: seedFacts() });
    expect(r.errors).toEqual([]);
    const c = r.change('fake_guest.big');
    expect(c.action).toBe('create');
    expect(c.after!['node']).toBe('pumped-piglet');
    expect(c.placement).toEqual({
      node: 'pumped-piglet',
      reason: '46.4 GiB of 62.4 GiB free after this guest, CPU 9.8 % of 12 cores',
      considered: [
        { node: 'chief-horse', verdict: 'too little memory (has 7.7 GiB, needs 8 GiB)' },
        { node: 'fun-bedbug', verdict: 'too little memory (has 7.2 GiB, needs 8 GiB)' },
        { node: 'pumped-piglet', verdict: '46.4 GiB of 62.4 GiB free after this guest, CPU 9.8 % of 12 cores' },
        { node: 'pve', verdict: '1.4 GiB of 15.4 GiB free after this guest, CPU 26.5 % of 4 cores' },
        { node: 'rapid-civet', verdict: 'offline' },
        { node: 'still-fawn', verdict: 'offline' },
      ],
    });
  });

  it('never moves an existing guest: it keeps the node it is on, and nothing changes', () => {
    const state = [guestState('fake_guest.big', { name: 'big', node: 'pve', memory: 8192, cores: 4, storage: 'local-lvm', running: null, placement: null, fail: null }, 'pve/102')];
    const r = planPlacement({ yaml: AUTO_8G, facts: seedFacts(), state });
    expect(r.errors).toEqual([]);
    const c = r.change('fake_guest.big');
    expect(c.action).toBe('no-op');
    expect(c.after!['node']).toBe('pve');
    expect(c.placement).toBeUndefined();
  });

  it('two new guests in one plan: the second sees the memory the first takes', () => {
    const facts = seedFacts();
    // only pve (9.4 GiB free) and pumped-piglet, with 12 GiB free, are left
    facts.objects.push({ id: 'pumped-piglet/201', type: 'proxmox_vm', node: 'pumped-piglet', memoryBytes: Math.round(42.39 * 1024 ** 3), vcpus: 2, cpuLoad: 0, running: true });
    const yaml = `
resources:
  fake_guest.a:
    name: a
    node: auto
    memory: 8192
  fake_guest.b:
    name: b
    node: auto
    memory: 8192
`;
    const r = planPlacement({ yaml, facts });
    expect(r.errors).toEqual([]);
    expect(r.change('fake_guest.a').after!['node']).toBe('pumped-piglet');
    expect(r.change('fake_guest.b').after!['node']).toBe('pve');
    expect(r.change('fake_guest.b').placement!.considered.find((x) => x.node === 'pumped-piglet')!.verdict).toBe(
      'too little memory (4 GiB free, needs 8 GiB)',
    );
  });

  it('spread across a for_each counts the instances state already holds', () => {
    const yaml = `
resources:
  fake_guest.web:
    for_each: ["a", "b", "c"]
    name: \${each.key}
    node: auto
    memory: 1024
    placement:
      prefer: [pve, pumped-piglet]
      spread: true
`;
    const state = [guestState('fake_guest.web["c"]', { name: 'c', node: 'pve', memory: 1024, placement: { prefer: ['pve', 'pumped-piglet'], spread: true } }, 'pve/150')];
    const r = planPlacement({ yaml, facts: seedFacts(), state });
    expect(r.errors).toEqual([]);
    expect(r.change('fake_guest.web["a"]').after!['node']).toBe('pumped-piglet');
    expect(r.change('fake_guest.web["b"]').after!['node']).toBe('pve');
    expect(r.change('fake_guest.web["c"]').after!['node']).toBe('pve');
    expect(r.change('fake_guest.web["c"]').action).toBe('no-op');
  });

  it('without the cluster read, auto on a new guest is an error at its node attribute saying why', () => {
    const r = planPlacement({ yaml: AUTO_8G, refresh: false });
    expect(r.plan).toBeUndefined();
    expect(r.errors).toEqual(["main.yaml:5:11 fake_guest.big: node: auto needs the cluster's capacity, and this plan has none: refresh is off"]);
    const unread = planPlacement({ yaml: AUTO_8G, unread: 'fake: cluster unreachable' });
    expect(unread.errors).toEqual(["main.yaml:5:11 fake_guest.big: node: auto needs the cluster's capacity, and this plan has none: fake: cluster unreachable"]);
  });

  it('no node fits: an error listing every node and why', () => {
    const r = planPlacement({ yaml: AUTO_8G.replace('8192', '102400'), facts: seedFacts() });
    expect(r.errors).toEqual(['main.yaml:5:11 fake_guest.big: node: auto found no node that fits: no node fits']);
    const d = r.diagnostics.find((x) => x.severity === 'error')!;
    expect(d.detail).toContain('pumped-piglet: too little memory (has 62.4 GiB, needs 100 GiB)');
    expect(d.detail).toContain('still-fawn: offline');
    expect(d.address).toBe('fake_guest.big');
  });

});
