/**
 * Why a planned migration cannot work, found at plan time: hardware bound to the node it
 * leaves (a binding another instance holds on the object), or a target node that is offline
 * or lacks a storage the object needs (from the cluster as read).
 */
import type { NodeBinding, PlacementDemand } from '../../provider/placement.js';
import type { ResourceChange } from '../plan-types.js';
import type { NodeLoad } from './node-loads.js';

/** One refused migration: the change and the sentence saying why. */
export interface MigrationRefusal {
  change: ResourceChange;
  summary: string;
  detail: string;
}

/** Bindings that tie a migrating object (binding.objectId = the change's id) to a node other than its target. */
export function boundHardwareRefusals(changes: readonly ResourceChange[], bindings: readonly NodeBinding[]): MigrationRefusal[] {
  const out: MigrationRefusal[] = [];
  for (const c of changes) {
    const m = c.migration;
    if (m === undefined || c.id === null) continue;
    for (const b of bindings) {
      if (b.objectId !== c.id || b.node === m.to) continue;
      out.push({
        change: c,
        summary: `${c.address} cannot migrate from ${m.from} to ${m.to}: ${b.address} passes ${b.what} of ${b.node} through to it; the hardware cannot follow it`,
        detail: `Keep it on ${b.node}, or first apply a change that removes ${b.address} (or binds it elsewhere), then move it.`,
      });
    }
  }
  return out;
}

/** The target node of a migration as read: offline, or without a storage the object needs. */
export function targetRefusal(
  change: ResourceChange,
  demand: PlacementDemand | undefined,
  target: NodeLoad | undefined,
): MigrationRefusal | undefined {
  const m = change.migration;
  if (m === undefined || target === undefined) return undefined;
  const why = (text: string, detail: string): MigrationRefusal => ({
    change,
    summary: `${change.address} cannot migrate from ${m.from} to ${m.to}: ${text}`,
    detail,
  });
  if (!target.capacity.online) return why(`${m.to} is offline`, 'Choose another node, or plan again once it is back.');
  const have = new Set(target.capacity.storages.map((s) => s.id));
  const missing = (demand?.storages ?? []).filter((s) => !have.has(s));
  if (missing.length > 0) {
    const usable = target.capacity.storages.filter((s) => s.content.includes('images') || s.content.includes('rootdir')).map((s) => s.id);
    return why(
      `${m.to} has no storage ${missing.join(', ')}`,
      `Give its volumes a storage ${m.to} has, and the migration copies them there${usable.length > 0 ? ` (${m.to} has ${usable.join(', ')})` : ''}; or choose another node.`,
    );
  }
  return undefined;
}
