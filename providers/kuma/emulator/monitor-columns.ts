/**
 * The `monitor` table as the emulator stores it, and how a row becomes the monitor object
 * Kuma sends (`Monitor.toJSON` of server/model/monitor.js): the columns with their database
 * defaults and NOT NULL constraints (db/knex_init_db.js and db/knex_migrations of 2.5.3), the JSON keys in Kuma's order, which of them are booleans or JSON text, and
 * which exist only in 2.x. Unset values are `null`, never absent, as on a real server.
 */

/** A stored monitor: column name → value (booleans kept as booleans). */
export type MonitorRow = Record<string, unknown> & { id: number; user_id: number };

type FieldKind = 'raw' | 'bool' | 'json';

interface MonitorField {
  /** The key in the monitor object Kuma sends and accepts. */
  key: string;
  /** The column it is stored in (redbean maps camelCase properties to snake_case columns). */
  column: string;
  kind: FieldKind;
  /** Database default when an `add` leaves it out. */
  dflt: unknown;
  notNull?: boolean;
  /** Only in 2.x. */
  v2?: boolean;
  /** Only sent with `includeSensitiveData`. */
  sensitive?: boolean;
}

export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function f(
  key: string,
  kind: FieldKind,
  dflt: unknown,
  flags: Partial<Pick<MonitorField, 'notNull' | 'v2' | 'sensitive'>> = {},
  column?: string,
): MonitorField {
  return { key, column: column ?? camelToSnake(key), kind, dflt, ...flags };
}

