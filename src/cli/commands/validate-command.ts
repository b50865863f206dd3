/**
 * `hl validate`: every check that needs no remote system — YAML, schemas, references,
 * types, for_each/count, cycles, provider-specific plan-time rules — against an empty
 * state. Unset variables count as unknown, so validation needs no secrets.
 */
import { emptyState } from '../../state/state-types.js';
import { error, hasErrors } from '../../core/diagnostic.js';
import { didYouMean } from '../../core/suggest.js';
import { builtinProviders } from '../../engine/provider-registry.js';
import { loadProject } from '../../engine/project.js';
import { makePlan } from '../../plan/planner.js';
import type { PlannerProvider } from '../../plan/planner-provider.js';
import { diagnosticsToJson } from '../../render/diagnostic-json.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { printDiagnostics } from '../diagnostics-output.js';
import { HL_VERSION } from '../help-text.js';
import { variableSources } from '../variable-sources.js';

export async function validateCommand(ctx: CommandContext): Promise<number> {
  const o = ctx.cmd.options;
  const loaded = await loadProject(o.config, variableSources(ctx), { unsetVariablesUnknown: true });
  const diagnostics = [...loaded.diagnostics];
  const project = loaded.project;
  if (project) {
    const registry = builtinProviders();
    const planners = new Map<string, PlannerProvider>();
    const keys = new Set([...project.config.providers.keys(), ...[...project.config.resources.values()].map((r) => r.provider)]);
    for (const key of keys) {
      const type = key.split('.')[0]!;
      const factory = await registry.load(type);
      if (!factory) {
        const where = project.config.providers.get(key)?.loc ?? [...project.config.resources.values()].find((r) => r.provider === key)?.providerLoc;
        const s = didYouMean(type, registry.types());
        diagnostics.push(error(`Unknown provider "${type}"`, where, s ? `Did you mean "${s}"?` : `Known providers: ${registry.types().join(', ')}`));
        continue;
      }
      const provider = factory.create();
      const planner: PlannerProvider = { schema: provider.getSchema(), providerConfig: {} };
      if (provider.planResource) planner.planResource = provider.planResource.bind(provider);
      if (provider.validateResource) planner.validateResource = provider.validateResource.bind(provider);
      planners.set(key, planner);
    }
    if (!hasErrors(diagnostics)) {
      const r = makePlan({
        config: project.config,
        graph: project.graph,
        variables: project.variables,
        state: emptyState('00000000-0000-4000-8000-000000000000', HL_VERSION),
        dataResults: new Map(),
        providers: planners,
        mode: 'normal',
        targets: [],
        replace: [],
        refresh: false,
        hlVersion: HL_VERSION,
        configHash: project.configHash,
        paths: project.paths,
        readFile: project.readFile,
        validateOnly: true,
      });
      diagnostics.push(...r.diagnostics);
    }
  }
  const ok = !hasErrors(diagnostics);
  if (o.json) {
    ctx.term.out(JSON.stringify({ format_version: '1.0', valid: ok, error_count: diagnostics.filter((d) => d.severity === 'error').length, diagnostics: diagnosticsToJson(diagnostics) }) + '\n');
  } else {
    printDiagnostics(ctx.term, diagnostics, { files: loaded.files });
    if (ok) ctx.term.out('Success! The configuration is valid.\n');
  }
  return ok ? EXIT_OK : EXIT_ERROR;
}
