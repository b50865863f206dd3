/** `hl plan`: refresh, plan, print; optionally save the plan. Never writes state. */
import { writeFileSync } from 'node:fs';
import { hasErrors } from '../../core/diagnostic.js';
import { loadProject, type Project } from '../../engine/project.js';
import { planProject } from '../../engine/run-plan.js';
import { encodePlan } from '../../plan/plan-codec.js';
import type { Plan } from '../../plan/plan-types.js';
import { planToShowJson } from '../../render/plan-json.js';
import { renderPlanHuman } from '../../render/plan-human.js';
import { printDiagnostics } from '../diagnostics-output.js';
import { HL_VERSION } from '../help-text.js';
import { variableSources } from '../variable-sources.js';
import { attachProviders, withWorkspace, type Workspace } from '../workspace.js';
import { EXIT_CHANGES, EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';

export interface PlannedRun {
  project: Project;
  plan: Plan;
}

/** Loads the project, opens the workspace's providers and plans. Shared by plan, apply and destroy. */
export async function planInWorkspace(ctx: CommandContext, ws: Workspace, mode: Plan['mode'], write: boolean): Promise<PlannedRun | undefined> {
  const o = ctx.cmd.options;
  const loaded = await loadProject(o.config, variableSources(ctx));
  if (!loaded.project) {
    printDiagnostics(ctx.term, loaded.diagnostics, { files: loaded.files });
    return undefined;
  }
  const project = loaded.project;
  await attachProviders(ws, project, write);
  const r = await planProject(project, ws.store.state, ws.session!, {
    mode,
    targets: o.targets,
    replace: o.replace,
    refresh: o.refresh,
    parallelism: o.parallelism,
    hlVersion: HL_VERSION,
  });
  const diags = [...loaded.diagnostics, ...ws.diagnostics.splice(0), ...r.diagnostics];
  if (!r.plan || hasErrors(diags)) {
    printDiagnostics(ctx.term, diags, { files: project.files, redact: ws.redact });
    return undefined;
  }
  printDiagnostics(ctx.term, diags.filter((d) => d.severity === 'warning' && !r.plan!.diagnostics.includes(d)), { files: project.files, redact: ws.redact });
  return { project, plan: r.plan };
}

export function showPlan(ctx: CommandContext, ws: Workspace, plan: Plan): void {
  if (ctx.cmd.options.json) ctx.term.out(ws.redact(JSON.stringify(planToShowJson(plan, HL_VERSION))) + '\n');
  else ctx.term.out(ws.redact(renderPlanHuman(plan, { color: ctx.term.color })));
}

export async function planCommand(ctx: CommandContext): Promise<number> {
  const o = ctx.cmd.options;
  return withWorkspace(ctx, { operation: 'plan', write: false }, async (ws) => {
    const run = await planInWorkspace(ctx, ws, o.refreshOnly ? 'refresh-only' : 'normal', false);
    if (!run) return EXIT_ERROR;
    if (o.out) writeFileSync(o.out, encodePlan(run.plan), { mode: 0o600 });
    showPlan(ctx, ws, run.plan);
    if (o.out && !o.json) ctx.term.out(`\nSaved the plan to ${o.out}. Apply exactly it with: hl apply ${o.out}\n`);
    if (o.detailedExitcode && run.plan.hasChanges) return EXIT_CHANGES;
    return EXIT_OK;
  });
}
