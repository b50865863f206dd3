/**
 * One plan-promise trial: apply a random valid config, make a random change
 * (plan-promise-changes.ts), run the imports it asks for, then `hl plan --out plan.json
 * --detailed-exitcode`. A plan is a promise:
 *
 * - exit 1 (refused): the message must be located (`file:line:col`) or name the resource,
 *   and nothing may have changed (state file, world);
 * - exit 0 or 2: `hl apply plan.json` must either succeed — then a second plan shows no
 *   changes and every object hl made is in state, and state holds nothing that is gone — or
 *   fail before destroying anything: no object that existed before (in state or in the
 *   world) may be gone unless the plan deleted it outright (its address removed from the
 *   config: deletes of independent resources may finish before an unrelated failure);
 *   a replaced object gone without its successor is a failure.
 *
 * Every run must also fail cleanly (uncleanFailure: no stack trace, no internal error, no
 * timeout). The project directory is kept when the trial fails, with the starting config
 * beside the changed one (homelab.start.yaml, homelab.yaml).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clip, runHl, uncleanFailure, type HlResult } from './hl-process.js';
import { randomChange, type ChangeKind, type TrialChange } from './plan-promise-changes.js';
import { addressesOf, randomStartConfig, renderConfig, type PromiseConfig } from './plan-promise-config.js';
import { compareWorldAndState, stateSnapshot, worldObjects, type StateSnapshot, type WorldObject } from './plan-promise-world.js';
import type { Random } from './random.js';
import type { ProxmoxEndpoint } from './targets.js';

export type PromiseOutcome = 'plan-refused' | 'applied' | 'failed-safely' | 'failure';

export interface PromiseTrialResult {
  outcome: PromiseOutcome;
  problems: string[];
  orphans: number;
  corrupt: boolean;
  /** The change, in words. */
  change: string;
  dir?: string;
}

export interface PromiseTrialOptions {
  random: Random;
  endpoint: ProxmoxEndpoint;
  kinds: readonly ChangeKind[];
  /** Longest a single hl run may take (default 60 s). */
  timeoutMs?: number;
}

const PLAN_FILE = 'plan.json';

export async function planPromiseTrial(opts: PromiseTrialOptions): Promise<PromiseTrialResult> {
  const { random, endpoint } = opts;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const dir = mkdtempSync(join(tmpdir(), 'hl-plan-promise-'));
  const problems: string[] = [];
  let orphans = 0;
  let corrupt = false;
  let outcome: PromiseOutcome = 'failure';
  let changeText = '(none yet)';
  const hl = async (args: string[]): Promise<HlResult> => {
    const r = await runHl(args, { cwd: dir, timeoutMs });
    const unclean = uncleanFailure(r);
    if (unclean) problems.push(`CRASH: hl ${args.join(' ')}: ${unclean}`);
    return r;
  };

  try {
    const start = randomStartConfig(random, endpoint, { running: opts.kinds.includes('running') });
    writeFileSync(join(dir, 'homelab.start.yaml'), renderConfig(start));
    writeFileSync(join(dir, 'homelab.yaml'), renderConfig(start));
    const first = await hl(['apply', '--auto-approve']);
    if (first.code !== 0) {
      problems.push(`the starting config did not apply (exit ${first.code}): ${errors(first)}`);
      return finish();
    }

    const change = randomChange(random, start, opts.kinds);
    changeText = change.description.join(', ');
    writeFileSync(join(dir, 'homelab.yaml'), renderConfig(change.config));
    await runImports(change, hl, problems);

    const worldBefore = worldObjects(dir, endpoint);
    const stateBefore = await stateSnapshot(dir);
    if (stateBefore.problem) problems.push(`before the plan: ${stateBefore.problem}`);
    if (stateBefore.shared.length > 0) problems.push(`IMPORT: state manages one object at two addresses: ${stateBefore.shared.join(', ')}`);
    const plan = await hl(['plan', '--out', PLAN_FILE, '--detailed-exitcode', ...change.planArgs]);
    if (plan.code === 1) {
      outcome = 'plan-refused';
      judgeRefusal(plan, change.config, change.planArgs, problems);
      const stateAfter = await stateSnapshot(dir);
      if (stateAfter.bytes !== stateBefore.bytes) problems.push('a refused plan changed the state file');
      const gone = missing(worldBefore, worldObjects(dir, endpoint));
      if (gone.length > 0) problems.push(`a refused plan changed the world: ${gone.join(', ')} gone`);
      return finish();
    }
    if (plan.code !== 0 && plan.code !== 2) return finish();
    if (!existsSync(join(dir, PLAN_FILE))) {
      problems.push(`hl plan exited ${plan.code} without writing ${PLAN_FILE}`);
      return finish();
    }
    const actions = plannedActions(join(dir, PLAN_FILE));

    const apply = await hl(['apply', PLAN_FILE]);
    const worldAfter = worldObjects(dir, endpoint);
    const stateAfter = await stateSnapshot(dir);
    if (stateAfter.problem) {
      problems.push(`after the apply: ${stateAfter.problem}`);
      corrupt = stateAfter.problem.startsWith('state unreadable');
    }
    const failed = apply.code !== 0;
    for (const lost of destroyed(worldBefore, stateBefore, worldAfter, stateAfter, actions, failed)) {
      problems.push(`DESTROYED ${lost}${failed ? ` and then the apply failed: ${errors(apply)}` : ' though the plan did not say so'}`);
    }
    const { orphans: orphaned, ghosts } = compareWorldAndState(worldAfter, stateAfter);
    orphans = orphaned.length;
    if (orphaned.length > 0) problems.push(`ORPHANS after the apply${failed ? ' failed' : ''}: ${orphaned.join(', ')}`);
    if (ghosts.length > 0) problems.push(`state holds objects that are gone: ${ghosts.join(', ')}`);
    if (stateAfter.shared.length > 0) problems.push(`state manages one object at two addresses: ${stateAfter.shared.join(', ')}`);
    if (failed) {
      outcome = 'failed-safely';
      return finish();
    }
    outcome = 'applied';
    const again = await hl(['plan', '--detailed-exitcode']);
    if (again.code !== 0) problems.push(`NOT CONVERGED: the plan after a successful apply exited ${again.code}: ${planned(again)}`);
    return finish();
  } catch (e) {
    problems.push(`the trial could not run: ${(e as Error).stack ?? String(e)}`);
    return finish();
  }

  function finish(): PromiseTrialResult {
    const failed = problems.length > 0;
    if (!failed) rmSync(dir, { recursive: true, force: true });
    return { outcome: failed ? 'failure' : outcome, problems, orphans, corrupt, change: changeText, ...(failed ? { dir } : {}) };
  }
}

