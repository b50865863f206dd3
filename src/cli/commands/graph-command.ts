/** `hl graph [--format dot|mermaid]`: the resource dependency graph of the config. */
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { graphOperation } from '../../engine/graph-operation.js';
import { printDiagnostics } from '../../render/diagnostics-output.js';
import { renderGraph } from '../../render/graph-text.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { variableSources } from '../engine-options.js';

export async function graphCommand(ctx: CommandContext): Promise<number> {
  const format = ctx.cmd.options.format ?? 'dot';
  if (format !== 'dot' && format !== 'mermaid')
    throw new DiagnosticsError([error(`Unknown --format "${format}"`, undefined, 'Use dot or mermaid.')]);
  const r = await graphOperation({ config: ctx.cmd.options.config, variables: variableSources(ctx) });
  if (!r.resourceDeps) {
    printDiagnostics(ctx.term, r.diagnostics, { files: r.files });
    return EXIT_ERROR;
  }
  ctx.term.out(renderGraph(r.resourceDeps, format));
  return EXIT_OK;
}
