/**
 * What every engine operation reports while it runs, instead of printing: diagnostics to
 * show now (with the config files they point into and the redactor for secrets), and the
 * moments a state lock is waited for or taken over. The CLI turns these into lines.
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
}
