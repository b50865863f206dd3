/**
 * `show [PLANFILE]`: a saved plan as decoded from its file, with the config it carries parsed
 * again (for the `configuration` of `show --json`), or the state (its resources with
 * sensitive values masked, read without the lock).
 */
import type { ConfigTree } from '../config/config-tree.js';
import type { ConfigFile } from '../config/config-types.js';
import { parseConfig } from '../config/parse-config.js';
import type { Plan } from '../plan/plan-types.js';
import { maskedResource } from '../state/masked-resource.js';
import type { OutputState, ResourceState } from '../state/state-types.js';
import type { EngineEvents } from './engine-events.js';
import { moduleDirOf } from './load-modules.js';
import { readPlanFile } from './plan-file.js';
import { precompiledValidator } from './precompiled-validators.js';
import { groupByModule } from './project.js';
import { withWorkspace, type WorkspaceOptions } from './workspace.js';

export interface StateView {
  lineage: string;
  serial: number;
  /** Every resource, its sensitive values masked. */
  resources: ResourceState[];
  outputs: Record<string, OutputState>;
}

export interface SavedPlanView {
  plan: Plan;
  /** The config the plan was made from, as written; absent when its files no longer parse. */
  config?: ConfigTree;
}

/** Module calls nest at most this deep (a module calling itself would never end). */
const MAX_MODULE_DEPTH = 32;

/** The plan saved in `file` and its config; a missing or undecodable file throws its diagnostics. */
export function showPlanFile(file: string): SavedPlanView {
  const plan = readPlanFile(file).plan;
  const config = configTreeOf(plan.configuration.files);
  return config ? { plan, config } : { plan };
}

/** The config tree of a saved plan's files: the root module's, and each called module's by directory. */
export function configTreeOf(files: readonly ConfigFile[]): ConfigTree | undefined {
  const root = parseConfig(
    files.filter((f) => f.module === undefined),
    { precompiled: precompiledValidator },
  );
  if (!root.config) return undefined;
  const byDir = new Map<string, ReturnType<typeof parseConfig>['config']>();
  for (const [dir, group] of groupByModule(files))
    byDir.set(dir, parseConfig(group, { precompiled: precompiledValidator, module: true }).config);
  const tree = (config: NonNullable<ReturnType<typeof parseConfig>['config']>, depth: number): ConfigTree => {
    const calls = new Map<string, ConfigTree>();
    for (const [name, call] of config.moduleCalls) {
      const child = byDir.get(moduleDirOf(call));
      if (child && depth < MAX_MODULE_DEPTH) calls.set(name, tree(child, depth + 1));
    }
    return { config, calls };
  };
  return tree(root.config, 0);
}

/** The state to show; undefined when it stopped at an error (reported). */
export async function showState(opts: WorkspaceOptions, events: EngineEvents): Promise<StateView | undefined> {
  return withWorkspace(opts, events, { operation: 'show', write: false, lock: false }, async (ws) => ({
    lineage: ws.store.lineage,
    serial: ws.store.serial,
    resources: ws.store.listResources().map(maskedResource),
    outputs: ws.store.outputs,
  }));
}
