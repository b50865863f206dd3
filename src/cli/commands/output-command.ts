/** `hl output [NAME] [-json] [-raw NAME]`: outputs recorded in state. */
import { error } from '../../core/diagnostic.js';
import { readOutputs } from '../../engine/output-operation.js';
import { printDiagnostics } from '../../render/diagnostics-output.js';
import { printOutput, printOutputs, rawOutput } from '../../render/outputs-view.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { workspaceOptions } from '../engine-options.js';
import { terminalEvents } from '../terminal-events.js';

export async function outputCommand(ctx: CommandContext): Promise<number> {
  const { options, args } = ctx.cmd;
  const name = args[0];
  if (args.length > 1) {
    printDiagnostics(ctx.term, [error(`"hl output" takes at most one output name, but was given ${args.length}`)]);
    return EXIT_ERROR;
  }
  if (options.raw && (name === undefined || options.json)) {
    const why = name === undefined ? 'Write hl output -raw NAME.' : 'Use one of -raw and -json.';
    printDiagnostics(ctx.term, [
      error(name === undefined ? 'Option "-raw" needs an output name' : '-raw and -json cannot be used together', undefined, why),
    ]);
    return EXIT_ERROR;
  }
  const r = await readOutputs(workspaceOptions(ctx), terminalEvents(ctx.term), name);
  if (!r) return EXIT_ERROR;
  if (r.kind === 'one' && options.raw) {
    const raw = rawOutput(name!, r.output);
    if ('diagnostic' in raw) {
      printDiagnostics(ctx.term, [raw.diagnostic]);
      return EXIT_ERROR;
    }
    ctx.term.out(raw.text);
  } else if (r.kind === 'one') printOutput(ctx.term, r.output, { json: options.json });
  else printOutputs(ctx.term, r.outputs, { json: options.json });
  return EXIT_OK;
}
