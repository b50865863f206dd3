/**
 * The emulator's world: the rows of Kuma's tables that the socket API touches (user,
 * monitor, tag, monitor_tag, notification, monitor_notification), the heartbeats of push
 * monitors, and the relations Kuma computes from them (paths, children, parent activity).
 * Every change is followed by `commit()`, which persists the world when it has a file.
 */
import { randomBytes } from 'node:crypto';
import type { MonitorRelations, MonitorRow } from './monitor-columns.js';
import { readWorldFile, writeWorldFileAtomic } from './world-file.js';

export interface KumaUserRecord {
  id: number;
  username: string;
  /** scrypt hash, see password.ts. */
  password: string;
  active: boolean;
  twofa_secret: string | null;
  twofa_status: 0 | 1;
  twofa_last_token: string | null;
}

export interface KumaTagRecord {
  id: number;
  name: string;
  color: string;
}

export interface KumaMonitorTagRecord {
  id: number;
  monitor_id: number;
  tag_id: number;
  value: string | null;
}

export interface KumaNotificationRecord {
  id: number;
  name: string;
  /** The whole notification object as JSON text, as Kuma stores it. */
  config: string;
  active: boolean;
  user_id: number;
  is_default: boolean;
}

export interface KumaMonitorNotificationRecord {
  id: number;
  monitor_id: number;
  notification_id: number;
}

/** Kuma's heartbeat statuses (src/util.ts). */
export const KUMA_STATUS = { DOWN: 0, UP: 1, PENDING: 2, MAINTENANCE: 3 } as const;
export type KumaStatus = (typeof KUMA_STATUS)[keyof typeof KUMA_STATUS];

/** A row of the `heartbeat` table (db/knex_init_db.js), with the `retries` column of 2.x. */
export interface KumaHeartbeatRecord {
  id: number;
  monitor_id: number;
  status: KumaStatus;
  /** `YYYY-MM-DD HH:mm:ss.SSS`, UTC, as R.isoDateTimeMillis(dayjs.utc()) writes it. */
  time: string;
  msg: string;
  ping: number | null;
  important: boolean;
  /** Seconds since the monitor's previous heartbeat. */
  duration: number;
  retries: number;
}

/**
 * How many heartbeats the world keeps per monitor, the newest. Kuma keeps them for
 * `keepDataPeriodDays` (180 by default); the emulator keeps the world file small instead.
 */
export const HEARTBEATS_KEPT = 100;

export interface KumaWorldData {
  format: 1;
  jwtSecret: string;
  nextIds: {
    user: number;
    monitor: number;
    tag: number;
    monitorTag: number;
    notification: number;
    monitorNotification: number;
    heartbeat: number;
  };
  users: KumaUserRecord[];
  monitors: MonitorRow[];
  tags: KumaTagRecord[];
  monitorTags: KumaMonitorTagRecord[];
  notifications: KumaNotificationRecord[];
  monitorNotifications: KumaMonitorNotificationRecord[];
  heartbeats: KumaHeartbeatRecord[];
}

function emptyWorld(): KumaWorldData {
  return {
    format: 1,
    jwtSecret: randomBytes(32).toString('hex'),
    nextIds: { user: 1, monitor: 1, tag: 1, monitorTag: 1, notification: 1, monitorNotification: 1, heartbeat: 1 },
    users: [],
    monitors: [],
    tags: [],
    monitorTags: [],
    notifications: [],
    monitorNotifications: [],
    heartbeats: [],
  };
}

/** A world written before heartbeats were kept has none yet (same format, one table more). */
function withHeartbeats(data: KumaWorldData): KumaWorldData {
  data.heartbeats ??= [];
  data.nextIds.heartbeat ??= Math.max(0, ...data.heartbeats.map((h) => h.id)) + 1;
  return data;
}

export class KumaWorld {
  private constructor(
    readonly data: KumaWorldData,
    private readonly file: string | undefined,
  ) {}

  /** Loads the world from its file, or starts an empty one (persisted on the first change). */
  static open(file?: string): KumaWorld {
    const loaded = file ? readWorldFile<KumaWorldData>(file) : undefined;
    if (loaded && loaded.format !== 1) throw new Error(`Uptime Kuma emulator world ${file} has unknown format ${String(loaded.format)}`);
    return new KumaWorld(loaded ? withHeartbeats(loaded) : emptyWorld(), file);
  }

  commit(): void {
    if (this.file) writeWorldFileAtomic(this.file, this.data);
  }

  nextId(kind: keyof KumaWorldData['nextIds']): number {
    const id = this.data.nextIds[kind];
    this.data.nextIds[kind] = id + 1;
    return id;
  }

  // --- users ---------------------------------------------------------------------------

  get needSetup(): boolean {
    return this.data.users.length === 0;
  }

  userByName(username: string): KumaUserRecord | undefined {
    return this.data.users.find((u) => u.username === username && u.active);
  }

  userById(id: number): KumaUserRecord | undefined {
    return this.data.users.find((u) => u.id === id);
  }

  // --- monitors ------------------------------------------------------------------------

  monitor(id: number): MonitorRow | undefined {
    return this.data.monitors.find((m) => m.id === id);
  }

  monitorsOf(userId: number): MonitorRow[] {
    return this.data.monitors.filter((m) => m.user_id === userId);
  }

