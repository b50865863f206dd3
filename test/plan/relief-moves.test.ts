/**
 * The balance report and the moves that would relieve an overloaded node (pure), on the seed
 * review's cluster: fun-bedbug over 60 % CPU on 2 cores with Frigate bound by its Coral; which
 * guests may move and why the others stay (bound hardware, storage, stopped, not in config,
 * no room); the target chooseNode picks (never one the move would overload); the estimates
 * (busy cores moved from one node's cores to the other's); greedy moves until relieved; and
 * memory committed over its threshold.
 */
import { describe, expect, it } from 'vitest';
import type { SourceLocation } from '../../src/core/diagnostic.js';
import type { NodeBinding, PlacementDemand, PlacementFacts } from '../../src/provider/placement.js';
import { DEFAULT_OVERLOAD, reliefMoves, type ManagedGuest } from '../../src/plan/placement/relief-moves.js';
import { GiB, guest, node } from './placement/seed-cluster.js';

const loc = (line: number): SourceLocation => ({ file: 'examples/homelab.yaml', line, col: 5 });

function managed(address: string, id: string, nodeName: string, extra: Partial<PlacementDemand> = {}, line = 95): ManagedGuest {
  return {
    address,
    id,
    demand: { node: nodeName, nodePath: ['node'], running: true, storages: ['local-lvm'], ...extra },
    nodeInConfig: { loc: loc(line), written: nodeName, literal: true },
  };
}

/** The seed's four online nodes and two offline ones; pumped-piglet has local-zfs, not local-lvm. */
function facts(): PlacementFacts {
  const zfs = { storages: [{ id: 'local', content: ['iso', 'vztmpl'], shared: false }, { id: 'local-zfs', content: ['images', 'rootdir'], shared: false }] };
  return {
    nodes: [
      node('pve', 4, 15.36, 0.265),
      node('pumped-piglet', 12, 62.39, 0.098, zfs),
      node('chief-horse', 4, 7.66, 0.177),
      node('fun-bedbug', 2, 7.22, 0.617),
      node('still-fawn', 8, 31.2, 0, { online: false }),
      node('rapid-civet', 4, 15.5, 0, { online: false }),
    ],
    objects: [
      guest('pve/100', 'pve', 4, 2, { type: 'proxmox_lxc', name: 'docker', cpuLoad: 0.1 }),
      guest('fun-bedbug/113', 'fun-bedbug', 4, 2, { type: 'proxmox_lxc', name: 'frigate', cpuLoad: 0.5 }),
      guest('fun-bedbug/112', 'fun-bedbug', 1, 1, { type: 'proxmox_lxc', name: 'uptime-kuma', cpuLoad: 0.13 }),
    ],
  };
}

const frigateCoral: NodeBinding = {
  objectId: 'fun-bedbug/113',
  node: 'fun-bedbug',
  address: 'coral_passthrough.frigate',
  what: 'the USB Coral TPU on port 2-1',
};

const GUESTS = [
  managed('proxmox_lxc.frigate', 'fun-bedbug/113', 'fun-bedbug', {}, 135),
  managed('proxmox_lxc.uptime_kuma', 'fun-bedbug/112', 'fun-bedbug'),
  managed('proxmox_lxc.docker', 'pve/100', 'pve', {}, 77),
];

