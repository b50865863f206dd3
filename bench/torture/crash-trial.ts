/**
 * One crash trial: start a real `hl apply`, SIGKILL it after a delay, run `hl apply` again,
 * and check that nothing was lost or duplicated: the state is valid with nothing pending,
 * every object the provider holds is in state exactly once, and a final plan shows no
 * changes. With `replace`, the killed apply replaces every object of an applied config
 * with create_before_destroy (the old objects must all be gone in the end, none lost on
 * the way). Shared by `npm run torture` and the crash test in `npm test`
 * (test/support/crash-trial.ts re-exports it).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkConsistency } from './consistency.js';
import { clip, runHl, startHl, uncleanFailure } from './hl-process.js';
import { applyArgs, fakeConfig, fakeTarget, hlRun, type TortureTarget } from './targets.js';

export interface TrialResult {
  killedAfterMs: number;
  problems: string[];
  orphans: number;
  corruptState: boolean;
  /** The trial's project directory, kept when something went wrong. */
  dir?: string;
}

export interface CrashTrialOptions {
  chains: number;
  depth: number;
  killAfterMs: number;
  /** Longest a single hl run may take before it counts as hung (default 120 s). */
  timeoutMs?: number;
  /** Kill an apply that replaces every object (create_before_destroy), not one that creates them. */
  replace?: boolean;
}

/** The config the killed apply runs, after writing (and applying) what it starts from. */
export async function prepareTrialConfig(
  target: TortureTarget,
  dir: string,
  opts: CrashTrialOptions & { timeoutMs: number },
): Promise<string | undefined> {
  if (!opts.replace) {
    writeFileSync(join(dir, 'homelab.yaml'), target.config(opts.chains, opts.depth));
    return undefined;
  }
  if (!target.replaceConfig) throw new Error(`the ${target.name} target cannot run replacement trials`);
  writeFileSync(join(dir, 'homelab.yaml'), target.replaceConfig(opts.chains, opts.depth, 1));
  const first = await runHl(applyArgs(target), hlRun(target, dir, opts.timeoutMs));
  writeFileSync(join(dir, 'homelab.yaml'), target.replaceConfig(opts.chains, opts.depth, 2));
  return first.code === 0 ? undefined : `the apply of generation 1 exited ${first.code}: ${clip(first.stderr, 500)}`;
}

/** The fake-provider config the crash test has always used. */
export function crashConfig(chains: number, depth: number, latencyMs: number): string {
  return fakeConfig(chains, depth, { latencyMs });
}

/** A crash trial with the fake provider. */
export function crashTrial(opts: { chains: number; depth: number; latencyMs: number; killAfterMs: number }): Promise<TrialResult> {
  return crashTrialOn(fakeTarget({ latencyMs: opts.latencyMs }), opts);
}

export async function crashTrialOn(target: TortureTarget, opts: CrashTrialOptions): Promise<TrialResult> {
  const dir = mkdtempSync(join(tmpdir(), `hl-crash-${target.name}-`));
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const problems: string[] = [];
  const unprepared = await prepareTrialConfig(target, dir, { ...opts, timeoutMs });
  if (unprepared) problems.push(unprepared);
  const run = startHl(applyArgs(target), hlRun(target, dir, timeoutMs));
  await sleep(opts.killAfterMs);
  run.child.kill('SIGKILL');
  await run.done;

  const again = await runHl(applyArgs(target), hlRun(target, dir, timeoutMs));
  if (again.code !== 0) problems.push(`second apply exited ${again.code}: ${clip(again.stderr, 500)}`);
  const unclean = uncleanFailure(again);
  if (unclean) problems.push(`second apply: ${unclean}`);

  const consistency = await checkConsistency(dir, target, opts.chains * opts.depth);
  problems.push(...consistency.problems);

  const plan = await runHl(['plan', '--detailed-exitcode'], hlRun(target, dir, timeoutMs));
  if (plan.code !== 0) problems.push(`final plan exited ${plan.code}: ${clip(plan.stdout.slice(-300))} ${clip(plan.stderr)}`);

  const failed = problems.length > 0;
  if (!failed) rmSync(dir, { recursive: true, force: true });
  else if (target.stateLocation) problems.push(`state in ${target.stateLocation}`);
  return {
    killedAfterMs: opts.killAfterMs,
    problems,
    orphans: consistency.orphans,
    corruptState: consistency.corrupt,
    ...(failed ? { dir } : {}),
  };
}
