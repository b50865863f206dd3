/**
 * Torture part "concurrency": two `hl apply` processes on the same project and state,
 * started together or a moment apart. Exactly one must proceed; the other must fail fast on
 * the state lock (exit 1, "State is locked", done before the winner is), and nothing may be
 * lost: state and world consistent, every resource made once, a final plan with no changes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkConsistency } from './consistency.js';
import { clip, runHl, startHl, uncleanFailure, type HlResult } from './hl-process.js';
import { emptySummary, recordTrial, stopEarly, type PartSummary } from './part-summary.js';
import type { Random } from './random.js';
import { applyArgs, hlRun, type TargetSetup, type TortureTarget } from './targets.js';

export interface ConcurrencyPartOptions {
  trials: number;
  random: Random;
  chains?: number;
  depth?: number;
  /** Longest delay between the two starts, in ms (default 300). */
  maxStaggerMs?: number;
  /** Stop the part after this many failed trials (default 10). */
  maxFailures?: number;
  onTrial?: (done: number, summary: PartSummary) => void;
}

export async function concurrencyPart(setup: TargetSetup, opts: ConcurrencyPartOptions): Promise<PartSummary> {
  const started = performance.now();
  const summary = emptySummary(`concurrency ${setup.name}`);
  for (let i = 0; i < opts.trials && !stopEarly(summary, opts.maxFailures); i++) {
    const stagger = opts.random.int(0, opts.maxStaggerMs ?? 300);
    const { target, close } = await setup.setup(opts.random);
    const r = await concurrencyTrial(target, stagger, opts.chains ?? 10, opts.depth ?? 5).finally(() => close());
    recordTrial(summary, { label: `second start after ${stagger} ms`, ...r });
    opts.onTrial?.(i + 1, summary);
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

async function concurrencyTrial(
  target: TortureTarget,
  staggerMs: number,
  chains: number,
  depth: number,
): Promise<{ problems: string[]; orphans: number; corrupt: boolean; dir?: string }> {
  const dir = mkdtempSync(join(tmpdir(), `hl-concurrency-${target.name}-`));
  writeFileSync(join(dir, 'homelab.yaml'), target.config(chains, depth));
  const timeoutMs = 300_000;
  const first = startHl(applyArgs(target), hlRun(target, dir, timeoutMs));
  await sleep(staggerMs);
  const second = startHl(applyArgs(target), hlRun(target, dir, timeoutMs));
  const [a, b] = await Promise.all([first.done, second.done]);
  const problems: string[] = [];
  for (const [name, r] of [
    ['first', a],
    ['second', b],
  ] as const) {
    const unclean = uncleanFailure(r);
    if (unclean) problems.push(`${name} apply: ${unclean}`);
  }
  // the file backend says `State is locked by`, the pg backend `State workspace "NAME" is locked by`
  const locked = [a, b].filter((r) => /State (workspace "[^"]*" )?is locked by/.test(r.stderr));
  const others = [a, b].filter((r) => !locked.includes(r));
  if (locked.length !== 1) problems.push(`${locked.length} of the two applies failed on the lock: ${describe(a)} / ${describe(b)}`);
  for (const r of others) if (r.code !== 0) problems.push(`the apply holding the lock failed: ${describe(r)}`);
  const [loser] = locked;
  const [winner] = others;
  if (loser && winner) {
    // both measured from the first start
    const end = (r: HlResult) => (r === a ? r.ms : r.ms + staggerMs);
    if (loser.code !== 1) problems.push(`the apply that lost the lock exited ${loser.code}, not 1`);
    if (end(loser) > end(winner))
      problems.push(`the apply that lost the lock did not fail fast: it ended ${Math.round(end(loser) - end(winner))} ms after the other`);
  }
  const c = await checkConsistency(dir, target, chains * depth);
  problems.push(...c.problems);
  const plan = await runHl(['plan', '--detailed-exitcode'], hlRun(target, dir, timeoutMs));
  if (plan.code !== 0) problems.push(`final plan exited ${plan.code}: ${clip(plan.stdout.slice(-300))} ${clip(plan.stderr)}`);
  const failed = problems.length > 0;
  if (!failed) rmSync(dir, { recursive: true, force: true });
  else if (target.stateLocation) problems.push(`state in ${target.stateLocation}`);
  return { problems, orphans: c.orphans, corrupt: c.corrupt, ...(failed ? { dir } : {}) };
}

function describe(r: HlResult): string {
  return `exit ${r.code} after ${Math.round(r.ms)} ms: ${clip(r.stderr || r.stdout.slice(-200), 200)}`;
}
