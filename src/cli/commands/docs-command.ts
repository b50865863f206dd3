/**
 * `hl docs [--out FILE] [--refresh=false]`: inventory documentation as Markdown, from the
 * state and (unless --refresh=false) a live read of every resource. Only reads: state is
 * not written. A resource whose read fails is documented from state, with a warning.
 */
import { writeFileSync } from 'node:fs';
import { DiagnosticsError, error, warning } from '../../core/diagnostic.js';
import type { Attributes } from '../../core/value.js';
import { inventoryResources } from '../../docs/inventory-resource.js';
import { renderInventoryMarkdown } from '../../docs/inventory-markdown.js';
import { loadProject } from '../../engine/project.js';
import { refreshState } from '../../engine/refresh.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { printDiagnostics } from '../diagnostics-output.js';
import { variableSources } from '../variable-sources.js';
import { attachProviders, withWorkspace } from '../workspace.js';

export async function docsCommand(ctx: CommandContext): Promise<number> {
  const o = ctx.cmd.options;
  if (ctx.cmd.args.length > 0) throw new DiagnosticsError([error('hl docs takes no arguments', undefined, 'Use --out FILE to write the page to a file.')]);
  return withWorkspace(ctx, { operation: 'docs', write: false, lock: false }, async (ws) => {
    let live: Map<string, Attributes | null> | undefined;
    if (o.refresh) {
      const loaded = await loadProject(o.config, variableSources(ctx));
      if (!loaded.project) {
        printDiagnostics(ctx.term, loaded.diagnostics, { files: loaded.files });
        return EXIT_ERROR;
      }
      await attachProviders(ws, loaded.project, false);
      const r = await refreshState(ws.store.state, ws.session!.providers, { parallelism: o.parallelism });
      const failures = r.diagnostics.map((d) => warning(d.summary, d.location, 'Documented from the state instead.'));
      printDiagnostics(ctx.term, [...ws.diagnostics.splice(0), ...failures], { files: loaded.project.files, redact: ws.redact });
      live = r.refreshed;
    }
    const page = ws.redact(renderInventoryMarkdown(inventoryResources(ws.store.state, live), { live: live !== undefined }));
    if (o.out !== undefined) {
      writeFileSync(o.out, page);
      ctx.term.err(`Wrote the inventory to ${o.out}.\n`);
    } else {
      ctx.term.out(page);
    }
    return EXIT_OK;
  });
}
