/** Collects where variable values come from on this command line. */
import type { VariableSources } from '../engine/project-variables.js';
import type { CommandContext } from './command-context.js';

export function variableSources(ctx: CommandContext): VariableSources {
  return { vars: ctx.cmd.options.vars, varFiles: ctx.cmd.options.varFiles, env: ctx.env };
}
