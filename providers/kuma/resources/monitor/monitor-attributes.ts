/**
 * The attributes of `kuma_monitor`: their flags, the Kuma monitor key each one maps to,
 * which monitor types each one means something for (it is null for the others, in plans and
 * in reads alike), and the defaults hl plans when the config leaves one out. Pure data.
 */
import type { AttributeSchema } from '../../../../src/provider/contract.js';
import type { Value } from '../../../../src/core/value.js';

export const MONITOR_TYPES = ['http', 'keyword', 'json-query', 'port', 'ping', 'dns', 'docker', 'push', 'group'] as const;
export type MonitorType = (typeof MONITOR_TYPES)[number];

export function isMonitorType(v: unknown): v is MonitorType {
  return typeof v === 'string' && (MONITOR_TYPES as readonly string[]).includes(v);
}

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export const DNS_RESOLVE_TYPES = ['A', 'AAAA', 'CAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TXT'] as const;

const HTTP_TYPES: readonly MonitorType[] = ['http', 'keyword', 'json-query'];
const NETWORK_TYPES: readonly MonitorType[] = ['http', 'keyword', 'json-query', 'port', 'ping', 'dns', 'docker'];

/** hl attribute → key of the monitor object Kuma sends and accepts. */
export const KUMA_KEY = {
  name: 'name',
  type: 'type',
  description: 'description',
  parent: 'parent',
  url: 'url',
  method: 'method',
  hostname: 'hostname',
  port: 'port',
  interval: 'interval',
  retry_interval: 'retryInterval',
  resend_interval: 'resendInterval',
  max_retries: 'maxretries',
  timeout: 'timeout',
  active: 'active',
  upside_down: 'upsideDown',
  keyword: 'keyword',
  json_path: 'jsonPath',
  expected_value: 'expectedValue',
  ignore_tls: 'ignoreTls',
  max_redirects: 'maxredirects',
  accepted_status_codes: 'accepted_statuscodes',
  dns_resolve_type: 'dns_resolve_type',
  dns_resolve_server: 'dns_resolve_server',
  docker_container: 'docker_container',
  docker_host: 'docker_host',
  push_token: 'pushToken',
} as const satisfies Record<string, string>;

export type ScalarMonitorAttribute = keyof typeof KUMA_KEY;

/** Attributes whose meaning depends on the type; null for every other type. */
const APPLIES_TO: Partial<Record<string, readonly MonitorType[]>> = {
  url: HTTP_TYPES,
  method: HTTP_TYPES,
  ignore_tls: HTTP_TYPES,
  max_redirects: HTTP_TYPES,
  accepted_status_codes: HTTP_TYPES,
  keyword: ['keyword'],
  json_path: ['json-query'],
  expected_value: ['json-query'],
  hostname: ['port', 'ping', 'dns'],
  port: ['port', 'dns'],
  dns_resolve_type: ['dns'],
  dns_resolve_server: ['dns'],
  docker_container: ['docker'],
  docker_host: ['docker'],
  push_token: ['push'],
  timeout: NETWORK_TYPES,
};

/** Whether an attribute's meaning (and default) depends on the monitor type. */
export function dependsOnType(attribute: string): boolean {
  return APPLIES_TO[attribute] !== undefined;
}

export function appliesTo(attribute: string, type: MonitorType): boolean {
  const types = APPLIES_TO[attribute];
  return types === undefined || types.includes(type);
}

/** Attributes a type cannot do without (checked at plan time). */
export const REQUIRED_BY_TYPE: Record<MonitorType, readonly string[]> = {
  http: ['url'],
  keyword: ['url', 'keyword'],
  'json-query': ['url', 'json_path', 'expected_value'],
  port: ['hostname', 'port'],
  ping: ['hostname'],
  dns: ['hostname'],
  docker: ['docker_container', 'docker_host'],
  push: [],
  group: [],
};

/** timeout defaults to (and may not exceed) 80 % of the interval, as in Kuma's editor. */
export function maxTimeoutFor(interval: number): number {
  return Math.floor(interval * 8) / 10;
}

export const DEFAULT_INTERVAL = 60;

/**
 * Ping timeouts in Kuma 2.x (Monitor.validate() of server/model/monitor.js, constants of
 * src/util.ts): the timeout is rounded to whole seconds, must be 1-300 s and at least the
 * per-request timeout (2 s unless changed in Kuma), and is stored rounded. Kuma's editor
 * defaults it to 10 s and does not tie it to the interval (src/pages/EditMonitor.vue).
 */
