/**
 * One cycle of `hl watch`. Under the SHARED state lock: refresh and plan (a normal plan, as
 * `hl plan` makes it) and decide what to apply unattended and what only to report
 * (plan/drift-decisions.ts). When there is something to apply, or the journal holds
 * operations an earlier run left interrupted: take the EXCLUSIVE lock (reconciling the
 * journal first, as any apply does), plan again against the state as it is now, targeted at
 * the addresses to apply, check that plan holds nothing else, and apply it; then release.
 * So an `hl apply` elsewhere and a watch cycle never interleave.
 */
import type { ApplyProgress } from '../../apply/apply-events.js';
import { DiagnosticsError, hasErrors } from '../../core/diagnostic.js';
import type { Redactor } from '../../core/redact.js';
import { addressesToApply, decideDrift, type DriftDecision } from '../../plan/drift-decisions.js';
import type { Plan } from '../../plan/plan-types.js';
import { policyForbids, unattendedAllowance } from '../../policy/unattended-allowance.js';
import { executePlan } from '../execute-plan.js';
import { planLoadedInWorkspace, type PlanInputs } from '../plan-in-workspace.js';
import { withWorkspace, type Workspace, type WorkspaceOptions } from '../workspace.js';
import type { CycleSummary, WatchEvents } from './watch-events.js';

export interface WatchCycleOptions {
  workspace: WorkspaceOptions;
  parallelism: number;
  /** Registers what to do when the watcher is asked to stop: an apply in flight starts no new operation. */
  onStop(handler: () => void): () => void;
  /** Whether a stop was asked for: a cycle that has not started applying does not. */
  stopRequested(): boolean;
  /** The clock (ms since the epoch). */
  now(): number;
}

const PLANNING = { targets: [] as string[], replace: [] as string[], refresh: true };

/** Decisions for every change of the plan, from the project's lifecycles and policy rules. */
export function decisionsFor(plan: Plan, inputs: PlanInputs): DriftDecision[] {
  return decideDrift({
    changes: plan.changes,
    onDrift: (block) => inputs.project.config.resources.get(block)?.lifecycle.onDrift,
    allowedBy: unattendedAllowance(inputs.rules),
    forbiddenBy: policyForbids(plan.policyResults, plan.changes),
  });
}

export async function runWatchCycle(inputs: PlanInputs, opts: WatchCycleOptions, parentEvents: WatchEvents): Promise<CycleSummary> {
  const started = opts.now();
  // the providers the cycle's diagnostics say could not be reached or configured
  const failing = new Set<string>();
  const events: WatchEvents = {
    ...parentEvents,
    diagnostics(diags, context) {
      for (const d of diags) if (d.severity === 'error' && d.provider !== undefined) failing.add(d.provider);
      parentEvents.diagnostics(diags, context);
    },
  };
  const summary = (ok: boolean, counts: Partial<CycleSummary> = {}): CycleSummary => {
    const at = opts.now();
    return {
      ok,
      drifted: 0,
      applied: 0,
      reported: 0,
      failed: 0,
      ...counts,
      durationMs: at - started,
      at,
      failingProviders: [...failing].sort(),
    };
  };
  // 1. the shared lock: refresh, plan, decide
  const seen = await inWorkspace(opts.workspace, events, { operation: 'watch', write: false, shared: true }, async (ws) => {
    const run = await planLoadedInWorkspace(inputs, { ...PLANNING, parallelism: opts.parallelism }, events, ws, 'normal', false);
    return run ? { plan: run.plan, pending: ws.store.pendingIntents().length } : undefined;
  });
  if (!seen) return summary(false);
  const decisions = decisionsFor(seen.plan, inputs);
  for (const d of decisions)
    events.watch({
      level: d.decision === 'apply' ? 'info' : 'warn',
      event: 'drift',
      fields: { address: d.address, change: d.kind, decision: d.decision, why: d.why },
    });
  const toApply = addressesToApply(decisions);
  const reported = decisions.filter((d) => d.decision === 'report');
  for (const d of reported) events.watch({ level: 'warn', event: 'reported', fields: { address: d.address, change: d.kind, why: d.why } });
  const driftedByKind: Record<string, number> = {};
  for (const d of decisions) driftedByKind[d.kind] = (driftedByKind[d.kind] ?? 0) + 1;
  const counts = { drifted: decisions.length, driftedByKind, reported: reported.length };
  if ((toApply.length === 0 && seen.pending === 0) || opts.stopRequested()) return summary(true, counts);

  // 2. the exclusive lock: recover, plan again as the state is now, apply what was decided
  const applied = await inWorkspace(opts.workspace, events, { operation: 'watch', write: true }, async (ws) => {
    const run = await planLoadedInWorkspace(
      inputs,
      { ...PLANNING, targets: toApply, parallelism: opts.parallelism },
      events,
      ws,
      'normal',
      true,
    );
    for (const r of ws.recoveries)
      events.watch({ level: 'warn', event: 'recovered', fields: { address: r.address, operation: r.operation, result: r.result } });
    if (!run) return undefined;
    if (toApply.length === 0 || !run.plan.hasChanges) return { applied: 0, failed: 0 };
    const again = decisionsFor(run.plan, inputs);
    const notDecided = again.filter((d) => d.decision !== 'apply' || !toApply.includes(d.address));
    if (notDecided.length > 0) {
      events.watch({
        level: 'warn',
        event: 'apply_skipped',
        fields: {
          addresses: notDecided.map((d) => d.address),
          why: 'the plan made under the exclusive lock holds changes not decided for unattended apply',
        },
      });
      return { applied: 0, failed: 0 };
    }
    let ok = 0;
    const executed = await executePlan(
      ws,
      run,
      { parallelism: opts.parallelism, onInterrupt: opts.onStop },
      {
        ...events,
        recovered: () => undefined,
        startProgress: (redact) => watchProgress(events, redact, () => ok++),
        stopping: () => undefined,
      },
      false,
    );
    return { applied: ok, failed: executed.result.counts.failed, errors: hasErrors(executed.result.diagnostics) };
  });
  if (!applied) return summary(false, counts);
  const failed = applied.failed > 0 || applied.errors === true;
  return summary(!failed, { ...counts, applied: applied.applied, failed: applied.failed });
}

/**
 * withWorkspace, where a workspace that cannot be opened (the lock still held by another run
 * after --lock-timeout, the PostgreSQL backend unreachable) fails the cycle, not the watcher.
 */
async function inWorkspace<T>(
  options: WorkspaceOptions,
  events: WatchEvents,
  open: Parameters<typeof withWorkspace>[2],
  body: (ws: Workspace) => Promise<T>,
): Promise<T | undefined> {
  try {
    return await withWorkspace(options, events, open, body);
  } catch (e) {
    if (!(e instanceof DiagnosticsError)) throw e;
    events.diagnostics(e.diagnostics);
    return undefined;
  }
}

/** The executor's progress as watch events: each operation applied, or its error (redacted). */
function watchProgress(events: WatchEvents, redact: Redactor, countOk: () => void): ApplyProgress {
  return {
    operationStart() {},
    operationProgress() {},
    operationEnd(e) {
      if (e.outcome === 'ok') {
        countOk();
        events.watch({ level: 'info', event: 'reverted', fields: { address: e.address, operation: e.operation } });
      } else {
        events.watch({
          level: 'error',
          event: 'apply_error',
          fields: { address: e.address, operation: e.operation, ...(e.message ? { message: redact(e.message) } : {}) },
        });
      }
    },
    stop() {},
  };
}
