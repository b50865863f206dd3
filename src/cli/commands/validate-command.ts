/** `hl validate`: every check that needs no remote system (see engine/validate-project.ts). */
import { hasErrors } from '../../core/diagnostic.js';
import { builtinProviders } from '../../engine/provider-registry.js';
import { validateProject } from '../../engine/validate-project.js';
import { diagnosticsToJson } from '../../render/diagnostic-json.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { printDiagnostics } from '../diagnostics-output.js';
import { variableSources } from '../variable-sources.js';

export async function validateCommand(ctx: CommandContext): Promise<number> {
  const { files, diagnostics } = await validateProject(ctx.cmd.options.config, variableSources(ctx), builtinProviders());
  const ok = !hasErrors(diagnostics);
  if (ctx.cmd.options.json) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    ctx.term.out(JSON.stringify({ format_version: '1.0', valid: ok, error_count: errors, diagnostics: diagnosticsToJson(diagnostics) }) + '\n');
  } else {
    printDiagnostics(ctx.term, diagnostics, { files });
    if (ok) ctx.term.out('Success! The configuration is valid.\n');
  }
  return ok ? EXIT_OK : EXIT_ERROR;
}
