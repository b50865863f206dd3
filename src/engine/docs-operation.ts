/**
 * `docs`: the inventory page (Markdown) from the state and, unless refresh is off, a live
 * read of every resource. Only reads: state is not written and not locked. A resource whose
 * read fails is documented from state, with a warning. What each resource type tells the
 * page comes from its provider's schema (the `inventory` hooks), each provider of a type in
 * state loaded from the registry.
 */
import { providerTypeOf } from '../core/address.js';
import { warning } from '../core/diagnostic.js';
import type { Attributes } from '../core/value.js';
import { renderInventoryMarkdown } from '../docs/inventory-markdown.js';
import { inventoryResources } from '../docs/inventory-resource.js';
import type { ResourceTypeSchema } from '../provider/contract.js';
import { inventoryFactsOf, type InventoryFactsLookup } from '../provider/inventory-facts.js';
import type { EngineEvents } from './engine-events.js';
import { loadProject } from './project.js';
import type { VariableSources } from './project-variables.js';
import type { ProviderRegistry } from './provider-registry.js';
import { refreshState } from './refresh.js';
import { attachProviders, withWorkspace, type WorkspaceOptions } from './workspace.js';

export interface DocsOptions {
  workspace: WorkspaceOptions;
  config: string;
  variables: VariableSources;
  refresh: boolean;
  parallelism: number;
}

/** The page, secrets masked; undefined when it stopped at an error (reported). */
export async function docsOperation(opts: DocsOptions, events: EngineEvents): Promise<string | undefined> {
  return withWorkspace(opts.workspace, events, { operation: 'docs', write: false, lock: false }, async (ws) => {
    let live: Map<string, Attributes | null> | undefined;
    if (opts.refresh) {
      const loaded = await loadProject(opts.config, opts.variables);
      if (!loaded.project) {
        events.diagnostics(loaded.diagnostics, { files: loaded.files });
        return undefined;
      }
      await attachProviders(ws, loaded.project, false);
      const r = await refreshState(ws.store.state, ws.session!.providers, { parallelism: opts.parallelism });
      const failures = r.diagnostics.map((d) => warning(d.summary, d.location, 'Documented from the state instead.'));
      events.diagnostics([...ws.diagnostics.splice(0), ...failures], { files: loaded.project.files, redact: ws.redact });
      live = r.refreshed;
    }
    const resources = inventoryResources(ws.store.state, live);
    const facts = await inventoryFacts(
      ws.registry,
      resources.map((r) => r.type),
    );
    return ws.redact(renderInventoryMarkdown(resources, facts, { live: live !== undefined }));
  });
}

/** The `inventory` hooks of the resource types' providers (a type whose provider is unknown gives none). */
async function inventoryFacts(registry: ProviderRegistry, types: readonly string[]): Promise<InventoryFactsLookup> {
  const tables: Record<string, ResourceTypeSchema>[] = [];
  for (const provider of [...new Set(types.map(providerTypeOf))].sort()) {
    const factory = await registry.load(provider);
    if (factory !== undefined) tables.push(factory.create().getSchema().resources);
  }
  return inventoryFactsOf(tables);
}
