/** `hl plan`: refresh, plan, print; optionally save the plan. Never writes state. */
import { planOperation, type PlanOperationOptions } from '../../engine/plan-operation.js';
import { printPlan } from '../../render/plan-view.js';
import { EXIT_CHANGES, EXIT_ERROR, EXIT_OK, EXIT_POLICY, type CommandContext } from '../command-context.js';
import { planRunOptions, workspaceOptions } from '../engine-options.js';
import { jsonUiEvents, withJsonUi } from '../json-ui.js';
import { runProgressEvents, terminalEvents } from '../terminal-events.js';

export async function planCommand(ctx: CommandContext): Promise<number> {
  const o = ctx.cmd.options;
  const opts: PlanOperationOptions = {
    workspace: workspaceOptions(ctx),
    ...planRunOptions(ctx),
    refreshOnly: o.refreshOnly,
    destroy: o.destroy,
    ...(o.out ? { out: o.out } : {}),
  };
  if (o.json) {
    // Terraform's machine-readable UI; the whole plan as one document is `hl show --json FILE`
    return withJsonUi(ctx, async (ui) => {
      const r = await planOperation(opts, jsonUiEvents(ui));
      if (!r) return EXIT_ERROR;
      ui.plan(r.plan, r.redact);
      if (r.plan.policyResults) ui.policyResults(r.plan.policyResults);
      if (r.policyGate) {
        ui.diagnostics([r.policyGate]);
        return EXIT_POLICY;
      }
      return o.detailedExitcode && r.plan.hasChanges ? EXIT_CHANGES : EXIT_OK;
    });
  }
  const r = await planOperation(opts, { ...terminalEvents(ctx.term), ...runProgressEvents(ctx.term, false) });
  if (!r) return EXIT_ERROR;
  printPlan(ctx.term, r.plan, { redact: r.redact });
  if (o.out) ctx.term.out(`\nSaved the plan to ${o.out}. Apply exactly it with: hl apply ${o.out}\n`);
  if (r.policyGate) return EXIT_POLICY;
  if (o.detailedExitcode && r.plan.hasChanges) return EXIT_CHANGES;
  return EXIT_OK;
}
