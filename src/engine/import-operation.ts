/**
 * `import ADDRESS ID`: reads an existing object through its provider into state. The address
 * must be one the config declares (see import-address.ts: its block, and an instance key its
 * count or for_each produces), and the object must not be managed at another address.
 */
import { resourceStateEntry } from '../apply/resource-state-entry.js';
import { blockAddress, formatAddress, parseAddress } from '../core/address.js';
import { DiagnosticsError, error } from '../core/diagnostic.js';
import { secretPaths } from '../core/secret-paths.js';
import type { Attributes } from '../core/value.js';
import { ProviderError, type ImportResponse, type Provider } from '../provider/contract.js';
import { retryProviderCall } from '../provider/retry-provider-call.js';
import type { EngineEvents } from './engine-events.js';
import { checkImportAddress, managedElsewhere, managedElsewhereError } from './import-address.js';
import { loadProject, type Project } from './project.js';
import type { VariableSources } from './project-variables.js';
import { unreachableDiagnostic } from './unreachable-provider.js';
import { attachProviders, withWorkspace, type WorkspaceOptions } from './workspace.js';

export interface ImportOptions {
  workspace: WorkspaceOptions;
  config: string;
  variables: VariableSources;
  /** The address as typed, e.g. `proxmox_vm.opnsense` or `proxmox_vm.k3s["pve"]`. */
  address: string;
  /** The object's id at its provider, e.g. `pve/101`. */
  id: string;
}

/** The address imported and the object's id; undefined when it stopped at an error (reported). */
export async function importOperation(opts: ImportOptions, events: EngineEvents): Promise<{ address: string; id: string } | undefined> {
  const { id } = opts;
  const addr = parseAddress(opts.address);
  if (addr?.mode !== 'managed')
    throw new DiagnosticsError([error(`Invalid address "${opts.address}": expected type.name, type.name[0] or type.name["key"]`)]);
  const loaded = await loadProject(opts.config, opts.variables);
  if (!loaded.project) {
    events.diagnostics(loaded.diagnostics, { files: loaded.files });
    return undefined;
  }
  const project = loaded.project;
  const blockAddr = blockAddress({ ...addr, mode: 'managed' });
  const address = formatAddress(addr);
  return withWorkspace(opts.workspace, events, { operation: 'import', write: true }, async (ws) => {
    // the address must be one the config declares, and the object not managed elsewhere
    const checked = checkImportAddress(project, ws.store.state, addr);
    if (!checked.block) {
      events.diagnostics(checked.diagnostics, { files: loaded.files, redact: ws.redact });
      return undefined;
    }
    const block = checked.block;
    if (ws.store.getResource(address))
      throw new DiagnosticsError([
        error(`${address} is already in state`, undefined, 'Remove it first with "hl state rm" if you mean to re-import.'),
      ]);
    const before = managedElsewhere(ws.store.state, addr.type, id, address);
    if (before) throw new DiagnosticsError([managedElsewhereError(address, before, id)]);
    await attachProviders(ws, project, true);
    const provider = ws.session!.providers.get(block.provider)!;
    if (!provider.importResource) throw new DiagnosticsError([error(`Provider "${block.provider}" cannot import ${addr.type}`)]);
    const found = await importFrom(provider, block.provider, addr.type, id, address, project, ws.session!.configs.get(block.provider));
    if (!found.resource) {
      const fmt = provider.getSchema().resources[addr.type]?.importIdFormat;
      throw new DiagnosticsError([
        error(`Cannot import ${address}: no ${addr.type} with id "${id}" exists`, undefined, fmt ? `Ids look like ${fmt}.` : undefined),
      ]);
    }
    const elsewhere = managedElsewhere(ws.store.state, addr.type, found.resource.id, address);
    if (elsewhere) throw new DiagnosticsError([managedElsewhereError(address, elsewhere, found.resource.id)]);
    const schema = provider.getSchema().resources[addr.type];
    const schemaSensitive = Object.entries(schema?.attributes ?? {})
      .filter(([, a]) => a.sensitive)
      .map(([k]) => [k]);
    // attributes holding a secret of the config (a sensitive variable's value) are sensitive too
    const holding = secretPaths(found.resource.state, ws.redact.holdsSecret).filter((p) => !schemaSensitive.some((s) => s[0] === p[0]));
    const origin = {
      address,
      module: addr.module,
      mode: 'managed' as const,
      type: addr.type,
      name: addr.name,
      index: addr.key,
      provider: block.provider,
      dependencies: project.graph.resourceDeps.get(blockAddr) ?? [],
      preventDestroy: block.lifecycle.preventDestroy,
    };
    await ws.store.setResource(resourceStateEntry(origin, found.resource.id, found.resource.state, [...schemaSensitive, ...holding]));
    await ws.store.checkpoint();
    return { address, id: found.resource.id };
  });
}

/**
 * Reads the object through the provider, retrying transient failures as every read does; a
 * provider failure (unreachable, TLS, authentication) is reported as plan reports it, located
 * at the provider block, never as a bug in hl.
 */
async function importFrom(
  provider: Provider,
  key: string,
  type: string,
  id: string,
  address: string,
  project: Project,
  providerConfig: Attributes | undefined,
): Promise<ImportResponse> {
  try {
    return await retryProviderCall('read', () => provider.importResource!({ type, id }));
  } catch (e) {
    if (!(e instanceof ProviderError)) throw e;
    const block = project.config.providers.get(key);
    if (e.options.unreachable)
      throw new DiagnosticsError([unreachableDiagnostic(key, e, block?.loc, providerConfig, `${address} could not be imported`)]);
    throw new DiagnosticsError([error(`Cannot import ${address}: provider "${key}" failed: ${e.message}`, block?.loc)]);
  }
}
