/**
 * Planning a crucible_snapshot (pure). A snapshot is a point in time of one disk: its disk and
 * the consistency it was taken with never change (a different one is a new snapshot, declared
 * as such); its name and description change in place.
 */
import { sameValue, UNKNOWN, type Attributes } from '../../../src/core/value.js';
import type { AttributeProblem, PlanResourceResponse } from '../../../src/provider/contract.js';
import { oxideNameProblem } from '../model/oxide-name.js';
import { parseDiskId } from '../model/resource-ids.js';
import { describe, known } from './plan-values.js';

const COMPUTED = ['id', 'state', 'size', 'snapname', 'holder_vmid'] as const;

export function validateSnapshot(config: Attributes): AttributeProblem[] {
  const problems: AttributeProblem[] = [];
  if (typeof config.name === 'string') {
    const p = oxideNameProblem(config.name);
    if (p) problems.push({ path: ['name'], message: p });
  }
  if (typeof config.disk_id === 'string' && !parseDiskId(config.disk_id)) {
    problems.push({ path: ['disk_id'], message: `"${config.disk_id}" is not a crucible_disk id (disk/<holder vmid>/<serial>)` });
  }
  return problems;
}

export function planSnapshot(prior: Attributes | null, config: Attributes): PlanResourceResponse {
  const problems: AttributeProblem[] = [];
  const notes: string[] = [];
  const planned: Attributes = {
    name: config.name ?? null,
    description: config.description ?? '',
    disk_id: config.disk_id ?? null,
    consistency: config.consistency ?? (prior ? (prior.consistency ?? null) : UNKNOWN),
  };
  for (const k of COMPUTED) planned[k] = prior ? (prior[k] ?? null) : UNKNOWN;
  if (!prior) {
    if (config.consistency === undefined || config.consistency === null) {
      notes.push(
        'filesystems are frozen for the snapshot if a running VM with the guest agent uses the disk (consistency fs-frozen), else it is crash-consistent',
      );
    }
    return { planned, requiresReplace: [], notes, problems };
  }
  const why =
    'a snapshot is one point in time of one disk and cannot be retaken; declare a new crucible_snapshot (and delete this one if it is no longer wanted)';
  for (const key of ['disk_id', 'consistency'] as const) {
    if (known(planned[key]) && !sameValue(prior[key], planned[key])) {
      problems.push({ path: [key], message: `${key} cannot change from ${describe(prior[key])} to ${describe(planned[key])}: ${why}` });
    }
  }
  return { planned, requiresReplace: [], notes, problems };
}