describe('reliefMoves on the seed cluster', () => {
  const report = reliefMoves({ facts: facts(), guests: GUESTS, bindings: [frigateCoral], thresholds: DEFAULT_OVERLOAD });

  it('reports every node, and only fun-bedbug as overloaded', () => {
    expect(report.nodes.map((n) => n.node)).toEqual(['chief-horse', 'fun-bedbug', 'pumped-piglet', 'pve', 'rapid-civet', 'still-fawn']);
    const bedbug = report.nodes.find((n) => n.node === 'fun-bedbug')!;
    expect(bedbug).toMatchObject({ cores: 2, cpuLoad: 0.617, memoryCommittedBytes: 5 * GiB, vcpusCommitted: 3, guests: 2 });
    expect(bedbug.overloaded).toEqual(['CPU 61.7 % is above 60 %']);
    expect(report.nodes.filter((n) => n.overloaded.length > 0).map((n) => n.node)).toEqual(['fun-bedbug']);
    expect(report.relief.map((r) => r.node)).toEqual(['fun-bedbug']);
  });

  it('keeps Frigate where its Coral is, saying why', () => {
    expect(report.relief[0]!.stays).toEqual([
      { address: 'proxmox_lxc.frigate', id: 'fun-bedbug/113', why: 'the USB Coral TPU on port 2-1 is on fun-bedbug' },
    ]);
  });

  it('moves Uptime Kuma to pumped-piglet (local-lvm copied to a storage there) with the config change and estimates', () => {
    const [move] = report.relief[0]!.moves;
    expect(report.relief[0]!.moves).toHaveLength(1);
    expect(move).toMatchObject({ address: 'proxmox_lxc.uptime_kuma', id: 'fun-bedbug/112', nodeInConfig: { loc: loc(95), written: 'fun-bedbug' } });
    expect(move!.to.before.node).toBe('pumped-piglet');
    // 0.13 of 1 vCPU leaves 2 cores (-6.5 points) and lands on 12 (+~1.1 points)
    expect(move!.from.before.cpuLoad).toBeCloseTo(0.617, 5);
    expect(move!.from.after.cpuLoad).toBeCloseTo(0.552, 5);
    expect(move!.to.before.cpuLoad).toBeCloseTo(0.098, 5);
    expect(move!.to.after.cpuLoad).toBeCloseTo(0.098 + 0.13 / 12, 5);
    expect(move!.from.after.memoryCommittedBytes).toBe(4 * GiB);
    expect(move!.reason).toMatch(/free after this guest/);
    expect(report.relief[0]).toMatchObject({ relieved: true, after: { node: 'fun-bedbug' } });
  });

  it('never proposes a guest of a node that is not overloaded', () => {
    expect(report.relief.flatMap((r) => r.moves.map((m) => m.address))).not.toContain('proxmox_lxc.docker');
  });
});