/** Runs the change's imports; an import that must be refused and is accepted is a failure (and the reverse). */
async function runImports(change: TrialChange, hl: (args: string[]) => Promise<HlResult>, problems: string[]): Promise<void> {
  for (const step of change.imports) {
    const r = await hl(['import', step.address, step.id]);
    if (step.expect.accept && r.code !== 0) problems.push(`IMPORT: hl import ${step.address} ${step.id} exited ${r.code}: ${errors(r)}`);
    if (!step.expect.accept) {
      if (r.code === 0) problems.push(`IMPORT: hl import ${step.address} ${step.id} was accepted, though ${step.expect.because}`);
      else if (r.code === 1 && !r.stderr.includes(step.address.replace(/\[.*$/, '')))
        problems.push(`IMPORT: the refusal does not name ${step.address}: ${errors(r)}`);
    }
  }
}

/** A refused plan must say where, or which resource. */
function judgeRefusal(plan: HlResult, config: PromiseConfig, planArgs: string[], problems: string[]): void {
  const located = /\S+\.yaml:\d+:\d+/.test(plan.stderr);
  const addresses = [
    ...config.blocks.flatMap((b) => [`${b.type}.${b.name}`, ...addressesOf(b)]),
    ...planArgs.filter((a) => !a.startsWith('--')),
  ];
  const named = addresses.some((a) => plan.stderr.includes(a));
  if (!located && !named) problems.push(`the refused plan's message neither is located nor names a resource: ${errors(plan)}`);
}

/** address → planned action, from the saved plan (its deletes of deposed objects are listed apart, and not needed here). */
function plannedActions(planFile: string): Map<string, string> {
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { changes?: { address: string; action: string }[] };
  return new Map((plan.changes ?? []).map((c) => [c.address, c.action]));
}

/**
 * Objects that existed before the apply and are gone without the plan allowing it. A pure
 * delete may go; a replaced object may go once its successor is in state (after a failed
 * apply); deposed objects may go. After a successful apply, anything the plan replaced may go.
 */
function destroyed(
  worldBefore: Map<string, WorldObject>,
  stateBefore: StateSnapshot,
  worldAfter: Map<string, WorldObject>,
  stateAfter: StateSnapshot,
  actions: Map<string, string>,
  failed: boolean,
): string[] {
  const out: string[] = [];
  for (const id of missing(worldBefore, worldAfter, true)) {
    const address = stateBefore.owner.get(id);
    const label = worldBefore.get(id)?.label ?? id;
    if (!address) {
      out.push(`${label}, which hl does not manage`);
      continue;
    }
    if (stateBefore.deposed.has(id)) continue;
    const action = actions.get(address) ?? 'not in the plan';
    if (action === 'delete') continue;
    const replaced = action === 'delete-create' || action === 'create-delete';
    if (replaced) {
      const successor = stateAfter.current.get(address);
      if (!failed || (successor !== undefined && successor !== id && worldAfter.has(successor))) continue;
      out.push(`${label} of ${address} (planned ${action}) with no successor`);
      continue;
    }
    out.push(`${label} of ${address} (planned ${action})`);
  }
  return out;
}

function missing(before: Map<string, WorldObject>, after: Map<string, WorldObject>, ids = false): string[] {
  return [...before.values()].filter((o) => !after.has(o.id)).map((o) => (ids ? o.id : o.label));
}

function errors(r: HlResult): string {
  const lines = r.stderr.split('\n').filter((l) => /^Error|failed/.test(l));
  return clip(lines.length > 0 ? lines.join(' | ') : r.stderr || r.stdout.slice(-300), 400);
}

/** The "# addr will be ..." lines of a plan's output. */
function planned(r: HlResult): string {
  const lines = r.stdout
    .split('\n')
    .filter((l) => /^\s*# /.test(l))
    .map((l) => l.trim());
  return clip(lines.length > 0 ? lines.join(' | ') : `${r.stdout.slice(-200)} ${r.stderr}`, 400);
}
