/**
 * When `hl watch` runs its next cycle: one interval after the last, or, after failed cycles,
 * longer (the interval doubled per failure in a row, capped), each wait moved by up to ±10 %
 * (jitter, so that watchers started together drift apart). `random` is injected (0 ≤ r < 1).
 */

export interface WatchSchedule {
  intervalMs: number;
  /** The longest wait after failures. */
  maxBackoffMs: number;
  random: () => number;
}

export const JITTER = 0.1;

/** The wait before the next cycle, after `failures` failed cycles in a row (0: the last one went well). */
export function nextWaitMs(schedule: WatchSchedule, failures: number): number {
  const base = failures === 0 ? schedule.intervalMs : Math.min(schedule.maxBackoffMs, schedule.intervalMs * 2 ** Math.min(failures, 30));
  const jitter = (schedule.random() * 2 - 1) * JITTER;
  return Math.max(0, Math.round(base * (1 + jitter)));
}

/** The cap on backoff when none is given: eight intervals, at most an hour (never below one interval). */
export function defaultMaxBackoffMs(intervalMs: number): number {
  return Math.max(intervalMs, Math.min(8 * intervalMs, 3_600_000));
}
