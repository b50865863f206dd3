/**
 * Policy results for a terminal: the "Policy checks" section printed after a plan.
 *
 *   Policy checks: 1 error, 1 warning, 2 passed
 *     ✗ no-destroy (type proxmox_vm): proxmox_vm.k3s would be destroyed
 *     ! max-changes (limit 5): 7 changes, more than the limit of 5 (warning)
 *     ✓ prevent-destroy: No resource has lifecycle.prevent_destroy
 *
 * Errors first, then warnings, then passes, each in rule order. With `color: false` the
 * text holds no ANSI code.
 */
import { palette } from './palette.js';
import type { PolicyResult } from '../plan/policy-result.js';

export function renderPolicyResultsHuman(results: readonly PolicyResult[], opts: { color: boolean }): string {
  const p = palette(opts.color);
  const errors = results.filter((r) => !r.passed && r.severity === 'error');
  const warnings = results.filter((r) => !r.passed && r.severity === 'warning');
  const passed = results.filter((r) => r.passed);
  const counts = [
    errors.length > 0 ? p.red(plural(errors.length, 'error')) : undefined,
    warnings.length > 0 ? p.yellow(plural(warnings.length, 'warning')) : undefined,
    `${passed.length} passed`,
  ].filter((x): x is string => x !== undefined);
  const lines = [`${p.bold('Policy checks:')} ${counts.join(', ')}`];
  for (const r of errors) lines.push(`  ${p.red('✗')} ${p.bold(r.name)}: ${r.message}`);
  for (const r of warnings) lines.push(`  ${p.yellow('!')} ${p.bold(r.name)}: ${r.message} ${p.dim('(warning)')}`);
  for (const r of passed) lines.push(`  ${p.green('✓')} ${r.name}: ${r.message}`);
  if (errors.length > 0) {
    lines.push('', p.red(`The plan violates ${plural(errors.length, 'policy check')} of severity error: hl apply refuses it.`));
  }
  return lines.join('\n') + '\n';
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
