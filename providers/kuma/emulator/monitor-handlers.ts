/**
 * The monitor part of Kuma's socket API: add, editMonitor, getMonitor, getMonitorList,
 * deleteMonitor, pauseMonitor, resumeMonitor, with the callback shapes, the pushes and the
 * failures of the real server: validate()'s interval messages, "Accepted status codes are
 * not all strings", the NOT NULL `conditions` column of 2.x, an unknown column refused by
 * the frozen schema, editMonitor resetting `port`/`proxyId`/`retryOnlyOnStatusCodeFailure`
 * when they are left out, and the TypeErrors an unknown id produces.
 */
import { readingOf, requireLogin, type Handler, type HandlerCall } from './handler-context.js';
import { columnDefaults, columnOf, editCopiedKeys, monitorColumns, notNullColumns, type MonitorRow } from './monitor-columns.js';
import { monitorJson, pushMonitorChanged, pushMonitorDeleted, pushMonitorStarted, sendMonitorList } from './server-pushes.js';

type Payload = Record<string, unknown>;

/** JSON.stringify the way Kuma's handlers do it: undefined stays undefined (left out). */
function stringifyIfSet(payload: Payload, key: string): void {
  if (payload[key] !== undefined) payload[key] = JSON.stringify(payload[key]);
}

/** `monitor.accepted_statuscodes.every(...)`: the checks and failures of both handlers. */
function acceptedStatusCodesJson(codes: unknown): string {
  if (codes === null || codes === undefined) throw readingOf(codes, 'every');
  if (!Array.isArray(codes)) throw new TypeError('monitor.accepted_statuscodes.every is not a function');
  if (!codes.every((c) => typeof c === 'string')) throw new Error('Accepted status codes are not all strings');
  return JSON.stringify(codes);
}

/** PING_GLOBAL_TIMEOUT_MIN/MAX and PING_PER_REQUEST_TIMEOUT_DEFAULT of src/util.ts (2.x). */
const PING_GLOBAL_TIMEOUT_MIN = 1;
const PING_GLOBAL_TIMEOUT_MAX = 300;
const PING_GLOBAL_TIMEOUT_DEFAULT = 10;

/**
 * Monitor.validate() of server/model/monitor.js: the minimum interval (and retry interval on
 * 2.x); a maximum only where the version has one (1.23; 2.5.3 has none); on 2.x a ping
 * monitor's timeout is rounded, must be 1-300 s and at least its per-request timeout, and is
 * stored rounded.
 */
function validateRow(call: HandlerCall, row: Payload): void {
  const { minIntervalSecond: min, maxIntervalSecond: max, validatesRetryInterval, validatesPingTimeout } = call.shared.profile;
  const interval = row.interval as number;
  if (max !== undefined && interval > max) throw new Error(`Interval cannot be more than ${max} seconds`);
  if (interval < min) throw new Error(`Interval cannot be less than ${min} seconds`);
  if (validatesRetryInterval) {
    const retry = row.retry_interval as number;
    if (retry < min) throw new Error(`Retry interval cannot be less than ${min} seconds`);
  }
  if (validatesPingTimeout && row.type === 'ping' && row.timeout) {
    const rounded = Math.round(Number(row.timeout));
    // an unset per-request timeout compares as false, as undefined does in JavaScript
    const perRequest =
      row.ping_per_request_timeout === undefined || row.ping_per_request_timeout === null
        ? undefined
        : Number(row.ping_per_request_timeout);
    if ((perRequest !== undefined && rounded < perRequest) || rounded < PING_GLOBAL_TIMEOUT_MIN || rounded > PING_GLOBAL_TIMEOUT_MAX) {
      throw new Error(
        `Timeout must be between ${PING_GLOBAL_TIMEOUT_MIN} and ${PING_GLOBAL_TIMEOUT_MAX} seconds (default: ${PING_GLOBAL_TIMEOUT_DEFAULT})`,
      );
    }
    row.timeout = rounded;
  }
}

