/**
 * Torture part "bad input": runs hl on broken configs, states, journals and saved plans
 * (bad-input-cases.ts) in copies of a base project, and requires each failure to be a
 * clear error: exit 1, an "Error:" message (with the corpus case's expected text), no stack
 * trace, no "internal error", error output of a readable size, and the state file and
 * journal byte-identical afterwards.
 *
 * Cases that may have stayed valid are judged by what they are: a config that `hl validate`
 * accepts must plan without failing uncleanly (and is not applied); one it rejects must
 * make `hl apply` fail too. A state that is still valid JSON must plan without failing
 * uncleanly. A saved plan that is still valid JSON may be applied (in part, when some of
 * its changes fail) or refused (cleanly, state untouched).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_FILE, PLAN_FILE, type BadInputCase } from './bad-input-cases.js';
import { STATE_FILE } from './consistency.js';
import { clip, repoRoot, runHl, uncleanFailure, type HlResult } from './hl-process.js';
import { emptySummary, recordTrial, type PartSummary } from './part-summary.js';

/** Error output beyond this is not "a clear error" (a 10 MB source line printed back, say). */
const MAX_ERROR_OUTPUT = 64 * 1024;

/**
 * Each hl run of a case must end within this time and memory (issue 15: hostile input may make
 * hl say no, quickly; never hang it or exhaust its memory). The V8 heap is capped at the same
 * figure, so a runaway allocation ends the run rather than the machine.
 */
export interface CaseBounds {
  timeoutMs: number;
  maxRssMb: number;
}

export const CASE_BOUNDS: CaseBounds = { timeoutMs: 10_000, maxRssMb: 500 };

/** Building the base project (an apply and a saved plan) is not a case. */
const SETUP_TIMEOUT_MS = 120_000;

export interface BadInputPartOptions {
  onTrial?: (done: number, summary: PartSummary) => void;
  /** Default CASE_BOUNDS; `npm test` allows a noisy machine more time, never more memory. */
  bounds?: CaseBounds;
}

/** The language example, applied once, with a saved plan (3 replicas instead of 2) beside it. */
export async function makeBaseProject(): Promise<{ dir?: string; problem?: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-bad-input-base-'));
  writeFileSync(join(dir, CONFIG_FILE), readFileSync(join(repoRoot(), 'examples', 'language', 'main.yaml')));
  const apply = await runHl(['apply', '--auto-approve'], { cwd: dir, timeoutMs: SETUP_TIMEOUT_MS });
  if (apply.code !== 0) return { problem: `applying the language example exited ${apply.code}: ${clip(apply.stderr)}` };
  const plan = await runHl(['plan', '--out', PLAN_FILE, '--var', 'replicas=3'], { cwd: dir, timeoutMs: SETUP_TIMEOUT_MS });
  if (plan.code !== 0) return { problem: `saving a plan exited ${plan.code}: ${clip(plan.stderr)}` };
  // the intact plan must apply, or its corrupted copies prove nothing
  const probe = copyOf(dir);
  const applied = await runHl(['apply', '--auto-approve', PLAN_FILE], { cwd: probe, timeoutMs: SETUP_TIMEOUT_MS });
  rmSync(probe, { recursive: true, force: true });
  if (applied.code !== 0) return { problem: `applying the intact saved plan exited ${applied.code}: ${clip(applied.stderr)}` };
  return { dir };
}

export async function badInputPart(
  name: string,
  cases: BadInputCase[],
  base: string,
  opts: BadInputPartOptions = {},
): Promise<PartSummary> {
  const started = performance.now();
  const summary = emptySummary(`bad input ${name}`);
  const bounds = opts.bounds ?? CASE_BOUNDS;
  const worst = { ms: 0, rssMb: 0 };
  for (const c of cases) {
    const dir = copyOf(base);
    let problems: string[];
    try {
      c.prepare(dir);
      problems = await judge(c, dir, bounds, worst);
    } catch (e) {
      problems = [`the case could not be run: ${(e as Error).message}`];
    }
    const failed = problems.length > 0;
    if (!failed) rmSync(dir, { recursive: true, force: true });
    recordTrial(summary, { label: c.name, problems, ...(failed ? { dir } : {}) });
    opts.onTrial?.(summary.trials, summary);
  }
  summary.seconds = (performance.now() - started) / 1000;
  summary.measured = `slowest hl run ${(worst.ms / 1000).toFixed(1)} s, most memory ${worst.rssMb} MB (bounds ${bounds.timeoutMs / 1000} s, ${bounds.maxRssMb} MB)`;
  return summary;
}

