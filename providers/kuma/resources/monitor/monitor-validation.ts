/**
 * Plan-time checks of a `kuma_monitor` config beyond its JSON schema: what each type needs,
 * attributes that mean nothing for the type, and the interval/retry/timeout limits of the
 * server version. The version is only known after connecting, so without a `version` in the
 * provider block the strictest limits (20 s minimum, Kuma before 2.1) are applied here, and
 * the real server's limits are checked again at apply. Pure.
 */
import { isUnknown, type Attributes, type Value } from '../../../../src/core/value.js';
import type { AttributeProblem } from '../../../../src/provider/contract.js';
import { STRICTEST_LIMITS, type IntervalLimits } from '../../protocol/kuma-version.js';
import {
  appliesTo,
  DEFAULT_INTERVAL,
  DNS_RESOLVE_TYPES,
  HTTP_METHODS,
  isMonitorType,
  maxTimeoutFor,
  MONITOR_TYPES,
  PING_TIMEOUT,
  REQUIRED_BY_TYPE,
} from './monitor-attributes.js';

const STATUS_CODE = /^\d{3}(-\d{3})?$/;

function isSet(v: Value | undefined): boolean {
  return v !== undefined && v !== null && v !== '';
}

function known<T extends Value>(v: Value | undefined, guard: (x: Value) => x is T): T | undefined {
  return v !== undefined && !isUnknown(v) && guard(v) ? v : undefined;
}

const isNumber = (x: Value): x is number => typeof x === 'number';

/** The interval-like limits as messages; `limits` decides the minimum. Used at plan and at apply. */
export function intervalProblems(
  values: { type?: Value; interval?: Value; retry_interval?: Value; timeout?: Value },
  limits: IntervalLimits,
  hint: string,
): AttributeProblem[] {
  const problems: AttributeProblem[] = [];
  const { minIntervalSecond: min, maxIntervalSecond: max } = limits;
  for (const attr of ['interval', 'retry_interval'] as const) {
    const v = known(values[attr], isNumber);
    if (v === undefined) continue;
    if (v < min) problems.push({ path: [attr], message: `${attr} ${v} s is below the minimum of ${min} s of ${limits.label}${hint}` });
    if (v > max) problems.push({ path: [attr], message: `${attr} ${v} s is above the maximum of ${max} s (24 days)` });
  }
  const timeout = known(values.timeout, isNumber);
  if (timeout !== undefined && values.type === 'ping') {
    // Kuma 2.x rounds a ping timeout and refuses it outside 1-300 s or below the per-request timeout
    const { min, max, perRequestDefault } = PING_TIMEOUT;
    const lowest = Math.max(min, perRequestDefault);
    if (!Number.isInteger(timeout) || timeout < lowest || timeout > max) {
      problems.push({
        path: ['timeout'],
        message: `timeout ${timeout} s of a ping monitor must be whole seconds from ${lowest} (Kuma's per-request ping timeout) to ${max}: Kuma 2.x rounds it and refuses it outside ${min}-${max} s`,
      });
    }
  } else if (timeout !== undefined) {
    const interval =
      known(values.interval, isNumber) ?? (values.interval === undefined || values.interval === null ? DEFAULT_INTERVAL : undefined);
    if (timeout < 0) problems.push({ path: ['timeout'], message: `timeout ${timeout} s cannot be negative` });
    else if (interval !== undefined && timeout > maxTimeoutFor(interval)) {
      problems.push({
        path: ['timeout'],
        message: `timeout ${timeout} s is more than 80 % of the ${interval} s interval (at most ${maxTimeoutFor(interval)} s)`,
      });
    }
  }
  return problems;
}

export function validateMonitorConfig(config: Attributes, limits: IntervalLimits, versionStated: boolean): AttributeProblem[] {
  const problems: AttributeProblem[] = [];
  const type = config.type;
  if (type !== undefined && !isUnknown(type) && !isMonitorType(type)) {
    problems.push({ path: ['type'], message: `type ${JSON.stringify(type)} is not one of ${MONITOR_TYPES.join(', ')}` });
  }
  if (isMonitorType(type)) {
    for (const attr of REQUIRED_BY_TYPE[type]) {
      if (!isSet(config[attr])) problems.push({ path: [attr], message: `${attr} is required for monitors of type ${type}` });
    }
    for (const [attr, v] of Object.entries(config)) {
      if (isSet(v) && !appliesTo(attr, type))
        problems.push({ path: [attr], message: `${attr} is ignored for monitors of type ${type}`, severity: 'warning' });
    }
  }

  const hint =
    versionStated || limits !== STRICTEST_LIMITS
      ? ''
      : '; hl does not know the server version at plan time: state it as `version` in the provider block to plan with the limits of Kuma 2.1 and later (1 s)';
  problems.push(...intervalProblems(config, limits, hint));

  for (const attr of ['resend_interval', 'max_retries', 'max_redirects'] as const) {
    const v = known(config[attr], isNumber);
    if (v !== undefined && (v < 0 || !Number.isInteger(v)))
      problems.push({ path: [attr], message: `${attr} must be a whole number, 0 or more` });
  }
  const port = known(config.port, isNumber);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535))
    problems.push({ path: ['port'], message: `port ${port} is not a TCP port (1-65535)` });

  const url = config.url;
  if (typeof url === 'string' && url !== '' && !/^https?:\/\/\S+$/i.test(url))
    problems.push({ path: ['url'], message: `url ${JSON.stringify(url)} is not an http:// or https:// URL` });
  const method = config.method;
  if (typeof method === 'string' && !(HTTP_METHODS as readonly string[]).includes(method))
    problems.push({ path: ['method'], message: `method ${JSON.stringify(method)} is not one of ${HTTP_METHODS.join(', ')}` });
  const dnsType = config.dns_resolve_type;
  if (typeof dnsType === 'string' && !(DNS_RESOLVE_TYPES as readonly string[]).includes(dnsType)) {
    problems.push({
      path: ['dns_resolve_type'],
      message: `dns_resolve_type ${JSON.stringify(dnsType)} is not one of ${DNS_RESOLVE_TYPES.join(', ')}`,
    });
  }

  const codes = config.accepted_status_codes;
  if (Array.isArray(codes)) {
    codes.forEach((c, i) => {
      if (isUnknown(c)) return;
      if (typeof c !== 'string')
        problems.push({
          path: ['accepted_status_codes', i],
          message: 'accepted status codes must be strings, e.g. "200-299" (Kuma refuses numbers)',
        });
      else if (!STATUS_CODE.test(c))
        problems.push({
          path: ['accepted_status_codes', i],
          message: `${JSON.stringify(c)} is not a status code or range such as "200" or "200-299"`,
        });
    });
  }

  const tags = config.tags;
  if (Array.isArray(tags)) {
    tags.forEach((t, i) => {
      if (isUnknown(t) || typeof t === 'string') return;
      if (t === null || typeof t !== 'object' || Array.isArray(t) || !('name' in t))
        problems.push({ path: ['tags', i], message: 'a tag is a name, or {name, value}' });
    });
    const seen = new Set<string>();
    tags.forEach((t, i) => {
      const key = JSON.stringify(
        typeof t === 'string'
          ? [t, null]
          : t && typeof t === 'object' && !Array.isArray(t)
            ? [(t as Attributes).name, (t as Attributes).value ?? null]
            : t,
      );
      if (seen.has(key)) problems.push({ path: ['tags', i], message: 'the same tag with the same value is listed twice' });
      seen.add(key);
    });
  }
  return problems;
}
