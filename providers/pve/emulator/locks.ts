/**
 * Guest config file locks (PVE's flock on `/var/lock/qemu-server/lock-<vmid>.conf`): every
 * config write and every task working on a guest holds it; a writer that cannot get it within
 * the lock timeout (PVE: 10 s) fails with "can't lock file '...' - got timeout". Shared holders
 * (a clone reading its stopped source) do not block each other. Injected contention makes a
 * writer find the lock held by an invisible other worker for a while.
 *
 * This is the file lock, not the `lock:` config property (`VM is locked (clone)`), which the
 * handlers check on the config itself.
 */
import { ApiError } from './api-error.js';
import type { FaultController } from './faults.js';
import type { GuestType } from './world.js';

interface LockState {
  exclusive: boolean;
  holders: number;
  waiters: Set<() => void>;
}

export function lockFilePath(type: GuestType, vmid: number): string {
  return type === 'qemu' ? `/var/lock/qemu-server/lock-${vmid}.conf` : `/run/lock/lxc/pve-config-${vmid}.lock`;
}

export function lockTimeoutError(type: GuestType, vmid: number): ApiError {
  return new ApiError(500, `can't lock file '${lockFilePath(type, vmid)}' - got timeout`);
}

export class ConfigLocks {
  private readonly locks = new Map<number, LockState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();
  private closed = false;

  constructor(private readonly faults: FaultController) {}

  private state(vmid: number): LockState {
    let s = this.locks.get(vmid);
    if (!s) {
      s = { exclusive: false, holders: 0, waiters: new Set() };
      this.locks.set(vmid, s);
    }
    return s;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.timers.delete(t);
        this.sleepers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.timers.add(t);
      this.sleepers.add(done);
    });
  }

  /** Whether the lock is currently held (by anyone). */
  isHeld(vmid: number): boolean {
    return (this.locks.get(vmid)?.holders ?? 0) > 0;
  }

  /**
   * Takes the lock, waiting up to the lock timeout. Resolves to a release function (safe to
   * call twice); rejects with the "got timeout" ApiError.
   */
  async acquire(type: GuestType, vmid: number, opts: { shared?: boolean } = {}): Promise<() => void> {
    const timeout = this.faults.lockTimeoutMs();
    const deadline = Date.now() + timeout;
    const contention = this.faults.lockContentionMs();
    if (contention > 0) {
      await this.sleep(Math.min(contention, timeout));
      if (contention >= timeout || this.closed) throw lockTimeoutError(type, vmid);
    }
    const s = this.state(vmid);
    const blocked = (): boolean => (opts.shared ? s.exclusive : s.holders > 0);
    while (blocked()) {
      if (this.closed) throw lockTimeoutError(type, vmid);
      const left = deadline - Date.now();
      if (left <= 0) throw lockTimeoutError(type, vmid);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(t);
          this.timers.delete(t);
          s.waiters.delete(wake);
          resolve();
        };
        const t = setTimeout(wake, left);
        this.timers.add(t);
        s.waiters.add(wake);
      });
    }
    s.holders += 1;
    s.exclusive = !opts.shared;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      s.holders -= 1;
      if (s.holders <= 0) {
        s.holders = 0;
        s.exclusive = false;
      }
      for (const w of [...s.waiters]) w();
    };
  }

  /** Stops all waits (they fail with "got timeout"). */
  close(): void {
    this.closed = true;
    for (const done of [...this.sleepers]) done();
    for (const s of this.locks.values()) for (const w of [...s.waiters]) w();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
