/**
 * The capacity table: the plan's effect on each node of a cluster (memory and vCPUs
 * committed before and after, CPU load), and which thresholds a node is past after it.
 */
import type { NodeEffect, PlacementLimit, PlacementThresholds } from '../plan-types.js';
import { compareText, type NodeLoad } from './node-loads.js';

/** Memory committed past 90 % of the node's, more than 4 vCPUs per core, CPU load past 80 %. */
export const DEFAULT_THRESHOLDS: PlacementThresholds = { memoryPercent: 90, vcpusPerCore: 4, cpuLoadPercent: 80 };

/** Each node's effect, by name: before from the loads as read, after from the loads as planned. */
export function nodeEffects(
  before: ReadonlyMap<string, NodeLoad>,
  after: ReadonlyMap<string, NodeLoad>,
  thresholds: PlacementThresholds,
): NodeEffect[] {
  const out: NodeEffect[] = [];
  for (const [name, b] of [...before].sort(([x], [y]) => compareText(x, y))) {
    const a = after.get(name) ?? b;
    const effect: NodeEffect = {
      node: name,
      online: b.capacity.online,
      cores: b.capacity.cores,
      memoryBytes: b.capacity.memoryBytes,
      memoryBefore: b.memoryCommittedBytes,
      memoryAfter: a.memoryCommittedBytes,
      vcpusBefore: b.vcpusCommitted,
      vcpusAfter: a.vcpusCommitted,
      cpuLoad: b.cpuLoad,
      cpuLoadAfter: a.cpuLoad,
      over: [],
    };
    effect.over = limitsPast(effect, thresholds);
    out.push(effect);
  }
  return out;
}

/** The thresholds the node is past after the plan. */
export function limitsPast(e: Omit<NodeEffect, 'over'>, t: PlacementThresholds): PlacementLimit[] {
  const out: PlacementLimit[] = [];
  if (e.memoryAfter > (e.memoryBytes * t.memoryPercent) / 100) out.push('memory');
  if (e.vcpusAfter > e.cores * t.vcpusPerCore) out.push('vcpus');
  if (e.cpuLoadAfter * 100 > t.cpuLoadPercent) out.push('cpu-load');
  return out;
}

/**
 * The limits the plan pushes the node past: past after the plan, and the plan adds to it
 * (a busy node's CPU load counts when the plan adds anything to the node).
 */
export function limitsPushedPast(e: NodeEffect): PlacementLimit[] {
  const addsMemory = e.memoryAfter > e.memoryBefore;
  const addsVcpus = e.vcpusAfter > e.vcpusBefore;
  return e.over.filter((limit) => {
    if (limit === 'memory') return addsMemory;
    if (limit === 'vcpus') return addsVcpus;
    return e.cpuLoadAfter > e.cpuLoad || addsMemory || addsVcpus;
  });
}
