/** `hl output [NAME] [--json]`: outputs recorded in state. */
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { didYouMean } from '../../core/suggest.js';
import { EXIT_OK, type CommandContext } from '../command-context.js';
import { withWorkspace } from '../workspace.js';

export async function outputCommand(ctx: CommandContext): Promise<number> {
  const name = ctx.cmd.args[0];
  return withWorkspace(ctx, { operation: 'output', write: false, lock: false }, async (ws) => {
    const outputs = ws.store.outputs;
    if (name !== undefined) {
      const o = outputs[name];
      if (!o) {
        const s = didYouMean(name, Object.keys(outputs));
        throw new DiagnosticsError([error(`No output "${name}" in state`, undefined, s ? `Did you mean "${s}"?` : 'Outputs are recorded by "hl apply".')]);
      }
      // Asking for one output by name with --json is how scripts read a secret: show it.
      if (ctx.cmd.options.json) ctx.term.out(JSON.stringify(o.value) + '\n');
      else ctx.term.out((o.sensitive ? '(sensitive value)' : typeof o.value === 'string' ? o.value : JSON.stringify(o.value, null, 2)) + '\n');
      return EXIT_OK;
    }
    if (ctx.cmd.options.json) {
      const out: Record<string, unknown> = {};
      for (const [k, o] of Object.entries(outputs)) out[k] = { sensitive: o.sensitive, value: o.sensitive ? null : o.value };
      ctx.term.out(JSON.stringify(out) + '\n');
    } else {
      for (const k of Object.keys(outputs).sort()) {
        const o = outputs[k]!;
        ctx.term.out(`${k} = ${o.sensitive ? '(sensitive value)' : JSON.stringify(o.value)}\n`);
      }
    }
    return EXIT_OK;
  });
}
