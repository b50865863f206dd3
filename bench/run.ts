/**
 * `npm run bench [GROUP]`: runs the benchmark groups (all by default, or the one named),
 * prints their figures and targets, and records them in bench/results.json by group (a group
 * run alone replaces only its own entry).
 *
 * Each group's figures are then compared with those bench/results.json held before the run
 * (same group, row name and figure key; the key says which way is worse: compare-results.ts)
 * and changes over 20 % are printed, regressions one a line; they do not fail the run, the
 * machine's load moves figures too. A goal is a figure with its bound (bound-check.ts: keys
 * `X`, `X_bound`, `X_to_bound`): a `_to_bound` ratio of 1 or more is a missed goal, printed
 * loudly at the end, with a failing exit code once results.json is written.
 *
 * Two kinds of bound: a goal is an upper bound a figure should stay under (above); a lower
 * bound computed from the PVE emulator's latency model (emulator-latency, emulator-apply) is
 * what no run can beat, so a run that does throws (the model was violated), and the goal is
 * a ratio to it (`ratio_to_model` with its `_bound` 1.2 or 1.15).
 *
 * Groups: startup, plan, emulator, apply, backend, refactor, emulator-apply (issue #6), and
 * noop-50k, persistence and emulator-latency (issue #24; noop-plan-bench.ts,
 * persistence-bench.ts, emulator-latency-bench.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchBackends } from './backend-bench.js';
import { boundMisses, reportBoundMisses } from './bound-check.js';
import { type ComparedGroup, compareResults, formatComparison } from './compare-results.js';
import { benchEmulatorApply } from './emulator-apply-bench.js';
import { benchEmulatorPlans } from './emulator-bench.js';
import { benchNoopPlans } from './noop-plan-bench.js';
import { benchPersistence } from './persistence-bench.js';
import { benchRefreshLatency } from './emulator-latency-bench.js';
import { benchRefactoring } from './refactor-bench.js';
import { benchStartup } from './startup-bench.js';
import { benchApplyLatency, benchPlanScaling, type BenchRow } from './engine-bench.js';

const GROUPS: Record<string, { target: string; run: () => Promise<BenchRow[]> }> = {
  startup: { target: "hl --help within 1.5x, hl validate on the example within 2.5x of node -e ''", run: async () => [benchStartup()] },
  plan: {
    target: 'graph build for 10,000 resources well under 1 s; growth 10k/1k near 10',
    run: () => benchPlanScaling([1000, 5000, 10000]),
  },
  emulator: {
    target: '10k guests: plan without refresh under 2 s, with refresh under 10 s, peak RSS under 500 MB, growth under 12',
    run: () => benchEmulatorPlans([1000, 5000, 10000]),
  },
  apply: {
    target: 'apply within 1.15 of the critical path',
    run: async () => [await benchApplyLatency(500, 10, 50, 10)],
  },
  backend: {
    target: 'a 5k-create apply with the pg backend against the file backend: wall time, pg/file ratio, persistence share of each',
    run: () => benchBackends(5000),
  },
  refactor: {
    target: 'modules and moved blocks grow linearly: 2,500/250 module instances and 10k/1k moves near 10',
    run: benchRefactoring,
  },
  'emulator-apply': {
    target: 'apply of 500 containers within 1.15 of the bound from the latency model (20 ms per request, 3 workers, 200 ms tasks)',
    run: async () => [await benchEmulatorApply(500, 10, 10)],
  },
  'noop-50k': {
    target: '`hl plan` with no changes, 50k fake resources: under 5 s, peak RSS under 1 GB; growth 50k/5k under 12',
    run: () => benchNoopPlans([5000, 50000]),
  },
  persistence: {
    target: 'per-operation persistence flat in state size (20k/1k under 1.5) and under 2 % of an apply at 5 ms per call',
    run: () => benchPersistence([1000, 20000]),
  },
  'emulator-latency': {
    target: 'refresh of 10k guests within 1.2 of ceil(requests / 3 workers) x 20 ms',
    run: async () => [await benchRefreshLatency(10000)],
  },
};

interface GroupEntry extends ComparedGroup {
  measured: string;
  node: string;
  target: string;
  rows: BenchRow[];
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only !== undefined && !GROUPS[only]) throw new Error(`unknown group "${only}": use one of ${Object.keys(GROUPS).join(', ')}`);
  const out = fileURLToPath(new URL('../../bench/results.json', import.meta.url));
  const previous = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as { groups?: Record<string, GroupEntry> }) : {};
  const groups: Record<string, GroupEntry> = { ...(previous.groups ?? {}) };
  const ran: Record<string, GroupEntry> = {};
  for (const [name, group] of Object.entries(GROUPS)) {
    if (only !== undefined && only !== name) continue;
    const rows = await group.run();
    console.log(`== ${name} (target: ${group.target})`);
    for (const r of rows) {
      console.log(`${r.name}`);
      for (const [k, v] of Object.entries(r.figures)) console.log(`    ${k.padEnd(28)} ${v}`);
    }
    ran[name] = groups[name] = { measured: new Date().toISOString(), node: process.version, target: group.target, rows };
  }
  console.log(`\n${formatComparison(compareResults(previous.groups ?? {}, ran)).join('\n')}`);
  writeFileSync(out, JSON.stringify({ groups }, null, 2) + '\n');
  console.log(`\nwrote ${out}`);
  reportBoundMisses(boundMisses(ran));
}

await main();
