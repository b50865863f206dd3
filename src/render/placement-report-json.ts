/**
 * `hl placement --json`: one JSON document, the reports as data — per cluster its
 * thresholds, nodes and overloaded nodes with their moves (the config location as
 * `file:line:col`, the node as written and the target) and the guests that stay.
 */
import { formatLocation } from '../core/diagnostic.js';
import type { ClusterPlacement, ReliefMove } from '../plan/placement/relief-moves.js';
import type { TextOutput } from './text-output.js';

function moveJson(m: ReliefMove): Record<string, unknown> {
  return {
    address: m.address,
    id: m.id,
    from: m.from.before.node,
    to: m.to.before.node,
    config: {
      location: formatLocation(m.nodeInConfig.loc),
      attribute: 'node',
      written: m.nodeInConfig.written,
      literal: m.nodeInConfig.literal,
      change_to: m.to.before.node,
    },
    estimate: { from: m.from, to: m.to },
    reason: m.reason,
  };
}

export function printPlacementJson(term: TextOutput, clusters: readonly ClusterPlacement[]): void {
  const doc = {
    clusters: clusters.map(({ provider, report }) => ({
      provider,
      thresholds: report.thresholds,
      nodes: report.nodes,
      overloaded: report.relief.map((r) => ({
        node: r.node,
        reasons: r.overloaded,
        moves: r.moves.map(moveJson),
        stays: r.stays,
        after: r.after,
        relieved: r.relieved,
      })),
    })),
  };
  term.out(`${JSON.stringify(doc, null, 2)}\n`);
}
