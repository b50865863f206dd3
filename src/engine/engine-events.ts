/**
 * What every engine operation reports while it runs, instead of printing: diagnostics to
 * show now (with the config files they point into and the redactor for secrets), the
 * moments a state lock is waited for or taken over, and — for a view that wants them — the
 * embedded emulators the run talks to and the refresh's progress. The CLI turns these into
 * lines.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { ConfigFile } from '../config/config-types.js';

export interface DiagnosticsContext {
  files?: readonly ConfigFile[];
  redact?: (s: string) => string;
}

export interface EngineEvents {
  diagnostics(diags: readonly Diagnostic[], context?: DiagnosticsContext): void;
  /** Another run holds the state lock: the operation waits for it (--lock-timeout). The holder is described in words, when known. */
  lockWait(holder: string | undefined): void;
  /** The lock's holder process (described in words) is gone: its lock was taken over. */
  staleLockTakeover(holder: string): void;
  /**
   * The provider instances of the run that talk to embedded emulators (`emulated: true`),
   * told once, when the providers are configured; `workDir` is where the emulated worlds are kept.
   */
  emulators?(instances: readonly string[], workDir: string): void;
  /** The refresh is about to read a resource in state: the `n`th of `total` reads. */
  refreshing?(read: RefreshRead): void;
}

/** One read of a refresh, as it starts. */
export interface RefreshRead {
  address: string;
  /** The resource's id in its provider (`pve/101`). */
  id: string;
  n: number;
  total: number;
}
