/**
 * How long a client's tasks of each type have taken, so that the first poll of the next one
 * comes when it is likely done (task-waiter.ts). Against a pveproxy with three workers
 * (pve-manager PVE/Service/pveproxy.pm `max_workers`), every poll that finds a task still
 * running takes a worker from the calls that do work: in a 500-create apply at 20 ms per
 * request, polling each 200 ms task at 100 ms and again at 250 ms cost a tenth of all
 * requests (issue #24).
 *
 * What is kept per task type is the time from dispatch to the poll that saw the task stopped,
 * for the last `SAMPLES` tasks; the first poll of the next one waits their median, never less
 * than the waiter's first interval and never more than `MAX_FIRST_POLL_MS`, so a task that
 * ends sooner than its kind used to is seen at most that much later.
 */

const SAMPLES = 16;
export const MAX_FIRST_POLL_MS = 2000;

export class TaskDurations {
  private readonly byType = new Map<string, number[]>();

  /** A task of `type` was seen stopped `ms` after it was dispatched. */
  record(type: string, ms: number): void {
    let list = this.byType.get(type);
    if (!list) this.byType.set(type, (list = []));
    list.push(ms);
    if (list.length > SAMPLES) list.shift();
  }

  /** How long to wait before the first poll of a task of `type`: at least `minMs`. */
  firstPollMs(type: string, minMs: number): number {
    const list = this.byType.get(type);
    if (!list || list.length === 0) return minMs;
    const sorted = [...list].sort((a, b) => a - b);
    const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
    return Math.max(minMs, Math.min(MAX_FIRST_POLL_MS, median));
  }
}
