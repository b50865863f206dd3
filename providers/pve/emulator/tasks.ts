/**
 * PVE worker tasks: every asynchronous write returns a UPID
 * (`UPID:node:PID:PSTART:STARTTIME:type:id:user:`, hex fields upper case) and runs for a
 * configurable time. A task holds the guest config locks it declares while it runs; its
 * optional `begin` step works at once (a migration's checks) and may set how long the task
 * takes, `progress` logs at each tenth of that time, then its `run` step finishes the work; a
 * thrown error, an injected failure or a lock timeout makes it fail, and its `cleanup` step
 * undoes what the dispatching handler began. Status and log are
 * kept in the world, so they survive a restart of the emulator; a task that was running when
 * its process went away ends as "unexpected status", as PVE reports a vanished worker. What it
 * leaves behind depends on what the emulator stands for (see OrphanedCreates); a vanished
 * migration leaves its guest on the source (abandonMigration).
 */
import { errorText } from './api-error.js';
import type { EmulatorCore } from './emulator-core.js';
import { guestConfig, MAX_TASK_HISTORY, writeGuestConfig, type GuestType, type TaskRecord, type World } from './world.js';

export interface TaskHold {
  type: GuestType;
  vmid: number;
  shared?: boolean;
}

export interface TaskSpec {
  node: string;
  /** `qmcreate`, `qmclone`, `qmstart`, `vzcreate`, `resize`, ... */
  type: string;
  /** Usually the VMID as text; empty for node-wide tasks. */
  id: string;
  user: string;
  /** Guest config locks held for the whole task. */
  holds?: TaskHold[];
  /** Lines logged at start. */
  log?: string[];
  /**
   * The work done when the task's time is up. Throw to fail the task (the message becomes the
   * exit status); return a number of warnings for `WARNINGS: N`.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: task bodies may return nothing, a number of seconds, or a promise of either
  run(log: (line: string) => void): void | number | Promise<void | number>;
  /** Undoes the dispatched work when the task fails. */
  cleanup?(message: string): void;
  /** The guest this create or clone registered before its work (it carries `lock: create|clone`). */
  placeholder?: { type: GuestType; vmid: number };
  /**
   * Work done at once, once the holds are taken (a migration's checks and its `lock: migrate`):
   * throw to fail the task before its time; return how long the task then takes in ms (default:
   * the task type's duration, see FaultController.taskDurationMs).
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a begin step may return nothing or a duration
  begin?(log: (line: string) => void): void | number;
  /**
   * Called at each tenth of the task's time (not at its end, which `run` logs): a long task's
   * progress lines, `fraction` of the way through (0.1 .. 0.9).
   */
  progress?(fraction: number, log: (line: string) => void): void;
  /** The guest this migration moves (TaskRecord.migration). */
  migration?: TaskRecord['migration'];
}

/**
 * What becomes of a guest registered by a create or clone whose process vanished mid-task:
 * - `keep-locked`: it stays, config holding its `lock: create|clone` — what a PVE host that
 *   went down mid-create shows after reboot (the admin runs `qm unlock` + `qm destroy`);
 * - `roll-back`: it is removed, as PVE's worker removes it when a create fails. The emulator
 *   embedded in hl uses this: there the "server" dies only because the hl process holding it
 *   did, where a real server would have gone on and finished or failed the task by itself.
 */
export type OrphanedCreates = 'keep-locked' | 'roll-back';

const hex8 = (n: number): string => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

export function formatUpid(t: Pick<TaskRecord, 'node' | 'pid' | 'pstart' | 'starttime' | 'type' | 'id' | 'user'>): string {
  return `UPID:${t.node}:${hex8(t.pid)}:${hex8(t.pstart)}:${hex8(t.starttime)}:${t.type}:${t.id}:${t.user}:`;
}

export interface DecodedUpid {
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
}

export function parseUpid(upid: string): DecodedUpid | undefined {
  const m =
    /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s]+):([^:\s]*):([^:\s]+):$/.exec(
      upid,
    );
  if (!m) return undefined;
  return {
    node: m[1] as string,
    pid: parseInt(m[3] as string, 16),
    pstart: parseInt(m[4] as string, 16),
    starttime: parseInt(m[5] as string, 16),
    type: m[6] as string,
    id: m[7] as string,
    user: m[8] as string,
  };
}

/** Marks tasks left running by a vanished process as failed, as PVE does. */
export function settleOrphanedTasks(world: World, nowSeconds: number, orphanedCreates: OrphanedCreates): void {
  for (const t of world.tasks) {
    if (t.status !== 'running') continue;
    t.status = 'stopped';
    t.exitstatus = 'unexpected status';
    t.endtime = nowSeconds;
    t.log.push('TASK ERROR: unexpected status');
    if (orphanedCreates === 'roll-back' && t.placeholder) removePlaceholder(world, t.placeholder);
    if (t.migration) abandonMigration(world, t.migration, nowSeconds);
  }
}

/**
 * A migration whose process vanished: its work (the guest's move to the target) is one change
 * of the world made when the task ends, so the guest is still whole on its source; the
 * `lock: migrate` its first phase set is cleared, as its phase 1 cleanup would, and a container
 * shut down for a restart migration runs again there, as its final cleanup would start it.
 * (A real source node that crashes mid-migration keeps the lock for `qm unlock`; the emulator
 * has no half-copied volumes to leave behind, so it leaves nothing to clean up by hand.)
 */
