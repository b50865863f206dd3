/**
 * Torture part "faults": apply a 50-resource config while the provider side fails at a given
 * rate, and rerun until the apply succeeds. Each run must either succeed or fail with clear
 * errors, leaving state and world consistent (nothing made that state does not know, nothing
 * in state that does not exist, nothing pending); the runs must converge, and a final plan
 * must show no changes.
 *
 * Scenarios: the fake provider's `fail_rate` (refused calls) and `lost_reply_rate` (calls
 * that took effect but whose reply was lost), and the PVE emulator's transient 500s, lock
 * contention, dropped connections and slow tasks (see proxmox-standalone.ts). The final
 * plan runs with the faults turned off.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkConsistency } from './consistency.js';
import { clip, runHl, uncleanFailure } from './hl-process.js';
import { emptySummary, recordTrial, stopEarly, type PartSummary } from './part-summary.js';
import type { Random } from './random.js';
import { applyArgs, fakeTarget, fixedTarget, type TargetSetup } from './targets.js';

/** A provider side that fails at some rate, set up afresh for each trial. */
export interface FaultScenario extends TargetSetup {
  /** What an error of a failed run must say for the failure to be a real (injected) one; undefined: not checked. */
  realFailure?: RegExp;
}

export function fakeRefusals(rate: number): FaultScenario {
  return {
    ...fixedTarget(fakeTarget({ latencyMs: 2, failRate: rate }), `fake refused calls ${Math.round(rate * 100)}%`),
    realFailure: /injected fault/,
  };
}

export function fakeLostReplies(rate: number): FaultScenario {
  return {
    ...fixedTarget(fakeTarget({ latencyMs: 2, lostReplyRate: rate }), `fake lost replies ${Math.round(rate * 100)}%`),
    realFailure: /injected fault/,
  };
}

export interface FaultsPartOptions {
  trials: number;
  random: Random;
  chains?: number;
  depth?: number;
  /** Applies allowed before the runs must have converged (default 20). */
  maxRuns?: number;
  timeoutMs?: number;
  /** Stop the part after this many failed trials (default 10). */
  maxFailures?: number;
  onTrial?: (done: number, summary: PartSummary) => void;
}

export async function faultsPart(scenario: FaultScenario, opts: FaultsPartOptions): Promise<PartSummary> {
  const started = performance.now();
  const summary = emptySummary(`faults ${scenario.name}`);
  for (let i = 0; i < opts.trials && !stopEarly(summary, opts.maxFailures); i++) {
    const r = await faultTrial(scenario, opts);
    recordTrial(summary, { label: `trial ${i + 1}`, ...r });
    opts.onTrial?.(i + 1, summary);
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

async function faultTrial(
  scenario: FaultScenario,
  opts: FaultsPartOptions,
): Promise<{ problems: string[]; orphans: number; corrupt: boolean; dir?: string }> {
  const chains = opts.chains ?? 10;
  const depth = opts.depth ?? 5;
  const maxRuns = opts.maxRuns ?? 20;
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const { target, close, calm } = await scenario.setup(opts.random);
  const dir = mkdtempSync(join(tmpdir(), `hl-faults-${target.name}-`));
  const problems: string[] = [];
  let orphans = 0;
  let corrupt = false;
  try {
    writeFileSync(join(dir, 'homelab.yaml'), target.config(chains, depth));
    let converged = false;
    for (let run = 1; run <= maxRuns && problems.length === 0; run++) {
      const r = await runHl(applyArgs(target), { cwd: dir, timeoutMs });
      const unclean = uncleanFailure(r);
      if (unclean) problems.push(`run ${run}: ${unclean}`);
      if (r.code === 0) {
        converged = true;
        break;
      }
      if (scenario.realFailure) {
        const bogus = failedOperations(r.stderr).filter((line) => !scenario.realFailure!.test(line));
        if (bogus.length > 0)
          problems.push(`run ${run} reported failures that were not injected: ${bogus.map((l) => clip(l, 200)).join(' | ')}`);
      }
      const c = await checkConsistency(dir, target, undefined, { betweenRuns: true });
      orphans = Math.max(orphans, c.orphans);
      corrupt ||= c.corrupt;
      if (c.problems.length > 0) {
        const said = failedOperations(r.stderr)
          .slice(0, 3)
          .map((l) => clip(l, 200));
        problems.push(
          ...c.problems.map((p) => `after failed run ${run}: ${p}`),
          `run ${run} said: ${said.join(' | ') || clip(r.stderr, 300)}`,
        );
      }
    }
    if (problems.length === 0 && !converged) problems.push(`no successful apply in ${maxRuns} runs`);
    if (problems.length === 0) {
      // The final plan checks what the runs left, with the faults off: under a 30% storm a
      // plan's own reads may give up, which says nothing about the state the applies left.
      await calm?.();
      const c = await checkConsistency(dir, target, chains * depth);
      orphans = Math.max(orphans, c.orphans);
      corrupt ||= c.corrupt;
      problems.push(...c.problems);
      const plan = await runHl(['plan', '--detailed-exitcode'], { cwd: dir, timeoutMs });
      if (plan.code !== 0) problems.push(`final plan exited ${plan.code}: ${clip(plan.stdout.slice(-300))} ${clip(plan.stderr)}`);
    }
  } finally {
    await close();
  }
  const failed = problems.length > 0;
  if (!failed) rmSync(dir, { recursive: true, force: true });
  return { problems, orphans, corrupt, ...(failed ? { dir } : {}) };
}

/** The "ADDRESS: OPERATION failed: ..." errors of a run. */
function failedOperations(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^Error: \S+: (create|update|delete|read) failed/.test(l));
}
