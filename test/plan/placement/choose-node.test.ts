/** `node: auto`: which node chooseNode picks and what it says of every node. */
import { describe, expect, it } from 'vitest';
import type { PlacementDemand } from '../../../src/provider/placement.js';
import { chooseNode } from '../../../src/plan/placement/choose-node.js';
import { addDemand, nodeLoads } from '../../../src/plan/placement/node-loads.js';
import { GiB, node, seedFacts } from './seed-cluster.js';

function demand(memGiB: number, extra: Partial<PlacementDemand> = {}): PlacementDemand {
  return { node: 'auto', nodePath: ['node'], memoryBytes: memGiB * GiB, vcpus: 2, running: true, storages: ['local-lvm'], ...extra };
}

const verdictOf = (c: ReturnType<typeof chooseNode>, n: string) => c.considered.find((x) => x.node === n)?.verdict;

describe('chooseNode', () => {
  const cases: { reason: string; demand: PlacementDemand; node: string | undefined; check?: (c: ReturnType<typeof chooseNode>) => void }[] = [
    {
      reason: 'an 8 GiB guest goes where most memory is free after it: pumped-piglet',
      demand: demand(8),
      node: 'pumped-piglet',
      check: (c) => {
        expect(c.reason).toBe('46.4 GiB of 62.4 GiB free after this guest, CPU 9.8 % of 12 cores');
        expect(verdictOf(c, 'pve')).toBe('1.4 GiB of 15.4 GiB free after this guest, CPU 26.5 % of 4 cores');
        expect(verdictOf(c, 'chief-horse')).toBe('too little memory (has 7.7 GiB, needs 8 GiB)');
        expect(verdictOf(c, 'fun-bedbug')).toBe('too little memory (has 7.2 GiB, needs 8 GiB)');
        expect(verdictOf(c, 'still-fawn')).toBe('offline');
        expect(c.considered.map((x) => x.node)).toEqual(['chief-horse', 'fun-bedbug', 'pumped-piglet', 'pve', 'rapid-civet', 'still-fawn']);
      },
    },
    {
      reason: 'memory free is the node memory less what its running guests commit',
      demand: demand(6, { prefer: ['chief-horse'] }),
      node: 'pumped-piglet',
      check: (c) => expect(verdictOf(c, 'chief-horse')).toBe('too little memory (5.7 GiB free, needs 6 GiB)'),
    },
    {
      reason: 'prefer puts a node that fits first, even with less memory free',
      demand: demand(2, { prefer: ['chief-horse', 'pve'] }),
      node: 'chief-horse',
      check: (c) => expect(c.reason).toMatch(/, preferred$/),
    },
    {
      reason: 'prefer skips a preferred node that does not fit for the next one',
      demand: demand(8, { prefer: ['chief-horse', 'pve'] }),
      node: 'pve',
    },
    {
      reason: 'an avoided node is not used while another fits',
      demand: demand(2, { avoid: ['pumped-piglet'] }),
      node: 'pve',
      check: (c) => expect(verdictOf(c, 'pumped-piglet')).toMatch(/^avoided \(/),
    },
    {
      reason: 'an avoided node is used when nothing else fits, and says so',
      demand: demand(20, { avoid: ['pumped-piglet'] }),
      node: 'pumped-piglet',
      check: (c) => expect(c.reason).toMatch(/avoided but no other node fits$/),
    },
    {
      reason: 'a node without a storage the guest needs is out, with the storage named',
      demand: demand(2, { storages: ['local-lvm', 'tank'] }),
      node: undefined,
      check: (c) => {
        expect(c.reason).toBe('no node fits');
        expect(verdictOf(c, 'pve')).toBe('lacks storage tank');
      },
    },
    {
      reason: 'a stopped guest needs only to fit the node, not its free memory',
      demand: demand(7, { running: false, prefer: ['chief-horse'] }),
      node: 'chief-horse',
    },
    {
      reason: 'nothing fits a 100 GiB guest: no node, every verdict given',
      demand: demand(100),
      node: undefined,
      check: (c) => {
        expect(c.considered).toHaveLength(6);
        expect(verdictOf(c, 'pumped-piglet')).toBe('too little memory (has 62.4 GiB, needs 100 GiB)');
      },
    },
  ];
  for (const t of cases) {
    it(t.reason, () => {
      const c = chooseNode(t.demand, nodeLoads(seedFacts()), 'proxmox_vm.web');
      expect(c.node).toBe(t.node);
      t.check?.(c);
    });
  }

  it('spread puts instances of one block on the nodes holding fewest of them', () => {
    const loads = nodeLoads(seedFacts());
    const d = demand(1, { spread: true });
    const chosen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const c = chooseNode(d, loads, 'proxmox_vm.web');
      chosen.push(c.node!);
      addDemand(loads, c.node!, { memoryBytes: GiB, vcpus: 2, block: 'proxmox_vm.web' }, 1);
    }
    expect(chosen).toEqual(['pumped-piglet', 'pve', 'chief-horse', 'fun-bedbug']);
    expect(chooseNode(d, loads, 'proxmox_vm.web').reason).toMatch(/1 other instance of proxmox_vm\.web there$/);
    // Without spread, all go where most memory is free.
    expect(chooseNode(demand(1), loads, 'proxmox_vm.web').node).toBe('pumped-piglet');
  });

  it('spread within prefer: the preferred nodes take turns', () => {
    const loads = nodeLoads(seedFacts());
    const d = demand(1, { spread: true, prefer: ['pve', 'chief-horse'] });
    const chosen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = chooseNode(d, loads, 'b.c');
      chosen.push(c.node!);
      addDemand(loads, c.node!, { memoryBytes: GiB, vcpus: 1, block: 'b.c' }, 1);
    }
    expect(chosen).toEqual(['pve', 'chief-horse', 'pve']);
  });

  it('ties fall to lower CPU load, then to the name, whatever the order of the facts', () => {
    const facts = { nodes: [node('b', 4, 8, 0.5), node('c', 4, 8, 0.2), node('a', 4, 8, 0.2)], objects: [] };
    expect(chooseNode(demand(1), nodeLoads(facts), 'x.y').node).toBe('a');
    facts.nodes.reverse();
    expect(chooseNode(demand(1), nodeLoads(facts), 'x.y').node).toBe('a');
    facts.nodes[0]!.cpuLoad = 0.1;
    expect(chooseNode(demand(1), nodeLoads(facts), 'x.y').node).toBe('a');
    expect(chooseNode(demand(1), nodeLoads({ nodes: [node('b', 4, 8, 0.5), node('c', 4, 8, 0.2)], objects: [] }), 'x.y').node).toBe('c');
  });

  it('the same loads give the same choice and the same words', () => {
    const a = chooseNode(demand(3, { spread: true }), nodeLoads(seedFacts()), 'b.c');
    const b = chooseNode(demand(3, { spread: true }), nodeLoads(seedFacts()), 'b.c');
    expect(a).toEqual(b);
  });

  it('no nodes at all: no choice, and why', () => {
    expect(chooseNode(demand(1), new Map(), 'x.y')).toEqual({ reason: 'the provider reported no nodes', considered: [] });
  });
});