function abandonMigration(world: World, m: NonNullable<TaskRecord['migration']>, nowSeconds: number): void {
  const g = world.guests[String(m.vmid)];
  if (!g || g.type !== m.type || g.node !== m.source) return;
  const cfg = guestConfig(g);
  if (cfg.main.lock === 'migrate') {
    delete cfg.main.lock;
    writeGuestConfig(g, cfg);
  }
  if (m.restart && g.status === 'stopped') {
    g.status = 'running';
    g.startedAt = nowSeconds;
    g.pid = 1000 + ((world.nextPid++ * 13) % 900000);
  }
}

/** Removes a guest still registered as a create/clone placeholder (its work never ran). */
function removePlaceholder(world: World, p: { type: GuestType; vmid: number }): void {
  const g = world.guests[String(p.vmid)];
  if (!g || g.type !== p.type) return;
  if (!/^lock: (create|clone)$/m.test(g.config)) return;
  delete world.guests[String(p.vmid)];
}

export class TaskRunner {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly releases = new Map<string, (() => void)[]>();
  private closed = false;
  private readonly active = new Set<Promise<void>>();
  private readonly startedMs = new Map<string, number>();

  constructor(private readonly emu: EmulatorCore) {}

  /** When this process started the task (epoch ms), if it did. */
  startedAt(upid: string): number | undefined {
    return this.startedMs.get(upid);
  }

  /** Starts a task and returns its UPID. */
  start(spec: TaskSpec): string {
    const world = this.emu.world;
    const nowMs = this.emu.now();
    const record: TaskRecord = {
      upid: '',
      node: spec.node,
      pid: world.nextPid++,
      pstart: Math.floor(nowMs / 10) % 0xffffffff,
      starttime: Math.floor(nowMs / 1000),
      type: spec.type,
      id: spec.id,
      user: spec.user,
      status: 'running',
      log: [...(spec.log ?? [])],
      ...(spec.placeholder ? { placeholder: spec.placeholder } : {}),
      ...(spec.migration ? { migration: spec.migration } : {}),
    };
    record.upid = formatUpid(record);
    this.startedMs.set(record.upid, nowMs);
    if (this.startedMs.size > MAX_TASK_HISTORY) this.startedMs.delete(this.startedMs.keys().next().value as string);
    world.tasks.push(record);
    if (world.tasks.length > MAX_TASK_HISTORY) world.tasks.splice(0, world.tasks.length - MAX_TASK_HISTORY);
    const vmid = /^\d+$/.test(spec.id) ? Number(spec.id) : undefined;
    const injected = this.emu.faults.taskFailure(spec.type, vmid);
    const p = this.execute(record, spec, injected).finally(() => this.active.delete(p));
    this.active.add(p);
    return record.upid;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private async execute(record: TaskRecord, spec: TaskSpec, injected: string | undefined): Promise<void> {
    const releases: (() => void)[] = [];
    this.releases.set(record.upid, releases);
    // The world may have been reloaded from disk meanwhile: always work on its current record.
    const current = (): TaskRecord => this.emu.world.tasks.find((t) => t.upid === record.upid) ?? record;
    const log = (line: string): void => {
      current().log.push(line);
    };
    let error: string | undefined;
    let warnings = 0;
    try {
      for (const h of spec.holds ?? []) {
        releases.push(await this.emu.locks.acquire(h.type, h.vmid, h.shared ? { shared: true } : {}));
      }
      let duration = this.emu.faults.taskDurationMs(spec.type);
      if (spec.begin) {
        const modelled = spec.begin(log);
        this.emu.persist();
        // An explicit duration for the task type (faults) wins over the modelled one.
        if (typeof modelled === 'number') duration = this.emu.faults.taskDurationOverrideMs(spec.type) ?? modelled;
      }
      if (spec.progress) {
        for (let tenth = 1; tenth <= 10; tenth++) {
          await this.sleep(duration / 10);
          if (this.closed) return;
          if (tenth < 10) spec.progress(tenth / 10, log);
        }
      } else {
        await this.sleep(duration);
      }
      if (this.closed) return;
      if (injected !== undefined) throw new Error(injected);
      const r = await spec.run(log);
      if (typeof r === 'number') warnings = r;
    } catch (err) {
      if (this.closed) return;
      // pve-common PVE/RESTEnvironment.pm fork_worker: `chomp $err; $err =~ s/\n/ /mg`, so the
      // last log line (and the exit status read from it) holds the whole message on one line.
      error = errorText(err).replace(/\n$/, '').replace(/\n/g, ' ');
    }
    if (this.closed) return;
    if (error !== undefined) {
      try {
        spec.cleanup?.(error);
      } catch (err) {
        log(`cleanup failed: ${errorText(err)}`);
      }
    }
    for (const r of releases) r();
    this.releases.delete(record.upid);
    const rec = current();
    rec.status = 'stopped';
    rec.endtime = Math.floor(this.emu.now() / 1000);
    if (error !== undefined) {
      rec.exitstatus = error;
      log(`TASK ERROR: ${error}`);
    } else if (warnings > 0) {
      rec.exitstatus = `WARNINGS: ${warnings}`;
      log(`TASK WARNINGS: ${warnings}`);
    } else {
      rec.exitstatus = 'OK';
      log('TASK OK');
    }
    this.emu.persist();
  }

  /** Resolves when every task started so far has finished. */
  async idle(): Promise<void> {
    while (this.active.size) await Promise.allSettled([...this.active]);
  }

  /** Stops all timers; running tasks stay `running` in the world (see settleOrphanedTasks). */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const rs of this.releases.values()) for (const r of rs) r();
    this.releases.clear();
  }
}
