/**
 * The exclusive lock of one workspace for the operations that replace or remove its state
 * outright (`hl workspace delete`, `hl state push`, `hl state migrate`).
 */
import type { HeldLock, StateBackend } from '../backend/state-backend.js';
import { HL_VERSION } from '../version.js';
import type { EngineEvents } from './engine-events.js';
import type { BackendOptions } from './run-backend.js';

/** Where the state is, and how long to wait for its lock (--lock-timeout). */
export interface LockingBackendOptions extends BackendOptions {
  lockTimeoutMs: number;
}

export function lockExclusively(backend: StateBackend, operation: string, timeoutMs: number, events: EngineEvents): Promise<HeldLock> {
  return backend.lock({
    operation,
    version: HL_VERSION,
    mode: 'exclusive',
    timeoutMs,
    onWait: (holder) => events.lockWait(holder),
    onStaleTakeover: (holder) => events.staleLockTakeover(holder),
  });
}
