/**
 * `hl state list | show ADDRESS | show --serial N [ADDRESS] | rm ADDRESS | mv FROM TO |
 * pull | push FILE [--force] | history [--json] | migrate --to file|pg [--force]`.
 */
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { stateHistory, stateVersionResource, stateVersionText } from '../../engine/state-history-operation.js';
import { migrateState } from '../../engine/state-migrate-operation.js';
import { listStateAddresses, moveStateResource, removeStateResource, showStateResource } from '../../engine/state-operations.js';
import { pullState } from '../../engine/state-pull-operation.js';
import { pushState } from '../../engine/state-push-operation.js';
import { printHistory, printMigrated, printPulledState, printPushed, printStateText } from '../../render/state-transfer-view.js';
import { printAddresses, printMoved, printRemoved, printStateResource } from '../../render/state-view.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { workspaceOptions } from '../engine-options.js';
import { terminalEvents } from '../terminal-events.js';

const SUBCOMMANDS = 'list, show ADDRESS, show --serial N [ADDRESS], rm ADDRESS, mv FROM TO, pull, push FILE, history, migrate --to file|pg';

export async function stateCommand(ctx: CommandContext): Promise<number> {
  const [sub, ...args] = ctx.cmd.args;
  const o = ctx.cmd.options;
  const need = (n: number, usage: string): void => {
    if (args.length !== n) throw new DiagnosticsError([error(`Usage: hl state ${usage}`)]);
  };
  const only = (option: string, given: boolean, subs: string[]): void => {
    if (given && !subs.includes(sub ?? ''))
      throw new DiagnosticsError([error(`Option "--${option}" applies only to "hl state ${subs.join('" and "hl state ')}"`)]);
  };
  only('force', o.force, ['push', 'migrate']);
  only('to', o.to !== undefined, ['migrate']);
  only('serial', o.serial !== undefined, ['show']);
  const ws = workspaceOptions(ctx);
  const events = terminalEvents(ctx.term);
  switch (sub) {
    case 'list': {
      const addresses = await listStateAddresses(ws, events, args[0]);
      if (!addresses) return EXIT_ERROR;
      printAddresses(ctx.term, addresses, { json: o.json });
      return EXIT_OK;
    }
    case 'show': {
      if (o.serial !== undefined) {
        if (args.length > 1) throw new DiagnosticsError([error('Usage: hl state show --serial N [ADDRESS]')]);
        if (args[0] === undefined) printStateText(ctx.term, await stateVersionText(ws, o.serial));
        else printStateResource(ctx.term, await stateVersionResource(ws, o.serial, args[0]), { json: o.json });
        return EXIT_OK;
      }
      need(1, 'show ADDRESS');
      const shown = await showStateResource(ws, events, args[0]!);
      if (!shown) return EXIT_ERROR;
      printStateResource(ctx.term, shown, { json: o.json });
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
    case 'pull': {
      need(0, 'pull');
      const pulled = await pullState(ws, events);
      if (!pulled) return EXIT_ERROR;
      printPulledState(ctx.term, pulled);
      return EXIT_OK;
    }
    case 'push':
      need(1, 'push FILE [--force]');
      printPushed(ctx.term, await pushState(ws, events, args[0]!, o.force));
      return EXIT_OK;
    case 'history':
      need(0, 'history [--json]');
      printHistory(ctx.term, await stateHistory(ws), { json: o.json });
      return EXIT_OK;
    case 'migrate':
      need(0, 'migrate --to file|pg [--force]');
      if (o.to === undefined)
        throw new DiagnosticsError([
          error(
            'hl state migrate needs --to file or --to pg',
            undefined,
            'It copies the state from the backend this run uses to the one --to names.',
          ),
        ]);
      printMigrated(ctx.term, await migrateState(ws, events, o.to, o.force));
      return EXIT_OK;
    default:
      throw new DiagnosticsError([
        error(sub ? `Unknown state subcommand "${sub}"` : 'hl state needs a subcommand', undefined, `Use one of: ${SUBCOMMANDS}.`),
      ]);
  }
}
