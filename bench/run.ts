/**
 * `npm run bench [GROUP]`: runs the benchmark groups (startup, plan, emulator, apply, backend, refactor, emulator-apply; all
 * by default), prints their figures and the targets of issue #6, and records them in
 * bench/results.json by group (a group run alone replaces only its own entry). Nothing here
 * fails a build: the figures are for reading.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchBackends } from './backend-bench.js';
import { benchEmulatorApply } from './emulator-apply-bench.js';
import { benchEmulatorPlans } from './emulator-bench.js';
import { benchRefactoring } from './refactor-bench.js';
import { benchStartup } from './startup-bench.js';
import { benchApplyLatency, benchApplyPersistence, benchPlanScaling, type BenchRow } from './engine-bench.js';

const GROUPS: Record<string, { target: string; run: () => Promise<BenchRow[]> }> = {
  startup: { target: 'start-up under 300 ms', run: async () => [benchStartup()] },
  plan: {
    target: 'graph build for 10,000 resources well under 1 s; growth 10k/1k near 10',
    run: () => benchPlanScaling([1000, 5000, 10000]),
  },
  emulator: {
    target: '10k guests: plan without refresh under 2 s, with refresh under 10 s, peak RSS under 500 MB, growth under 12',
    run: () => benchEmulatorPlans([1000, 5000, 10000]),
  },
  apply: {
    target: 'persistence under 10% of a 5k-create apply; apply within 1.15 of the critical path',
    run: async () => [await benchApplyPersistence(1000), await benchApplyPersistence(5000), await benchApplyLatency(500, 10, 50, 10)],
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
    target: 'apply within 1.15 of the critical path (500 guests, 50 ms per call, 200 ms tasks)',
    run: async () => [await benchEmulatorApply(500, 10, 10)],
  },
};

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only !== undefined && !GROUPS[only]) throw new Error(`unknown group "${only}": use one of ${Object.keys(GROUPS).join(', ')}`);
  const out = fileURLToPath(new URL('../../bench/results.json', import.meta.url));
  const previous = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as { groups?: Record<string, unknown> }) : {};
  const groups: Record<string, unknown> = { ...(previous.groups ?? {}) };
  for (const [name, group] of Object.entries(GROUPS)) {
    if (only !== undefined && only !== name) continue;
    const rows = await group.run();
    console.log(`== ${name} (target: ${group.target})`);
    for (const r of rows) {
      console.log(`${r.name}`);
      for (const [k, v] of Object.entries(r.figures)) console.log(`    ${k.padEnd(28)} ${v}`);
    }
    groups[name] = { measured: new Date().toISOString(), node: process.version, target: group.target, rows };
  }
  writeFileSync(out, JSON.stringify({ groups }, null, 2) + '\n');
  console.log(`\nwrote ${out}`);
}

await main();
