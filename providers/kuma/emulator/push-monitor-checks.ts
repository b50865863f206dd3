/**
 * The checks Kuma runs on push monitors (Monitor.start() and its `beat` of
 * server/model/monitor.js, 2.5.3 and 1.23.16): nothing is fetched, the check only looks at
 * the newest heartbeat. A monitor starts (on `add`, `resumeMonitor`, an `editMonitor` of an
 * active monitor, and for every active monitor when the server starts) with its first check
 * one interval later. A check that finds an UP heartbeat (DOWN when upside down) younger than
 * the interval and a 1 s buffer records nothing and comes back when that window ends;
 * otherwise it records "No heartbeat in the time window": DOWN, or PENDING while the monitor
 * has retries left (`maxretries`), the next check after the retry interval then (when set).
 * 2.5.3 carries the retry count in the heartbeats; 1.23.16 keeps it in the running monitor,
 * from 0 at each start. `pauseMonitor` and `deleteMonitor` stop the checks. Only push
 * monitors are checked: the emulator reaches no host. Time runs in the emulator's seconds
 * (emulator-timing.ts).
 */
import type { EmulatorShared } from './handler-context.js';
import { flipStatus, isImportantBeat, kumaTime, recordHeartbeat, timeMs } from './heartbeat-rules.js';
import { KUMA_STATUS, type KumaStatus } from './kuma-world.js';
import type { MonitorRow } from './monitor-columns.js';

const { DOWN, UP, PENDING } = KUMA_STATUS;

/** What the checks and the push endpoint need of the emulator. */
export type PushShared = Pick<EmulatorShared, 'world' | 'io' | 'profile' | 'timing'>;

/** Starts and stops monitors as Kuma's startMonitor / pauseMonitor do. */
export interface MonitorChecks {
  start(monitorId: number): void;
  stop(monitorId: number): void;
}

const NO_HEARTBEAT = 'No heartbeat in the time window';

function isCheckedPush(row: MonitorRow | undefined): row is MonitorRow {
  return row !== undefined && row.type === 'push' && Boolean(row.active);
}

export class PushMonitorChecks implements MonitorChecks {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  /** 1.23.16: the `retries` of each running monitor's closure. */
  private readonly retries = new Map<number, number>();

  constructor(private readonly shared: PushShared) {}

  /** startMonitors(): every active push monitor of the world. */
  startAll(): void {
    for (const m of this.shared.world.data.monitors) if (isCheckedPush(m)) this.start(m.id);
  }

  start(monitorId: number): void {
    this.stop(monitorId);
    const row = this.shared.world.monitor(monitorId);
    if (!isCheckedPush(row)) return;
    this.retries.set(monitorId, 0);
    // "Delay Push Type": the first check one interval after the start
    this.schedule(monitorId, this.intervalOf(row) * this.shared.timing.secondMs);
  }

  stop(monitorId: number): void {
    clearTimeout(this.timers.get(monitorId));
    this.timers.delete(monitorId);
    this.retries.delete(monitorId);
  }

  stopAll(): void {
    for (const id of [...this.timers.keys()]) this.stop(id);
  }

  /** `beatInterval`: the interval, 1 s when unset. */
  private intervalOf(row: MonitorRow): number {
    return Number(row.interval) || 1;
  }

  private schedule(monitorId: number, ms: number): void {
    const timer = setTimeout(() => this.check(monitorId), Math.max(1, ms));
    // the emulator's server keeps the process alive while it runs; a pending check does not
    timer.unref();
    this.timers.set(monitorId, timer);
  }

  private check(monitorId: number): void {
    this.timers.delete(monitorId);
    const { world, profile, timing } = this.shared;
    const row = world.monitor(monitorId);
    if (!isCheckedPush(row)) return;
    const second = timing.secondMs;
    const interval = this.intervalOf(row);
    const gen2 = profile.generation === 2;
    const upsideDown = Boolean(row.upside_down);
    const previous = world.lastHeartbeat(monitorId);
    const now = Date.now();
    const since = previous ? now - timeMs(previous.time) : 0;
    let retries = gen2 ? (previous?.retries ?? 0) : (this.retries.get(monitorId) ?? 0);
    if (previous && previous.status === (upsideDown ? DOWN : UP) && since <= interval * second + second) {
      const left = interval * second - since;
      if (!gen2) this.retries.set(monitorId, 0);
      this.schedule(monitorId, left < 0 ? second : left + second);
      return;
    }
    // the check throws "No heartbeat in the time window"; the catch applies the retries
    let status: KumaStatus = upsideDown ? flipStatus(DOWN) : DOWN;
    const maxretries = Number(row.maxretries ?? 0);
    if (status === UP) retries = 0;
    else if (maxretries > 0 && retries < maxretries) {
      retries++;
      status = PENDING;
    } else if (gen2) retries++;
    if (!gen2) this.retries.set(monitorId, retries);
    const duration = gen2 ? (previous ? Math.round(since / second) : interval) : previous ? Math.trunc(since / second) : 0;
    recordHeartbeat(this.shared, row.user_id, {
      monitor_id: monitorId,
      status,
      time: kumaTime(now),
      msg: NO_HEARTBEAT,
      ping: null,
      important: isImportantBeat(!previous, previous?.status, status),
      duration,
      retries,
    });
    const retryInterval = Number(row.retry_interval ?? 0);
    const next = status === PENDING && retryInterval > 0 ? retryInterval : interval;
    this.schedule(monitorId, gen2 ? next * second - (Date.now() - now) : next * second);
  }
}
