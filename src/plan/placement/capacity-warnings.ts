/** Warnings for the nodes a plan pushes past a threshold, each naming what the plan puts there. */
import { warning, type Diagnostic } from '../../core/diagnostic.js';
import type { NodeEffect, PlacementLimit, PlacementThresholds } from '../plan-types.js';
import { formatBytes, formatPercent } from './byte-size.js';
import { limitsPushedPast } from './capacity-table.js';

export function capacityWarnings(
  provider: string,
  effects: readonly NodeEffect[],
  thresholds: PlacementThresholds,
  placedOn: ReadonlyMap<string, readonly string[]>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of effects) {
    const pushed = limitsPushedPast(e);
    if (pushed.length === 0) continue;
    const placed = placedOn.get(e.node) ?? [];
    out.push(
      warning(
        `Node ${e.node} (${provider}) is pushed past ${pushed.length === 1 ? 'a threshold' : 'thresholds'} by this plan: ${pushed.map((l) => limitText(e, l, thresholds)).join('; ')}`,
        undefined,
        placed.length > 0 ? `This plan puts there: ${placed.join(', ')}.` : undefined,
      ),
    );
  }
  return out;
}

/** `memory committed 58 GiB of 62.4 GiB (93.0 %, past 90 %)`. */
export function limitText(e: NodeEffect, limit: PlacementLimit, t: PlacementThresholds): string {
  switch (limit) {
    case 'memory': {
      const share = e.memoryBytes > 0 ? e.memoryAfter / e.memoryBytes : 0;
      return `memory committed ${formatBytes(e.memoryAfter)} of ${formatBytes(e.memoryBytes)} (${formatPercent(share)}, past ${t.memoryPercent} %)`;
    }
    case 'vcpus':
      return `${e.vcpusAfter} vCPUs on ${e.cores} cores (${perCore(e.vcpusAfter, e.cores)} per core, past ${t.vcpusPerCore})`;
    case 'cpu-load':
      return `CPU load ${formatPercent(e.cpuLoadAfter)} (past ${t.cpuLoadPercent} %)`;
  }
}

function perCore(vcpus: number, cores: number): string {
  return cores > 0 ? (vcpus / cores).toFixed(1) : '∞';
}
