/**
 * `lifecycle.migrate: false`: a change of node the provider would make by migrating the
 * object is planned as a replacement instead (destroyed, then created on the new node). What
 * the provider found in the way of the migration (problems at the migration's path: hardware
 * bound to the node) no longer stands in the way: the create half is checked as a create.
 */
import { pathHasPrefix } from '../../core/value.js';
import type { PlanResourceResponse } from '../../provider/contract.js';

export function migrateOrReplace(migrate: boolean | undefined, response: PlanResourceResponse): PlanResourceResponse {
  const m = response.migration;
  if (m === undefined || migrate !== false) return response;
  const { migration: _, ...rest } = response;
  return {
    ...rest,
    problems: response.problems.filter((p) => !(p.path.length === m.path.length && pathHasPrefix(p.path, m.path))),
    requiresReplace: [
      ...response.requiresReplace,
      { path: m.path, reason: `lifecycle.migrate is false: moving from ${m.from} to ${m.to} replaces it instead of migrating it` },
    ],
  };
}
