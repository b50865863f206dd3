/** `hl import ADDRESS ID`: reads an existing object through its provider into state. */
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { parseAddress } from '../../core/address.js';
import { loadProject } from '../../engine/project.js';
import type { ResourceState } from '../../state/state-types.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { printDiagnostics } from '../diagnostics-output.js';
import { variableSources } from '../variable-sources.js';
import { attachProviders, withWorkspace } from '../workspace.js';

export async function importCommand(ctx: CommandContext): Promise<number> {
  const [address, id] = ctx.cmd.args;
  if (!address || !id || ctx.cmd.args.length !== 2) throw new DiagnosticsError([error('Usage: hl import ADDRESS ID', undefined, 'Example: hl import proxmox_vm.opnsense pve/101')]);
  const addr = parseAddress(address);
  if (!addr || addr.mode !== 'managed') throw new DiagnosticsError([error(`Invalid address "${address}": expected type.name, type.name[0] or type.name["key"]`)]);
  const loaded = await loadProject(ctx.cmd.options.config, variableSources(ctx));
  if (!loaded.project) {
    printDiagnostics(ctx.term, loaded.diagnostics, { files: loaded.files });
    return EXIT_ERROR;
  }
  const project = loaded.project;
  const blockAddr = `${addr.type}.${addr.name}`;
  const block = project.config.resources.get(blockAddr);
  if (!block) {
    throw new DiagnosticsError([error(`${blockAddr} is not in the configuration`, undefined, `Add a "${blockAddr}" block first, so that hl knows how to manage what it imports.`)]);
  }
  return withWorkspace(ctx, { operation: 'import', write: true }, async (ws) => {
    if (ws.store.getResource(address)) throw new DiagnosticsError([error(`${address} is already in state`, undefined, 'Remove it first with "hl state rm" if you mean to re-import.')]);
    await attachProviders(ws, project, true);
    const provider = ws.session!.providers.get(block.provider)!;
    if (!provider.importResource) throw new DiagnosticsError([error(`Provider "${block.provider}" cannot import ${addr.type}`)]);
    const found = await provider.importResource({ type: addr.type, id });
    if (!found.resource) {
      const fmt = provider.getSchema().resources[addr.type]?.importIdFormat;
      throw new DiagnosticsError([error(`Cannot import ${address}: no ${addr.type} with id "${id}" exists`, undefined, fmt ? `Ids look like ${fmt}.` : undefined)]);
    }
    const schema = provider.getSchema().resources[addr.type];
    const resource: ResourceState = {
      address,
      mode: 'managed',
      type: addr.type,
      name: addr.name,
      index: addr.key,
      provider: block.provider,
      id: found.resource.id,
      attributes: found.resource.state,
      sensitivePaths: Object.entries(schema?.attributes ?? {}).filter(([, a]) => a.sensitive).map(([k]) => [k]),
      dependencies: project.graph.resourceDeps.get(blockAddr) ?? [],
      status: 'ready',
    };
    if (block.lifecycle.preventDestroy) resource.preventDestroy = true;
    await ws.store.setResource(resource);
    await ws.store.checkpoint();
    ctx.term.out(`Imported ${address} (id ${found.resource.id}). Run "hl plan" to see how it compares with the config.\n`);
    return EXIT_OK;
  });
}
