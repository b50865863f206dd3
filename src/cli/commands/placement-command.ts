/**
 * `hl placement [--cpu-threshold PERCENT] [--memory-threshold PERCENT] [--json]`: the
 * balance of each cluster and the config changes that would relieve an overloaded node (see
 * engine/placement-operation.ts). A report, not a gate: exit 0 whatever the balance.
 */
import { placementOperation } from '../../engine/placement-operation.js';
import { printPlacementReport } from '../../render/placement-report.js';
import { printPlacementJson } from '../../render/placement-report-json.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { variableSources, workspaceOptions } from '../engine-options.js';
import { runProgressEvents, terminalEvents } from '../terminal-events.js';

export async function placementCommand(ctx: CommandContext): Promise<number> {
  const o = ctx.cmd.options;
  const result = await placementOperation(
    {
      workspace: workspaceOptions(ctx),
      config: o.config,
      variables: variableSources(ctx),
      thresholds: {
        ...(o.cpuThreshold !== undefined ? { cpu: o.cpuThreshold } : {}),
        ...(o.memoryThreshold !== undefined ? { memory: o.memoryThreshold } : {}),
      },
    },
    { ...terminalEvents(ctx.term), ...runProgressEvents(ctx.term, o.json) },
  );
  if (!result) return EXIT_ERROR;
  if (o.json) printPlacementJson(ctx.term, result.clusters);
  else printPlacementReport(ctx.term, result.clusters);
  return EXIT_OK;
}
