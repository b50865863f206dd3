/**
 * The events Kuma pushes without being asked: `info` on connect and after login, the lists
 * sent after login, and the monitor list updates after a change (the whole `monitorList` on
 * 1.23, `updateMonitorIntoList` / `deleteMonitorFromList` on 2.x), all to the user's room so
 * every client of that user sees changes made by the others.
 */
import type { Socket } from 'socket.io';
import { userRoom, type EmulatorShared } from './handler-context.js';
import { monitorToJson, type MonitorRow } from './monitor-columns.js';

export function monitorJson(shared: EmulatorShared, row: MonitorRow, opts: { hidePath?: boolean } = {}): Record<string, unknown> {
  return monitorToJson(row, shared.world.relations(row, opts), shared.profile.generation);
}

export function monitorJsonList(shared: EmulatorShared, userId: number, only?: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of shared.world.monitorsOf(userId)) {
    if (only !== undefined && row.id !== only) continue;
    out[String(row.id)] = monitorJson(shared, row);
  }
  return out;
}

export function sendInfo(shared: EmulatorShared, socket: Socket, hideVersion: boolean): void {
  const info: Record<string, unknown> = {};
  if (!hideVersion) {
    info.version = shared.profile.version;
    info.latestVersion = shared.profile.version;
    info.isContainer = false;
    if (shared.profile.generation === 2) info.dbType = 'sqlite';
  }
  info.primaryBaseURL = null;
  info.serverTimezone = 'UTC';
  info.serverTimezoneOffset = '+00:00';
  socket.emit('info', info);
}

export function sendMonitorList(shared: EmulatorShared, userId: number): void {
  shared.io.to(userRoom(userId)).emit('monitorList', monitorJsonList(shared, userId));
}

/** After a monitor was added, edited, paused or resumed. */
export function pushMonitorChanged(shared: EmulatorShared, userId: number, monitorId: number): void {
  if (shared.profile.generation === 1) {
    sendMonitorList(shared, userId);
    return;
  }
  const list = monitorJsonList(shared, userId, monitorId);
  if (list[String(monitorId)]) shared.io.to(userRoom(userId)).emit('updateMonitorIntoList', list);
}

/** After a monitor was deleted; `monitorId` as the client sent it. */
export function pushMonitorDeleted(shared: EmulatorShared, userId: number, monitorId: unknown): void {
  if (shared.profile.generation === 1) {
    sendMonitorList(shared, userId);
    return;
  }
  shared.io.to(userRoom(userId)).emit('deleteMonitorFromList', monitorId);
}

function notificationList(shared: EmulatorShared, userId: number): Record<string, unknown>[] {
  return shared.world.data.notifications
    .filter((n) => n.user_id === userId)
    .map((n) => ({ id: n.id, name: n.name, config: n.config, active: n.active, userId: n.user_id, isDefault: n.is_default }));
}

export function sendNotificationList(shared: EmulatorShared, userId: number): void {
  shared.io.to(userRoom(userId)).emit('notificationList', notificationList(shared, userId));
}

/** A first heartbeat as a monitor starts, so clients see the same traffic as on a real server. */
export function pushMonitorStarted(shared: EmulatorShared, userId: number, monitorId: number): void {
  const room = shared.io.to(userRoom(userId));
  room.emit('heartbeat', {
    monitorID: monitorId,
    status: 2,
    time: new Date().toISOString().replace('T', ' ').slice(0, 23),
    msg: '',
    important: true,
    duration: 0,
    ping: null,
  });
  room.emit('avgPing', monitorId, null);
  room.emit('uptime', monitorId, 24, 0);
}

/**
 * afterLogin() of server/server.js: join the user's room, then the pushes. 2.5.3 awaits it
 * before answering `login`, so they all arrive before the answer; 1.23.16 does not await it:
 * the answer comes first, `monitorList` after its query, and the other lists as each of
 * their queries finishes (`notificationList` after `info`).
 */
export function afterLogin(shared: EmulatorShared, socket: Socket, userId: number): void {
  void socket.join(userRoom(userId));
  if (shared.profile.answersLoginAfterPushes) {
    socket.emit('monitorList', monitorJsonList(shared, userId));
    socket.emit('monitorTypeList', {});
    socket.emit('maintenanceList', {});
    sendInfo(shared, socket, false);
    socket.emit('notificationList', notificationList(shared, userId));
    socket.emit('proxyList', []);
    socket.emit('dockerHostList', []);
    socket.emit('apiKeyList', []);
    socket.emit('remoteBrowserList', []);
    socket.emit('statusPageList', {});
    socket.emit('initServerTimezone');
    return;
  }
  const q = shared.timing.queryMs;
  const later = (ms: number, fn: () => void): void => {
    setTimeout(() => {
      if (socket.connected) fn();
    }, ms);
  };
  later(q, () => socket.emit('monitorList', monitorJsonList(shared, userId)));
  later(2 * q, () => {
    sendInfo(shared, socket, false);
    socket.emit('maintenanceList', {});
  });
  later(3 * q, () => socket.emit('notificationList', notificationList(shared, userId)));
  later(3 * q, () => {
    socket.emit('proxyList', []);
    socket.emit('dockerHostList', []);
    socket.emit('apiKeyList', []);
  });
  later(4 * q, () => socket.emit('statusPageList', {}));
}
