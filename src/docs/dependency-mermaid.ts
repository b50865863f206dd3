/**
 * The dependency graph recorded in state as a Mermaid flowchart: one box per resource
 * block, an arrow from a block to each block it depends on, and the blocks whose
 * instances are all on one Proxmox node grouped in a subgraph for that node. Node ids are
 * given in sorted order, so the text only changes when the graph does.
 */
import { compareStrings } from '../core/value.js';
import { nodeOf } from './resource-facts.js';
import type { InventoryResource } from './inventory-resource.js';
import { label } from './inventory-mermaid.js';

export function renderDependencyMermaid(resources: readonly InventoryResource[]): string {
  const nodesOfBlock = new Map<string, Set<string | undefined>>();
  const dependencies = new Map<string, Set<string>>();
  for (const r of resources) {
    const nodes = nodesOfBlock.get(r.block) ?? new Set<string | undefined>();
    nodes.add(nodeOf(r));
    nodesOfBlock.set(r.block, nodes);
    const deps = dependencies.get(r.block) ?? new Set<string>();
    for (const d of r.dependencies) deps.add(d);
    dependencies.set(r.block, deps);
  }
  const blocks = [...nodesOfBlock.keys()].sort(compareStrings);
  const id = new Map(blocks.map((b, i) => [b, `n${i}`]));
  const box = (b: string): string => `${id.get(b)}["${label(b)}"]`;

  const byNode = new Map<string, string[]>();
  const loose: string[] = [];
  for (const b of blocks) {
    const nodes = [...nodesOfBlock.get(b)!];
    const only = nodes.length === 1 ? nodes[0] : undefined;
    if (only === undefined) loose.push(b);
    else byNode.set(only, [...(byNode.get(only) ?? []), b]);
  }

  const lines = ['flowchart LR'];
  [...byNode.keys()].sort(compareStrings).forEach((node, i) => {
    lines.push(`  subgraph node${i}["node ${label(node)}"]`);
    for (const b of byNode.get(node)!) lines.push(`    ${box(b)}`);
    lines.push('  end');
  });
  for (const b of loose) lines.push(`  ${box(b)}`);
  for (const b of blocks) {
    for (const d of [...dependencies.get(b)!].sort(compareStrings)) {
      if (id.has(d) && d !== b) lines.push(`  ${id.get(b)} --> ${id.get(d)}`);
    }
  }
  return lines.join('\n') + '\n';
}