export const PING_TIMEOUT = { min: 1, max: 300, perRequestDefault: 2, dflt: 10 } as const;

/**
 * The value hl plans for an attribute the config leaves out on a new monitor (or one whose
 * type changed so that the attribute now applies). undefined: no default (stays null).
 */
export function monitorDefault(attribute: string, type: MonitorType, planned: Record<string, Value>): Value | undefined {
  const interval = typeof planned.interval === 'number' ? planned.interval : DEFAULT_INTERVAL;
  switch (attribute) {
    case 'method':
      return 'GET';
    case 'interval':
      return DEFAULT_INTERVAL;
    case 'retry_interval':
      return interval;
    case 'resend_interval':
    case 'max_retries':
      return 0;
    case 'timeout':
      return type === 'ping' ? PING_TIMEOUT.dflt : maxTimeoutFor(interval);
    case 'active':
      return true;
    case 'upside_down':
    case 'ignore_tls':
      return false;
    case 'max_redirects':
      return 10;
    case 'accepted_status_codes':
      return ['200-299'];
    case 'port':
      return type === 'dns' ? 53 : undefined;
    case 'dns_resolve_type':
      return 'A';
    case 'dns_resolve_server':
      return '1.1.1.1';
    case 'tags':
    case 'notifications':
      return [];
    default:
      return undefined;
  }
}

const computedOptional = (description: string, extra: Partial<AttributeSchema> = {}): AttributeSchema => ({
  optional: true,
  computed: true,
  description,
  ...extra,
});
const optional = (description: string): AttributeSchema => ({ optional: true, description });

export const MONITOR_ATTRIBUTE_SCHEMA: Record<string, AttributeSchema> = {
  id: { computed: true, description: 'The monitor id Kuma gave (a number).' },
  name: { required: true, description: 'Display name.' },
  type: { required: true, description: `One of ${MONITOR_TYPES.join(', ')}.` },
  description: optional('Description shown under the name.'),
  parent: optional(
    'The group monitor this one belongs to: its id (e.g. `${kuma_monitor.lab.id}`, which also orders the creates) or its name.',
  ),
  parent_name: { computed: true, description: "The parent group's name as Kuma has it (null without a parent)." },
  url: optional('URL to check (http, keyword, json-query).'),
  method: computedOptional('HTTP method (default GET).'),
  hostname: optional('Host to check (port, ping, dns).'),
  port: computedOptional('TCP port (port; dns defaults to 53).'),
  interval: computedOptional('Seconds between checks (default 60; at least 20 before Kuma 2.1, 1 from 2.1).'),
  retry_interval: computedOptional('Seconds between retries while failing (default: the interval).'),
  resend_interval: computedOptional('Re-send the down notification every N checks (0: never; default 0).'),
  max_retries: computedOptional('Retries before the monitor is marked down (default 0).'),
  timeout: computedOptional(
    'Seconds before a check times out (default and maximum: 80 % of the interval; ping: whole seconds from 2 to 300, default 10).',
  ),
  active: computedOptional('false pauses the monitor, true resumes it (default true).'),
  upside_down: computedOptional('Invert the status: up when the check fails (default false).'),
  keyword: optional('Text the response must contain (keyword).'),
  json_path: optional('JSONata expression evaluated on the response (json-query).'),
  expected_value: optional('The value the expression must give (json-query).'),
  ignore_tls: computedOptional('Ignore TLS certificate errors (default false).'),
  max_redirects: computedOptional('Redirects to follow (default 10).'),
  accepted_status_codes: computedOptional('Status codes or ranges counted as up, as strings (default ["200-299"]).'),
  dns_resolve_type: computedOptional('Record type to resolve (dns; default A).'),
  dns_resolve_server: computedOptional('Resolver to ask (dns; default 1.1.1.1).'),
  docker_container: optional('Container name or id (docker).'),
  docker_host: optional('Id of the Docker host defined in Kuma (docker).'),
  push_token: computedOptional('Token of the push URL /api/push/<token> (push; generated when not set).', { sensitive: true }),
  tags: computedOptional('Tags by name, each with an optional value: [{name, value}]. Tags must exist (kuma_tag). Default none.'),
  notifications: computedOptional('Names of the notifications to send (kuma_notification). Default none.'),
};

/** Attributes the config may leave out, in which case they keep their prior value (or the default). */
export function isComputedOptional(attribute: string): boolean {
  const a = MONITOR_ATTRIBUTE_SCHEMA[attribute];
  return a?.optional === true && a.computed === true;
}
