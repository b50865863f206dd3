/**
 * Planning a `kuma_monitor` (pure): the config's values, normalized the way reads come back
 * (empty strings as null, tags and notifications sorted); for attributes the config leaves
 * out, the prior value, else hl's default; null for attributes the type does not use.
 * Two corrections Kuma would otherwise refuse at apply are planned with a note: a timeout
 * above 80 % of a changed interval is lowered, and a retry interval below the minimum (as
 * left by monitors created through the API with retryInterval 0) is raised to the interval
 * when the monitor is being changed anyway.
 */
import { isUnknown, UNKNOWN, valueEquals, type Attributes, type Value } from '../../../../src/core/value.js';
import type { PlanResourceRequest, PlanResourceResponse } from '../../../../src/provider/contract.js';
import { limitsForStatedVersion } from '../../protocol/kuma-version.js';
import {
  appliesTo,
  dependsOnType,
  isComputedOptional,
  isMonitorType,
  maxTimeoutFor,
  monitorDefault,
  MONITOR_ATTRIBUTE_SCHEMA,
} from './monitor-attributes.js';
import { normalizeNotifications, normalizeTags } from './monitor-mapping.js';

/** Planning order: what later defaults depend on comes first. */
const PLAN_ORDER = [
  'type',
  'name',
  'interval',
  ...Object.keys(MONITOR_ATTRIBUTE_SCHEMA).filter((a) => !['id', 'type', 'name', 'interval'].includes(a)),
];

/** A config value the way a read would report it. */
export function normalizeMonitorValue(attribute: string, v: Value | undefined): Value | undefined {
  if (v === undefined || isUnknown(v)) return v;
  if (v === '') return null;
  if (attribute === 'tags') return normalizeTags(v);
  if (attribute === 'notifications') return normalizeNotifications(v);
  return v;
}

export function statedVersion(providerConfig: Attributes): string | undefined {
  return typeof providerConfig.version === 'string' ? providerConfig.version : undefined;
}

/**
 * `parent` by name against a state that holds the parent's id (after `hl import`, which has no
 * config to know the spelling from): the same group when its recorded name is the configured
 * one, so the id is kept and nothing changes. `parent_name` follows the planned parent.
 */
function planParentName(planned: Attributes, prior: Attributes | null): void {
  const parent = planned.parent;
  if (prior && typeof parent === 'string' && typeof prior.parent === 'number' && prior.parent_name === parent)
    planned.parent = prior.parent;
  if (planned.parent === null || planned.parent === undefined) planned.parent_name = null;
  else if (prior && valueEquals(planned.parent, prior.parent) && prior.parent_name !== undefined) planned.parent_name = prior.parent_name;
  else if (typeof planned.parent === 'string') planned.parent_name = planned.parent;
  else planned.parent_name = UNKNOWN;
}

export function planMonitor(req: PlanResourceRequest): PlanResourceResponse {
  const { config, prior } = req;
  const notes: string[] = [];
  const type = config.type;
  const typeKnown = isMonitorType(type);
  const typeChanged = prior !== null && prior.type !== type;
  const planned: Attributes = { id: prior?.id ?? UNKNOWN };

  for (const attribute of PLAN_ORDER) {
    let v = normalizeMonitorValue(attribute, config[attribute]);
    if (v === undefined || v === null) {
      const p = prior?.[attribute];
      if (!isComputedOptional(attribute)) v = null;
      else if (p !== undefined && p !== null && !(typeChanged && attribute === 'port')) v = p;
      else if (attribute === 'push_token') v = typeKnown && type === 'push' ? UNKNOWN : null;
      else if (typeKnown) v = monitorDefault(attribute, type, planned) ?? null;
      else v = dependsOnType(attribute) ? UNKNOWN : (monitorDefault(attribute, 'http', planned) ?? null);
    }
    if (typeKnown && !appliesTo(attribute, type)) v = null;
    planned[attribute] = v;
  }

  const interval = planned.interval;
  const timeout = planned.timeout;
  // a ping timeout is not tied to the interval (Kuma's editor leaves it alone)
  if ((config.timeout === undefined || config.timeout === null) && planned.type !== 'ping') {
    if (typeof interval === 'number' && typeof timeout === 'number' && timeout > maxTimeoutFor(interval)) {
      planned.timeout = maxTimeoutFor(interval);
      notes.push(`timeout lowered from ${timeout} s to ${planned.timeout} s: Kuma allows at most 80 % of the ${interval} s interval`);
    }
  }

  if (prior !== null && (config.retry_interval === undefined || config.retry_interval === null)) {
    const { minIntervalSecond } = limitsForStatedVersion(statedVersion(req.providerConfig));
    const retry = planned.retry_interval;
    const changing = Object.keys(planned).some((k) => k !== 'retry_interval' && !valueEquals(planned[k], prior[k]));
    if (changing && typeof retry === 'number' && retry < minIntervalSecond && typeof interval === 'number') {
      planned.retry_interval = interval;
      notes.push(
        `retry_interval raised from ${retry} s to the ${interval} s interval: Kuma refuses to save a monitor whose retry interval is below ${minIntervalSecond} s`,
      );
    }
  }

  planParentName(planned, prior);
  return { planned, requiresReplace: [], notes, problems: [] };
}
