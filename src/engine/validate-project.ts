/**
 * Validation without contacting anything: the project is loaded (unset variables count as
 * unknown), the providers are created but not configured (their blocks evaluated and checked
 * against their schemas as plan does, see provider-blocks.ts), and the planner runs against an
 * empty state with data sources deferred, so every schema, reference and provider rule is
 * checked. Shared by `hl validate` and the invalid-config corpus.
 */
import { hasErrors, type Diagnostic } from '../core/diagnostic.js';
import type { ConfigFile } from '../config/config-types.js';
import { makePlan } from '../plan/planner.js';
import { decodePolicyRules } from '../policy/parse-policies.js';
import { plannerOf, type PlannerProvider } from '../plan/planner-provider.js';
import { emptyState } from '../state/state-types.js';
import { evaluateProviderBlocks } from './provider-blocks.js';
import { loadProject } from './project.js';
import type { VariableSources } from './project-variables.js';
import type { ProviderRegistry } from './provider-registry.js';
import { precompiledValidator } from './precompiled-validators.js';

export async function validateProject(
  configPath: string,
  sources: VariableSources,
  registry: ProviderRegistry,
): Promise<{ files: ConfigFile[]; diagnostics: Diagnostic[] }> {
  const loaded = await loadProject(configPath, sources, { unsetVariablesUnknown: true });
  const diagnostics = [...loaded.diagnostics];
  const project = loaded.project;
  if (!project) return { files: loaded.files, diagnostics };
  // the provider blocks, evaluated and schema-checked exactly as plan does before configuring
  const blocks = await evaluateProviderBlocks({ config: project.config, variables: project.variables, registry, paths: project.paths });
  diagnostics.push(...blocks.diagnostics);
  const planners = new Map<string, PlannerProvider>();
  for (const [key, provider] of blocks.providers) planners.set(key, plannerOf(provider, blocks.configs.get(key) ?? {}));
  diagnostics.push(...decodePolicyRules(project.config.policies, precompiledValidator).diagnostics);
  if (hasErrors(diagnostics)) return { files: loaded.files, diagnostics };
  const r = makePlan({
    config: project.config,
    graph: project.graph,
    variables: project.variables,
    state: emptyState('00000000-0000-4000-8000-000000000000', 'validate'),
    dataResults: new Map(),
    providers: planners,
    mode: 'normal',
    targets: [],
    replace: [],
    refresh: false,
    hlVersion: 'validate',
    configHash: project.configHash,
    paths: project.paths,
    readFile: project.readFile,
    validateOnly: true,
    precompiled: precompiledValidator,
  });
  return { files: loaded.files, diagnostics: [...diagnostics, ...r.diagnostics] };
}
