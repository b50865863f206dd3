/**
 * Every way the `hl` process can end, wired so that none leaves a state lock or a temp file
 * behind and none prints a stack trace (unless HL_DEBUG is set):
 *
 * - Ctrl-C (SIGINT), SIGTERM and SIGHUP (the terminal closed) ask a running command to stop
 *   cleanly when it listens (apply); otherwise, or at a second Ctrl-C, the process exits at
 *   once with 128 + the signal number (130, 143, 129). A handler is told which signal came
 *   (`hl watch` reloads its config on SIGHUP instead of stopping).
 * - An uncaught exception or unhandled rejection is a bug in hl: reported in one line, exit 1.
 * - Whatever the path, the `exit` handler removes the locks this process still holds and the
 *   temp files it was writing (engine/exit-cleanup.ts `releaseLocksOnExit`).
 *
 * A closed stdout (`hl state list | head`) is handled where output is written (terminal.ts).
 */
import { releaseLocksOnExit } from '../engine/exit-cleanup.js';
import type { CommandContext, InterruptSignal } from './command-context.js';

export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/** Installs the process handlers; returns how a command registers for interrupts. Call once. */
export function installExitPaths(env: NodeJS.ProcessEnv): CommandContext['onInterrupt'] {
  const handlers = new Set<(signal: InterruptSignal) => void>();
  let interrupts = 0;
  process.on('exit', releaseLocksOnExit);
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as (keyof typeof SIGNAL_EXIT_CODES)[]) {
    process.on(signal, () => {
      if (signal === 'SIGINT') interrupts++;
      if (interrupts > 1 || handlers.size === 0) process.exit(SIGNAL_EXIT_CODES[signal]);
      for (const h of handlers) h(signal);
    });
  }
  const fatal = (e: unknown): void => {
    releaseLocksOnExit();
    const err = e as Error | undefined;
    try {
      process.stderr.write(
        `Error: internal error in hl: ${err?.message ?? String(e)}\n\nThis is a bug in hl, not in your configuration.\n`,
      );
      process.stderr.write(
        env['HL_DEBUG'] ? `${err?.stack ?? ''}\n` : 'Run again with HL_DEBUG=1 to see the stack trace for a bug report.\n',
      );
    } catch {
      // stderr is gone too: the exit code says it
    }
    process.exit(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  return (h) => {
    handlers.add(h);
    return () => handlers.delete(h);
  };
}
