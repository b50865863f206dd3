/** `hl validate`: every check that needs no remote system (see engine/validate-project.ts). */
import { hasErrors } from '../../core/diagnostic.js';
import { validateProject } from '../../engine/validate-project.js';
import { printValidation } from '../../render/validate-view.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { variableSources } from '../engine-options.js';

export async function validateCommand(ctx: CommandContext): Promise<number> {
  const r = await validateProject(ctx.cmd.options.config, variableSources(ctx), ctx.providers);
  const ok = !hasErrors(r.diagnostics);
  printValidation(ctx.term, r, ok, { json: ctx.cmd.options.json });
  return ok ? EXIT_OK : EXIT_ERROR;
}
