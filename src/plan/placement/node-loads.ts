/**
 * The load of each node of a cluster: its capacity as read, with the memory and vCPUs
 * committed by the objects placed on it. Built from what the provider read, then moved by
 * the plan's choices and changes (`addDemand`), so each choice sees the ones before it.
 */
import type { NodeCapacity, PlacementFacts } from '../../provider/placement.js';

export interface NodeLoad {
  capacity: NodeCapacity;
  /** Memory of the objects placed on it that run (or will). */
  memoryCommittedBytes: number;
  /** vCPUs of the objects placed on it that run (or will). */
  vcpusCommitted: number;
  /** 0..1: the node's current load adjusted by objects moved in or out. */
  cpuLoad: number;
  /** Objects placed on it, running or not. */
  objects: number;
  /** Instances of each block address placed there (for `spread`). */
  byBlock: Map<string, number>;
}

/** What one object adds to (or takes from) a node. */
export interface LoadDemand {
  memoryBytes: number;
  vcpus: number;
  /** Share of its own vCPUs it keeps busy, 0..1 (a placed object's `cpuLoad`); 0 when unknown. */
  cpuShare?: number;
  /** Its block address, counted for `spread`. */
  block?: string;
  /** false: counted as an object but commits no memory, vCPUs or load (a stopped guest). Default true. */
  running?: boolean;
}

/** The cluster as read: each node with the objects the facts place on it. */
export function nodeLoads(facts: PlacementFacts): Map<string, NodeLoad> {
  const loads = new Map<string, NodeLoad>();
  for (const capacity of [...facts.nodes].sort((a, b) => compareText(a.name, b.name))) {
    loads.set(capacity.name, {
      capacity,
      memoryCommittedBytes: 0,
      vcpusCommitted: 0,
      cpuLoad: clampShare(capacity.cpuLoad),
      objects: 0,
      byBlock: new Map(),
    });
  }
  for (const o of facts.objects) {
    const load = loads.get(o.node);
    if (load === undefined) continue;
    load.objects++;
    if (!o.running) continue;
    load.memoryCommittedBytes += o.memoryBytes;
    load.vcpusCommitted += o.vcpus;
  }
  return loads;
}

/**
 * Adds (sign 1) or takes away (sign -1) one object's demand on `node`. The node's CPU load
 * moves by the object's busy vCPUs over the node's cores. A node the facts do not know is left alone.
 */
export function addDemand(loads: Map<string, NodeLoad>, node: string, d: LoadDemand, sign: 1 | -1): void {
  const load = loads.get(node);
  if (load === undefined) return;
  load.objects = Math.max(0, load.objects + sign);
  if (d.block !== undefined) countInstance(loads, node, d.block, sign);
  if (d.running === false) return;
  load.memoryCommittedBytes = Math.max(0, load.memoryCommittedBytes + sign * d.memoryBytes);
  load.vcpusCommitted = Math.max(0, load.vcpusCommitted + sign * d.vcpus);
  if (d.cpuShare !== undefined && load.capacity.cores > 0) {
    load.cpuLoad = clampShare(load.cpuLoad + (sign * d.cpuShare * d.vcpus) / load.capacity.cores);
  }
}

/** Counts one instance of `block` on `node` (sign 1) or one fewer (sign -1), for `spread`; nothing else moves. */
export function countInstance(loads: Map<string, NodeLoad>, node: string, block: string, sign: 1 | -1): void {
  const load = loads.get(node);
  if (load === undefined) return;
  const n = (load.byBlock.get(block) ?? 0) + sign;
  if (n > 0) load.byBlock.set(block, n);
  else load.byBlock.delete(block);
}

/** Memory of the node not committed to objects (negative when over-committed). */
export function freeMemory(load: NodeLoad): number {
  return load.capacity.memoryBytes - load.memoryCommittedBytes;
}

/** A copy that later `addDemand` calls on the original do not touch. */
export function copyLoads(loads: ReadonlyMap<string, NodeLoad>): Map<string, NodeLoad> {
  const copy = new Map<string, NodeLoad>();
  for (const [name, l] of loads) copy.set(name, { ...l, byBlock: new Map(l.byBlock) });
  return copy;
}

function clampShare(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** Code-point order, the same on every machine (no locale). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
