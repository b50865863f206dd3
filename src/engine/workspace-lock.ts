/**
 * Taking a workspace's lock for an operation, with the waiting reported as events: the
 * shared or exclusive lock of every run (workspace.ts), and the exclusive lock of the
 * operations that replace or remove a state outright (`hl workspace delete`, `hl state
 * push`, `hl state migrate`).
 */
import type { HeldLock, LockMode, StateBackend } from '../backend/state-backend.js';
import { HL_VERSION } from '../version.js';
import type { EngineEvents } from './engine-events.js';
import type { BackendOptions } from './run-backend.js';

/** Where the state is, and how long to wait for its lock (--lock-timeout). */
export interface LockingBackendOptions extends BackendOptions {
  lockTimeoutMs: number;
}

export function lockWorkspace(
  backend: StateBackend,
  operation: string,
  mode: LockMode,
  timeoutMs: number,
  events: EngineEvents,
): Promise<HeldLock> {
  return backend.lock({
    operation,
    version: HL_VERSION,
    mode,
    timeoutMs,
    onWait: (holder) => events.lockWait(holder),
    onStaleTakeover: (holder) => events.staleLockTakeover(holder),
  });
}

export function lockExclusively(backend: StateBackend, operation: string, timeoutMs: number, events: EngineEvents): Promise<HeldLock> {
  return lockWorkspace(backend, operation, 'exclusive', timeoutMs, events);
}
