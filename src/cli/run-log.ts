/**
 * The provider call log as the environment asks for it: `HL_LOG=error|warn|info|debug|trace`
 * (unset or empty: off) and `HL_LOG_PATH=FILE` (default: standard error), the file created
 * 0600 and appended to, as Terraform's TF_LOG and TF_LOG_PATH. HL_DEBUG is another thing:
 * the stack trace of an internal error. The log's code is loaded only when HL_LOG asks for
 * a log, so a run without one (and `hl --help`) does not load it.
 */
import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import type { RunLog } from '../engine/run-log.js';

export interface RunLogSetup {
  log?: RunLog;
  /** Why the environment's log settings could not be followed, for one warning line. */
  problem?: string;
  close(): void;
}

/** The log HL_LOG and HL_LOG_PATH in `env` ask for; `stderr` writes to standard error. */
export async function openRunLog(env: Readonly<Record<string, string | undefined>>, stderr: (text: string) => void): Promise<RunLogSetup> {
  const asked = env['HL_LOG'];
  if (asked === undefined || asked.trim() === '') return { close: () => undefined };
  const { LOG_LEVELS, parseLogLevel } = await import('../engine/run-log.js');
  const level = parseLogLevel(asked);
  if (!level)
    return {
      problem: `HL_LOG="${asked}" is not a log level (${LOG_LEVELS.join(', ')}): nothing is logged`,
      close: () => undefined,
    };
  const clock = { now: () => performance.now(), timestamp: () => new Date().toISOString() };
  const path = env['HL_LOG_PATH'];
  if (path === undefined || path === '') return { log: { level, clock, write: stderr }, close: () => undefined };
  let fd: number;
  try {
    fd = openSync(path, 'a', 0o600);
    // an existing file keeps its mode on open: the log may hold paths and names, so it is made private
    fchmodSync(fd, 0o600);
  } catch (e) {
    return {
      log: { level, clock, write: stderr },
      problem: `HL_LOG_PATH=${path} cannot be written (${(e as Error).message}): logging to standard error instead`,
      close: () => undefined,
    };
  }
  let open = true;
  return {
    log: {
      level,
      clock,
      write: (line) => {
        if (open) writeSync(fd, line);
      },
    },
    close: () => {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
