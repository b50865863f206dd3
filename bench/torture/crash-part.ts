/**
 * Torture part "crash": SIGKILL `hl apply` of a 50-resource config at random moments, from
 * process start-up to past the end of the apply, and check each time that the next apply
 * recovers with nothing lost, duplicated or left pending (see crash-trial.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crashTrialOn, prepareTrialConfig } from './crash-trial.js';
import { clip, runHl } from './hl-process.js';
import { emptySummary, recordTrial, stopEarly, type PartSummary } from './part-summary.js';
import type { Random } from './random.js';
import { applyArgs, hlRun, type TargetSetup, type TortureTarget } from './targets.js';

export interface CrashPartOptions {
  trials: number;
  random: Random;
  chains?: number;
  depth?: number;
  /** Longest a single hl run may take before it counts as hung (default 120 s). */
  timeoutMs?: number;
  /** Stop the part after this many failed trials (default 10). */
  maxFailures?: number;
  /** Called after each trial, for progress output. */
  onTrial?: (done: number, summary: PartSummary) => void;
  /** Kill applies that replace every object with create_before_destroy (see crash-trial.ts). */
  replace?: boolean;
}

export async function crashPart(setup: TargetSetup, opts: CrashPartOptions): Promise<PartSummary> {
  const started = performance.now();
  const chains = opts.chains ?? 10;
  const depth = opts.depth ?? 5;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const replace = opts.replace === true;
  const summary = emptySummary(`crash ${setup.name}${replace ? ' replacing (create_before_destroy)' : ''}`);
  const calibration = await setup.setup(opts.random);
  const full = await timeFullApply(calibration.target, { chains, depth, timeoutMs, replace }).finally(() => calibration.close());
  // an apply that fails undisturbed is a finding of its own; its duration still sets the window
  if (full.problem) recordTrial(summary, { label: 'undisturbed apply', problems: [full.problem] });
  // from before the process has started up to a little after the apply would have ended
  const latest = Math.round(full.ms * 1.1);
  for (let i = 0; i < opts.trials && !stopEarly(summary, opts.maxFailures); i++) {
    const killAfterMs = opts.random.int(20, latest);
    const { target, close } = await setup.setup(opts.random);
    const r = await crashTrialOn(target, { chains, depth, killAfterMs, timeoutMs, replace }).finally(() => close());
    recordTrial(summary, {
      label: `kill after ${killAfterMs} ms`,
      problems: r.problems,
      orphans: r.orphans,
      corrupt: r.corruptState,
      ...(r.dir ? { dir: r.dir } : {}),
    });
    opts.onTrial?.(i + 1, summary);
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

/** How long an undisturbed apply of the trials' config takes, in ms, and what went wrong with it. */
async function timeFullApply(
  target: TortureTarget,
  opts: { chains: number; depth: number; timeoutMs: number; replace: boolean },
): Promise<{ ms: number; problem?: string }> {
  const dir = mkdtempSync(join(tmpdir(), `hl-crash-${target.name}-calibrate-`));
  const { timeoutMs } = opts;
  try {
    const unprepared = await prepareTrialConfig(target, dir, { ...opts, killAfterMs: 0 });
    if (unprepared) return { ms: 0, problem: unprepared };
    const r = await runHl(applyArgs(target), hlRun(target, dir, timeoutMs));
    if (r.code !== 0) return { ms: r.ms, problem: `exited ${r.code}: ${clip(r.stderr, 500)}` };
    return { ms: r.ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
