/** `hl plan`: refresh, plan, print; optionally save the plan. Never writes state. */
import { planOperation } from '../../engine/plan-operation.js';
import { printDiagnostics } from '../../render/diagnostics-output.js';
import { printPlan } from '../../render/plan-view.js';
import { HL_VERSION } from '../../version.js';
import { EXIT_CHANGES, EXIT_ERROR, EXIT_OK, EXIT_POLICY, type CommandContext } from '../command-context.js';
import { planRunOptions, workspaceOptions } from '../engine-options.js';
import { terminalEvents } from '../terminal-events.js';

export async function planCommand(ctx: CommandContext): Promise<number> {
  const o = ctx.cmd.options;
  const r = await planOperation(
    {
      workspace: workspaceOptions(ctx),
      ...planRunOptions(ctx),
      refreshOnly: o.refreshOnly,
      destroy: o.destroy,
      ...(o.out ? { out: o.out } : {}),
    },
    terminalEvents(ctx.term),
  );
  if (!r) return EXIT_ERROR;
  printPlan(ctx.term, r.plan, { json: o.json, redact: r.redact, hlVersion: HL_VERSION });
  if (o.out && !o.json) ctx.term.out(`\nSaved the plan to ${o.out}. Apply exactly it with: hl apply ${o.out}\n`);
  if (r.policyGate) {
    if (o.json) printDiagnostics(ctx.term, [r.policyGate], { redact: r.redact });
    return EXIT_POLICY;
  }
  if (o.detailedExitcode && r.plan.hasChanges) return EXIT_CHANGES;
  return EXIT_OK;
}
