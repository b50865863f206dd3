/**
 * The engine's retry of provider calls: reads (refresh, data sources, recover, import) that
 * fail with a `retryable` ProviderError are tried again with bounded exponential backoff
 * with jitter; writes (create, update, delete) only when the error says `safeToRetry` (the
 * failed write did nothing). A `retryAfterMs` from the server is honoured, capped. Errors
 * that are not ProviderErrors (bugs), that carry `partial` (the object was changed) or
 * `unreachable` (reported once per provider; clients retry their own connections) are
 * never retried. The sleeper and the randomness are injectable, so tests run fast.
 */
import { sleep } from './abortable-sleep.js';
import type { ProviderCallLog } from './call-log.js';
import { ProviderError } from './contract.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Backoff before the second attempt; doubles each time, capped at `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The most a server's Retry-After is waited for. */
  maxRetryAfterMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1), for the jitter. */
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  sleep,
  random: Math.random,
};

/** `read`: retried when retryable; `write`: only when safe to retry. */
export type CallKind = 'read' | 'write';

export interface RetryOptions {
  policy?: RetryPolicy;
  signal?: AbortSignal;
  /** Told before each wait, e.g. to show "retrying in 1.2 s". */
  onRetry?: (e: ProviderError, attempt: number, delayMs: number) => void;
  /** The provider instance's call log, told of each retry (HL_LOG), naming the call as `call` says. */
  log?: ProviderCallLog;
  call?: string;
}

/** Whether a failed call of `kind` may be sent again. */
export function mayRetry(kind: CallKind, e: unknown): e is ProviderError {
  if (!(e instanceof ProviderError)) return false;
  const o = e.options;
  if (o.partial || o.unreachable) return false;
  return kind === 'read' ? o.retryable === true || o.safeToRetry === true : o.safeToRetry === true;
}

/** How long to wait before attempt `attempt + 1` (attempt counts from 1). */
export function retryDelay(policy: RetryPolicy, attempt: number, e: ProviderError): number {
  const after = e.options.retryAfterMs;
  if (after !== undefined && Number.isFinite(after) && after >= 0) return Math.min(after, policy.maxRetryAfterMs);
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + (policy.random() * exp) / 2);
}

/** Runs `call`, sending it again as `kind` and the policy allow. */
export async function retryProviderCall<T>(kind: CallKind, call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (attempt >= policy.attempts || !mayRetry(kind, e) || options.signal?.aborted) throw e;
      const delay = retryDelay(policy, attempt, e);
      options.onRetry?.(e, attempt, delay);
      options.log?.retry({
        call: options.call ?? 'a provider call',
        attempt: attempt + 1,
        of: policy.attempts,
        waitMs: delay,
        reason: e.message,
      });
      await policy.sleep(delay, options.signal);
    }
  }
}
