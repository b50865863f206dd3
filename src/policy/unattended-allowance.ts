/**
 * What the policy rules say to `hl watch` (pure): which `unattended` rule allows a kind of
 * change to a resource, and which changes a failed rule of severity error forbids (see
 * plan/drift-decisions.ts for how the watcher uses both).
 */
import type { DriftDecisionInputs } from '../plan/drift-decisions.js';
import type { PolicyResult } from '../plan/policy-result.js';
import type { ResourceChange } from '../plan/plan-types.js';
import { matchesSelector } from './match-resource.js';
import { blockingViolations } from './policy-gate.js';
import type { PolicyRule } from './policy-types.js';

/** The name of the first `unattended` rule allowing `kind` for the change's resource. */
export function unattendedAllowance(rules: readonly PolicyRule[]): DriftDecisionInputs['allowedBy'] {
  return (change: ResourceChange, kind) => {
    for (const rule of rules)
      if (rule.kind === 'unattended' && rule.allow.includes(kind) && matchesSelector(change, rule.match)) return rule.name;
    return undefined;
  };
}

/**
 * Why a change is forbidden: the failed rules of severity error about it, or about the whole
 * plan (max-changes) or something that is no change of it (a node the node rules find pushed
 * too far): those forbid every change.
 */
export function policyForbids(
  results: readonly PolicyResult[] | undefined,
  changes: readonly ResourceChange[],
): DriftDecisionInputs['forbiddenBy'] {
  const failed = blockingViolations(results);
  const addresses = new Set(changes.map((c) => c.address));
  return (address) => {
    const about = failed.filter((r) => r.resource === undefined || !addresses.has(r.resource) || r.resource === address);
    return about.length > 0 ? about.map((r) => r.name).join(', ') : undefined;
  };
}
