/** The engine's plain options as this command line gives them: variable sources, the workspace (state, lock, providers) and what a plan is made from. */
import type { PlanRunOptions } from '../engine/plan-in-workspace.js';
import type { VariableSources } from '../engine/project-variables.js';
import type { WorkspaceOptions } from '../engine/workspace.js';
import type { CommandContext } from './command-context.js';

export function variableSources(ctx: CommandContext): VariableSources {
  return { vars: ctx.cmd.options.vars, varFiles: ctx.cmd.options.varFiles, env: ctx.env };
}

export function workspaceOptions(ctx: CommandContext): WorkspaceOptions {
  const o = ctx.cmd.options;
  return {
    config: o.config,
    ...(o.state !== undefined ? { state: o.state } : {}),
    ...(o.backend !== undefined ? { backend: o.backend } : {}),
    env: ctx.env,
    cwd: process.cwd(),
    lock: o.lock,
    lockTimeoutMs: o.lockTimeoutMs,
    registry: ctx.providers,
    ...(ctx.log ? { log: ctx.log } : {}),
  };
}

/** What `hl plan`, `hl apply` and `hl destroy` make their plan from. */
export function planRunOptions(ctx: CommandContext): PlanRunOptions {
  const o = ctx.cmd.options;
  return {
    config: o.config,
    variables: variableSources(ctx),
    ...(o.policy !== undefined ? { policy: o.policy } : {}),
    targets: o.targets,
    replace: o.replace,
    refresh: o.refresh,
    parallelism: o.parallelism,
  };
}
