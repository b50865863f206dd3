/**
 * The engine's structural planning, used when a provider has no `planResource`: config
 * values win, computed attributes keep their prior value (or become unknown on create or
 * replace), and a change to a `forceNew` attribute requires replacement.
 */
import { UNKNOWN, type Attributes } from '../core/value.js';
import type { PlanResourceResponse, ResourceTypeSchema } from './contract.js';
import { forceNewChanges } from './force-new.js';

export function defaultPlanResource(schema: ResourceTypeSchema, prior: Attributes | null, config: Attributes): PlanResourceResponse {
  const planned: Attributes = {};
  for (const [name, attr] of Object.entries(schema.attributes)) {
    const configured = config[name];
    if (configured !== undefined && configured !== null) planned[name] = configured;
    else if (attr.computed) planned[name] = prior ? (prior[name] ?? null) : UNKNOWN;
    else planned[name] = null;
  }
  for (const [name, v] of Object.entries(config)) if (!(name in planned)) planned[name] = v;
  // every forceNew attribute compared structurally (no provider rules)
  const requiresReplace = prior ? forceNewChanges(schema.attributes, { prior, planned, config }, {}) : [];
  if (requiresReplace.length > 0) {
    for (const [name, attr] of Object.entries(schema.attributes)) {
      if (attr.computed && (config[name] === undefined || config[name] === null)) planned[name] = UNKNOWN;
    }
  }
  return { planned, requiresReplace, notes: [], problems: [] };
}
