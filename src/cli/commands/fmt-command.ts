/**
 * `hl fmt [-check] [-diff] [-recursive] [PATH...]`: rewrites config files in canonical layout
 * and lists those it changed; with -check writes nothing, lists the files not in canonical
 * layout and exits 3 when there is one (as terraform fmt -check); -diff prints a unified
 * diff of each.
 */
import { hasErrors } from '../../core/diagnostic.js';
import { formatFiles } from '../../engine/fmt-operation.js';
import { printDiagnostics } from '../../render/diagnostics-output.js';
import { printFmtResult } from '../../render/fmt-view.js';
import { EXIT_ERROR, EXIT_OK, EXIT_POLICY, type CommandContext } from '../command-context.js';

/** terraform fmt -check's exit code when a file is not formatted. */
const EXIT_NOT_FORMATTED = EXIT_POLICY;

export async function fmtCommand(ctx: CommandContext): Promise<number> {
  const o = ctx.cmd.options;
  const r = await formatFiles({ paths: ctx.cmd.args, check: o.check, recursive: o.recursive });
  printFmtResult(ctx.term, r.changed, { diff: o.diff });
  printDiagnostics(ctx.term, r.diagnostics);
  if (hasErrors(r.diagnostics)) return EXIT_ERROR;
  return o.check && r.changed.length > 0 ? EXIT_NOT_FORMATTED : EXIT_OK;
}
