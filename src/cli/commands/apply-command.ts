/**
 * `hl apply [PLANFILE]` and `hl destroy`: the engine plans (or loads the saved plan), asks
 * through the terminal, and runs the plan with progress and Ctrl-C handling; the summary is
 * printed at the end.
 */
import { DiagnosticsError, error, hasErrors } from '../../core/diagnostic.js';
import { applyOperation, type ApplyOperationOptions } from '../../engine/apply-operation.js';
import { progressView } from '../../render/apply-progress.js';
import {
  applyFailedText,
  applyStoppedText,
  confirmQuestion,
  printApplySummary,
  printCancelled,
  printRecovered,
  printStopping,
  recoveredText,
  STOPPING_TEXT,
  type ApplyStatus,
} from '../../render/apply-view.js';
import type { JsonUiLines } from '../../render/json-ui-lines.js';
import { printPlan } from '../../render/plan-view.js';
import { EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_POLICY, type CommandContext } from '../command-context.js';
import { planRunOptions, workspaceOptions } from '../engine-options.js';
import { jsonUiEvents, jsonUiProgress, withJsonUi } from '../json-ui.js';
import { runProgressEvents, terminalEvents } from '../terminal-events.js';

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
  const opts: ApplyOperationOptions = {
    workspace: workspaceOptions(ctx),
    ...planRunOptions(ctx),
    refreshOnly: o.refreshOnly,
    destroy,
    ...(planFile ? { planFile } : {}),
    autoApprove: o.autoApprove,
    onInterrupt: ctx.onInterrupt,
  };
  if (o.json) return withJsonUi(ctx, (ui) => applyJson(ui, opts, destroy));
  const r = await applyOperation(opts, {
    ...terminalEvents(term),
    ...runProgressEvents(term, false),
    planned: (plan, redact) => printPlan(term, plan, { redact }),
    // -input=false: nobody is asked, so nothing is approved (as Terraform: use -auto-approve)
    confirm: (mode) => (o.input ? term.ask(confirmQuestion(mode)) : Promise.resolve(undefined)),
    recovered: (recovery) => printRecovered(term, recovery),
    startProgress: (redact) => progressView(term, { redact }),
    stopping: () => printStopping(term),
  });
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
      printApplySummary(term, r, status);
      return status === 'interrupted' ? EXIT_INTERRUPTED : status === 'failed' ? EXIT_ERROR : EXIT_OK;
    }
  }
}

/**
 * `apply --json` / `destroy --json`: nobody can be asked, so without a plan file
 * -auto-approve is required (as Terraform); everything goes out as JSON lines.
 */
async function applyJson(ui: JsonUiLines, opts: ApplyOperationOptions, destroy: boolean): Promise<number> {
  if (!opts.autoApprove && !opts.planFile) {
    ui.diagnostics([
      error(
        '-auto-approve is required when using -json',
        undefined,
        `hl cannot ask for approval when -json is set: apply a saved plan file (hl plan -out FILE, then hl apply -json FILE) or add -auto-approve.`,
      ),
    ]);
    return EXIT_ERROR;
  }
  const operation = destroy ? 'destroy' : 'apply';
  const r = await applyOperation(opts, {
    ...jsonUiEvents(ui),
    planned: (plan, redact) => ui.plan(plan, redact),
    // not asked: -auto-approve is given (checked above), or the plan file is applied as saved
    confirm: () => Promise.resolve(undefined),
    recovered: (recovery) => ui.log(recoveredText(recovery)),
    startProgress: (redact) => {
      ui.useRedactor(redact);
      return jsonUiProgress(ui);
    },
    stopping: () => ui.log(STOPPING_TEXT, 'warn'),
  });
  if (!r) return EXIT_ERROR;
  switch (r.kind) {
    case 'policy-refused':
      return EXIT_POLICY;
    case 'cancelled':
      return EXIT_ERROR;
    case 'no-changes':
      ui.applied(operation, { added: 0, changed: 0, replaced: 0, destroyed: 0 });
      return EXIT_OK;
    case 'executed': {
      const n = r.result.counts;
      if (r.result.stopped) {
        ui.log(applyStoppedText(r.mode, n), 'warn');
        return EXIT_INTERRUPTED;
      }
      if (n.failed > 0 || hasErrors(r.result.diagnostics)) {
        ui.log(applyFailedText(r.mode, n), 'error');
        return EXIT_ERROR;
      }
      ui.applied(operation, n);
      if (r.mode !== 'destroy') ui.outputs(r.outputs);
      return EXIT_OK;
    }
  }
}
