/**
 * File functions. Files are read only through `ctx.readFile` (injected by the edge);
 * relative paths are taken from `ctx.paths.root`. The reader refuses what is not a regular
 * file, or is larger than MAX_FILE_BYTES, or is not UTF-8, by throwing a `FileProblem`.
 */
import { isAbsolute, join } from 'node:path';
import type { EvalContext } from '../eval-context.js';
import { FileProblem } from '../file-problem.js';
import { fail, type FunctionDef } from '../function-types.js';

const pathParam = { name: 'path', type: 'string' as const };

export function resolveConfigPath(ctx: EvalContext, path: string): string {
  return isAbsolute(path) ? path : join(ctx.paths.root, path);
}

function shownPath(path: string, resolved: string): string {
  return `${JSON.stringify(path)}${resolved !== path ? ` (${resolved})` : ''}`;
}

/** Reads a file for a function, failing with a message that names the path. */
export function readConfigFile(ctx: EvalContext, path: string, argIndex: number): string {
  if (!ctx.readFile) return fail('reading files is not available in this context', argIndex);
  const resolved = resolveConfigPath(ctx, path);
  let text: string | undefined;
  try {
    text = ctx.readFile(resolved);
  } catch (e) {
    if (e instanceof FileProblem) fail(`cannot read ${shownPath(path, resolved)}: ${e.reason}`, argIndex);
    throw e;
  }
  if (text === undefined) fail(`no file exists at ${shownPath(path, resolved)}`, argIndex);
  return text;
}

function fileExists(ctx: EvalContext, path: string): boolean {
  if (!ctx.readFile) return false;
  const resolved = resolveConfigPath(ctx, path);
  try {
    return ctx.readFile(resolved) !== undefined;
  } catch (e) {
    if (!(e instanceof FileProblem)) throw e;
    // A file that exists but is too large or not text still exists; a directory or a device is not a file.
    if (e.kind === 'too-large' || e.kind === 'not-utf8') return true;
    return fail(`cannot check ${shownPath(path, resolved)}: ${e.reason}`, 0);
  }
}

export const FILE_FUNCTIONS: Record<string, FunctionDef> = {
  file: { params: [pathParam], body: (args, call) => readConfigFile(call.ctx, args[0] as string, 0) },
  fileexists: { params: [pathParam], body: (args, call) => fileExists(call.ctx, args[0] as string) },
};
