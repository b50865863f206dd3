/** `hl show [PLANFILE]`: a saved plan (human, --json, --format markdown) or the state. */
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { showPlanFile, showState } from '../../engine/show-operation.js';
import { printSavedPlan } from '../../render/plan-view.js';
import { printState } from '../../render/state-view.js';
import { HL_VERSION } from '../../version.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { workspaceOptions } from '../engine-options.js';
import { terminalEvents } from '../terminal-events.js';

export async function showCommand(ctx: CommandContext): Promise<number> {
  const file = ctx.cmd.args[0];
  const o = ctx.cmd.options;
  if (o.format !== undefined && o.format !== 'markdown' && o.format !== 'human' && o.format !== 'json') {
    throw new DiagnosticsError([error(`Unknown --format "${o.format}"`, undefined, 'Use markdown, json or human.')]);
  }
  const json = o.json || o.format === 'json';
  if (file) {
    const saved = showPlanFile(file);
    printSavedPlan(ctx.term, saved.plan, {
      format: json ? 'json' : o.format === 'markdown' ? 'markdown' : 'human',
      hlVersion: HL_VERSION,
      ...(saved.config ? { config: saved.config } : {}),
    });
    return EXIT_OK;
  }
  const state = await showState(workspaceOptions(ctx), terminalEvents(ctx.term));
  if (!state) return EXIT_ERROR;
  printState(ctx.term, state, { json });
  return EXIT_OK;
}
