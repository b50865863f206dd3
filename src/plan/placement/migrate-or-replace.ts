/**
 * `lifecycle.migrate: false`: a change of node the provider would make by migrating the
 * object is planned as a replacement instead (destroyed, then created on the new node).
 */
import type { PlanResourceResponse } from '../../provider/contract.js';

export function migrateOrReplace(migrate: boolean | undefined, response: PlanResourceResponse): PlanResourceResponse {
  const m = response.migration;
  if (m === undefined || migrate !== false) return response;
  const { migration: _, ...rest } = response;
  return {
    ...rest,
    requiresReplace: [
      ...response.requiresReplace,
      { path: m.path, reason: `lifecycle.migrate is false: moving from ${m.from} to ${m.to} replaces it instead of migrating it` },
    ],
  };
}
