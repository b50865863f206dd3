/**
 * `hl apply [PLANFILE]` and `hl destroy`: plan (or load a saved plan and check it is not
 * stale), confirm, then run the executor with progress, periodic checkpoints and Ctrl-C
 * handling, and finish with a summary.
 */
import { existsSync, readFileSync } from 'node:fs';
import kleur from 'kleur';
import { applyPlan } from '../../apply/executor.js';
import { DiagnosticsError, error, hasErrors } from '../../core/diagnostic.js';
import type { Value } from '../../core/value.js';
import { loadConfigFiles } from '../../config/load-config.js';
import { configRoot, hashConfigFiles, projectFromFiles, type Project } from '../../engine/project.js';
import { checkSavedPlan } from '../../apply/saved-plan-check.js';
import { decodePlan, verifyPlanMac } from '../../plan/plan-codec.js';
import { planKeyPathOf, readPlanKey } from '../../state/plan-key.js';
import type { Plan } from '../../plan/plan-types.js';
import { progressView } from '../apply-progress.js';
import { EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_POLICY, type CommandContext } from '../command-context.js';
import { printDiagnostics } from '../diagnostics-output.js';
import { variableSources } from '../variable-sources.js';
import { attachProviders, withWorkspace, type Workspace } from '../workspace.js';
import { planInWorkspace, refuseOnPolicyViolations, showPlan } from './plan-command.js';

export async function applyCommand(ctx: CommandContext, destroy = false): Promise<number> {
  const o = ctx.cmd.options;
  const planFile = ctx.cmd.args[0];
  if (ctx.cmd.args.length > 1) throw new DiagnosticsError([error(`hl ${destroy ? 'destroy' : 'apply'} takes at most one argument, a saved plan file`)]);
  if (destroy && planFile) throw new DiagnosticsError([error('hl destroy does not take a plan file')]);
  return withWorkspace(ctx, { operation: destroy ? 'destroy' : 'apply', write: true }, async (ws) => {
    let run: { project: Project; plan: Plan } | undefined;
    if (planFile) {
      run = await loadSavedPlan(ctx, ws, planFile);
      if (run && refuseOnPolicyViolations(ctx, ws, run.plan, planFile)) return EXIT_POLICY;
    } else {
      run = await planInWorkspace(ctx, ws, destroy ? 'destroy' : o.refreshOnly ? 'refresh-only' : 'normal', true);
      if (run) {
        showPlan(ctx, ws, run.plan);
        if (refuseOnPolicyViolations(ctx, ws, run.plan)) return EXIT_POLICY;
        // Nothing to change; drift seen by the refresh is still recorded in state.
        if (!run.plan.hasChanges) return run.plan.drift.length > 0 ? execute(ctx, ws, run.project, run.plan, { quiet: true }) : EXIT_OK;
        if (!o.autoApprove) {
          const answer = await ctx.term.ask(
            `\n${destroy ? 'Destroy all these resources?' : 'Apply these changes?'} Only "yes" is accepted: `,
          );
          if (answer !== 'yes') {
            ctx.term.err(answer === undefined ? '\nNo answer on standard input: nothing was changed. Use --auto-approve to apply without asking.\n' : '\nApply cancelled: nothing was changed.\n');
            return EXIT_ERROR;
          }
        }
      }
    }
    if (!run) return EXIT_ERROR;
    return execute(ctx, ws, run.project, run.plan);
  });
}

/**
 * Loads a saved plan and checks, before anything is started, that it is exactly what `hl plan`
 * wrote (its integrity check, with the plan key beside the state), that its embedded
 * configuration is the one it was hashed from and still the one in -c, that the state has
 * not moved since, and that every change names what the locked state holds (see
 * saved-plan-check.ts).
 */
