/**
 * `hl docs [--out FILE] [--refresh=false]`: inventory documentation as Markdown, from the
 * state and (unless --refresh=false) a live read of every resource (see engine/docs-operation.ts).
 */
import { writeFileSync } from 'node:fs';
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { docsOperation } from '../../engine/docs-operation.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { variableSources, workspaceOptions } from '../engine-options.js';
import { terminalEvents } from '../terminal-events.js';

export async function docsCommand(ctx: CommandContext): Promise<number> {
  const o = ctx.cmd.options;
  if (ctx.cmd.args.length > 0)
    throw new DiagnosticsError([error('hl docs takes no arguments', undefined, 'Use --out FILE to write the page to a file.')]);
  const page = await docsOperation(
    { workspace: workspaceOptions(ctx), config: o.config, variables: variableSources(ctx), refresh: o.refresh, parallelism: o.parallelism },
    terminalEvents(ctx.term),
  );
  if (page === undefined) return EXIT_ERROR;
  if (o.out !== undefined) {
    writeFileSync(o.out, page);
    ctx.term.err(`Wrote the inventory to ${o.out}.\n`);
  } else {
    ctx.term.out(page);
  }
  return EXIT_OK;
}
