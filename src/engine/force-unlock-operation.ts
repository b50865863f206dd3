/** `force-unlock ID`: removes a stuck state lock, only when its id matches. */
import { resolve } from 'node:path';
import { describeHolder, forceUnlock } from '../state/state-lock.js';

/** Removes the lock of the state at `state` held under `id`; returns its holder, described in words. */
export async function forceUnlockOperation(state: string, id: string): Promise<string> {
  return describeHolder(await forceUnlock(resolve(state), id));
}