async function loadSavedPlan(ctx: CommandContext, ws: Workspace, file: string): Promise<{ project: Project; plan: Plan } | undefined> {
  if (!existsSync(file)) throw new DiagnosticsError([error(`Plan file ${file} does not exist`)]);
  const text = readFileSync(file, 'utf8');
  const decoded = decodePlan(text, file);
  if (!decoded.plan) throw new DiagnosticsError(decoded.diagnostics);
  const plan = decoded.plan;
  const { store } = ws;
  const again = 'Run "hl plan --out FILE" again and apply the new plan.';
  // A plan made before any state existed carries a lineage that was never written. A plan
  // for another state is refused first: its key is that state's, so its check cannot pass.
  const madeOnEmptyState = plan.state.serial === 0;
  if (!madeOnEmptyState && plan.state.lineage !== store.lineage) {
    const why = `it was made for a different state (lineage ${plan.state.lineage}; ${ws.statePath} has lineage ${store.lineage})`;
    throw new DiagnosticsError([error(`Saved plan ${file} is stale: ${why}`, undefined, again)]);
  }
  const tampered = verifyPlanMac(text, file, await readPlanKey(ws.statePath), planKeyPathOf(ws.statePath));
  if (tampered) throw new DiagnosticsError([tampered]);
  if (hashConfigFiles(plan.configuration.files) !== plan.configHash) {
    throw new DiagnosticsError([error(`Saved plan ${file} is damaged: the configuration it carries does not match its configHash`, undefined, again)]);
  }
  const stale: string[] = [];
  if (plan.state.serial !== store.serial) {
    stale.push(`the state changed since it was made (serial ${plan.state.serial} then, ${store.serial} now)`);
  }
  const current = await loadConfigFiles(ctx.cmd.options.config);
  if (hasErrors(current.diagnostics)) {
    throw new DiagnosticsError([
      error(
        `Saved plan ${file} cannot be checked against the configuration ${ctx.cmd.options.config}, so it is not applied`,
        undefined,
        'Pass the configuration the plan was made from with -c PATH.',
      ),
      ...current.diagnostics,
    ]);
  }
  if (hashConfigFiles(current.files) !== plan.configHash) {
    stale.push(`the configuration in ${ctx.cmd.options.config} changed since it was made`);
  }
  if (stale.length > 0) {
    throw new DiagnosticsError([error(`Saved plan ${file} is stale: ${stale.join('; and ')}`, undefined, again)]);
  }
  const planValues: Record<string, Value> = {};
  for (const [name, v] of Object.entries(plan.variables)) if (!v.sensitive && v.value !== undefined) planValues[name] = v.value;
  const loaded = await projectFromFiles(plan.configuration.files, configRoot(ctx.cmd.options.config), { ...variableSources(ctx), planValues });
  if (!loaded.project) {
    printDiagnostics(ctx.term, loaded.diagnostics);
    return undefined;
  }
  const mismatches = checkSavedPlan({ plan, file, stateAt: (a) => store.getResource(a), config: loaded.project.config });
  if (mismatches.length > 0) throw new DiagnosticsError(mismatches);
  await attachProviders(ws, loaded.project, true);
  if (ws.recoveries.length > 0) {
    throw new DiagnosticsError([error(`Saved plan ${file} is stale: interrupted operations of an earlier run were just reconciled into state`, undefined, 'Run "hl plan --out FILE" again.')]);
  }
  return { project: loaded.project, plan };
}

async function execute(ctx: CommandContext, ws: Workspace, project: Project, plan: Plan, opts: { quiet?: boolean } = {}): Promise<number> {
  const o = ctx.cmd.options;
  const c = kleur;
  c.enabled = ctx.term.color;
  for (const r of ws.recoveries) {
    ctx.term.err(`Recovered an interrupted ${r.operation} of ${r.address}: ${r.result}${r.id ? ` (id ${r.id})` : ''}\n`);
  }
  let stopRequested = false;
  const removeInterrupt = ctx.onInterrupt(() => {
    stopRequested = true;
    ctx.term.err('\nInterrupt received: no new operations will start; waiting for those in flight to finish. Press Ctrl-C again to exit at once.\n');
  });
  const progress = progressView(ctx.term, { json: o.json, redact: ws.redact });
  const checkpointTimer = setInterval(() => {
    ws.store.checkpointIfDue().catch(() => undefined);
  }, 1000);
  checkpointTimer.unref();
  let result: Awaited<ReturnType<typeof applyPlan>>;
  try {
    result = await applyPlan({
      plan,
      config: project.config,
      graph: project.graph,
      variables: project.variables,
      store: ws.store,
      providers: ws.session!.providers,
      providerConfigs: ws.session!.configs,
      parallelism: o.parallelism,
      events: progress,
      shouldStop: () => stopRequested,
      paths: project.paths,
      readFile: project.readFile,
    });
  } finally {
    clearInterval(checkpointTimer);
    progress.stop();
    removeInterrupt();
    await ws.store.checkpoint();
  }
  printDiagnostics(ctx.term, result.diagnostics, { files: project.files, redact: ws.redact });
  const n = result.counts;
  const verb = plan.mode === 'destroy' ? 'Destroy' : 'Apply';
  if (result.stopped) {
    ctx.term.err(`\n${verb} interrupted: ${n.added} added, ${n.changed} changed, ${n.replaced} replaced, ${n.destroyed} destroyed; ${n.notStarted} not started. State is saved.\n`);
    return EXIT_INTERRUPTED;
  }
  if (n.failed > 0 || hasErrors(result.diagnostics)) {
    ctx.term.out(
      `\n${c.red().bold(`${verb} failed.`)} Resources: ${n.added} added, ${n.changed} changed, ${n.replaced} replaced, ${n.destroyed} destroyed; ${n.failed} failed, ${n.skipped} skipped.\n`,
    );
    return EXIT_ERROR;
  }
  if (opts.quiet) return EXIT_OK;
  ctx.term.out(`\n${c.green().bold(`${verb} complete!`)} Resources: ${n.added} added, ${n.changed} changed, ${n.replaced} replaced, ${n.destroyed} destroyed.\n`);
  const outputs = ws.store.outputs;
  const names = Object.keys(outputs).sort();
  if (names.length > 0 && !o.json && plan.mode !== 'destroy') {
    ctx.term.out('\nOutputs:\n\n');
    for (const name of names) {
      const out = outputs[name]!;
      ctx.term.out(`${name} = ${out.sensitive ? '(sensitive value)' : ws.redact.json(out.value)}\n`);
    }
  }
  return EXIT_OK;
}
