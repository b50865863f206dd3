/** `hl state list | show ADDRESS | rm ADDRESS | mv FROM TO`. */
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { listStateAddresses, moveStateResource, removeStateResource, showStateResource } from '../../engine/state-operations.js';
import { printAddresses, printMoved, printRemoved, printStateResource } from '../../render/state-view.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { workspaceOptions } from '../engine-options.js';
import { terminalEvents } from '../terminal-events.js';

export async function stateCommand(ctx: CommandContext): Promise<number> {
  const [sub, ...args] = ctx.cmd.args;
  const need = (n: number, usage: string): void => {
    if (args.length !== n) throw new DiagnosticsError([error(`Usage: hl state ${usage}`)]);
  };
  const ws = workspaceOptions(ctx);
  const events = terminalEvents(ctx.term);
  switch (sub) {
    case 'list': {
      const addresses = await listStateAddresses(ws, events, args[0]);
      if (!addresses) return EXIT_ERROR;
      printAddresses(ctx.term, addresses);
      return EXIT_OK;
    }
    case 'show': {
      need(1, 'show ADDRESS');
      const shown = await showStateResource(ws, events, args[0]!);
      if (!shown) return EXIT_ERROR;
      printStateResource(ctx.term, shown, { json: ctx.cmd.options.json });
      return EXIT_OK;
    }
    case 'rm':
      need(1, 'rm ADDRESS');
      if (!(await removeStateResource(ws, events, args[0]!))) return EXIT_ERROR;
      printRemoved(ctx.term, args[0]!);
      return EXIT_OK;
    case 'mv':
      need(2, 'mv FROM TO');
      if (!(await moveStateResource(ws, events, args[0]!, args[1]!))) return EXIT_ERROR;
      printMoved(ctx.term, args[0]!, args[1]!);
      return EXIT_OK;
    default:
      throw new DiagnosticsError([
        error(
          sub ? `Unknown state subcommand "${sub}"` : 'hl state needs a subcommand',
          undefined,
          'Use one of: list, show ADDRESS, rm ADDRESS, mv FROM TO.',
        ),
      ]);
  }
}