  /** Ids of every descendant of a monitor (Monitor.getAllChildrenIDs). */
  allChildrenIds(id: number): number[] {
    const out: number[] = [];
    const walk = (parent: number): void => {
      for (const m of this.data.monitors) {
        if (m.parent === parent && !out.includes(m.id)) {
          out.push(m.id);
          walk(m.id);
        }
      }
    };
    walk(id);
    return out;
  }

  /** Deletes a monitor with its tags and notification links; children lose their parent. */
  deleteMonitor(id: number, userId: number): void {
    const before = this.data.monitors.length;
    this.data.monitors = this.data.monitors.filter((m) => !(m.id === id && m.user_id === userId));
    if (this.data.monitors.length === before) return;
    this.data.monitorTags = this.data.monitorTags.filter((t) => t.monitor_id !== id);
    this.data.monitorNotifications = this.data.monitorNotifications.filter((n) => n.monitor_id !== id);
    this.data.heartbeats = this.data.heartbeats.filter((h) => h.monitor_id !== id);
    for (const m of this.data.monitors) if (m.parent === id) m.parent = null;
  }

  /** updateMonitorNotification: drop every link, then add those marked true. */
  setMonitorNotifications(monitorId: number, list: unknown): void {
    this.data.monitorNotifications = this.data.monitorNotifications.filter((n) => n.monitor_id !== monitorId);
    if (list === null || typeof list !== 'object') return;
    for (const [key, on] of Object.entries(list as Record<string, unknown>)) {
      if (!on) continue;
      this.data.monitorNotifications.push({ id: this.nextId('monitorNotification'), monitor_id: monitorId, notification_id: Number(key) });
    }
  }

  relations(row: MonitorRow, opts: { hidePath?: boolean } = {}): MonitorRelations {
    const names: unknown[] = [];
    let parentActive = true;
    const seen = new Set<number>();
    let cur: MonitorRow | undefined = row;
    while (cur && !seen.has(cur.id)) {
      seen.add(cur.id);
      names.unshift(cur.name ?? null);
      const parentId: unknown = cur.parent;
      cur = typeof parentId === 'number' ? this.monitor(parentId) : undefined;
      if (cur && !cur.active) parentActive = false;
    }
    const notificationIDList: Record<string, boolean> = {};
    for (const n of this.data.monitorNotifications) if (n.monitor_id === row.id) notificationIDList[String(n.notification_id)] = true;
    const tags = this.data.monitorTags
      .filter((t) => t.monitor_id === row.id)
      .map((t) => {
        const tag = this.data.tags.find((x) => x.id === t.tag_id);
        return { id: t.id, monitor_id: t.monitor_id, tag_id: t.tag_id, value: t.value, name: tag?.name ?? null, color: tag?.color ?? null };
      })
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
    return {
      path: opts.hidePath ? [null] : names,
      childrenIDs: this.data.monitors.filter((m) => m.parent === row.id).map((m) => m.id),
      notificationIDList,
      tags,
      parentActive,
    };
  }

  // --- heartbeats ----------------------------------------------------------------------

  /** The monitor's heartbeats, oldest first. */
  heartbeatsOf(monitorId: number): KumaHeartbeatRecord[] {
    return this.data.heartbeats.filter((h) => h.monitor_id === monitorId);
  }

  /** The monitor's newest heartbeat (Monitor.getPreviousHeartbeat). */
  lastHeartbeat(monitorId: number): KumaHeartbeatRecord | undefined {
    return this.heartbeatsOf(monitorId).at(-1);
  }

  /** The active monitor with this push token (`push_token = ? AND active = 1`). */
  monitorByPushToken(token: string): MonitorRow | undefined {
    return this.data.monitors.find((m) => m.push_token === token && Boolean(m.active));
  }

  /** Stores a heartbeat (its id given here), keeping the newest HEARTBEATS_KEPT of its monitor. */
  addHeartbeat(beat: Omit<KumaHeartbeatRecord, 'id'>): KumaHeartbeatRecord {
    const stored: KumaHeartbeatRecord = { id: this.nextId('heartbeat'), ...beat };
    this.data.heartbeats.push(stored);
    const mine = this.heartbeatsOf(beat.monitor_id);
    if (mine.length > HEARTBEATS_KEPT) {
      const drop = new Set(mine.slice(0, mine.length - HEARTBEATS_KEPT).map((h) => h.id));
      this.data.heartbeats = this.data.heartbeats.filter((h) => !drop.has(h.id));
    }
    return stored;
  }

  // --- tags ----------------------------------------------------------------------------

  tag(id: number): KumaTagRecord | undefined {
    return this.data.tags.find((t) => t.id === id);
  }

  deleteTag(id: number): void {
    this.data.tags = this.data.tags.filter((t) => t.id !== id);
    this.data.monitorTags = this.data.monitorTags.filter((t) => t.tag_id !== id);
  }

  // --- notifications -------------------------------------------------------------------

  notification(id: number, userId: number): KumaNotificationRecord | undefined {
    return this.data.notifications.find((n) => n.id === id && n.user_id === userId);
  }

  deleteNotification(id: number): void {
    this.data.notifications = this.data.notifications.filter((n) => n.id !== id);
    this.data.monitorNotifications = this.data.monitorNotifications.filter((n) => n.notification_id !== id);
  }
}
