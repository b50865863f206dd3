/**
 * The gate itself: a plan whose policy results hold a failed rule of severity error must
 * not be applied (`hl plan` exits 3, `hl apply` refuses it), and the error that says so,
 * naming every such rule and resource.
 */
import { error, type Diagnostic } from '../core/diagnostic.js';
import type { PolicyResult } from '../plan/policy-result.js';

/** The failed results of severity error. */
export function blockingViolations(results: readonly PolicyResult[] | undefined): PolicyResult[] {
  return (results ?? []).filter((r) => !r.passed && r.severity === 'error');
}

/** True when a violation has severity error: the plan must not be applied. */
export function hasBlockingViolations(results: readonly PolicyResult[] | undefined): boolean {
  return blockingViolations(results).length > 0;
}

/**
 * `<subject> violates N policy checks of severity error; <consequence>`, with one detail
 * line per violation; undefined when nothing blocks.
 */
export function policyGateError(
  results: readonly PolicyResult[] | undefined,
  subject: string,
  consequence: string,
): Diagnostic | undefined {
  const failed = blockingViolations(results);
  if (failed.length === 0) return undefined;
  const checks = `${failed.length} policy check${failed.length === 1 ? '' : 's'}`;
  return error(
    `${subject} violates ${checks} of severity error; ${consequence}`,
    undefined,
    failed.map((r) => `${r.name}: ${r.message}`).join('\n'),
  );
}
