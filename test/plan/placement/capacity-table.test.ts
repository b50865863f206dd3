/** The capacity table the plan carries: each node's memory and vCPUs before and after, the limits it is past, the warnings and the error for a guest that could never start. */
import { describe, expect, it } from 'vitest';
import type { NodeEffect } from '../../../src/plan/plan-types.js';
import { guestState, planPlacement } from './placement-scenario.js';
import { GiB, seedFacts } from './seed-cluster.js';

const row = (nodes: NodeEffect[] | undefined, name: string) => nodes!.find((n) => n.node === name)!;

const DOCKER = guestState('fake_guest.docker', { name: 'docker', node: 'pve', memory: 4096, cores: 2, storage: null, running: null, placement: null, fail: null }, 'pve/100');

describe('capacity table', () => {
  it('moving docker from pve to pumped-piglet: memory and vCPUs leave one node and reach the other', () => {
    const yaml = `
resources:
  fake_guest.docker:
    name: docker
    node: pumped-piglet
    memory: 4096
    cores: 2
`;
    const r = planPlacement({ yaml, state: [DOCKER], facts: seedFacts() });
    expect(r.errors).toEqual([]);
    expect(r.plan!.placement!.version).toBe(1);
    expect(r.plan!.placement!.thresholds).toEqual({ memoryPercent: 90, vcpusPerCore: 4, cpuLoadPercent: 80 });
    const nodes = r.plan!.placement!.providers[0]!.nodes;
    expect(r.plan!.placement!.providers[0]!.provider).toBe('fake');
    expect(nodes.map((n) => n.node)).toEqual(['chief-horse', 'fun-bedbug', 'pumped-piglet', 'pve', 'rapid-civet', 'still-fawn']);
    expect(row(nodes, 'pve')).toMatchObject({ memoryBefore: 6 * GiB, memoryAfter: 2 * GiB, vcpusBefore: 4, vcpusAfter: 2, cpuLoad: 0.265, over: [] });
    expect(row(nodes, 'pumped-piglet')).toMatchObject({ memoryBefore: 8 * GiB, memoryAfter: 12 * GiB, vcpusBefore: 4, vcpusAfter: 6, cores: 12 });
    expect(row(nodes, 'chief-horse')).toMatchObject({ memoryBefore: 2 * GiB, memoryAfter: 2 * GiB });
  });

  it('a create adds, a delete takes away, a memory change moves by the difference, a replace counts its create', () => {
    const yaml = `
resources:
  fake_guest.docker:
    name: docker
    node: pve
    memory: 6144
    cores: 2
  fake_guest.new:
    name: new
    node: chief-horse
    memory: 1024
    cores: 1
  fake_guest.rebuilt:
    name: rebuilt
    node: pumped-piglet
    memory: 2048
    cores: 2
    storage: local-lvm
`;
    const state = [
      DOCKER,
      guestState('fake_guest.kuma', { name: 'kuma', node: 'chief-horse', memory: 2048, cores: 2 }, 'chief-horse/300'),
      guestState('fake_guest.rebuilt', { name: 'rebuilt', node: 'pumped-piglet', memory: 8192, cores: 4, storage: 'local', running: null, placement: null, fail: null }, 'pumped-piglet/200'),
    ];
    const r = planPlacement({ yaml, state, facts: seedFacts() });
    expect(r.errors).toEqual([]);
    expect(r.change('fake_guest.rebuilt').action).toBe('delete-create');
    const nodes = r.plan!.placement!.providers[0]!.nodes;
    expect(row(nodes, 'pve')).toMatchObject({ memoryBefore: 6 * GiB, memoryAfter: 8 * GiB, vcpusAfter: 4 });
    expect(row(nodes, 'chief-horse')).toMatchObject({ memoryBefore: 2 * GiB, memoryAfter: 1 * GiB, vcpusBefore: 2, vcpusAfter: 1 });
    expect(row(nodes, 'pumped-piglet')).toMatchObject({ memoryBefore: 8 * GiB, memoryAfter: 2 * GiB, vcpusBefore: 4, vcpusAfter: 2 });
  });

  it('a stopped guest commits no memory', () => {
    const yaml = `
resources:
  fake_guest.cold:
    name: cold
    node: chief-horse
    memory: 4096
    cores: 2
    running: false
`;
    const r = planPlacement({ yaml, facts: seedFacts() });
    expect(row(r.plan!.placement!.providers[0]!.nodes, 'chief-horse')).toMatchObject({ memoryAfter: 2 * GiB, vcpusAfter: 2 });
  });

  it('a 16 GiB guest planned on chief-horse is an error at its memory attribute', () => {
    const yaml = `
resources:
  fake_guest.big:
    name: big
    node: chief-horse
    memory: 16384
    cores: 2
`;
    const r = planPlacement({ yaml, facts: seedFacts() });
    expect(r.plan).toBeUndefined();
    expect(r.errors).toEqual(['main.yaml:6:13 fake_guest.big: memory 16 GiB is more than chief-horse has (7.7 GiB); it could never start there']);
  });

  it('a node pushed past a threshold is flagged and warned about, naming what the plan puts there', () => {
    const yaml = `
resources:
  fake_guest.bulky:
    name: bulky
    node: pve
    memory: 8192
    cores: 16
`;
    const r = planPlacement({ yaml, facts: seedFacts() });
    expect(r.errors).toEqual([]);
    const pve = row(r.plan!.placement!.providers[0]!.nodes, 'pve');
    expect(pve.over).toEqual(['memory', 'vcpus']);
    expect(r.warnings).toEqual([
      'Node pve (fake) is pushed past thresholds by this plan: memory committed 14 GiB of 15.4 GiB (91.1 %, past 90 %); 20 vCPUs on 4 cores (5.0 per core, past 4)',
    ]);
    expect(r.diagnostics.find((d) => d.severity === 'warning')!.detail).toBe('This plan puts there: fake_guest.bulky.');
  });

  it('a busy node warns when the plan adds to it, not when the plan leaves it alone', () => {
    const onBedbug = `
resources:
  fake_guest.small:
    name: small
    node: fun-bedbug
    memory: 512
    cores: 1
`;
    const facts = seedFacts();
    facts.nodes.find((n) => n.name === 'fun-bedbug')!.cpuLoad = 0.85;
    const r = planPlacement({ yaml: onBedbug, facts });
    expect(r.warnings).toEqual(['Node fun-bedbug (fake) is pushed past a threshold by this plan: CPU load 85.0 % (past 80 %)']);
    const elsewhere = planPlacement({ yaml: onBedbug.replace('fun-bedbug', 'pve'), facts });
    expect(elsewhere.warnings).toEqual([]);
    expect(row(elsewhere.plan!.placement!.providers[0]!.nodes, 'fun-bedbug').over).toEqual(['cpu-load']);
  });

  it('thresholds given to the planner replace the defaults', () => {
    const yaml = `
resources:
  fake_guest.mid:
    name: mid
    node: pve
    memory: 4096
`;
    const r = planPlacement({ yaml, facts: seedFacts(), thresholds: { memoryPercent: 50, vcpusPerCore: 4, cpuLoadPercent: 80 } });
    expect(r.warnings).toHaveLength(1);
    expect(r.plan!.placement!.thresholds.memoryPercent).toBe(50);
  });

  it('no table without the cluster read', () => {
    const r = planPlacement({ yaml: 'resources:\n  fake_guest.a:\n    name: a\n    node: pve\n', refresh: false });
    expect(r.errors).toEqual([]);
    expect(r.plan!.placement).toBeUndefined();
  });
});

describe('the memory check looks only at what the plan places', () => {
  it('an update that keeps node and memory is not refused; one that raises the memory is', () => {
    const state = [guestState('fake_guest.big', { name: 'big', node: 'chief-horse', memory: 16384, cores: 2, storage: null, running: null, placement: null, fail: null }, 'chief-horse/301')];
    const yaml = (memory: number) => `
resources:
  fake_guest.big:
    name: big
    node: chief-horse
    memory: ${memory}
    cores: 4
`;
    expect(planPlacement({ yaml: yaml(16384), state, facts: seedFacts() }).errors).toEqual([]);
    expect(planPlacement({ yaml: yaml(20480), state, facts: seedFacts() }).errors).toEqual([
      'main.yaml:6:13 fake_guest.big: memory 20 GiB is more than chief-horse has (7.7 GiB); it could never start there',
    ]);
  });
});
