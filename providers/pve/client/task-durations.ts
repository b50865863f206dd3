/**
 * When to poll a client's next task of a type first (task-waiter.ts), learned from how its
 * last ones went. Against a pveproxy with three workers (pve-manager
 * PVE/Service/pveproxy.pm `max_workers`), every poll that finds a task still running takes a
 * worker from the calls that do work: in a 500-create apply at 20 ms per request, polling
 * each 200 ms task at 100 ms and again at 250 ms cost a tenth of all requests (issue #24).
 *
 * The wait is adjusted per task type after each first poll: longer by half when the task was
 * still running, shorter by a tenth when it was done (so it keeps probing for tasks that got
 * quicker), between the waiter's first interval and `MAX_FIRST_POLL_MS`. Only what a first
 * poll found is used, never how long it took to be answered: a poll queued behind busy
 * workers says nothing about how long the task ran, and learning from it would lengthen the
 * wait with the queue.
 */

export const MAX_FIRST_POLL_MS = 2000;
const LONGER = 1.5;
const SHORTER = 0.9;

export class TaskDurations {
  private readonly byType = new Map<string, number>();

  /** How long to wait before the first poll of a task of `type`: at least `minMs`. */
  firstPollMs(type: string, minMs: number): number {
    return Math.max(minMs, Math.min(MAX_FIRST_POLL_MS, this.byType.get(type) ?? minMs));
  }

  /** The first poll of a task of `type`, made after `waitedMs`, found it still running or done. */
  firstPollFound(type: string, waitedMs: number, running: boolean): void {
    const next = running ? waitedMs * LONGER : waitedMs * SHORTER;
    this.byType.set(type, Math.min(MAX_FIRST_POLL_MS, Math.round(next)));
  }
}