/** What SQLite would refuse when storing the row. */
function checkStorable(call: HandlerCall, row: Payload): void {
  const gen = call.shared.profile.generation;
  const columns = monitorColumns(gen);
  for (const col of Object.keys(row)) if (!columns.has(col)) throw new Error(`SQLITE_ERROR: table monitor has no column named ${col}`);
  for (const col of notNullColumns(gen)) {
    if (row[col] === null || row[col] === undefined) throw new Error(`SQLITE_CONSTRAINT: NOT NULL constraint failed: monitor.${col}`);
  }
}

function ownedMonitor(call: HandlerCall, id: unknown): MonitorRow | undefined {
  const userId = requireLogin(call);
  const row = call.shared.world.monitor(Number(id));
  return row && row.user_id === userId ? row : undefined;
}

const add: Handler = (call) => {
  const userId = requireLogin(call);
  const { world, profile } = call.shared;
  const monitor = call.args[0] as Payload | null | undefined;
  if (monitor === null || monitor === undefined || typeof monitor !== 'object') throw readingOf(monitor, 'notificationIDList');
  const payload: Payload = { ...monitor };
  const notificationIDList = payload.notificationIDList;
  delete payload.notificationIDList;
  payload.accepted_statuscodes_json = acceptedStatusCodesJson(payload.accepted_statuscodes);
  delete payload.accepted_statuscodes;
  stringifyIfSet(payload, 'kafkaProducerBrokers');
  stringifyIfSet(payload, 'kafkaProducerSaslOptions');
  if (profile.generation === 2) {
    stringifyIfSet(payload, 'conditions');
    stringifyIfSet(payload, 'rabbitmqNodes');
    for (const prop of ['humanReadableInterval', 'globalpingdnsresolvetypeoptions', 'responsecheck']) delete payload[prop];
  }
  // bean.import(monitor): every key becomes a column; the database fills in the rest.
  const imported: Payload = {};
  for (const [key, value] of Object.entries(payload)) if (value !== undefined) imported[columnOf(key)] = value;
  delete imported.id;
  imported.user_id = userId;
  // validate() runs on the bean before it is stored: columns the add left out are still unset
  validateRow(call, imported);
  const row: Payload = { ...columnDefaults(profile.generation), ...imported, created_date: new Date().toISOString() };
  checkStorable(call, row);
  const id = world.nextId('monitor');
  const stored = { ...row, id, user_id: userId } as MonitorRow;
  world.data.monitors.push(stored);
  world.setMonitorNotifications(id, notificationIDList);
  world.commit();
  pushMonitorChanged(call.shared, userId, id);
  if (monitor.active !== false) {
    call.shared.checks.start(id);
    call.after(() => pushMonitorStarted(call.shared, userId, id));
  }
  return { ok: true, ...profile.messages.added, monitorID: id };
};