async function judge(c: BadInputCase, dir: string, bounds: CaseBounds, worst: { ms: number; rssMb: number }): Promise<string[]> {
  const problems: string[] = [];
  const before = snapshot(dir);
  const run = async (args: readonly string[]): Promise<HlResult> => {
    const r = await runHl([...args], {
      cwd: dir,
      timeoutMs: bounds.timeoutMs,
      measureMemory: { heapCapMb: bounds.maxRssMb },
      ...(c.env ? { env: c.env } : {}),
    });
    worst.ms = Math.max(worst.ms, r.ms);
    worst.rssMb = Math.max(worst.rssMb, r.peakRssMb ?? 0);
    const unclean = uncleanFailure(r);
    if (unclean) problems.push(`hl ${args.join(' ')}: ${unclean}`);
    if (r.peakRssMb !== undefined && r.peakRssMb > bounds.maxRssMb)
      problems.push(`hl ${args.join(' ')}: peak memory ${r.peakRssMb} MB, over ${bounds.maxRssMb} MB`);
    if (r.code === 1 && r.stderr.length + r.stdout.length > MAX_ERROR_OUTPUT) {
      problems.push(`hl ${args.join(' ')}: ${(r.stderr.length + r.stdout.length).toLocaleString('en-US')} bytes of error output`);
    }
    return r;
  };
  const mustFail = async (args: readonly string[]): Promise<void> => {
    const r = await run(args);
    if (r.code !== 1) problems.push(`hl ${args.join(' ')} exited ${r.code}, not 1: ${clip(r.stderr || r.stdout.slice(-300))}`);
    for (const m of c.messages ?? [])
      if (!r.stderr.includes(m)) problems.push(`hl ${args.join(' ')} did not say "${m}": ${clip(r.stderr)}`);
    unchanged(args);
  };
  const unchanged = (args: readonly string[]): void => {
    const diff = changedFiles(before, snapshot(dir));
    if (diff.length > 0) problems.push(`hl ${args.join(' ')} changed ${diff.join(' and ')}`);
  };

  switch (c.expect.kind) {
    case 'invalid':
      for (const args of c.expect.commands) await mustFail(args);
      break;
    case 'maybe-config': {
      const v = await run(['validate']);
      if (v.code === 1) await mustFail(['apply', '--auto-approve']);
      else {
        await run(['plan']);
        unchanged(['plan']);
      }
      break;
    }
    case 'maybe-state':
      await run(['plan']);
      unchanged(['plan']);
      break;
    case 'maybe-plan': {
      // a plan hl accepts is applied, and an apply that fails some changes keeps the others
      const r = await run(['apply', '--auto-approve', PLAN_FILE]);
      if (r.code !== 0 && !/Apply failed/.test(r.stdout + r.stderr)) unchanged(['apply', '--auto-approve', PLAN_FILE]);
      break;
    }
  }
  return problems;
}

interface Snapshot {
  state: Buffer | null;
  journal: Buffer | null;
}

function snapshot(dir: string): Snapshot {
  const read = (f: string): Buffer | null => (existsSync(join(dir, f)) ? readFileSync(join(dir, f)) : null);
  return { state: read(STATE_FILE), journal: read(`${STATE_FILE}.journal`) };
}

function changedFiles(a: Snapshot, b: Snapshot): string[] {
  const same = (x: Buffer | null, y: Buffer | null) => (x === null ? y === null : y !== null && x.equals(y));
  const out: string[] = [];
  if (!same(a.state, b.state)) out.push('the state file');
  if (!same(a.journal, b.journal)) out.push('the journal');
  return out;
}

function copyOf(dir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'hl-bad-input-'));
  cpSync(dir, copy, { recursive: true });
  return copy;
}
