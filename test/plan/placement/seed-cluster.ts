/** The seed review's cluster as placement facts (GB in the review read as GiB), for placement tests. */
import type { NodeCapacity, PlacedObject, PlacementFacts } from '../../../src/provider/placement.js';

export const GiB = 1024 ** 3;

export function node(name: string, cores: number, memGiB: number, cpu: number, extra: Partial<NodeCapacity> = {}): NodeCapacity {
  return {
    name,
    online: true,
    cores,
    cpuLoad: cpu,
    memoryBytes: Math.round(memGiB * GiB),
    memoryUsedBytes: 0,
    storages: [
      { id: 'local', content: ['iso', 'vztmpl'], shared: false },
      { id: 'local-lvm', content: ['images', 'rootdir'], shared: false },
    ],
    ...extra,
  };
}

export function guest(id: string, nodeName: string, memGiB: number, vcpus: number, extra: Partial<PlacedObject> = {}): PlacedObject {
  return { id, type: 'proxmox_vm', node: nodeName, memoryBytes: memGiB * GiB, vcpus, cpuLoad: 0, running: true, ...extra };
}

/** pve, pumped-piglet, chief-horse, fun-bedbug (Frigate busy), still-fawn and rapid-civet offline. */
export function seedFacts(): PlacementFacts {
  return {
    nodes: [
      node('pve', 4, 15.36, 0.265),
      node('pumped-piglet', 12, 62.39, 0.098),
      node('chief-horse', 4, 7.66, 0.177),
      node('fun-bedbug', 2, 7.22, 0.617),
      node('still-fawn', 8, 31.2, 0, { online: false }),
      node('rapid-civet', 4, 15.5, 0, { online: false }),
    ],
    objects: [
      guest('pve/100', 'pve', 4, 2, { type: 'proxmox_lxc', name: 'docker' }),
      guest('pve/101', 'pve', 2, 2, { name: 'opnsense' }),
      guest('pumped-piglet/200', 'pumped-piglet', 8, 4, { name: 'maas' }),
      guest('chief-horse/300', 'chief-horse', 2, 2, { type: 'proxmox_lxc', name: 'kuma' }),
      guest('fun-bedbug/113', 'fun-bedbug', 4, 2, { type: 'proxmox_lxc', name: 'frigate', cpuLoad: 0.6 }),
      guest('pve/102', 'pve', 8, 4, { name: 'stopped', running: false }),
    ],
  };
}
