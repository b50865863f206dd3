/**
 * `hl validate`: every check that needs no remote system (see engine/validate-project.ts).
 * The JSON-lines view is loaded only for --json (eight modules the text view does without).
 */
import { hasErrors } from '../../core/diagnostic.js';
import { validateProject } from '../../engine/validate-project.js';
import { printValidation } from '../../render/validate-view.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { variableSources } from '../engine-options.js';

export async function validateCommand(ctx: CommandContext): Promise<number> {
  if (ctx.cmd.options.json) {
    const { withJsonUi } = await import('../json-ui.js');
    return withJsonUi(ctx, async (ui) => {
      const r = await validateProject(ctx.cmd.options.config, variableSources(ctx), ctx.providers);
      ui.validated(r);
      return hasErrors(r.diagnostics) ? EXIT_ERROR : EXIT_OK;
    });
  }
  const r = await validateProject(ctx.cmd.options.config, variableSources(ctx), ctx.providers);
  const ok = !hasErrors(r.diagnostics);
  printValidation(ctx.term, r, ok);
  return ok ? EXIT_OK : EXIT_ERROR;
}
