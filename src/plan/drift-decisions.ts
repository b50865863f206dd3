/**
 * What `hl watch` does with each change of a plan it made (pure): apply it unattended, or
 * only report it, and why. The rules, in order:
 *
 * - a change a failed policy rule of severity error is about (or every change, when such a
 *   rule is about the whole plan) is reported: hl apply would refuse it too;
 * - an update in place is applied when the resource's `lifecycle.on_drift` is `revert`, and
 *   reported when it is `report` (the default);
 * - a create, a delete or a replacement (a guest deleted behind hl's back is planned as a
 *   create) is reported unless an `unattended` policy rule allows that kind for the resource;
 * - anything else that changes something (`forget`) is reported.
 *
 * No-ops and data source reads are not changes and get no decision.
 */
import type { OnDrift } from '../config/config-types.js';
import type { ResourceChange } from './plan-types.js';

/** A change as `hl watch` sees it: an update in place, or a create, delete or replacement. */
export type DriftChangeKind = 'update' | 'create' | 'delete' | 'replace' | 'forget';

export interface DriftDecision {
  address: string;
  kind: DriftChangeKind;
  decision: 'apply' | 'report';
  /** Why, in words, naming no attribute value. */
  why: string;
}

export interface DriftDecisionInputs {
  changes: readonly ResourceChange[];
  /** The resource block's `lifecycle.on_drift` (undefined: not in the config, or not set). */
  onDrift(block: string): OnDrift | undefined;
  /** The name of the `unattended` rule that allows this kind of change to this resource, if one does. */
  allowedBy(change: ResourceChange, kind: 'create' | 'delete' | 'replace'): string | undefined;
  /**
   * Why a change must not be applied by policy (a failed rule of severity error about it or
   * about the whole plan); undefined when nothing forbids it.
   */
  forbiddenBy(address: string): string | undefined;
}

export function driftChangeKind(c: ResourceChange): DriftChangeKind | undefined {
  switch (c.action) {
    case 'update':
      return 'update';
    case 'create':
      return 'create';
    case 'delete':
      return 'delete';
    case 'delete-create':
    case 'create-delete':
      return 'replace';
    case 'forget':
      return 'forget';
    default:
      return undefined;
  }
}

/** One decision per change, in the plan's order. */
export function decideDrift(inputs: DriftDecisionInputs): DriftDecision[] {
  const out: DriftDecision[] = [];
  for (const c of inputs.changes) {
    if (c.mode !== 'managed') continue;
    const kind = driftChangeKind(c);
    if (!kind) continue;
    const decide = (decision: DriftDecision['decision'], why: string): void => {
      out.push({ address: c.address, kind, decision, why });
    };
    const forbidden = inputs.forbiddenBy(c.address);
    if (forbidden !== undefined) {
      decide('report', `policy forbids it: ${forbidden}`);
      continue;
    }
    switch (kind) {
      case 'update':
        if (inputs.onDrift(c.block) === 'revert') decide('apply', 'lifecycle.on_drift is revert');
        else decide('report', 'lifecycle.on_drift is report (the default)');
        break;
      case 'create':
      case 'delete':
      case 'replace': {
        const rule = inputs.allowedBy(c, kind);
        if (rule !== undefined) decide('apply', `policy rule ${rule} allows a ${kind} unattended`);
        else decide('report', `a ${kind} is never made unattended unless a policy rule unattended allows it`);
        break;
      }
      case 'forget':
        decide('report', 'a removal from state is never made unattended');
        break;
    }
  }
  return out;
}

/** The addresses to apply. */
export function addressesToApply(decisions: readonly DriftDecision[]): string[] {
  return decisions.filter((d) => d.decision === 'apply').map((d) => d.address);
}