const editMonitor: Handler = (call) => {
  const userId = requireLogin(call);
  const { world, profile } = call.shared;
  const monitor = call.args[0] as Payload | null | undefined;
  if (monitor === null || monitor === undefined || typeof monitor !== 'object') throw readingOf(monitor, 'id');
  const bean = world.monitor(Number(monitor.id));
  if (!bean) throw readingOf(null, 'user_id');
  if (bean.user_id !== userId) throw new Error('Permission denied.');
  if (monitor.parent !== null) {
    if (world.allChildrenIds(bean.id).includes(monitor.parent as number)) throw new Error('Invalid Monitor Group');
  }
  const removeGroupChildren = bean.type === 'group' && monitor.type !== bean.type;
  const acceptedJson = acceptedStatusCodesJson(monitor.accepted_statuscodes);

  const next: Payload = { ...bean };
  for (const key of editCopiedKeys(profile.generation)) {
    const value = monitor[key];
    const column = columnOf(key);
    if (key === 'port') {
      const port = parseInt(String(value), 10);
      next[column] = Number.isNaN(port) ? null : port;
    } else if (key === 'proxyId') {
      next[column] = Number.isInteger(value) ? value : null;
    } else if (key === 'retryOnlyOnStatusCodeFailure') {
      next[column] = Boolean(value);
    } else if (key === 'accepted_statuscodes') {
      next[column] = acceptedJson;
    } else if (value === undefined) {
      // redbean leaves a property it was given as undefined untouched
    } else if (key === 'conditions' || key === 'kafkaProducerBrokers' || key === 'kafkaProducerSaslOptions' || key === 'rabbitmqNodes') {
      next[column] = JSON.stringify(value);
    } else {
      next[column] = value;
    }
  }
  validateRow(call, next);
  checkStorable(call, next);
  Object.assign(bean, next);
  if (removeGroupChildren) for (const m of world.data.monitors) if (m.parent === bean.id) m.parent = null;
  world.setMonitorNotifications(bean.id, monitor.notificationIDList);
  world.commit();
  // restartMonitor() when active
  if (bean.active) call.shared.checks.start(bean.id);
  pushMonitorChanged(call.shared, userId, bean.id);
  return { ok: true, ...profile.messages.saved, monitorID: bean.id };
};

const getMonitor: Handler = (call) => {
  const row = ownedMonitor(call, call.args[0]);
  if (!row) throw readingOf(null, 'id');
  return { ok: true, monitor: monitorJson(call.shared, row, { hidePath: call.shared.profile.getMonitorHidesPath }) };
};

const getMonitorList: Handler = (call) => {
  const userId = requireLogin(call);
  sendMonitorList(call.shared, userId);
  return { ok: true };
};

/**
 * deleteMonitor(id[, deleteChildren]): a group's children are unlinked (2.x pushes each of
 * them) or, with deleteChildren, deleted with it. Deleting an unknown id succeeds.
 */
const deleteMonitor: Handler = (call) => {
  const userId = requireLogin(call);
  const { world, profile } = call.shared;
  const [id, deleteChildren] = call.args;
  const row = world.monitor(Number(id));
  const children =
    row && row.user_id === userId && row.type === 'group' ? world.data.monitors.filter((m) => m.parent === row.id).map((m) => m.id) : [];
  if (deleteChildren === true) {
    for (const child of [...world.allChildrenIds(Number(id))].reverse()) {
      if (world.monitor(child)?.user_id === userId) call.shared.checks.stop(child);
      world.deleteMonitor(child, userId);
      if (profile.generation === 2) pushMonitorDeleted(call.shared, userId, child);
    }
  }
  if (row && row.user_id === userId) call.shared.checks.stop(row.id);
  world.deleteMonitor(Number(id), userId);
  world.commit();
  if (deleteChildren !== true && profile.generation === 2) for (const child of children) pushMonitorChanged(call.shared, userId, child);
  call.after(() => pushMonitorDeleted(call.shared, userId, id));
  return { ok: true, ...profile.messages.deleted };
};

function setActive(call: HandlerCall, active: boolean): unknown {
  const userId = requireLogin(call);
  const row = ownedMonitor(call, call.args[0]);
  if (!row) throw new Error('You do not own this monitor.');
  row.active = active;
  call.shared.world.commit();
  if (active) call.shared.checks.start(row.id);
  else call.shared.checks.stop(row.id);
  pushMonitorChanged(call.shared, userId, row.id);
  const { paused, resumed } = call.shared.profile.messages;
  return { ok: true, ...(active ? resumed : paused) };
}

const pauseMonitor: Handler = (call) => setActive(call, false);
const resumeMonitor: Handler = (call) => setActive(call, true);

export const monitorHandlers: Record<string, Handler> = {
  add,
  editMonitor,
  getMonitor,
  getMonitorList,
  deleteMonitor,
  pauseMonitor,
  resumeMonitor,
};
