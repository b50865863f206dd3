/** `hl import ADDRESS ID`: reads an existing object through its provider into state (see engine/import-operation.ts). */
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { importOperation } from '../../engine/import-operation.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { variableSources, workspaceOptions } from '../engine-options.js';
import { terminalEvents } from '../terminal-events.js';

export async function importCommand(ctx: CommandContext): Promise<number> {
  const [typed, id] = ctx.cmd.args;
  if (!typed || !id || ctx.cmd.args.length !== 2)
    throw new DiagnosticsError([error('Usage: hl import ADDRESS ID', undefined, 'Example: hl import proxmox_vm.opnsense pve/101')]);
  const r = await importOperation(
    { workspace: workspaceOptions(ctx), config: ctx.cmd.options.config, variables: variableSources(ctx), address: typed, id },
    terminalEvents(ctx.term),
  );
  if (!r) return EXIT_ERROR;
  ctx.term.out(`Imported ${r.address} (id ${r.id}). Run "hl plan" to see how it compares with the config.\n`);
  return EXIT_OK;
}
