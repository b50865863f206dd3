/**
 * hl as a benchmark runs it: the built CLI in a child process of its own (so its peak RSS and
 * CPU time are its own, and one run's heap does not weigh on the next), with a preload that
 * reports the child's peak RSS and CPU time from `process.resourceUsage()` at exit.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const HL = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

export interface HlRun {
  code: number | null;
  /** Wall time from spawn to exit. */
  ms: number;
  /** CPU time of the child (user + system), which the machine's load moves less than wall time; NaN without the preload. */
  cpuMs: number;
  /** The child's peak RSS; NaN without the preload. */
  peakRssMb: number;
  stdout: string;
  stderr: string;
}

/** Writes the preload that reports peak RSS (KB) and CPU time (µs, user + system) at exit; returns its path. */
export function writePeakRssPreload(dir: string): string {
  const preload = join(dir, 'peak-rss.mjs');
  const report =
    'const u = process.resourceUsage(); process.stderr.write(`\\nHL_PEAK_RSS_KB=${u.maxRSS} HL_CPU_US=${u.userCPUTime + u.systemCPUTime}\\n`);';
  writeFileSync(preload, `process.on('exit', () => { ${report} });\n`);
  return preload;
}

/** Runs `hl ARGS` in `cwd`; with `preload` (writePeakRssPreload), its figures are read back. `nodeArgs` go first (e.g. `--cpu-prof`). */
export function runHlChild(args: string[], cwd: string, preload?: string, nodeArgs: string[] = []): Promise<HlRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, ...(preload ? ['--import', preload] : []), HL, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const m = /HL_PEAK_RSS_KB=(\d+) HL_CPU_US=(\d+)/.exec(stderr);
      resolve({
        code,
        ms: performance.now() - t0,
        cpuMs: m ? Number(m[2]) / 1000 : Number.NaN,
        peakRssMb: m ? Number(m[1]) / 1024 : Number.NaN,
        stdout,
        stderr,
      });
    });
  });
}
