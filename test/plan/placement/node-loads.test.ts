/** The cluster's loads as read, and moved by one object's demand. */
import { describe, expect, it } from 'vitest';
import { addDemand, copyLoads, freeMemory, nodeLoads } from '../../../src/plan/placement/node-loads.js';
import { GiB, guest, node, seedFacts } from './seed-cluster.js';

describe('nodeLoads', () => {
  it('commits the memory and vCPUs of running objects only, and counts every object', () => {
    const loads = nodeLoads(seedFacts());
    const pve = loads.get('pve')!;
    expect(pve.memoryCommittedBytes).toBe(6 * GiB);
    expect(pve.vcpusCommitted).toBe(4);
    expect(pve.objects).toBe(3);
    expect(pve.cpuLoad).toBe(0.265);
    expect(loads.get('pumped-piglet')!.memoryCommittedBytes).toBe(8 * GiB);
    expect([...loads.keys()]).toEqual(['chief-horse', 'fun-bedbug', 'pumped-piglet', 'pve', 'rapid-civet', 'still-fawn']);
  });

  it('leaves out objects on nodes the facts do not list', () => {
    const loads = nodeLoads({ nodes: [node('a', 2, 4, 0)], objects: [guest('b/1', 'b', 1, 1)] });
    expect(loads.get('a')!.objects).toBe(0);
    expect(loads.has('b')).toBe(false);
  });
});

describe('addDemand', () => {
  it('adds and takes away memory, vCPUs, load and block instances', () => {
    const loads = nodeLoads(seedFacts());
    addDemand(loads, 'fun-bedbug', { memoryBytes: 4 * GiB, vcpus: 2, cpuShare: 0.6, block: 'proxmox_lxc.frigate' }, -1);
    const fb = loads.get('fun-bedbug')!;
    expect(fb.memoryCommittedBytes).toBe(0);
    expect(fb.vcpusCommitted).toBe(0);
    expect(fb.cpuLoad).toBeCloseTo(0.017, 6);
    addDemand(loads, 'pumped-piglet', { memoryBytes: 4 * GiB, vcpus: 2, cpuShare: 0.6, block: 'proxmox_lxc.frigate' }, 1);
    const pp = loads.get('pumped-piglet')!;
    expect(pp.memoryCommittedBytes).toBe(12 * GiB);
    expect(pp.cpuLoad).toBeCloseTo(0.098 + 1.2 / 12, 6);
    expect(pp.byBlock.get('proxmox_lxc.frigate')).toBe(1);
    expect(freeMemory(pp)).toBe(Math.round(62.39 * GiB) - 12 * GiB);
  });

  it('counts a stopped object without committing anything, and ignores an unknown node', () => {
    const loads = nodeLoads(seedFacts());
    addDemand(loads, 'chief-horse', { memoryBytes: 4 * GiB, vcpus: 4, running: false, block: 'x.y' }, 1);
    const ch = loads.get('chief-horse')!;
    expect(ch.memoryCommittedBytes).toBe(2 * GiB);
    expect(ch.objects).toBe(2);
    expect(ch.byBlock.get('x.y')).toBe(1);
    addDemand(loads, 'nowhere', { memoryBytes: GiB, vcpus: 1 }, 1);
    expect(loads.has('nowhere')).toBe(false);
  });

  it('a copy is not moved by later demand on the original', () => {
    const loads = nodeLoads(seedFacts());
    const copy = copyLoads(loads);
    addDemand(loads, 'pve', { memoryBytes: GiB, vcpus: 1, block: 'b.c' }, 1);
    expect(copy.get('pve')!.memoryCommittedBytes).toBe(6 * GiB);
    expect(copy.get('pve')!.byBlock.size).toBe(0);
  });
});
