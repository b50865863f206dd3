/** `hl force-unlock ID`: removes a stuck state lock, only when its id matches. */
import { resolve } from 'node:path';
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { describeHolder, forceUnlock } from '../../state/state-lock.js';
import { EXIT_OK, type CommandContext } from '../command-context.js';

export async function forceUnlockCommand(ctx: CommandContext): Promise<number> {
  const id = ctx.cmd.args[0];
  if (!id || ctx.cmd.args.length > 1) throw new DiagnosticsError([error('Usage: hl force-unlock LOCK_ID', undefined, 'The id is printed in the "state is locked" message.')]);
  const holder = await forceUnlock(resolve(ctx.cmd.options.state), id);
  ctx.term.out(`Removed the state lock ${id} held by ${describeHolder(holder)}.\n`);
  return EXIT_OK;
}
