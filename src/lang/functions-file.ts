/**
 * File functions. Files are read only through `ctx.readFile` (injected by the edge);
 * relative paths are taken from `ctx.paths.root`.
 */
import { isAbsolute, join } from 'node:path';
import type { EvalContext } from './eval-context.js';
import { fail, type FunctionDef } from './function-types.js';

const pathParam = { name: 'path', type: 'string' as const };

export function resolveConfigPath(ctx: EvalContext, path: string): string {
  return isAbsolute(path) ? path : join(ctx.paths.root, path);
}

/** Reads a file for a function, failing with a message that names the path. */
export function readConfigFile(ctx: EvalContext, path: string, argIndex: number): string {
  if (!ctx.readFile) return fail('reading files is not available in this context', argIndex);
  const resolved = resolveConfigPath(ctx, path);
  const text = ctx.readFile(resolved);
  if (text === undefined) fail(`no file exists at ${JSON.stringify(path)}${resolved !== path ? ` (${resolved})` : ''}`, argIndex);
  return text;
}

export const FILE_FUNCTIONS: Record<string, FunctionDef> = {
  file: { params: [pathParam], body: (args, call) => readConfigFile(call.ctx, args[0] as string, 0) },
  fileexists: {
    params: [pathParam],
    body: (args, call) => call.ctx.readFile !== undefined && call.ctx.readFile(resolveConfigPath(call.ctx, args[0] as string)) !== undefined,
  },
};
