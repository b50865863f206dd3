/**
 * When a failed call is tried again, and how long to wait: exponential backoff with jitter and
 * a cap on both the number of attempts and the single delay.
 *
 * - Lock contention (`VM is locked (clone)`, `can't lock file ... got timeout`) is always
 *   retried: the server refused before doing anything.
 * - A transient answer (429/502/503/504/595, `got no worker upid`) is retried: nothing was done.
 *   A `Retry-After` on it is honoured (capped at `maxRetryAfterMs`), with jitter on top so that
 *   the calls a saturated server turned away together do not all come back at one instant.
 * - Each retry waits inside the caller's concurrency limit (the provider's `read_concurrency`,
 *   the engine's parallelism): retries never add requests in flight, so a server answering
 *   503 sees fewer requests, not a storm.
 * - No answer at all is retried only for idempotent calls; for a create or clone the caller
 *   checks what happened instead (see guest-create.ts).
 */
import { sleep } from '../../../src/provider/abortable-sleep.js';
import { PveApiError, isLockContention, isTransientAnswer } from './pve-error.js';

export { sleep };

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The most a server's `Retry-After` is waited for (default 30 s). */
  maxRetryAfterMs?: number;
}

/** Lock contention can last as long as another task runs (a clone: minutes). */
export const LOCK_RETRY: RetryPolicy = { attempts: 12, baseDelayMs: 250, maxDelayMs: 8_000 };
export const TRANSIENT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 4_000 };

export type RetryDecision = 'lock' | 'transient' | 'no';

/** Whether `e` may be retried; `idempotent` allows retrying calls that got no answer. */
export function classifyForRetry(e: unknown, idempotent: boolean): RetryDecision {
  if (!(e instanceof PveApiError)) return 'no';
  if (e.kind === 'http') {
    if (isLockContention(e.reason)) return 'lock';
    if (isTransientAnswer(e.status, e.reason)) return 'transient';
    return 'no';
  }
  if ((e.kind === 'no-response' || e.kind === 'not-resent') && idempotent) return 'transient';
  return 'no';
}

export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/**
 * The wait before retry `attempt` (from 0) of a call that failed with `e`: the server's
 * `Retry-After` (capped) plus up to one base delay of jitter when it sent one, else
 * exponential backoff with jitter.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, e: PveApiError, random: () => number = Math.random): number {
  const after = e.retryAfterMs;
  if (after === undefined) return backoffDelay(policy, attempt, random);
  return Math.round(Math.min(after, policy.maxRetryAfterMs ?? 30_000) + random() * policy.baseDelayMs);
}

export interface RetryOptions {
  idempotent: boolean;
  signal?: AbortSignal;
  /** Called before each wait, e.g. to report "VM 120 is locked, retrying". */
  onRetry?: (e: PveApiError, attempt: number, delayMs: number, attempts: number) => void;
  lock?: RetryPolicy;
  transient?: RetryPolicy;
  /** How to wait and the jitter's randomness (tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** Runs `op`, retrying lock contention and transient failures as the policies allow. */
export async function withRetry<T>(op: () => Promise<T>, options: RetryOptions): Promise<T> {
  const lock = options.lock ?? LOCK_RETRY;
  const transient = options.transient ?? TRANSIENT_RETRY;
  let lockTries = 0;
  let transientTries = 0;
  for (;;) {
    try {
      return await op();
    } catch (e) {
      const decision = classifyForRetry(e, options.idempotent);
      if (decision === 'no') throw e;
      const policy = decision === 'lock' ? lock : transient;
      const n = decision === 'lock' ? ++lockTries : ++transientTries;
      if (n >= policy.attempts) throw e;
      const delay = retryDelay(policy, n - 1, e as PveApiError, options.random);
      options.onRetry?.(e as PveApiError, n, delay, policy.attempts);
      await (options.sleep ?? sleep)(delay, options.signal);
    }
  }
}
