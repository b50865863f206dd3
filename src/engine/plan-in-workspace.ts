/**
 * Planning inside an open workspace, shared by plan, apply, destroy and watch: load the project
 * and its policy rules (watch loads them once and again on reload), attach the providers (reconciling the journal when writing), plan, and
 * evaluate the policies over the plan. Diagnostics are reported as they come; undefined
 * means the run stops (its errors were reported).
 */
import { readFileSync } from 'node:fs';
import { error, hasErrors, type Diagnostic } from '../core/diagnostic.js';
import type { ConfigFile } from '../config/config-types.js';
import type { Plan } from '../plan/plan-types.js';
import { evaluatePolicies } from '../policy/evaluate-policies.js';
import { collectPolicyRules } from '../policy/parse-policies.js';
import { placementThresholds } from '../policy/node-rules.js';
import { precompiledValidator } from './precompiled-validators.js';
import type { PolicyRule } from '../policy/policy-types.js';
import { HL_VERSION } from '../version.js';
import type { EngineEvents, RefreshRead } from './engine-events.js';
import { loadProject, type Project } from './project.js';
import type { VariableSources } from './project-variables.js';
import { planProject } from './run-plan.js';
import { attachProviders, type Workspace } from './workspace.js';

/** What a plan is made from, as the command line says. */
export interface PlanRunOptions {
  /** The config file or directory (-c). */
  config: string;
  variables: VariableSources;
  /** A policy file to check besides the config's policies (--policy). */
  policy?: string;
  targets: string[];
  replace: string[];
  refresh: boolean;
  parallelism: number;
}

export interface PlannedRun {
  project: Project;
  plan: Plan;
}

export async function planInWorkspace(
  opts: PlanRunOptions,
  events: EngineEvents,
  ws: Workspace,
  mode: Plan['mode'],
  write: boolean,
): Promise<PlannedRun | undefined> {
  const inputs = await loadPlanInputs(opts, events);
  if (!inputs) return undefined;
  return planLoadedInWorkspace(inputs, opts, events, ws, mode, write);
}

/** The project and its policy rules, loaded from the files, before a workspace is opened. */
export interface PlanInputs {
  project: Project;
  rules: PolicyRule[];
  /** Warnings of loading, reported with the plan's. */
  diagnostics: Diagnostic[];
}

/** Loads the config and the policy rules; undefined, after reporting why, when either is wrong. */
export async function loadPlanInputs(
  opts: Pick<PlanRunOptions, 'config' | 'variables' | 'policy'>,
  events: EngineEvents,
): Promise<PlanInputs | undefined> {
  const loaded = await loadProject(opts.config, opts.variables);
  if (!loaded.project) {
    events.diagnostics(loaded.diagnostics, { files: loaded.files });
    return undefined;
  }
  const rules = policyRules(opts.policy, events, loaded.project);
  if (!rules) return undefined;
  return { project: loaded.project, rules, diagnostics: loaded.diagnostics };
}

/** Plans a project already loaded (hl watch keeps the last good one) in the open workspace. */
export async function planLoadedInWorkspace(
  inputs: PlanInputs,
  opts: Pick<PlanRunOptions, 'targets' | 'replace' | 'refresh' | 'parallelism'>,
  events: EngineEvents,
  ws: Workspace,
  mode: Plan['mode'],
  write: boolean,
): Promise<PlannedRun | undefined> {
  const { project, rules } = inputs;
  await attachProviders(ws, project, write, events);
  // the node rules' limits are also when the plan's capacity table warns
  const thresholds = placementThresholds(rules);
  const r = await planProject(project, ws.store.state, ws.session!, {
    mode,
    targets: opts.targets,
    replace: opts.replace,
    refresh: opts.refresh,
    parallelism: opts.parallelism,
    hlVersion: HL_VERSION,
    createdAt: new Date().toISOString(),
    ...(thresholds ? { placementThresholds: thresholds } : {}),
    ...(events.refreshing ? { refreshProgress: (read: RefreshRead) => events.refreshing!(read) } : {}),
  });
  const diags = [...inputs.diagnostics, ...ws.diagnostics.splice(0), ...r.diagnostics];
  if (!r.plan || hasErrors(diags)) {
    events.diagnostics(diags, { files: project.files, redact: ws.redact });
    return undefined;
  }
  events.diagnostics(
    diags.filter((d) => d.severity === 'warning' && !r.plan!.diagnostics.includes(d)),
    { files: project.files, redact: ws.redact },
  );
  const plan = rules.length > 0 ? { ...r.plan, policyResults: evaluatePolicies(r.plan, rules).results } : r.plan;
  return { project, plan };
}

/**
 * The policy rules of the config and of --policy FILE; undefined, after reporting why, when
 * one of them is wrong.
 */
function policyRules(path: string | undefined, events: EngineEvents, project: Project): PolicyRule[] | undefined {
  let file: ConfigFile | undefined;
  if (path !== undefined) {
    try {
      file = { path, text: readFileSync(path, 'utf8') };
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      events.diagnostics([
        error(missing ? `Policy file ${path} does not exist` : `Cannot read policy file ${path}: ${(e as Error).message}`),
      ]);
      return undefined;
    }
  }
  const { rules, diagnostics } = collectPolicyRules(project.config.policies, file, precompiledValidator);
  events.diagnostics(diagnostics, { files: file ? [...project.files, file] : project.files });
  return hasErrors(diagnostics) ? undefined : rules;
}
