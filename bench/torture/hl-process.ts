/**
 * Runs the built `hl` executable as a real child process, as a user would, and judges its
 * output: a user-facing failure is a diagnostic and exit 1, never a stack trace or an
 * "internal error". Works from the compiled script (dist/bench/torture/) and from tests that
 * import this file from source (bench/torture/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whether this module runs from `dist/bench/torture/` or `bench/torture/`. */
export function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = here.includes(`${sep}dist${sep}bench`);
  return resolve(here, compiled ? '../../..' : '../..');
}

export function hlBin(): string {
  return join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
}

/** Fails clearly when hl has not been built (npm test builds it first). */
export function assertBuilt(): void {
  if (!existsSync(hlBin())) throw new Error(`${hlBin()} is missing: run "npm run build" first`);
}

export interface HlResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time of the process, in ms. */
  ms: number;
  timedOut?: boolean;
}

export interface HlRunOptions {
  cwd: string;
  env?: Record<string, string>;
  input?: string;
  /** Kill the process (SIGKILL) when it runs longer; the result then has `timedOut`. */
  timeoutMs?: number;
}

export function startHl(args: string[], opts: HlRunOptions): { child: ChildProcess; done: Promise<HlResult>; stdoutSoFar(): string } {
  assertBuilt();
  const bin = hlBin();
  const started = performance.now();
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', NO_COLOR: '1', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin!.on('error', () => undefined); // a child that exits before reading its input
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  else child.stdin!.end();
  let timedOut = false;
  const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), opts.timeoutMs);
  const done = new Promise<HlResult>((res) =>
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      res({ code, signal, stdout, stderr, ms: performance.now() - started, ...(timedOut ? { timedOut } : {}) });
    }),
  );
  return { child, done, stdoutSoFar: () => stdout };
}

export function runHl(args: string[], opts: HlRunOptions): Promise<HlResult> {
  return startHl(args, opts).done;
}

/** What is wrong with how a run failed, if anything: it must be a clear error and exit 1. */
export function uncleanFailure(r: HlResult): string | undefined {
  const out = r.stdout + r.stderr;
  if (r.timedOut) return `did not finish within ${Math.round(r.ms / 1000)} s`;
  if (/\n\s+at /.test(out)) return 'a stack trace was printed';
  if (/internal error/i.test(out)) return `an internal error was reported: ${firstLine(out, /internal error/i)}`;
  if (r.signal) return `killed by ${r.signal}`;
  if (r.code !== 0 && r.code !== 1 && r.code !== 2) return `exit code ${r.code}`;
  if (r.code === 1 && !/Error/.test(r.stderr)) return `exit 1 without an error message: ${clip(r.stderr || r.stdout)}`;
  return undefined;
}

export function firstLine(text: string, match: RegExp): string {
  return clip(text.split('\n').find((l) => match.test(l)) ?? '');
}

export function clip(text: string, max = 300): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return t.length > max ? `${t.slice(0, max)}…` : t;
}
