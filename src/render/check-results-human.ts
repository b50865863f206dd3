/**
 * The `Checks:` section of a plan and of an apply for a terminal: every check block with what
 * it gave, and the resource conditions that could not be decided yet. Resource conditions that
 * passed are not listed (as Terraform); one that failed is an error the diagnostics show.
 *
 *   Checks:
 *     check.kuma_reachable: failed: Uptime Kuma has no monitor
 *     check.vm_named: passed
 *     check.k3s_ip: will be checked after apply (known after apply)
 *     proxmox_vm.k3s["pve"]: postcondition will be checked after apply (known after apply)
 */
import { aggregateStatus, type ConditionResult } from '../plan/condition-results.js';
import type { Palette } from './palette.js';

/** The section's lines (none when there is nothing to say); `phase` says what an unknown means. */
export function checkResultLines(results: readonly ConditionResult[], p: Palette, phase: 'plan' | 'apply'): string[] {
  const lines: string[] = [];
  const later =
    phase === 'plan' ? 'will be checked after apply (known after apply)' : 'could not be decided (a value it uses is still unknown)';
  for (const [address, rs] of groupBy(results.filter((r) => r.kind === 'check'))) {
    const status = aggregateStatus(rs);
    const failed = rs.filter((r) => r.status === 'fail').map((r) => r.message ?? '');
    if (status === 'pass') lines.push(`  ${address}: ${p.green('passed')}`);
    else if (status === 'fail') lines.push(`  ${address}: ${p.yellow('failed')}: ${failed.join('; ')}`);
    else if (status === 'error') lines.push(`  ${address}: ${p.yellow('could not be evaluated')} (see the warnings)`);
    else lines.push(`  ${address}: ${p.dim(later)}`);
  }
  for (const [address, rs] of groupBy(results.filter((r) => r.kind !== 'check' && r.status === 'unknown'))) {
    const kinds = [...new Set(rs.map((r) => r.kind))].join(' and ');
    lines.push(`  ${address}: ${kinds} ${p.dim(later)}`);
  }
  return lines.length > 0 ? [p.bold('Checks:'), ...lines] : [];
}

function groupBy(results: readonly ConditionResult[]): Map<string, ConditionResult[]> {
  const out = new Map<string, ConditionResult[]>();
  for (const r of results) {
    let list = out.get(r.address);
    if (!list) out.set(r.address, (list = []));
    list.push(r);
  }
  return out;
}
