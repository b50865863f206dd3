/** Runs the built `hl` executable as a real child process, as a user would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const HL_BIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(HL_BIN)) throw new Error(`${HL_BIN} is missing: run "npm run build" (npm test does it first)`);
}

export interface HlResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startHl(
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; input?: string },
): { child: ChildProcess; done: Promise<HlResult>; stdoutSoFar(): string } {
  assertBuilt();
  const child = spawn(process.execPath, [HL_BIN, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', NO_COLOR: '1', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  else child.stdin!.end();
  const done = new Promise<HlResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, stdoutSoFar: () => stdout };
}

export function runHl(args: string[], opts: { cwd: string; env?: Record<string, string>; input?: string }): Promise<HlResult> {
  return startHl(args, opts).done;
}
