/** `hl graph [--format dot|mermaid]`: the resource dependency graph of the config. */
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { loadProject } from '../../engine/project.js';
import { renderGraph } from '../../render/graph-text.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { printDiagnostics } from '../diagnostics-output.js';
import { variableSources } from '../variable-sources.js';

export async function graphCommand(ctx: CommandContext): Promise<number> {
  const format = ctx.cmd.options.format ?? 'dot';
  if (format !== 'dot' && format !== 'mermaid') throw new DiagnosticsError([error(`Unknown --format "${format}"`, undefined, 'Use dot or mermaid.')]);
  const loaded = await loadProject(ctx.cmd.options.config, variableSources(ctx), { unsetVariablesUnknown: true });
  if (!loaded.project) {
    printDiagnostics(ctx.term, loaded.diagnostics, { files: loaded.files });
    return EXIT_ERROR;
  }
  ctx.term.out(renderGraph(loaded.project.graph.resourceDeps, format));
  return EXIT_OK;
}
