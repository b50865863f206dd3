/** `hl show [PLANFILE]`: a saved plan (human, --json, --format markdown) or the state. */
import { existsSync, readFileSync } from 'node:fs';
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { decodePlan } from '../../plan/plan-codec.js';
import { planToShowJson } from '../../render/plan-json.js';
import { renderPlanHuman } from '../../render/plan-human.js';
import { renderPlanMarkdown } from '../../render/plan-markdown.js';
import { EXIT_OK, type CommandContext } from '../command-context.js';
import { HL_VERSION } from '../../version.js';
import { withWorkspace } from '../workspace.js';
import { maskedResource } from '../../state/masked-resource.js';

export async function showCommand(ctx: CommandContext): Promise<number> {
  const file = ctx.cmd.args[0];
  const o = ctx.cmd.options;
  if (o.format !== undefined && o.format !== 'markdown' && o.format !== 'human' && o.format !== 'json') {
    throw new DiagnosticsError([error(`Unknown --format "${o.format}"`, undefined, 'Use markdown, json or human.')]);
  }
  if (file) {
    if (!existsSync(file)) throw new DiagnosticsError([error(`Plan file ${file} does not exist`)]);
    const decoded = decodePlan(readFileSync(file, 'utf8'), file);
    if (!decoded.plan) throw new DiagnosticsError(decoded.diagnostics);
    if (o.json || o.format === 'json') ctx.term.out(JSON.stringify(planToShowJson(decoded.plan, HL_VERSION)) + '\n');
    else if (o.format === 'markdown') ctx.term.out(renderPlanMarkdown(decoded.plan, decoded.plan.policyResults ? { policyResults: decoded.plan.policyResults } : {}));
    else ctx.term.out(renderPlanHuman(decoded.plan, { color: ctx.term.color }));
    return EXIT_OK;
  }
  return withWorkspace(ctx, { operation: 'show', write: false, lock: false }, async (ws) => {
    const resources = ws.store.listResources().map(maskedResource);
    if (o.json || o.format === 'json') {
      const outputs = Object.fromEntries(Object.entries(ws.store.outputs).map(([k, v]) => [k, { ...v, value: v.sensitive ? null : v.value }]));
      ctx.term.out(JSON.stringify({ lineage: ws.store.lineage, serial: ws.store.serial, resources, outputs }) + '\n');
      return EXIT_OK;
    }
    if (resources.length === 0) ctx.term.out('The state is empty.\n');
    for (const r of resources) ctx.term.out(`# ${r.address} (id ${r.id})\n${JSON.stringify(r.attributes, null, 2)}\n\n`);
    return EXIT_OK;
  });
}
