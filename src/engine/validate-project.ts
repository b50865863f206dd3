/**
 * Validation without contacting anything: the project is loaded (unset variables count as
 * unknown), the providers are created but not configured, and the planner runs against an
 * empty state with data sources deferred, so every schema, reference and provider rule is
 * checked. Shared by `hl validate` and the invalid-config corpus.
 */
import { error, hasErrors, type Diagnostic } from '../core/diagnostic.js';
import { didYouMean } from '../core/suggest.js';
import type { ConfigFile } from '../config/config-types.js';
import { makePlan } from '../plan/planner.js';
import { decodePolicyRules } from '../policy/parse-policies.js';
import { plannerOf, type PlannerProvider } from '../plan/planner-provider.js';
import { emptyState } from '../state/state-types.js';
import { loadProject } from './project.js';
import type { VariableSources } from './project-variables.js';
import type { ProviderRegistry } from './provider-registry.js';

export async function validateProject(
  configPath: string,
  sources: VariableSources,
  registry: ProviderRegistry,
): Promise<{ files: ConfigFile[]; diagnostics: Diagnostic[] }> {
  const loaded = await loadProject(configPath, sources, { unsetVariablesUnknown: true });
  const diagnostics = [...loaded.diagnostics];
  const project = loaded.project;
  if (!project) return { files: loaded.files, diagnostics };
  const planners = new Map<string, PlannerProvider>();
  const keys = new Set([...project.config.providers.keys(), ...[...project.config.resources.values()].map((r) => r.provider)]);
  for (const key of keys) {
    const type = key.split('.')[0]!;
    const factory = await registry.load(type);
    if (!factory) {
      const where = project.config.providers.get(key)?.loc ?? [...project.config.resources.values()].find((r) => r.provider === key)?.loc;
      const s = didYouMean(type, registry.types());
      diagnostics.push(error(`Unknown provider "${type}"`, where, s ? `Did you mean "${s}"?` : `Known providers: ${registry.types().join(', ')}`));
      continue;
    }
    planners.set(key, plannerOf(factory.create(), {}));
  }
  diagnostics.push(...decodePolicyRules(project.config.policies).diagnostics);
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
  });
  return { files: loaded.files, diagnostics: [...diagnostics, ...r.diagnostics] };
}
