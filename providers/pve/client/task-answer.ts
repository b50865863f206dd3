/**
 * Writes whose answer is a task: waiting for the task an answer names (a null answer: the
 * write was synchronous and is done), and trying a step again when its task failed on the
 * guest's config lock (the worker, not the API handler, took it: such a task changed nothing).
 */
import type { OperationContext } from '../../../src/provider/contract.js';
import { lockContentionText } from './pve-error.js';
import type { PveClient } from './pve-client.js';
import { backoffDelay, LOCK_RETRY, sleep } from './retry-policy.js';
import { isUpid, TaskFailedError, waitForTask } from './task-waiter.js';

/** Waits for the task `answer` names; a null answer (sync call) is done at once. */
export async function awaitTaskAnswer(
  client: PveClient,
  answer: unknown,
  what: string,
  timeoutSeconds: number,
  op: OperationContext,
): Promise<void> {
  if (!isUpid(answer)) return;
  await waitForTask(client, answer, {
    what,
    timeoutSeconds,
    ...(op.signal ? { signal: op.signal } : {}),
    ...(op.progress ? { progress: op.progress } : {}),
  });
}

/**
 * Runs a request-and-wait whose task may fail on the guest's config lock: the whole step is
 * tried again with backoff. Only for steps that are safe to repeat (digest-guarded updates,
 * absolute resizes).
 */
export async function retryLockedTask<T>(op: OperationContext, what: string, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof TaskFailedError) || !lockContentionText(e.exitStatus) || attempt + 1 >= LOCK_RETRY.attempts) throw e;
      const delay = backoffDelay(LOCK_RETRY, attempt);
      op.progress?.(`${what}: ${e.exitStatus}; retrying in ${delay} ms`);
      await sleep(delay, op.signal);
    }
  }
}
