/**
 * `--json` on plan, apply, destroy and validate: the run's events as the lines of
 * render/json-ui-lines.ts on stdout, and nothing else there. The clock and the timer of the
 * still-running lines are here, at the edge.
 */
import { DiagnosticsError } from '../core/diagnostic.js';
import type { EngineEvents } from '../engine/engine-events.js';
import type { ExecuteEvents } from '../engine/execute-plan.js';
import { JsonUiLines } from '../render/json-ui-lines.js';
import { lockWaitText, staleLockTakeoverText } from '../render/lock-messages.js';
import { HL_VERSION } from '../version.js';
import { EXIT_ERROR, type CommandContext } from './command-context.js';

/** How often an operation still running gets an `apply_progress` line, as Terraform. */
const PROGRESS_INTERVAL_MS = 10_000;

/**
 * Runs `body` with the JSON-lines view: the `version` line first, and a user error thrown
 * out of the command as `diagnostic` lines (exit 1) instead of text on stderr.
 */
export async function withJsonUi(ctx: CommandContext, body: (ui: JsonUiLines) => Promise<number>): Promise<number> {
  const ui = new JsonUiLines({ hlVersion: HL_VERSION, now: Date.now, write: (line) => ctx.term.out(line) });
  ui.version();
  try {
    return await body(ui);
  } catch (e) {
    if (!(e instanceof DiagnosticsError)) throw e;
    ui.diagnostics(e.diagnostics);
    return EXIT_ERROR;
  }
}

/** The engine's events as lines: diagnostics, and lock waits and takeovers as `log` lines. */
export function jsonUiEvents(ui: JsonUiLines): EngineEvents {
  return {
    diagnostics: (diags, context) => ui.diagnostics(diags, context ?? {}),
    lockWait: (holder) => ui.log(lockWaitText(holder)),
    staleLockTakeover: (holder) => ui.log(staleLockTakeoverText(holder), 'warn'),
  };
}

/** Apply progress as lines, with an `apply_progress` line for each operation still running every 10 s. */
export function jsonUiProgress(ui: JsonUiLines, intervalMs = PROGRESS_INTERVAL_MS): ReturnType<ExecuteEvents['startProgress']> {
  const timer = setInterval(() => ui.tick(), intervalMs);
  timer.unref();
  return {
    operationStart: (e) => ui.operationStart(e),
    operationProgress: (e) => ui.operationProgress(e),
    operationEnd: (e) => ui.operationEnd(e),
    stop: () => clearInterval(timer),
  };
}
