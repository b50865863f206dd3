/**
 * `apply [PLANFILE]` and `destroy`: plan (or load a saved plan and check it is not stale),
 * refuse a plan a policy of severity error fails, confirm, then run the plan (see
 * execute-plan.ts). Prints nothing: the plan, the question and the progress go through the
 * events; the outcome is returned for the caller to show.
 */
import type { Redactor } from '../core/redact.js';
import type { Plan } from '../plan/plan-types.js';
import { policyGateError } from '../policy/policy-gate.js';
import type { EngineEvents } from './engine-events.js';
import { executePlan, type ExecuteEvents, type Executed } from './execute-plan.js';
import { planInWorkspace, type PlanRunOptions, type PlannedRun } from './plan-in-workspace.js';
import { loadSavedPlan } from './saved-plan.js';
import { withWorkspace, type Workspace, type WorkspaceOptions } from './workspace.js';

export interface ApplyOperationOptions extends PlanRunOptions {
  workspace: WorkspaceOptions;
  destroy: boolean;
  /** A plan saved by `hl plan --out FILE`, applied exactly. */
  planFile?: string;
  refreshOnly: boolean;
  autoApprove: boolean;
  /** Registers a handler for an interrupt (Ctrl-C); returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

export interface ApplyOperationEvents extends EngineEvents, ExecuteEvents {
  /** The plan just made, to show before it is confirmed (not called for a saved plan). */
  planned(plan: Plan, redact: Redactor): void;
  /** Asks whether to go ahead; only "yes" is; undefined when there is no one to answer. */
  confirm(mode: 'apply' | 'destroy'): Promise<string | undefined>;
}

export type ApplyOutcome =
  /** A policy of severity error fails: nothing was changed (the error was reported). */
  | { kind: 'policy-refused' }
  /** The confirmation was not "yes" (noInput: there was no answer at all). */
  | { kind: 'cancelled'; noInput: boolean }
  /** Nothing to change and no drift to record. */
  | { kind: 'no-changes' }
  | Executed;

/** The outcome; undefined when the run stopped at an error (reported). */
export async function applyOperation(opts: ApplyOperationOptions, events: ApplyOperationEvents): Promise<ApplyOutcome | undefined> {
  const { destroy, planFile } = opts;
  return withWorkspace(
    opts.workspace,
    events,
    { operation: destroy ? 'destroy' : 'apply', write: true },
    async (ws): Promise<ApplyOutcome | undefined> => {
      let run: PlannedRun | undefined;
      if (planFile) {
        run = await loadSavedPlan(ws, planFile, opts, events);
        if (run && refusedByPolicy(ws, events, run.plan, planFile)) return { kind: 'policy-refused' };
      } else {
        run = await planInWorkspace(opts, events, ws, destroy ? 'destroy' : opts.refreshOnly ? 'refresh-only' : 'normal', true);
        if (run) {
          events.planned(run.plan, ws.redact);
          if (refusedByPolicy(ws, events, run.plan)) return { kind: 'policy-refused' };
          // Nothing to change; drift seen by the refresh is still recorded in state.
          if (!run.plan.hasChanges) return run.plan.drift.length > 0 ? executePlan(ws, run, opts, events, true) : { kind: 'no-changes' };
          if (!opts.autoApprove) {
            const answer = await events.confirm(destroy ? 'destroy' : 'apply');
            if (answer !== 'yes') return { kind: 'cancelled', noInput: answer === undefined };
          }
        }
      }
      if (!run) return undefined;
      return executePlan(ws, run, opts, events, false);
    },
  );
}

/**
 * True, after reporting why, when the plan has a failed policy rule of severity error: such
 * a plan is not applied.
 */
function refusedByPolicy(ws: Workspace, events: EngineEvents, plan: Plan, planFile?: string): boolean {
  const d = policyGateError(plan.policyResults, planFile ? `Saved plan ${planFile}` : 'The plan', 'nothing was changed');
  if (!d) return false;
  events.diagnostics([d], { redact: ws.redact });
  return true;
}
