/**
 * What every heartbeat of a push monitor goes through, whether a push brought it (push-api.ts)
 * or a check found none in time (push-monitor-checks.ts): its time as Kuma writes it, whether
 * it is important (a change of status: Monitor.isImportantBeat of server/model/monitor.js),
 * storing it, and the `heartbeat` event sent to the owner's clients (Heartbeat.toJSON of
 * server/model/heartbeat.js: 2.x adds `retries`). Notifications, uptime statistics and
 * Prometheus are not emulated.
 */
import { userRoom, type EmulatorShared } from './handler-context.js';
import { KUMA_STATUS, type KumaHeartbeatRecord, type KumaStatus } from './kuma-world.js';

const { DOWN, UP, PENDING, MAINTENANCE } = KUMA_STATUS;

/** R.isoDateTimeMillis(dayjs.utc()): `2026-12-07 10:57:27.123`. */
export function kumaTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
}

/** The epoch milliseconds of a heartbeat's time. */
export function timeMs(time: string): number {
  return Date.parse(`${time.replace(' ', 'T')}Z`);
}

/** Monitor.isImportantBeat: the first beat, and every change of status but those to and from PENDING. */
export function isImportantBeat(isFirstBeat: boolean, previous: KumaStatus | undefined, current: KumaStatus): boolean {
  return (
    isFirstBeat ||
    (previous === DOWN && current === MAINTENANCE) ||
    (previous === UP && current === MAINTENANCE) ||
    (previous === MAINTENANCE && current === DOWN) ||
    (previous === MAINTENANCE && current === UP) ||
    (previous === UP && current === DOWN) ||
    (previous === DOWN && current === UP) ||
    (previous === PENDING && current === DOWN)
  );
}

/** flipStatus of src/util.ts, for upside-down monitors. */
export function flipStatus(status: KumaStatus): KumaStatus {
  return status === UP ? DOWN : status === DOWN ? UP : status;
}

/** What storing and announcing a heartbeat needs of the emulator. */
export type HeartbeatSink = Pick<EmulatorShared, 'world' | 'io' | 'profile'>;

/** Stores the heartbeat, persists the world and sends it to the monitor's owner. */
export function recordHeartbeat(shared: HeartbeatSink, userId: number, beat: Omit<KumaHeartbeatRecord, 'id'>): KumaHeartbeatRecord {
  const stored = shared.world.addHeartbeat(beat);
  shared.world.commit();
  const json: Record<string, unknown> = {
    monitorID: stored.monitor_id,
    status: stored.status,
    time: stored.time,
    msg: stored.msg,
    ping: stored.ping,
    important: stored.important,
    duration: stored.duration,
  };
  if (shared.profile.generation === 2) json.retries = stored.retries;
  shared.io.to(userRoom(userId)).emit('heartbeat', json);
  return stored;
}
