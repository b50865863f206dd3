/** `hl output [NAME] [--json]`: outputs recorded in state. */
import { readOutputs } from '../../engine/output-operation.js';
import { printOutput, printOutputs } from '../../render/outputs-view.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { workspaceOptions } from '../engine-options.js';
import { terminalEvents } from '../terminal-events.js';

export async function outputCommand(ctx: CommandContext): Promise<number> {
  const r = await readOutputs(workspaceOptions(ctx), terminalEvents(ctx.term), ctx.cmd.args[0]);
  if (!r) return EXIT_ERROR;
  if (r.kind === 'one') printOutput(ctx.term, r.output, { json: ctx.cmd.options.json });
  else printOutputs(ctx.term, r.outputs, { json: ctx.cmd.options.json });
  return EXIT_OK;
}
