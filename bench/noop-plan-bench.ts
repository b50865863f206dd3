/**
 * The no-op plan at scale, as a user runs it: `hl plan --detailed-exitcode` in a child
 * process of its own (so its peak RSS is its own and one size's heap does not weigh on the
 * next) in a project of N fake resources (chains of 10, each link referring to the previous
 * one's id: bench/synthetic-config.ts) whose state file and fake world already match the
 * config. The timed path is all a user waits for: Node's start-up, loading hl, reading and
 * validating the config, expansion, the graph, reading and validating the state file, the
 * refresh (one fake read per resource, in memory: the world file is read at configure), the
 * plan, and printing "No changes". Each size is also planned with `--refresh=false`.
 *
 * Figures: wall time (ms), CPU time (ms, user + system: the machine's load moves it less) and
 * peak RSS (MB, the child's `maxRSS`), both reported by the child at exit, for each size, and
 * the growth ratio between the largest and the smallest size; the goals beside their figures.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boundFigures } from './bound-check.js';
import { type HlRun, runHlChild, writePeakRssPreload } from './hl-child.js';
import type { BenchRow } from './engine-bench.js';
import { syntheticAppliedState, syntheticConfig } from './synthetic-config.js';

const DEPTH = 10;
const LINEAGE = '0b5e2c1d-7f3a-4c9e-8d21-6a4f0e9b3c57';

/** The goals of issue #24 for the largest size. */
export const NOOP_PLAN_BOUNDS = { wallMs: 5000, peakRssMb: 1024, growth: 12 };

/**
 * A project directory where `hl plan` finds nothing to do: the config of N fake resources, a
 * state file holding them as applied, and the fake world holding the same objects.
 */
export function prepareNoopProject(n: number): { dir: string; preload: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-noop-'));
  const config = syntheticConfig(n, DEPTH).replace('fake: { latency_ms: 0 }', 'fake: { latency_ms: 0, world: fake-world.jsonl }');
  writeFileSync(join(dir, 'homelab.yaml'), config);
  const { stateFile, worldFile } = syntheticAppliedState(n, DEPTH, LINEAGE);
  writeFileSync(join(dir, 'fake-world.jsonl'), worldFile);
  writeFileSync(join(dir, 'homelab.state.json'), stateFile);
  return { dir, preload: writePeakRssPreload(dir) };
}

async function planNoop(dir: string, preload: string, refresh: boolean): Promise<HlRun> {
  const args = ['plan', '--detailed-exitcode', ...(refresh ? [] : ['--refresh=false'])];
  const run = await runHlChild(args, dir, preload);
  // --detailed-exitcode: 0 = no changes, 2 = changes
  if (run.code !== 0)
    throw new Error(`hl ${args.join(' ')} in ${dir} exited ${run.code}:\n${run.stdout.slice(-1500)}\n${run.stderr.slice(-1500)}`);
  return run;
}

/** No-op plans of each size (with refresh, and without), each in its own process; growth between the ends. */
export async function benchNoopPlans(sizes: number[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const byN = new Map<number, { on: HlRun; off: HlRun }>();
  for (const n of sizes) {
    const { dir, preload } = prepareNoopProject(n);
    try {
      const on = await planNoop(dir, preload, true);
      const off = await planNoop(dir, preload, false);
      byN.set(n, { on, off });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const largest = sizes[sizes.length - 1]!;
  for (const n of sizes) {
    const { on, off } = byN.get(n)!;
    const bounded = n === largest;
    rows.push({
      name: `hl plan, ${n} fake resources, no changes`,
      figures: {
        ...(bounded ? boundFigures('wall_ms', on.ms, NOOP_PLAN_BOUNDS.wallMs) : { wall_ms: Math.round(on.ms) }),
        ...(bounded ? boundFigures('peak_rss_mb', on.peakRssMb, NOOP_PLAN_BOUNDS.peakRssMb) : { peak_rss_mb: Math.round(on.peakRssMb) }),
        cpu_ms: Math.round(on.cpuMs),
        refresh_off_wall_ms: Math.round(off.ms),
        refresh_off_cpu_ms: Math.round(off.cpuMs),
        refresh_off_peak_rss_mb: Math.round(off.peakRssMb),
      },
    });
  }
  const lo = byN.get(sizes[0]!)!;
  const hi = byN.get(largest)!;
  rows.push({
    name: `growth ${largest}/${sizes[0]} (linear = ${largest / sizes[0]!})`,
    figures: {
      ...boundFigures('wall_ratio', hi.on.ms / lo.on.ms, NOOP_PLAN_BOUNDS.growth),
      cpu_ratio: round(hi.on.cpuMs / lo.on.cpuMs),
      refresh_off_wall_ratio: round(hi.off.ms / lo.off.ms),
    },
  });
  return rows;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
