/**
 * Checking a plan against policy rules (pure). Each rule gives its violations, one per
 * offending resource (sorted by address), or a single passed result saying what it
 * checked; `max-changes` gives one result for the whole plan; the node rules one per node
 * they find pushed too far (node-rules.ts). Messages name addresses,
 * actions and what the rule itself says, never attribute values, so they are safe to save
 * in a plan file and to post in a pull request.
 */
import { pathToString } from '../core/value.js';
import type { Action, Plan, PlanPlacement, ResourceChange } from '../plan/plan-types.js';
import { isChange, isReplacement, matchesSelector, nodesOf } from './match-resource.js';
import type { PolicyResult } from '../plan/policy-result.js';
import type { PolicyEvaluation, PolicyRule } from './policy-types.js';
import { evaluateNodeRule } from './node-rules.js';

export function evaluatePolicies(plan: Plan, rules: readonly PolicyRule[]): PolicyEvaluation {
  const changes = [...plan.changes].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const results = rules.flatMap((rule) => evaluateRule(rule, changes, plan.placement));
  return { results, violations: results.filter((r) => !r.passed) };
}

const VERB: Record<Action, string> = {
  create: 'created',
  update: 'updated',
  delete: 'destroyed',
  'delete-create': 'replaced',
  'create-delete': 'replaced',
  read: 'read',
  'no-op': 'left unchanged',
  forget: 'removed from state (not destroyed)',
};

function evaluateRule(rule: PolicyRule, allChanges: readonly ResourceChange[], placement: PlanPlacement | undefined): PolicyResult[] {
  const matching = allChanges.filter((c) => matchesSelector(c, rule.match));
  const changes = matching.filter(isChange);
  const scope = Object.keys(rule.match).length > 0 ? ' matching resource' : ' resource';
  const pass = (message: string): PolicyResult[] => [{ rule: rule.kind, name: rule.name, passed: true, message, severity: rule.severity }];
  const fail = (c: ResourceChange, message: string): PolicyResult => ({
    rule: rule.kind,
    name: rule.name,
    resource: c.address,
    passed: false,
    message: custom(rule, c.address, VERB[c.action]) ?? message,
    severity: rule.severity,
  });
  const violations = (offending: ResourceChange[], describe: (c: ResourceChange) => string, passed: string): PolicyResult[] =>
    offending.length > 0 ? offending.map((c) => fail(c, describe(c))) : pass(passed);

  switch (rule.kind) {
    case 'no-destroy':
      return violations(
        changes.filter((c) => c.action === 'delete' || isReplacement(c)),
        (c) =>
          c.action === 'delete'
            ? `${c.address} would be destroyed`
            : `${c.address} would be replaced, destroying the existing object${forcedBy(c)}`,
        `No${scope} is destroyed or replaced`,
      );
    case 'no-replace':
      return violations(changes.filter(isReplacement), (c) => `${c.address} would be replaced${forcedBy(c)}`, `No${scope} is replaced`);
    case 'no-changes-on-node': {
      const on = (c: ResourceChange): string[] => nodesOf(c).filter((n) => rule.nodes.includes(n));
      const nodes = rule.nodes.join(' or ');
      return violations(
        changes.filter((c) => on(c).length > 0),
        (c) => `${c.address} on node ${on(c).join(' and ')} would be ${VERB[c.action]}`,
        `Nothing on node ${nodes} changes`,
      );
    }
    case 'prevent-destroy': {
      const protectedOnes = matching.filter((c) => c.preventDestroy);
      const destroyed = protectedOnes.filter((c) => c.action === 'delete' || isReplacement(c));
      const kept =
        protectedOnes.length === 0
          ? `No${scope} has lifecycle.prevent_destroy`
          : `${count(protectedOnes.length, 'resource')} with lifecycle.prevent_destroy ${protectedOnes.length === 1 ? 'is' : 'are'} kept: ${listed(protectedOnes)}`;
      return violations(destroyed, (c) => `${c.address} has lifecycle.prevent_destroy but would be ${VERB[c.action]}`, kept);
    }
    case 'max-changes': {
      const n = changes.length;
      const what = `${count(n, 'change')}${Object.keys(rule.match).length > 0 ? ' of matching resources' : ''}`;
      if (n <= rule.limit) return pass(`${what}, within the limit of ${rule.limit}`);
      const message = custom(rule, 'the plan', 'changed') ?? `${what}, more than the limit of ${rule.limit}`;
      return [{ rule: rule.kind, name: rule.name, passed: false, message, severity: rule.severity }];
    }
    case 'node-memory':
    case 'node-vcpus':
    case 'node-cpu-load':
      return evaluateNodeRule(rule, placement);
    case 'unattended':
      // an allowance for hl watch, never a violation (unattended-allowance.ts)
      return pass(`hl watch may ${rule.allow.join(', ')}${scope === ' resource' ? ' any resource' : ' matching resources'} unattended`);
  }
}

/** The rule's own `message`, with `{resource}` and `{action}` filled in. */
function custom(rule: PolicyRule, resource: string, action: string): string | undefined {
  return rule.message?.replace(/\{resource\}/g, resource).replace(/\{action\}/g, action);
}

/** ` (forced by name, disks.scsi0.storage)`: why a replacement happens, without values. */
function forcedBy(c: ResourceChange): string {
  const paths = c.replacePaths.map((p) => pathToString(p.path)).filter((p) => p !== '');
  if (paths.length > 0) return ` (forced by ${[...new Set(paths)].join(', ')})`;
  if (c.reason === 'replace_by_request') return ' (requested with --replace)';
  if (c.reason === 'replace_because_tainted') return ' (it is tainted)';
  if (c.reason === 'replace_by_triggers') return ' (replace_triggered_by)';
  return '';
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

const MAX_LISTED = 5;

function listed(changes: ResourceChange[]): string {
  const names = changes.slice(0, MAX_LISTED).map((c) => c.address);
  if (changes.length > MAX_LISTED) names.push(`and ${changes.length - MAX_LISTED} more`);
  return names.join(', ');
}