/** The stored fields, in the order `toJSON` lists them (computed keys are added around them). */
const FIELDS: readonly MonitorField[] = [
  f('name', 'raw', null),
  f('description', 'raw', null),
  f('parent', 'raw', null),
  f('url', 'raw', null),
  f('wsIgnoreSecWebsocketAcceptHeader', 'bool', false, { v2: true }),
  f('wsSubprotocol', 'raw', '', { v2: true, notNull: true }),
  f('method', 'raw', 'GET', { notNull: true }),
  f('hostname', 'raw', null),
  f('port', 'raw', null),
  f('location', 'raw', null, { v2: true }),
  f('protocol', 'raw', null, { v2: true }),
  f('maxretries', 'raw', 0, { notNull: true }),
  f('weight', 'raw', 2000),
  f('active', 'bool', true, { notNull: true }),
  f('type', 'raw', null),
  f('subtype', 'raw', null, { v2: true }),
  f('timeout', 'raw', 0, { notNull: true }),
  f('interval', 'raw', 20, { notNull: true }),
  f('retryInterval', 'raw', 0, { notNull: true }),
  f('retryOnlyOnStatusCodeFailure', 'bool', false, { v2: true }),
  f('resendInterval', 'raw', 0, { notNull: true }),
  f('keyword', 'raw', null),
  f('invertKeyword', 'bool', false, { notNull: true }),
  f('expiryNotification', 'bool', true),
  f('domainExpiryNotification', 'bool', true, { v2: true }),
  f('ignoreTls', 'bool', false, { notNull: true }),
  f('upsideDown', 'bool', false, { notNull: true }),
  f('packetSize', 'raw', 56),
  f('maxredirects', 'raw', 10, { notNull: true }),
  f('accepted_statuscodes', 'json', '["200-299"]', { notNull: true }, 'accepted_statuscodes_json'),
  f('dns_resolve_type', 'raw', null),
  f('dns_resolve_server', 'raw', null),
  f('dns_last_result', 'raw', null),
  f('docker_container', 'raw', ''),
  f('docker_host', 'raw', null),
  f('proxyId', 'raw', null),
  f('mqttTopic', 'raw', ''),
  f('mqttSuccessMessage', 'raw', ''),
  f('mqttCheckType', 'raw', 'keyword', { v2: true }),
  f('databaseQuery', 'raw', null),
  f('authMethod', 'raw', null),
  f('grpcUrl', 'raw', null),
  f('grpcProtobuf', 'raw', null),
  f('grpcMethod', 'raw', null),
  f('grpcServiceName', 'raw', null),
  f('grpcEnableTls', 'bool', false),
  f('radiusCalledStationId', 'raw', null),
  f('radiusCallingStationId', 'raw', null),
  f('game', 'raw', null),
  f('gamedigGivenPortOnly', 'bool', true),
  f('httpBodyEncoding', 'raw', null),
  f('jsonPath', 'raw', null),
  f('expectedValue', 'raw', null),
  f('system_service_name', 'raw', null, { v2: true }),
  f('kafkaProducerTopic', 'raw', null),
  f('kafkaProducerBrokers', 'json', null),
  f('kafkaProducerSsl', 'bool', false),
  f('kafkaProducerAllowAutoTopicCreation', 'bool', false),
  f('kafkaProducerMessage', 'raw', null),
  f('cacheBust', 'bool', false, { v2: true }),
  f('remote_browser', 'raw', null, { v2: true }),
  f('screenshot_delay', 'raw', 0, { v2: true, notNull: true }),
  f('snmpOid', 'raw', null, { v2: true }),
  f('jsonPathOperator', 'raw', null, { v2: true }),
  f('snmpVersion', 'raw', '2c', { v2: true }),
  f('smtpSecurity', 'raw', null, { v2: true }),
  f('rabbitmqNodes', 'json', null, { v2: true }),
  f('conditions', 'json', undefined, { v2: true, notNull: true }),
  f('ntpStratumThreshold', 'raw', 5, { v2: true }, 'ntp_stratum_threshold'),
  f('ntpTimeOffsetThreshold', 'raw', 1000, { v2: true }, 'ntp_time_offset_threshold'),
  f('ntpRootDispersionThreshold', 'raw', 500, { v2: true }, 'ntp_root_dispersion_threshold'),
  f('ipFamily', 'raw', null, { v2: true }),
  f('expectedTlsAlert', 'raw', null, { v2: true }),
  f('ping_numeric', 'bool', true, { v2: true }),
  f('ping_count', 'raw', 1, { v2: true }),
  f('ping_per_request_timeout', 'raw', 2, { v2: true }),
  f('saveResponse', 'bool', false, { v2: true }),
  f('saveErrorResponse', 'bool', true, { v2: true }),
  f('responseMaxLength', 'raw', 1024, { v2: true, notNull: true }),
  f('headers', 'raw', null, { sensitive: true }),
  f('body', 'raw', null, { sensitive: true }),
  f('grpcBody', 'raw', null, { sensitive: true }),
  f('grpcMetadata', 'raw', null, { sensitive: true }),
  f('basic_auth_user', 'raw', null, { sensitive: true }),
  f('basic_auth_pass', 'raw', null, { sensitive: true }),
  f('oauth_client_id', 'raw', null, { sensitive: true }),
  f('oauth_client_secret', 'raw', null, { sensitive: true }),
  f('oauth_token_url', 'raw', null, { sensitive: true }),
  f('oauth_scopes', 'raw', null, { sensitive: true }),
  f('oauth_audience', 'raw', null, { sensitive: true, v2: true }),
  f('oauth_auth_method', 'raw', null, { sensitive: true }),
  f('bearer_token', 'raw', null, { sensitive: true, v2: true }),
  f('gamedigToken', 'raw', null, { sensitive: true, v2: true }),
  f('pushToken', 'raw', null, { sensitive: true }),
  f('databaseConnectionString', 'raw', null, { sensitive: true }),
  f('radiusUsername', 'raw', null, { sensitive: true }),
  f('radiusPassword', 'raw', null, { sensitive: true }),
  f('radiusSecret', 'raw', null, { sensitive: true }),
  f('mqttUsername', 'raw', '', { sensitive: true }),
  f('mqttPassword', 'raw', '', { sensitive: true }),
  f('mqttWebsocketPath', 'raw', null, { sensitive: true, v2: true }),
  f('authWorkstation', 'raw', null, { sensitive: true }),
  f('authDomain', 'raw', null, { sensitive: true }),
  f('tlsCa', 'raw', null, { sensitive: true }),
  f('tlsCert', 'raw', null, { sensitive: true }),
  f('tlsKey', 'raw', null, { sensitive: true }),
  f('kafkaProducerSaslOptions', 'json', null, { sensitive: true }),
  f('rabbitmqUsername', 'raw', null, { sensitive: true, v2: true }),
  f('rabbitmqPassword', 'raw', null, { sensitive: true, v2: true }),
];

