/** The engine's events shown on the terminal: diagnostics on stderr (redacted), lock waits and takeovers. */
import type { EngineEvents } from '../engine/engine-events.js';
import { printDiagnostics } from '../render/diagnostics-output.js';
import { printLockWait, printStaleLockTakeover } from '../render/lock-messages.js';
import type { Terminal } from './terminal.js';

export function terminalEvents(term: Terminal): EngineEvents {
  return {
    diagnostics: (diags, context) => printDiagnostics(term, diags, context ?? {}),
    lockWait: (holder) => printLockWait(term, holder),
    staleLockTakeover: (holder) => printStaleLockTakeover(term, holder),
  };
}
