/**
 * The node rules (`node-memory`, `node-vcpus`, `node-cpu-load`) over the plan's capacity
 * table, and the thresholds they give the planner's capacity warnings. policy-types.ts
 * describes the rules.
 */
import type { NodeEffect, PlacementLimit, PlacementThresholds, PlanPlacement } from '../plan/plan-types.js';
import { formatBytes, formatPercent } from '../plan/placement/byte-size.js';
import { DEFAULT_THRESHOLDS, limitsPast, limitsPushedPast } from '../plan/placement/capacity-table.js';
import type { PolicyResult } from '../plan/policy-result.js';
import type { NodeRule, PolicyRule } from './policy-types.js';

type NodeRuleOf = PolicyRule & NodeRule;

export function isNodeRule(rule: PolicyRule): rule is NodeRuleOf {
  return rule.kind === 'node-memory' || rule.kind === 'node-vcpus' || rule.kind === 'node-cpu-load';
}

const LIMIT_OF: Record<NodeRule['kind'], PlacementLimit> = { 'node-memory': 'memory', 'node-vcpus': 'vcpus', 'node-cpu-load': 'cpu-load' };

export function evaluateNodeRule(rule: NodeRuleOf, placement: PlanPlacement | undefined): PolicyResult[] {
  const pass = (message: string): PolicyResult[] => [{ rule: rule.kind, name: rule.name, passed: true, message, severity: rule.severity }];
  if (placement === undefined) return pass('This plan has no capacity table (no cluster was read): nothing to check');
  const thresholds = thresholdsOf(rule);
  const limit = LIMIT_OF[rule.kind];
  const out: PolicyResult[] = [];
  let checked = 0;
  for (const { provider, nodes } of placement.providers) {
    if (rule.match.providers && !rule.match.providers.includes(provider)) continue;
    for (const n of nodes) {
      if (!n.online || (rule.nodes && !rule.nodes.includes(n.node))) continue;
      checked++;
      const e: NodeEffect = { ...n, over: limitsPast(n, thresholds) };
      if (!limitsPushedPast(e).includes(limit)) continue;
      const message = rule.message?.replace(/\{resource\}/g, n.node).replace(/\{action\}/g, 'pushed past its limit') ?? violation(rule, e);
      out.push({ rule: rule.kind, name: rule.name, passed: false, message, severity: rule.severity });
    }
  }
  if (out.length > 0) return out;
  return pass(`No${checked === 0 ? ' matching' : ''} node is pushed past ${limitText(rule)} by this plan (${checked} checked)`);
}

/** The planner's thresholds from the node rules naming no node: the strictest of each; the defaults for the rest. */
export function placementThresholds(rules: readonly PolicyRule[]): PlacementThresholds | undefined {
  const general = rules.filter(isNodeRule).filter((r) => r.nodes === undefined);
  if (general.length === 0) return undefined;
  const t: PlacementThresholds = { ...DEFAULT_THRESHOLDS };
  const min = <K extends keyof PlacementThresholds>(k: K, values: number[]): void => {
    if (values.length > 0) t[k] = Math.min(...values);
  };
  min(
    'memoryPercent',
    general.flatMap((r) => (r.kind === 'node-memory' ? [r.maxPercent] : [])),
  );
  min(
    'vcpusPerCore',
    general.flatMap((r) => (r.kind === 'node-vcpus' ? [r.maxPerCore] : [])),
  );
  min(
    'cpuLoadPercent',
    general.flatMap((r) => (r.kind === 'node-cpu-load' ? [r.maxPercent] : [])),
  );
  return t;
}

/** The thresholds that stand for one rule (its own limit; the others never asked). */
function thresholdsOf(rule: NodeRuleOf): PlacementThresholds {
  const never = Number.POSITIVE_INFINITY;
  switch (rule.kind) {
    case 'node-memory':
      return { memoryPercent: rule.maxPercent, vcpusPerCore: never, cpuLoadPercent: never };
    case 'node-vcpus':
      return { memoryPercent: never, vcpusPerCore: rule.maxPerCore, cpuLoadPercent: never };
    case 'node-cpu-load':
      return { memoryPercent: never, vcpusPerCore: never, cpuLoadPercent: rule.maxPercent };
  }
}

function limitText(rule: NodeRuleOf): string {
  switch (rule.kind) {
    case 'node-memory':
      return `${rule.maxPercent} % memory committed`;
    case 'node-vcpus':
      return `${rule.maxPerCore} vCPUs per core`;
    case 'node-cpu-load':
      return `${rule.maxPercent} % CPU load`;
  }
}

function violation(rule: NodeRuleOf, e: NodeEffect): string {
  switch (rule.kind) {
    case 'node-memory': {
      const share = e.memoryBytes > 0 ? e.memoryAfter / e.memoryBytes : 0;
      return `node ${e.node}: ${formatBytes(e.memoryAfter)} of ${formatBytes(e.memoryBytes)} committed after this plan (${formatPercent(share)}, was ${formatBytes(e.memoryBefore)}), more than ${rule.maxPercent} %`;
    }
    case 'node-vcpus':
      return `node ${e.node}: ${e.vcpusAfter} vCPUs on ${e.cores} cores after this plan (was ${e.vcpusBefore}), more than ${rule.maxPerCore} per core`;
    case 'node-cpu-load':
      return `node ${e.node}: CPU load ${formatPercent(e.cpuLoadAfter)}, more than ${rule.maxPercent} %, and this plan adds to it`;
  }
}
