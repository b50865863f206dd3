/**
 * `plan`: refresh and plan in the workspace (never writing state), evaluate the policies and,
 * with --out, save the plan file. Prints nothing: the plan is returned to be shown.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { Redactor } from '../core/redact.js';
import type { Plan } from '../plan/plan-types.js';
import { policyGateError } from '../policy/policy-gate.js';
import type { EngineEvents } from './engine-events.js';
import { writePlanFile } from './plan-file.js';
import { planInWorkspace, type PlanRunOptions } from './plan-in-workspace.js';
import { withWorkspace, type WorkspaceOptions } from './workspace.js';

export interface PlanOperationOptions extends PlanRunOptions {
  workspace: WorkspaceOptions;
  refreshOnly: boolean;
  /** Plan the destruction of everything in state (Terraform's `plan -destroy`). */
  destroy?: boolean;
  /** Where to save the plan (--out). */
  out?: string;
}

export interface PlanOperationResult {
  plan: Plan;
  /** Masks the secrets of the config and providers in whatever shows the plan. */
  redact: Redactor;
  /** The error when a policy of severity error fails: hl apply would refuse the plan. */
  policyGate?: Diagnostic;
}

/** The plan; undefined when planning stopped at an error (reported). */
export async function planOperation(opts: PlanOperationOptions, events: EngineEvents): Promise<PlanOperationResult | undefined> {
  return withWorkspace(opts.workspace, events, { operation: 'plan', write: false, shared: true }, async (ws) => {
    const run = await planInWorkspace(opts, events, ws, opts.destroy ? 'destroy' : opts.refreshOnly ? 'refresh-only' : 'normal', false);
    if (!run) return undefined;
    if (opts.out) await writePlanFile(opts.out, run.plan, ws.backend);
    const policyGate = policyGateError(run.plan.policyResults, 'The plan', 'hl apply refuses it');
    return { plan: run.plan, redact: ws.redact, ...(policyGate ? { policyGate } : {}) };
  });
}
