/** `hl plan`: refresh, plan, print; optionally save the plan. Never writes state. */
import { readFileSync, writeFileSync } from 'node:fs';
import { error, hasErrors } from '../../core/diagnostic.js';
import type { ConfigFile } from '../../config/config-types.js';
import { loadProject, type Project } from '../../engine/project.js';
import { planProject } from '../../engine/run-plan.js';
import { precompiledValidator } from '../../engine/precompiled-validators.js';
import { encodePlan } from '../../plan/plan-codec.js';
import { planKeyForWriting } from '../../state/plan-key.js';
import type { Plan } from '../../plan/plan-types.js';
import { evaluatePolicies } from '../../policy/evaluate-policies.js';
import { collectPolicyRules } from '../../policy/parse-policies.js';
import { hasBlockingViolations, policyGateError } from '../../policy/policy-gate.js';
import { renderPolicyResultsHuman } from '../../render/policy-results-human.js';
import type { PolicyRule } from '../../policy/policy-types.js';
import { planToShowJson } from '../../render/plan-json.js';
import { renderPlanHuman } from '../../render/plan-human.js';
import { printDiagnostics } from '../diagnostics-output.js';
import { HL_VERSION } from '../../version.js';
import { variableSources } from '../variable-sources.js';
import { attachProviders, withWorkspace, type Workspace } from '../workspace.js';
import { EXIT_CHANGES, EXIT_ERROR, EXIT_OK, EXIT_POLICY, type CommandContext } from '../command-context.js';

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
  const rules = policyRules(ctx, project);
  if (!rules) return undefined;
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
  const plan = rules.length > 0 ? { ...r.plan, policyResults: evaluatePolicies(r.plan, rules).results } : r.plan;
  return { project, plan };
}

/**
 * The policy rules of the config and of --policy FILE; undefined, after printing why, when
 * one of them is wrong.
 */
function policyRules(ctx: CommandContext, project: Project): PolicyRule[] | undefined {
  const path = ctx.cmd.options.policy;
  let file: ConfigFile | undefined;
  if (path !== undefined) {
    try {
      file = { path, text: readFileSync(path, 'utf8') };
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      printDiagnostics(ctx.term, [error(missing ? `Policy file ${path} does not exist` : `Cannot read policy file ${path}: ${(e as Error).message}`)]);
      return undefined;
    }
  }
  const { rules, diagnostics } = collectPolicyRules(project.config.policies, file, precompiledValidator);
  printDiagnostics(ctx.term, diagnostics, { files: file ? [...project.files, file] : project.files });
  return hasErrors(diagnostics) ? undefined : rules;
}

/**
 * True, after saying why on stderr, when the plan has a failed policy rule of severity
 * error: such a plan is not applied (exit code 3).
 */
export function refuseOnPolicyViolations(ctx: CommandContext, ws: Workspace, plan: Plan, planFile?: string): boolean {
  const d = policyGateError(plan.policyResults, planFile ? `Saved plan ${planFile}` : 'The plan', 'nothing was changed');
  if (!d) return false;
  printDiagnostics(ctx.term, [d], { redact: ws.redact });
  return true;
}

/** Prints the plan; with policy results, a "Policy checks" section (or `policy_results` in JSON). */
export function showPlan(ctx: CommandContext, ws: Workspace, plan: Plan): void {
  const results = plan.policyResults;
  if (ctx.cmd.options.json) {
    const json = { ...planToShowJson(plan, HL_VERSION), ...(results ? { policy_results: results } : {}) };
    ctx.term.out(ws.redact.json(json) + '\n');
    return;
  }
  ctx.term.out(ws.redact(renderPlanHuman(plan, { color: ctx.term.color })));
  if (results) ctx.term.out('\n' + ws.redact(renderPolicyResultsHuman(results, { color: ctx.term.color })));
}

export async function planCommand(ctx: CommandContext): Promise<number> {
  const o = ctx.cmd.options;
  return withWorkspace(ctx, { operation: 'plan', write: false }, async (ws) => {
    const run = await planInWorkspace(ctx, ws, o.refreshOnly ? 'refresh-only' : 'normal', false);
    if (!run) return EXIT_ERROR;
    if (o.out) writeFileSync(o.out, encodePlan(run.plan, await planKeyForWriting(ws.statePath)), { mode: 0o600 });
    showPlan(ctx, ws, run.plan);
    if (o.out && !o.json) ctx.term.out(`\nSaved the plan to ${o.out}. Apply exactly it with: hl apply ${o.out}\n`);
    if (hasBlockingViolations(run.plan.policyResults)) {
      if (o.json) printDiagnostics(ctx.term, [policyGateError(run.plan.policyResults, 'The plan', 'hl apply refuses it')!], { redact: ws.redact });
      return EXIT_POLICY;
    }
    if (o.detailedExitcode && run.plan.hasChanges) return EXIT_CHANGES;
    return EXIT_OK;
  });
}
