/**
 * What checking a plan against the policy rules finds, as the plan carries it (`policyResults`,
 * also in a saved plan): one result per violation or passed rule, with the rule kinds and
 * severities it names. The rules themselves and their evaluation are src/policy's.
 */

export const POLICY_RULE_KINDS = [
  'no-destroy',
  'no-replace',
  'max-changes',
  'no-changes-on-node',
  'prevent-destroy',
  'node-memory',
  'node-vcpus',
  'node-cpu-load',
  'unattended',
] as const;

export type PolicyRuleKind = (typeof POLICY_RULE_KINDS)[number];

export type PolicySeverity = 'error' | 'warning';

/** One finding: a violation (about a resource, or the whole plan) or a rule that passed. */
export interface PolicyResult {
  /** The rule kind: `no-destroy`, `max-changes`, ... */
  rule: PolicyRuleKind;
  name: string;
  /** The instance address the finding is about, when it is about one. */
  resource?: string;
  passed: boolean;
  message: string;
  severity: PolicySeverity;
}
