/**
 * The engine's events shown on the terminal: diagnostics on stderr (redacted), lock waits and
 * takeovers; for plan, apply and destroy (`runProgressEvents`), the embedded emulators and the
 * refresh's progress on stdout, as Terraform shows them before a plan.
 */
import { relative } from 'node:path';
import type { EngineEvents } from '../engine/engine-events.js';
import { printEmulators, refreshProgressView } from '../render/refresh-progress.js';
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

/** The emulators line and the refresh progress of a plan (none for `--json`: stdout holds only JSON). */
export function runProgressEvents(term: Terminal, json: boolean): Pick<EngineEvents, 'emulators' | 'refreshing'> {
  if (json) return {};
  return {
    emulators: (instances, workDir) => printEmulators(term, instances, relative(process.cwd(), workDir) || '.'),
    refreshing: refreshProgressView(term, { now: () => performance.now() }),
  };
}