describe('reliefMoves: why a guest stays', () => {
  it('a guest on a shared storage no other node has', () => {
    const f = facts();
    f.nodes.find((n) => n.name === 'fun-bedbug')!.storages.push({ id: 'nas', content: ['images', 'rootdir'], shared: true });
    const r = reliefMoves({
      facts: f,
      guests: [managed('proxmox_lxc.uptime_kuma', 'fun-bedbug/112', 'fun-bedbug', { storages: ['nas'] })],
      bindings: [],
      thresholds: DEFAULT_OVERLOAD,
    });
    expect(r.relief[0]!.moves).toEqual([]);
    expect(r.relief[0]!.stays[0]!.why).toMatch(/^no other node can take it \(.*pumped-piglet: lacks storage nas/);
    expect(r.relief[0]!.relieved).toBe(false);
  });

  it('a guest whose node-local volumes no target has a storage for', () => {
    const f = facts();
    for (const n of f.nodes) if (n.name !== 'fun-bedbug') n.storages = [{ id: 'local', content: ['iso', 'vztmpl'], shared: false }];
    const r = reliefMoves({ facts: f, guests: [GUESTS[1]!], bindings: [], thresholds: DEFAULT_OVERLOAD });
    expect(r.relief[0]!.stays[0]!.why).toContain('pumped-piglet: no storage for the volumes on local-lvm (images, rootdir)');
  });

  it('a stopped guest, and one no longer in the config', () => {
    const f = facts();
    f.objects.find((o) => o.id === 'fun-bedbug/112')!.running = false;
    const gone: ManagedGuest = { ...GUESTS[0]!, address: 'proxmox_lxc.old', nodeInConfig: undefined } as ManagedGuest;
    delete gone.nodeInConfig;
    const r = reliefMoves({ facts: f, guests: [gone, GUESTS[1]!], bindings: [], thresholds: DEFAULT_OVERLOAD });
    expect(r.relief[0]!.stays.map((s) => `${s.address}: ${s.why}`)).toEqual([
      'proxmox_lxc.old: it is no longer in the config',
      'proxmox_lxc.uptime_kuma: it is stopped, so it adds no load',
    ]);
  });

  it('a guest state places on the node that the cluster does not list there', () => {
    const r = reliefMoves({
      facts: facts(),
      guests: [GUESTS[1]!, managed('proxmox_lxc.vanished', 'fun-bedbug/150', 'fun-bedbug', {}, 160)],
      bindings: [],
      thresholds: DEFAULT_OVERLOAD,
    });
    expect(r.relief[0]!.stays).toEqual([
      {
        address: 'proxmox_lxc.vanished',
        id: 'fun-bedbug/150',
        why: 'the cluster does not list fun-bedbug/150 (gone, or moved outside hl): hl plan reads it again',
      },
    ]);
    expect(r.relief[0]!.moves.map((m) => m.address)).toEqual(['proxmox_lxc.uptime_kuma']);
  });

  it('never moves a guest onto a node it would overload', () => {
    const f = facts();
    // only chief-horse has room, and it is at 59 % on 4 cores: 1.8 busy cores would push it over
    for (const n of f.nodes) if (n.name === 'pve' || n.name === 'pumped-piglet') n.online = false;
    f.nodes.find((n) => n.name === 'chief-horse')!.cpuLoad = 0.59;
    f.objects.find((o) => o.id === 'fun-bedbug/112')!.cpuLoad = 0.9;
    const r = reliefMoves({ facts: f, guests: [GUESTS[1]!], bindings: [], thresholds: DEFAULT_OVERLOAD });
    expect(r.relief[0]!.moves).toEqual([]);
    expect(r.relief[0]!.stays[0]!.why).toMatch(/chief-horse: would be overloaded \(CPU 81\.5 % is above 60 %\)/);
  });
});

describe('reliefMoves: thresholds and several moves', () => {
  it('moves guests, the busiest first, until the node is under the threshold, then stops', () => {
    const f = facts();
    f.objects.push(guest('fun-bedbug/114', 'fun-bedbug', 1, 1, { type: 'proxmox_lxc', name: 'small', cpuLoad: 0.05 }));
    const guests = [GUESTS[1]!, managed('proxmox_lxc.small', 'fun-bedbug/114', 'fun-bedbug', {}, 120)];
    // a threshold of 58 %: moving uptime-kuma (-6.5 points) is enough
    const r = reliefMoves({ facts: f, guests, bindings: [], thresholds: { cpu: 0.58, memory: 0.9 } });
    expect(r.relief[0]!.moves.map((m) => m.address)).toEqual(['proxmox_lxc.uptime_kuma']);
    expect(r.relief[0]!.relieved).toBe(true);
    // at 50 % both must go, and the node is still over afterwards
    const r2 = reliefMoves({ facts: f, guests, bindings: [], thresholds: { cpu: 0.5, memory: 0.9 } });
    expect(r2.relief[0]!.moves.map((m) => m.address)).toEqual(['proxmox_lxc.uptime_kuma', 'proxmox_lxc.small']);
    expect(r2.relief[0]!.moves[1]!.from.before.cpuLoad).toBeCloseTo(0.552, 5);
    expect(r2.relief[0]!.after.cpuLoad).toBeCloseTo(0.527, 5);
    expect(r2.relief[0]!.relieved).toBe(false);
  });

  it('finds a node whose memory committed is over its threshold', () => {
    const f = facts();
    f.objects.push(guest('chief-horse/130', 'chief-horse', 7.2, 2, { name: 'big' }));
    const r = reliefMoves({ facts: f, guests: [managed('proxmox_vm.big', 'chief-horse/130', 'chief-horse', {}, 150)], bindings: [], thresholds: DEFAULT_OVERLOAD });
    const horse = r.relief.find((x) => x.node === 'chief-horse')!;
    expect(horse.overloaded).toEqual(['memory committed 94.0 % is above 90 %']);
    expect(horse.moves[0]).toMatchObject({ address: 'proxmox_vm.big', to: { before: { node: 'pumped-piglet' } } });
    expect(horse.moves[0]!.from.after.memoryCommittedBytes).toBe(0);
    expect(horse.relieved).toBe(true);
  });

  it('a higher CPU threshold finds nothing to relieve', () => {
    const r = reliefMoves({ facts: facts(), guests: GUESTS, bindings: [frigateCoral], thresholds: { cpu: 0.7, memory: 0.9 } });
    expect(r.relief).toEqual([]);
  });
});
