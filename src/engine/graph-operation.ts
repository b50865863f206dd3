/** `graph`: the resource dependency graph of the config (unset variables read as unknown). */
import type { Diagnostic } from '../core/diagnostic.js';
import type { ConfigFile } from '../config/config-types.js';
import { loadProject } from './project.js';
import type { VariableSources } from './project-variables.js';

export interface GraphResult {
  /** Each resource block's address and the blocks it depends on; absent when the config does not load. */
  resourceDeps?: ReadonlyMap<string, readonly string[]>;
  files: ConfigFile[];
  diagnostics: Diagnostic[];
}

export async function graphOperation(opts: { config: string; variables: VariableSources }): Promise<GraphResult> {
  const loaded = await loadProject(opts.config, opts.variables, { unsetVariablesUnknown: true });
  if (!loaded.project) return { files: loaded.files, diagnostics: loaded.diagnostics };
  return { resourceDeps: loaded.project.graph.resourceDeps, files: loaded.files, diagnostics: loaded.diagnostics };
}
