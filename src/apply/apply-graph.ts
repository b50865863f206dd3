/**
 * The graph of operations an apply runs, built from the plan's changes alone:
 * `apply:ADDR` (create, update, read, the create half of a replace), `delete:ADDR`, and
 * `deposed:ADDR#KEY` (an object left by an earlier create-before-destroy replacement).
 * Creates and updates wait for the resources they depend on; deletes wait for the
 * deletes of what depends on them; a replace orders its two halves as planned; the delete of
 * an address waits for the deletes of its deposed objects (which state keeps under it).
 */
import { Dag } from '../graph/dag.js';
import type { DeposedDelete, Plan, ResourceChange } from '../plan/plan-types.js';

export interface ApplyGraph {
  dag: Dag;
  changes: Map<string, ResourceChange>;
  /** By node id. */
  deposed: Map<string, DeposedDelete>;
}

export function applyNodeId(address: string): string {
  return `apply:${address}`;
}
export function deleteNodeId(address: string): string {
  return `delete:${address}`;
}
export function deposedNodeId(address: string, key: string): string {
  return `deposed:${address}#${key}`;
}

export function buildApplyGraph(plan: Plan): ApplyGraph {
  const dag = new Dag();
  const changes = new Map<string, ResourceChange>();
  const byBlock = new Map<string, ResourceChange[]>();
  for (const c of plan.changes) {
    changes.set(c.address, c);
    let list = byBlock.get(c.block);
    if (!list) byBlock.set(c.block, (list = []));
    list.push(c);
  }
  const hasApply = (c: ResourceChange): boolean => c.action !== 'no-op' && c.action !== 'delete' && c.action !== 'forget';
  const hasDelete = (c: ResourceChange): boolean =>
    (c.action === 'delete' || c.action === 'delete-create' || c.action === 'create-delete') && c.before !== null;

  for (const c of plan.changes) {
    if (hasApply(c)) dag.addNode(applyNodeId(c.address));
    if (hasDelete(c)) dag.addNode(deleteNodeId(c.address));
  }
  for (const c of plan.changes) {
    for (const depBlock of c.dependencies) {
      for (const d of byBlock.get(depBlock) ?? []) {
        if (hasApply(c) && hasApply(d)) dag.addEdge(applyNodeId(c.address), applyNodeId(d.address));
        // d is deleted after c, which depends on it, is deleted
        if (hasDelete(c) && hasDelete(d)) dag.addEdge(deleteNodeId(d.address), deleteNodeId(c.address));
        // create-before-destroy of d: its old object goes only after c has moved to the new one
        if (d.action === 'create-delete' && hasApply(c) && hasDelete(d)) dag.addEdge(deleteNodeId(d.address), applyNodeId(c.address));
      }
    }
    // an update that stops using something runs before that thing is deleted
    if (hasApply(c)) {
      for (const depBlock of c.priorDependencies ?? []) {
        if (c.dependencies.includes(depBlock)) continue;
        for (const d of byBlock.get(depBlock) ?? [])
          if (d.action === 'delete' && d.before !== null) dag.addEdge(deleteNodeId(d.address), applyNodeId(c.address));
      }
    }
    if (c.action === 'delete-create') dag.addEdge(applyNodeId(c.address), deleteNodeId(c.address));
    if (c.action === 'create-delete' && c.before !== null) dag.addEdge(deleteNodeId(c.address), applyNodeId(c.address));
  }
  const deposed = new Map<string, DeposedDelete>();
  for (const d of plan.deposed) {
    const id = deposedNodeId(d.address, d.key);
    deposed.set(id, d);
    dag.addNode(id);
    if (dag.hasNode(deleteNodeId(d.address))) dag.addEdge(deleteNodeId(d.address), id);
  }
  return { dag, changes, deposed };
}
