/** `hl force-unlock ID`: removes a stuck state lock, only when its id matches. */
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { forceUnlockOperation } from '../../engine/force-unlock-operation.js';
import { printUnlocked } from '../../render/lock-messages.js';
import { workspaceOptions } from '../engine-options.js';
import { EXIT_OK, type CommandContext } from '../command-context.js';

export async function forceUnlockCommand(ctx: CommandContext): Promise<number> {
  const id = ctx.cmd.args[0];
  if (!id || ctx.cmd.args.length > 1)
    throw new DiagnosticsError([error('Usage: hl force-unlock LOCK_ID', undefined, 'The id is printed in the "state is locked" message.')]);
  printUnlocked(ctx.term, id, await forceUnlockOperation(workspaceOptions(ctx), id));
  return EXIT_OK;
}
