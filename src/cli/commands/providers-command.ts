/** `hl providers [-json]`: the provider instances of the config, emulated or real, with their endpoints and resource counts. */
import { listProviderInstances } from '../../engine/providers-operation.js';
import { printProviders } from '../../render/providers-view.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { variableSources, workspaceOptions } from '../engine-options.js';
import { terminalEvents } from '../terminal-events.js';

export async function providersCommand(ctx: CommandContext): Promise<number> {
  const rows = await listProviderInstances(workspaceOptions(ctx), terminalEvents(ctx.term), variableSources(ctx));
  if (!rows) return EXIT_ERROR;
  printProviders(ctx.term, rows, { json: ctx.cmd.options.json });
  return EXIT_OK;
}
