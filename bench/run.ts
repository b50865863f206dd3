/**
 * `npm run bench`: runs every benchmark, prints a table and writes bench/results.json.
 * Targets are printed beside the figures; nothing here fails a build.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchEmulatorPlans } from './emulator-bench.js';
import { benchStartup } from './startup-bench.js';
import { benchApplyLatency, benchApplyPersistence, benchPlanScaling, type BenchRow } from './engine-bench.js';

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  const only = process.argv[2];
  if (!only || only === 'startup') rows.push(benchStartup());
  if (!only || only === 'plan') rows.push(...(await benchPlanScaling([1000, 5000, 10000])));
  if (!only || only === 'emulator') rows.push(...(await benchEmulatorPlans([1000, 5000, 10000])));
  if (!only || only === 'apply') {
    rows.push(await benchApplyPersistence(1000));
    rows.push(await benchApplyPersistence(5000));
    rows.push(await benchApplyLatency(500, 10, 50, 10));
  }
  for (const r of rows) {
    console.log(`${r.name}`);
    for (const [k, v] of Object.entries(r.figures)) console.log(`    ${k.padEnd(28)} ${v}`);
  }
  const out = fileURLToPath(new URL('../../bench/results.json', import.meta.url));
  writeFileSync(out, JSON.stringify({ node: process.version, rows }, null, 2) + '\n');
  console.log(`\nwrote ${out}`);
}

await main();
