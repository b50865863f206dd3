/** `hl state list | show ADDRESS | rm ADDRESS | mv FROM TO`. */
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { didYouMean } from '../../core/suggest.js';
import { maskedResource } from '../../state/masked-resource.js';
import { EXIT_OK, type CommandContext } from '../command-context.js';
import { withWorkspace, type Workspace } from '../workspace.js';

export async function stateCommand(ctx: CommandContext): Promise<number> {
  const [sub, ...args] = ctx.cmd.args;
  const need = (n: number, usage: string): void => {
    if (args.length !== n) throw new DiagnosticsError([error(`Usage: hl state ${usage}`)]);
  };
  switch (sub) {
    case 'list':
      return withWorkspace(ctx, { operation: 'state list', write: false, lock: false }, async (ws) => {
        const filter = args[0];
        for (const r of ws.store.listResources()) if (!filter || r.address.startsWith(filter)) ctx.term.out(`${r.address}\n`);
        return EXIT_OK;
      });
    case 'show':
      need(1, 'show ADDRESS');
      return withWorkspace(ctx, { operation: 'state show', write: false, lock: false }, async (ws) => {
        const r = find(ws, args[0]!);
        const shown = maskedResource(r);
        if (ctx.cmd.options.json) {
          ctx.term.out(JSON.stringify(shown) + '\n');
          return EXIT_OK;
        }
        ctx.term.out(`# ${r.address} (id ${r.id}, provider ${r.provider}${r.status === 'tainted' ? ', tainted' : ''})\n${JSON.stringify(shown.attributes, null, 2)}\n`);
        // objects left by a create_before_destroy replacement; the next apply deletes them
        for (const d of shown.deposed ?? []) ctx.term.out(`\n# ${r.address} (deposed object ${d.key}, id ${d.id})\n${JSON.stringify(d.attributes, null, 2)}\n`);
        return EXIT_OK;
      });
    case 'rm':
      need(1, 'rm ADDRESS');
      return withWorkspace(ctx, { operation: 'state rm', write: true }, async (ws) => {
        find(ws, args[0]!);
        await ws.store.removeResource(args[0]!);
        await ws.store.checkpoint();
        ctx.term.out(`Removed ${args[0]} from state. The object itself was not touched.\n`);
        return EXIT_OK;
      });
    case 'mv':
      need(2, 'mv FROM TO');
      return withWorkspace(ctx, { operation: 'state mv', write: true }, async (ws) => {
        find(ws, args[0]!);
        await ws.store.moveResource(args[0]!, args[1]!);
        await ws.store.checkpoint();
        ctx.term.out(`Moved ${args[0]} to ${args[1]}.\n`);
        return EXIT_OK;
      });
    default:
      throw new DiagnosticsError([
        error(sub ? `Unknown state subcommand "${sub}"` : 'hl state needs a subcommand', undefined, 'Use one of: list, show ADDRESS, rm ADDRESS, mv FROM TO.'),
      ]);
  }
}

function find(ws: Workspace, address: string) {
  const r = ws.store.getResource(address);
  if (!r) {
    const s = didYouMean(address, ws.store.listResources().map((x) => x.address));
    throw new DiagnosticsError([error(`No resource ${address} in state`, undefined, s ? `Did you mean "${s}"?` : 'See "hl state list".')]);
  }
  return r;
}

