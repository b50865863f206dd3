/**
 * The plan of a guest resource (pure), the same for `proxmox_vm` and `proxmox_lxc`; what
 * differs comes from a GuestPlanKind (vm-plan.ts, lxc-plan.ts):
 *
 * 1. the attributes are planned from config and prior state (attribute-plan.ts);
 * 2. for an existing guest, what cannot change in place asks for a replacement: a change of
 *    an attribute its table declares `forceNew` (vmid; clone source; template; ...), and the
 *    kind's own reasons (volumes that would shrink, or change storage on the same node);
 * 3. a replacement is planned as a create of a new guest;
 * 4. otherwise the identity (id, vmid, status) is filled in; a change of node is a migration
 *    (migration-plan.ts), done first, the rest then applied on the new node, whose id the
 *    planned `id` is;
 * 5. for a guest that runs and stays running, the changes it takes only at its next start
 *    become a reboot note and `pending_changes` per the provider's reboot policy, and device
 *    changes it takes at once (or by replugging a NIC) get a note saying so. A restart
 *    migration (a running container) applies them on the way.
 */
import { isUnknown, valueEquals, type Attributes, type Value } from '../../../src/core/value.js';
import type { AttributeProblem, PlanResourceResponse } from '../../../src/provider/contract.js';
import type { GuestAttributeTable } from '../attributes/guest-attribute.js';
import { forceNewReplacements, planSpecs } from '../attributes/derive-plan.js';
import { planAttributes, type PlanContext } from './attribute-plan.js';
import { fillIdentity, rebootPlan, rebootPolicyOf, stringList, type LiveChange, type Replacement } from './guest-plan-common.js';
import { nodeChange, planMigration } from './migration-plan.js';

/** Whether the planned value is known and differs from the prior one. */
export function plannedChange(prior: Value | undefined, planned: Value | undefined): boolean {
  if (isUnknown(planned) || planned === undefined) return false;
  return !valueEquals(prior ?? null, planned ?? null);
}

export interface GuestPlanKind {
  /** How notes and reasons name the guest: `the VM ...`, `the container ...`. */
  noun: 'VM' | 'container';
  /** The top-level attributes, each declared once (../attributes/). */
  attributes: GuestAttributeTable;
  /** Whether unset values of a guest being created come from a template (a VM clone). */
  fromTemplate(config: Attributes): boolean;
  /**
   * The kind's own reasons for a replacement (and notes) for an existing guest, beyond its
   * forceNew attributes; `migrating`: the guest moves to another node.
   */
  replacements(prior: Attributes, planned: Attributes, out: Replacement[], notes: string[], migrating: boolean): void;
  /** Notes for a guest updated in place, before the reboot note. */
  inPlaceNotes?(prior: Attributes, planned: Attributes): string[];
  /** Planned changes with what a running guest does with each (PVE's rules, providers/pve/pve-rules/). */
  liveChanges(prior: Attributes, planned: Attributes): LiveChange[];
  /** Problems of the plan; `prior` is null when the guest is created (or replaced). */
  problems(config: Attributes, prior: Attributes | null, planned: Attributes, providerConfig: Attributes): AttributeProblem[];
}

export function planGuest(
  kind: GuestPlanKind,
  prior: Attributes | null,
  config: Attributes,
  providerConfig: Attributes,
): PlanResourceResponse {
  const fromTemplate = kind.fromTemplate(config);
  // Unset values of a guest being cloned come from the template; an existing guest has its own.
  const ctx: PlanContext = { fromTemplate: fromTemplate && prior === null, notes: [] };
  const specs = planSpecs(kind.attributes);
  const planned = planAttributes(specs, config, prior, ctx);
  const requiresReplace: Replacement[] = [];
  const notes = ctx.notes;
  if (prior) {
    forceNewReplacements(kind.attributes, prior, planned, requiresReplace, notes);
    kind.replacements(prior, planned, requiresReplace, notes, nodeChange(prior, planned) !== undefined);
  }
  if (prior && requiresReplace.length > 0) {
    // The replacement is a new guest: plan it as a create.
    const fresh = planAttributes(specs, config, null, { fromTemplate, notes: [] });
    fillIdentity(fresh, null, true);
    fresh.pending_changes = [];
    return { planned: fresh, requiresReplace, notes, problems: kind.problems(config, null, fresh, providerConfig) };
  }
  fillIdentity(planned, prior, false);
  if (!prior) {
    planned.pending_changes = [];
    return { planned, requiresReplace: [], notes, problems: kind.problems(config, null, planned, providerConfig) };
  }
  notes.push(...(kind.inPlaceNotes?.(prior, planned) ?? []));
  const moved = planMigration(kind.noun, prior, planned);
  if (moved && typeof planned.vmid === 'number') planned.id = `${moved.migration.to}/${planned.vmid}`;
  const problems = [...(moved?.problems ?? []), ...kind.problems(config, prior, planned, providerConfig)];
  const migration = moved ? { migration: moved.migration } : {};
  if (prior.status === 'running' && planned.started === true) {
    // A restart migration (a running container) starts it afresh: what was pending is applied.
    const priorPending = moved && kind.noun === 'container' ? [] : stringList(prior.pending_changes);
    const r = rebootPlan(kind.noun, rebootPolicyOf(providerConfig), kind.liveChanges(prior, planned), priorPending);
    notes.push(...r.notes);
    planned.pending_changes = r.pending;
  } else if (planned.started === false || prior.status !== 'running') {
    // A stopped guest applies everything at once; stopping it applies what was pending.
    planned.pending_changes = [];
  }
  return { planned, requiresReplace: [], notes, problems, ...migration };
}
