/**
 * Policy gates: rules a plan must satisfy before it may be applied, and what checking them
 * finds. Rules come from the config's `policies:` list and from `hl plan --policy FILE`
 * (a YAML file with a top-level `policies:` list), both checked against
 * `schemas/policy.schema.json`.
 *
 * The rule language, one map per rule:
 *
 *   - { rule: no-destroy, match: { type: proxmox_vm } }     # not deleted, not replaced
 *   - { rule: no-replace, match: { tag: protected } }       # not replaced
 *   - { rule: max-changes, limit: 10 }                      # at most 10 changes in all
 *   - { rule: no-changes-on-node, node: pve }               # nothing on node pve changes
 *   - { rule: prevent-destroy }                             # lifecycle.prevent_destroy kept
 *
 * Every rule may have `name` (shown in results; default: the rule and its settings),
 * `severity` (`error`, the default, blocks the plan: `hl plan` exits 3 and `hl apply`
 * refuses it; `warning` is only reported) and `message` (replaces the text of a violation;
 * `{resource}` and `{action}` in it are filled in: the address and `destroyed`, `replaced`,
 * ...; for `max-changes`, `the plan` and `changed`). Every rule may narrow the resources it
 * looks at with `match`, whose keys must all hold (a list means any of its entries):
 *
 *   type:     resource type, `*` as a wildcard (`proxmox_*`)
 *   address:  instance or block address, `*` as a wildcard (`proxmox_vm.k3s*`)
 *   tag:      the resource's `tags` attribute (before or after the change) contains it,
 *             case-insensitively (a list of strings, `a;b` text, or `{ name }` maps)
 *   node:     the resource's `node` attribute (before or after the change) equals it
 *   provider: the provider key (`proxmox`, `kuma.fun-bedbug`)
 *
 * A change is anything but a no-op or a read. A replacement destroys the existing object,
 * so `no-destroy` forbids it too; `no-replace` forbids only replacements. `max-changes`
 * counts a replacement as one change. `prevent-destroy` reports the resources whose
 * lifecycle (in config, or kept in state) sets prevent_destroy: the planner already refuses
 * a plan that would destroy one, so in a plan that got this far the rule passes and lists
 * what it protects; it fails only on a plan that somehow carries such a destroy.
 */
import type { SourceLocation } from '../core/diagnostic.js';
import type { PolicyResult, PolicySeverity } from '../plan/policy-result.js';

// The rule kinds, severities and findings are the plan's (a saved plan carries the findings): plan/policy-result.ts.

/** Which resources a rule looks at; an absent key matches everything. Lists mean "any of". */
export interface ResourceSelector {
  types?: string[];
  addresses?: string[];
  tags?: string[];
  nodes?: string[];
  providers?: string[];
}

interface RuleCommon {
  /** Shown in results; the rule and its settings when not given. */
  name: string;
  severity: PolicySeverity;
  /** Replaces the text of a violation; `{resource}` and `{action}` are filled in. */
  message?: string;
  match: ResourceSelector;
  /** Where the rule is written. */
  source?: SourceLocation;
}

export type PolicyRule = RuleCommon &
  (
    | { kind: 'no-destroy' }
    | { kind: 'no-replace' }
    | { kind: 'max-changes'; limit: number }
    | { kind: 'no-changes-on-node'; nodes: string[] }
    | { kind: 'prevent-destroy' }
  );

export interface PolicyEvaluation {
  /** Per rule, in the order the rules are given: its violations, or one passed result. */
  results: PolicyResult[];
  /** The results that did not pass, warnings included. */
  violations: PolicyResult[];
}
