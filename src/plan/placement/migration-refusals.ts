/**
 * Why a planned migration cannot work, found by the planner: hardware bound to the node it
 * leaves (a binding another instance, maybe of another provider, holds on the object). What the
 * target node lacks (offline, a storage, a bridge) is the provider's live checkPlan's to say,
 * with the volume or NIC it is about.
 */
import type { NodeBinding } from '../../provider/placement.js';
import type { ResourceChange } from '../plan-types.js';

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
