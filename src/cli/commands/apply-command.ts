/**
 * `hl apply [PLANFILE]` and `hl destroy`: the engine plans (or loads the saved plan), asks
 * through the terminal, and runs the plan with progress and Ctrl-C handling; the summary is
 * printed at the end.
 */
import { DiagnosticsError, error, hasErrors } from '../../core/diagnostic.js';
import { applyOperation } from '../../engine/apply-operation.js';
import { progressView } from '../../render/apply-progress.js';
import {
  confirmQuestion,
  printApplySummary,
  printCancelled,
  printRecovered,
  printStopping,
  type ApplyStatus,
} from '../../render/apply-view.js';
import { printPlan } from '../../render/plan-view.js';
import { HL_VERSION } from '../../version.js';
import { EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_POLICY, type CommandContext } from '../command-context.js';
import { planRunOptions, workspaceOptions } from '../engine-options.js';
import { terminalEvents } from '../terminal-events.js';

export async function applyCommand(ctx: CommandContext, destroy = false): Promise<number> {
  const o = ctx.cmd.options;
  const planFile = ctx.cmd.args[0];
  if (ctx.cmd.args.length > 1)
    throw new DiagnosticsError([error(`hl ${destroy ? 'destroy' : 'apply'} takes at most one argument, a saved plan file`)]);
  if (destroy && planFile)
    throw new DiagnosticsError([
      error(`${ctx.cmd.command === 'apply' ? 'hl apply -destroy (which is hl destroy)' : 'hl destroy'} does not take a plan file`),
    ]);
  const term = ctx.term;
  const r = await applyOperation(
    {
      workspace: workspaceOptions(ctx),
      ...planRunOptions(ctx),
      refreshOnly: o.refreshOnly,
      destroy,
      ...(planFile ? { planFile } : {}),
      autoApprove: o.autoApprove,
      onInterrupt: ctx.onInterrupt,
    },
    {
      ...terminalEvents(term),
      planned: (plan, redact) => printPlan(term, plan, { json: o.json, redact, hlVersion: HL_VERSION }),
      // -input=false: nobody is asked, so nothing is approved (as Terraform: use -auto-approve)
      confirm: (mode) => (o.input ? term.ask(confirmQuestion(mode)) : Promise.resolve(undefined)),
      recovered: (recovery) => printRecovered(term, recovery),
      startProgress: (redact) => progressView(term, { json: o.json, redact }),
      stopping: () => printStopping(term),
    },
  );
  if (!r) return EXIT_ERROR;
  switch (r.kind) {
    case 'policy-refused':
      return EXIT_POLICY;
    case 'cancelled':
      if (!o.input) {
        term.err(
          `\n${destroy ? 'Destroy' : 'Apply'} not approved: -input=false means hl asks nothing, so nothing was changed. Add -auto-approve.\n`,
        );
        return EXIT_ERROR;
      }
      printCancelled(term, r.noInput);
      return EXIT_ERROR;
    case 'no-changes':
      return EXIT_OK;
    case 'executed': {
      const n = r.result.counts;
      const status: ApplyStatus = r.result.stopped
        ? 'interrupted'
        : n.failed > 0 || hasErrors(r.result.diagnostics)
          ? 'failed'
          : 'complete';
      printApplySummary(term, r, status, { json: o.json });
      return status === 'interrupted' ? EXIT_INTERRUPTED : status === 'failed' ? EXIT_ERROR : EXIT_OK;
    }
  }
}
