/** The engine's plain options as this command line gives them: variable sources and the workspace (state, lock, providers). */
import type { VariableSources } from '../engine/project-variables.js';
import type { WorkspaceOptions } from '../engine/workspace.js';
import type { CommandContext } from './command-context.js';

export function variableSources(ctx: CommandContext): VariableSources {
  return { vars: ctx.cmd.options.vars, varFiles: ctx.cmd.options.varFiles, env: ctx.env };
}

export function workspaceOptions(ctx: CommandContext): WorkspaceOptions {
  const o = ctx.cmd.options;
  return { state: o.state, lock: o.lock, lockTimeoutMs: o.lockTimeoutMs, registry: ctx.providers };
}
