/** `force-unlock ID`: removes a stuck state lock, only when its id matches. */
import { openRunBackend, type BackendOptions } from './run-backend.js';

/** Removes the lock of the selected workspace held under `id`; returns its holder, described in words. */
export async function forceUnlockOperation(opts: BackendOptions, id: string): Promise<string> {
  const { backend } = await openRunBackend(opts);
  try {
    return await backend.forceUnlock(id);
  } finally {
    await backend.close();
  }
}
