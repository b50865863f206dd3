/** Process start-up: `hl --help` and `hl validate` on the example, median of several runs. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { BenchRow } from './engine-bench.js';

const HL = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(args: string[], runs: number): number {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [HL, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`hl ${args.join(' ')} exited ${r.status}`);
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

export function benchStartup(runs = 9): BenchRow {
  const node =
    time(['--version'], 1) &&
    median(
      Array.from({ length: runs }, () => {
        const t0 = performance.now();
        spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
        return performance.now() - t0;
      }),
    );
  return {
    name: `start-up (median of ${runs} runs)`,
    figures: {
      node_alone_ms: Math.round(node),
      hl_help_ms: Math.round(time(['--help'], runs)),
      hl_validate_example_ms: Math.round(time(['validate', '-c', 'examples/homelab.yaml'], runs)),
    },
  };
}
