/**
 * Process start-up as a ratio to bare Node (issue #24): `node -e ''`, `hl --help` and
 * `hl validate` on the example are run in turn, round after round, so that the three see
 * the same load on the machine; each figure is the median of its rounds and each ratio is
 * hl's median over Node's. Goals: `hl --help` within 1.5x of bare Node, `hl validate` on the
 * example within 2.5x. `hl validate` configures no provider and starts no emulator: it
 * contacts nothing (engine/validate-project.ts).
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './engine-bench.js';
import { boundFigures } from './bound-check.js';

const HL = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The goals of issue #24, as ratios to bare Node's start-up measured in the same run. */
export const STARTUP_GOALS = { help: 1.5, validate: 2.5 } as const;

interface Subject {
  label: string;
  args: string[];
}

const SUBJECTS: Subject[] = [
  { label: "node -e ''", args: ['-e', ''] },
  { label: 'hl --help', args: [HL, '--help'] },
  { label: 'hl validate -c examples/homelab.yaml', args: [HL, 'validate', '-c', 'examples/homelab.yaml'] },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function once(subject: Subject): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, subject.args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: 'ignore' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${subject.label} exited ${r.status ?? r.signal}`);
  return ms;
}

/** `rounds` interleaved runs of each subject, after one unmeasured warm-up round (file cache). */
export function benchStartup(rounds = 15): BenchRow {
  for (const s of SUBJECTS) once(s);
  const times = SUBJECTS.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) for (const [i, s] of SUBJECTS.entries()) times[i]!.push(once(s));
  const [node, help, validate] = times.map(median) as [number, number, number];
  return {
    name: `start-up against bare node, ${rounds} interleaved rounds, medians`,
    figures: {
      node_alone_ms: Math.round(node),
      hl_help_ms: Math.round(help),
      hl_validate_example_ms: Math.round(validate),
      // the goals as goal figures (help_ratio, help_ratio_bound, help_ratio_to_bound), checked with the others at the end
      ...boundFigures('help_ratio', help / node, STARTUP_GOALS.help),
      ...boundFigures('validate_ratio', validate / node, STARTUP_GOALS.validate),
    },
  };
}
