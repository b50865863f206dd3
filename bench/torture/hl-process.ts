/**
 * Runs the built `hl` executable as a real child process, as a user would, and judges its
 * output: a user-facing failure is a diagnostic and exit 1, never a stack trace or an
 * "internal error". Works from the compiled script (dist/bench/torture/) and from tests that
 * import this file from source (bench/torture/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  /** Peak resident memory of the process in MB, when `measureMemory` asked for it and it exited normally. */
  peakRssMb?: number;
}

export interface HlRunOptions {
  cwd: string;
  env?: Record<string, string>;
  input?: string;
  /** Kill the process (SIGKILL) when it runs longer; the result then has `timedOut`. */
  timeoutMs?: number;
  /**
   * Measure the process's peak resident memory (its own `process.resourceUsage().maxRSS`,
   * written at exit by a preloaded module) and cap its V8 heap at this many MB, so that a
   * runaway allocation ends the process instead of the machine.
   */
  measureMemory?: { heapCapMb: number };
}

/** The preloaded module that writes the process's peak RSS (KB) to $HL_PEAK_RSS_FILE at exit. */
function peakRssPreload(): string {
  const path = join(tmpdir(), `hl-peak-rss-${process.pid}.cjs`);
  if (!existsSync(path)) {
    writeFileSync(
      path,
      "process.on('exit', () => { try { require('fs').writeFileSync(process.env.HL_PEAK_RSS_FILE, String(process.resourceUsage().maxRSS)); } catch {} });\n",
    );
  }
  return path;
}

export function startHl(args: string[], opts: HlRunOptions): { child: ChildProcess; done: Promise<HlResult>; stdoutSoFar(): string } {
  assertBuilt();
  const bin = hlBin();
  const started = performance.now();
  const rssFile = opts.measureMemory ? join(tmpdir(), `hl-peak-rss-${process.pid}-${++rssRuns}.txt`) : undefined;
  const memoryEnv: Record<string, string> = opts.measureMemory
    ? { NODE_OPTIONS: `--require ${peakRssPreload()} --max-old-space-size=${opts.measureMemory.heapCapMb}`, HL_PEAK_RSS_FILE: rssFile! }
    : {};
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', NO_COLOR: '1', ...opts.env, ...memoryEnv },
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
  const timer =
    opts.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs);
  const done = new Promise<HlResult>((res) =>
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const peakRssMb = rssFile ? readPeakRss(rssFile) : undefined;
      res({
        code,
        signal,
        stdout,
        stderr,
        ms: performance.now() - started,
        ...(timedOut ? { timedOut } : {}),
        ...(peakRssMb !== undefined ? { peakRssMb } : {}),
      });
    }),
  );
  return { child, done, stdoutSoFar: () => stdout };
}

let rssRuns = 0;

function readPeakRss(file: string): number | undefined {
  try {
    const kb = Number(readFileSync(file, 'utf8'));
    rmSync(file, { force: true });
    return Number.isFinite(kb) ? Math.round(kb / 1024) : undefined;
  } catch {
    return undefined;
  }
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