/** Response max length when the column is null (RESPONSE_BODY_LENGTH_DEFAULT). */
const RESPONSE_BODY_LENGTH_DEFAULT = 1024;

export function fieldsFor(generation: 1 | 2): readonly MonitorField[] {
  return generation === 2 ? FIELDS : FIELDS.filter((x) => !x.v2);
}

/** Column names of the monitor table for a generation (plus id, user_id, created_date). */
export function monitorColumns(generation: 1 | 2): Set<string> {
  const cols = new Set(['id', 'user_id', 'created_date']);
  for (const x of fieldsFor(generation)) cols.add(x.column);
  return cols;
}

/** The column an incoming monitor key is stored in. */
export function columnOf(key: string): string {
  return key === 'accepted_statuscodes' ? 'accepted_statuscodes_json' : camelToSnake(key);
}

/** Database defaults for the columns an `add` did not set. */
export function columnDefaults(generation: 1 | 2): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const x of fieldsFor(generation)) if (x.dflt !== undefined) out[x.column] = x.dflt;
  return out;
}

/** Columns that refuse null, for the "NOT NULL constraint failed" check. */
export function notNullColumns(generation: 1 | 2): string[] {
  return fieldsFor(generation)
    .filter((x) => x.notNull)
    .map((x) => x.column);
}

function parseJsonText(text: unknown): unknown {
  if (text === null || text === undefined) return null;
  return JSON.parse(String(text)) as unknown;
}

/** What `toJSON` needs besides the row: relations computed from the rest of the world. */
export interface MonitorRelations {
  path: unknown[];
  childrenIDs: number[];
  notificationIDList: Record<string, boolean>;
  tags: Record<string, unknown>[];
  /** The row's own active flag is the answer; this tells whether a parent is paused. */
  parentActive: boolean;
}

/** The monitor object Kuma sends, every key present (unset ones null). */
export function monitorToJson(row: MonitorRow, rel: MonitorRelations, generation: 1 | 2): Record<string, unknown> {
  const out: Record<string, unknown> = { id: row.id };
  const fields = fieldsFor(generation);
  const emit = (x: MonitorField): void => {
    const v = row[x.column];
    if (x.kind === 'bool') out[x.key] = Boolean(v);
    else if (x.kind === 'json') out[x.key] = parseJsonText(v);
    else out[x.key] = v === undefined ? null : v;
  };
  for (const x of fields) {
    if (x.sensitive) continue;
    if (x.key === 'parent') {
      if (generation === 2) out.path = rel.path;
      out.pathName = rel.path.filter((p) => p !== null).join(' / ');
      out.parent = row.parent ?? null;
      out.childrenIDs = rel.childrenIDs;
      continue;
    }
    emit(x);
    if (x.key === 'active') out.forceInactive = !rel.parentActive;
    if (x.key === 'proxyId') {
      out.notificationIDList = rel.notificationIDList;
      out.tags = rel.tags;
      out.maintenance = false;
    }
    if (x.key === 'kafkaProducerMessage') out.screenshot = null;
  }
  if (generation === 2) out.responseMaxLength = row.response_max_length ?? RESPONSE_BODY_LENGTH_DEFAULT;
  for (const x of fields) if (x.sensitive) emit(x);
  out.includeSensitiveData = true;
  return out;
}

/**
 * The fields `editMonitor` copies from the object it receives (the `bean.x = monitor.x` list
 * of server/server.js, 2.5.3): every stored field but `active`, `weight` and
 * `dns_last_result`. A field the object leaves out is kept, except the ones the handler
 * converts (`port` through parseInt, `proxyId` through Number.isInteger,
 * `retryOnlyOnStatusCodeFailure` through Boolean): those are reset.
 */
export function editCopiedKeys(generation: 1 | 2): string[] {
  const skip = new Set(['active', 'weight', 'dns_last_result']);
  return fieldsFor(generation)
    .map((x) => x.key)
    .filter((k) => !skip.has(k));
}
