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
 *   - { rule: node-memory, max_percent: 90 }                # no node's committed memory pushed past 90 %
 *   - { rule: node-vcpus, max_per_core: 4, node: pve }      # nor its vCPUs past 4 per core
 *   - { rule: node-cpu-load, max_percent: 80 }              # nor anything added to a node busier than 80 %
 *   - { rule: unattended, allow: [create], match: { tag: cattle } }  # hl watch may recreate these
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
 *
 * The node rules read the plan's capacity table (the cluster as read, and after the plan):
 * one violation per node (of `node`, default every node; `match: { provider }` narrows the
 * clusters) the plan pushes past the limit, i.e. past it after the plan and the plan adds to
 * it (for the CPU load, adds anything to the node); a node already past that the plan leaves
 * alone passes. In their messages `{resource}` is the node. Without a table (the cluster not
 * read) they pass, saying so. Their limits (the strictest of the rules naming no node) are
 * also the thresholds the plan's capacity warnings use.
 *
 * `unattended` forbids nothing: it always passes, naming what it allows. It is read by
 * `hl watch`, which applies unattended only updates in place of resources whose
 * `lifecycle.on_drift` is `revert`, and besides those the creates, deletes and replacements
 * (`allow: [create, delete, replace]`) of matching resources a rule allows — never one a
 * failed rule of severity error is about (policy/unattended-allowance.ts).
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
    | { kind: 'unattended'; allow: UnattendedKind[] }
    | NodeRule
  );

/** The kinds of change `hl watch` never makes unattended unless an `unattended` rule allows them. */
export const UNATTENDED_KINDS = ['create', 'delete', 'replace'] as const;
export type UnattendedKind = (typeof UNATTENDED_KINDS)[number];

/** A rule over the plan's capacity table (Plan.placement): each node (of `nodes`, default all) within a limit after the plan. */
export type NodeRule =
  | { kind: 'node-memory'; maxPercent: number; nodes?: string[] }
  | { kind: 'node-vcpus'; maxPerCore: number; nodes?: string[] }
  | { kind: 'node-cpu-load'; maxPercent: number; nodes?: string[] };

export interface PolicyEvaluation {
  /** Per rule, in the order the rules are given: its violations, or one passed result. */
  results: PolicyResult[];
  /** The results that did not pass, warnings included. */
  violations: PolicyResult[];
}
