/**
 * Loading a saved plan for `hl apply FILE` inside the locked workspace, and checking, before
 * anything is started, that it is exactly what `hl plan` wrote (its integrity check, with
 * the plan key beside the state), that its embedded configuration is the one it was hashed
 * from and still the one in -c, that the state has not moved since, and that every change
 * names what the locked state holds (see apply/saved-plan-check.ts).
 */
import { DiagnosticsError, error, hasErrors } from '../core/diagnostic.js';
import type { Value } from '../core/value.js';
import { checkSavedPlan } from '../apply/saved-plan-check.js';
import type { EngineEvents } from './engine-events.js';
import { checkPlanFileIntegrity, readPlanFile } from './plan-file.js';
import type { PlannedRun } from './plan-in-workspace.js';
import { configRoot, hashConfigFiles, loadConfigTree, projectFromFiles } from './project.js';
import type { VariableSources } from './project-variables.js';
import { attachProviders, type Workspace } from './workspace.js';

/** The saved plan and its project; undefined when its configuration does not load (reported). */
export async function loadSavedPlan(
  ws: Workspace,
  file: string,
  opts: { config: string; variables: VariableSources },
  events: EngineEvents,
): Promise<PlannedRun | undefined> {
  const planFile = readPlanFile(file);
  const plan = planFile.plan;
  const { store } = ws;
  const again = 'Run "hl plan --out FILE" again and apply the new plan.';
  // A plan made before any state existed carries a lineage that was never written. A plan
  // for another state is refused first: its key is that state's, so its check cannot pass.
  const madeOnEmptyState = plan.state.serial === 0;
  if (!madeOnEmptyState && plan.state.lineage !== store.lineage) {
    const why = `it was made for a different state (lineage ${plan.state.lineage}; ${ws.statePath} has lineage ${store.lineage})`;
    throw new DiagnosticsError([error(`Saved plan ${file} is stale: ${why}`, undefined, again)]);
  }
  const tampered = await checkPlanFileIntegrity(planFile, file, ws.backend);
  if (tampered) throw new DiagnosticsError([tampered]);
  if (hashConfigFiles(plan.configuration.files) !== plan.configHash) {
    throw new DiagnosticsError([
      error(`Saved plan ${file} is damaged: the configuration it carries does not match its configHash`, undefined, again),
    ]);
  }
  const stale: string[] = [];
  if (plan.state.serial !== store.serial) {
    stale.push(`the state changed since it was made (serial ${plan.state.serial} then, ${store.serial} now)`);
  }
  const current = await loadConfigTree(opts.config);
  if (hasErrors(current.diagnostics)) {
    throw new DiagnosticsError([
      error(
        `Saved plan ${file} cannot be checked against the configuration ${opts.config}, so it is not applied`,
        undefined,
        'Pass the configuration the plan was made from with -c PATH.',
      ),
      ...current.diagnostics,
    ]);
  }
  if (hashConfigFiles(current.files) !== plan.configHash) {
    stale.push(`the configuration in ${opts.config} changed since it was made`);
  }
  if (stale.length > 0) {
    throw new DiagnosticsError([error(`Saved plan ${file} is stale: ${stale.join('; and ')}`, undefined, again)]);
  }
  const planValues: Record<string, Value> = {};
  for (const [name, v] of Object.entries(plan.variables)) if (!v.sensitive && v.value !== undefined) planValues[name] = v.value;
  const loaded = await projectFromFiles(plan.configuration.files, configRoot(opts.config), { ...opts.variables, planValues });
  if (!loaded.project) {
    events.diagnostics(loaded.diagnostics);
    return undefined;
  }
  const mismatches = checkSavedPlan({ plan, file, stateAt: (a) => store.getResource(a), config: loaded.project.config });
  if (mismatches.length > 0) throw new DiagnosticsError(mismatches);
  await attachProviders(ws, loaded.project, true, events);
  if (ws.recoveries.length > 0) {
    throw new DiagnosticsError([
      error(
        `Saved plan ${file} is stale: interrupted operations of an earlier run were just reconciled into state`,
        undefined,
        'Run "hl plan --out FILE" again.',
      ),
    ]);
  }
  return { project: loaded.project, plan };
}
