/**
 * Planning a crucible_image (pure). An image is made once from a snapshot; its source and
 * storage never change (a different one is a new image). Name, description, os and version
 * change in place.
 */
import { isValueMap, sameValue, UNKNOWN, type Attributes } from '../../../src/core/value.js';
import type { AttributeProblem, PlanResourceResponse } from '../../../src/provider/contract.js';
import { oxideNameProblem } from '../model/oxide-name.js';
import { parseSnapshotId } from '../model/resource-ids.js';
import { describe, known } from './plan-values.js';

const COMPUTED = ['id', 'size', 'block_size', 'volume_id', 'holder_vmid'] as const;

export function validateImage(config: Attributes): AttributeProblem[] {
  const problems: AttributeProblem[] = [];
  if (typeof config.name === 'string') {
    const p = oxideNameProblem(config.name);
    if (p) problems.push({ path: ['name'], message: p });
  }
  const src = config.source;
  if (isValueMap(src) && typeof src.id === 'string' && !parseSnapshotId(src.id)) {
    problems.push({ path: ['source', 'id'], message: `"${src.id}" is not a crucible_snapshot id (snapshot/<vmid>/<snapname>/<size>)` });
  }
  return problems;
}

export function planImage(prior: Attributes | null, config: Attributes): PlanResourceResponse {
  const problems: AttributeProblem[] = [];
  const planned: Attributes = {
    name: config.name ?? null,
    description: config.description ?? '',
    os: config.os ?? null,
    version: config.version ?? null,
    source: config.source ?? null,
    storage: config.storage ?? (prior ? (prior.storage ?? null) : UNKNOWN),
  };
  for (const k of COMPUTED) planned[k] = prior ? (prior[k] ?? null) : UNKNOWN;
  if (prior) {
    const why = 'an image is made once from its snapshot; declare a new crucible_image';
    for (const key of ['source', 'storage'] as const) {
      if (known(planned[key]) && !sameValue(prior[key], planned[key])) {
        problems.push({ path: [key], message: `${key} cannot change from ${describe(prior[key])} to ${describe(planned[key])}: ${why}` });
      }
    }
  }
  return { planned, requiresReplace: [], notes: [], problems };
}
