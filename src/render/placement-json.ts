/**
 * Placement in the plan JSON (`hl show --json`), as the hl extension field `hl_placement`
 * beside Terraform's fields: the capacity table per cluster, the migrations the plan makes
 * and the nodes `node: auto` chose. Absent when the plan has none of them.
 */
import type { Plan } from '../plan/plan-types.js';

export interface JsonNodeEffect {
  node: string;
  online: boolean;
  cores: number;
  memory_bytes: number;
  memory_committed_before: number;
  memory_committed_after: number;
  vcpus_before: number;
  vcpus_after: number;
  cpu_load: number;
  cpu_load_after: number;
  /** Thresholds past after the plan: `memory`, `vcpus`, `cpu-load`. */
  over: string[];
}

export interface JsonPlacement {
  thresholds?: { memory_percent: number; vcpus_per_core: number; cpu_load_percent: number };
  clusters?: { provider: string; nodes: JsonNodeEffect[] }[];
  migrations?: { address: string; from: string; to: string; how: string }[];
  auto_nodes?: { address: string; node: string; reason: string; considered: { node: string; verdict: string }[] }[];
}

export function placementToJson(plan: Plan): JsonPlacement | undefined {
  const out: JsonPlacement = {};
  const p = plan.placement;
  if (p) {
    out.thresholds = {
      memory_percent: p.thresholds.memoryPercent,
      vcpus_per_core: p.thresholds.vcpusPerCore,
      cpu_load_percent: p.thresholds.cpuLoadPercent,
    };
    out.clusters = p.providers.map(({ provider, nodes }) => ({
      provider,
      nodes: nodes.map((n) => ({
        node: n.node,
        online: n.online,
        cores: n.cores,
        memory_bytes: n.memoryBytes,
        memory_committed_before: n.memoryBefore,
        memory_committed_after: n.memoryAfter,
        vcpus_before: n.vcpusBefore,
        vcpus_after: n.vcpusAfter,
        cpu_load: n.cpuLoad,
        cpu_load_after: n.cpuLoadAfter,
        over: [...n.over],
      })),
    }));
  }
  const migrations = plan.changes.flatMap((c) =>
    c.migration ? [{ address: c.address, from: c.migration.from, to: c.migration.to, how: c.migration.how }] : [],
  );
  if (migrations.length > 0) out.migrations = migrations;
  const chosen = plan.changes.flatMap((c) =>
    c.placement
      ? [
          {
            address: c.address,
            node: c.placement.node,
            reason: c.placement.reason,
            considered: c.placement.considered.map((x) => ({ ...x })),
          },
        ]
      : [],
  );
  if (chosen.length > 0) out.auto_nodes = chosen;
  return Object.keys(out).length > 0 ? out : undefined;
}
