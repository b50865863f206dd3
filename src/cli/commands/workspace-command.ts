/** `hl workspace list | new NAME | select NAME | show | delete NAME [--force]`. */
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { deleteWorkspace, listWorkspaces, newWorkspace, selectWorkspace, showWorkspace } from '../../engine/workspace-operations.js';
import { printWorkspaceDeleted, printWorkspaceName, printWorkspaces, printWorkspaceSelected } from '../../render/workspace-view.js';
import { EXIT_OK, type CommandContext } from '../command-context.js';
import { workspaceOptions } from '../engine-options.js';
import { terminalEvents } from '../terminal-events.js';

const USAGE = 'Use one of: list, new NAME, select NAME, show, delete NAME [--force].';

export async function workspaceCommand(ctx: CommandContext): Promise<number> {
  const [sub, ...args] = ctx.cmd.args;
  const o = ctx.cmd.options;
  const usage = (n: number, text: string): void => {
    if (args.length !== n) throw new DiagnosticsError([error(`Usage: hl workspace ${text}`)]);
  };
  const only = (option: string, given: boolean, subs: string): void => {
    if (given) throw new DiagnosticsError([error(`Option "--${option}" applies only to "hl workspace ${subs}"`)]);
  };
  only('json', o.json && sub !== 'list', 'list');
  only('force', o.force && sub !== 'delete', 'delete');
  const ws = workspaceOptions(ctx);
  switch (sub) {
    case 'list':
      usage(0, 'list [--json]');
      printWorkspaces(ctx.term, await listWorkspaces(ws), { json: o.json });
      return EXIT_OK;
    case 'show':
      usage(0, 'show');
      printWorkspaceName(ctx.term, await showWorkspace(ws));
      return EXIT_OK;
    case 'new':
      usage(1, 'new NAME');
      printWorkspaceSelected(ctx.term, await newWorkspace(ws, args[0]!), true);
      return EXIT_OK;
    case 'select':
      usage(1, 'select NAME');
      printWorkspaceSelected(ctx.term, await selectWorkspace(ws, args[0]!), false);
      return EXIT_OK;
    case 'delete':
      usage(1, 'delete NAME [--force]');
      printWorkspaceDeleted(ctx.term, await deleteWorkspace(ws, terminalEvents(ctx.term), args[0]!, o.force));
      return EXIT_OK;
    default:
      throw new DiagnosticsError([
        error(sub ? `Unknown workspace subcommand "${sub}"` : 'hl workspace needs a subcommand', undefined, USAGE),
      ]);
  }
}
