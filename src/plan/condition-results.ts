/**
 * What custom conditions gave, as the plan and the apply result carry them: one entry per rule
 * and object (a resource instance, or a check block). A plan made holds no failed resource
 * condition (that is an error, which stops the plan); it holds the check blocks' results and
 * the resource conditions that passed or could only be known after apply.
 */
import type { SourceLocation } from '../core/diagnostic.js';

/** `pass` and `fail` when known; `unknown` until apply; `error` when it could not be evaluated. */
export type ConditionStatus = 'pass' | 'fail' | 'unknown' | 'error';

export type ConditionKind = 'precondition' | 'postcondition' | 'check';

export interface ConditionResult {
  kind: ConditionKind;
  /** The config object: a resource block address (`proxmox_vm.k3s`) or `check.NAME`. */
  object: string;
  /** The instance (`proxmox_vm.k3s["pve"]`), or `check.NAME` for a check block. */
  address: string;
  /** Which rule of the object's list (0-based). */
  rule: number;
  status: ConditionStatus;
  /** The error message of a failed rule (a sensitive one is replaced by a note saying so). */
  message?: string;
  /** Where the condition is written. */
  location: SourceLocation;
}

/** The status of a set of results, Terraform's way: any fail or error wins, then unknown, then pass. */
export function aggregateStatus(results: readonly ConditionResult[]): ConditionStatus {
  const has = (s: ConditionStatus): boolean => results.some((r) => r.status === s);
  if (has('error')) return 'error';
  if (has('fail')) return 'fail';
  if (has('unknown')) return 'unknown';
  return 'pass';
}
