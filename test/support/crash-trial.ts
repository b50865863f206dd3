/**
 * One crash trial: start a real `hl apply`, SIGKILL it after a delay, run `hl apply` again,
 * and check that nothing was lost or duplicated: every object the provider holds is in
 * state exactly once, the state file is valid, and a final plan shows no changes.
 * Shared by the crash test in `npm test` and `npm run torture`.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeWorld } from '../../providers/fake/fake-world.js';
import { runHl, startHl } from './run-hl.js';

export function crashConfig(chains: number, depth: number, latencyMs: number): string {
  let y = `providers:\n  fake: { latency_ms: ${latencyMs} }\nresources:\n`;
  for (let c = 0; c < chains; c++) {
    for (let d = 0; d < depth; d++) {
      y += `  fake_resource.c${c}_${d}:\n    name: c${c}-${d}\n`;
      if (d > 0) y += `    value: "\${fake_resource.c${c}_${d - 1}.id}"\n`;
    }
  }
  return y;
}

export interface TrialResult {
  killedAfterMs: number;
  problems: string[];
  orphans: number;
  corruptState: boolean;
}

export async function crashTrial(opts: { chains: number; depth: number; latencyMs: number; killAfterMs: number }): Promise<TrialResult> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-crash-'));
  writeFileSync(join(dir, 'homelab.yaml'), crashConfig(opts.chains, opts.depth, opts.latencyMs));
  const problems: string[] = [];
  const run = startHl(['apply', '--auto-approve'], { cwd: dir });
  await sleep(opts.killAfterMs);
  run.child.kill('SIGKILL');
  await run.done;

  const again = await runHl(['apply', '--auto-approve'], { cwd: dir });
  if (again.code !== 0) problems.push(`second apply exited ${again.code}: ${again.stderr.slice(0, 500)}`);
  if (/\n\s+at /.test(again.stderr)) problems.push('stack trace printed');

  const statePath = join(dir, 'homelab.state.json');
  let corruptState = false;
  let ids: string[] = [];
  try {
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { resources: { id: string; address: string }[] };
    ids = state.resources.map((r) => r.id);
  } catch (e) {
    corruptState = true;
    problems.push(`state file unreadable: ${(e as Error).message}`);
  }
  const worldFile = join(dir, '.hl', 'providers', 'fake', 'fake-world.jsonl');
  const world = existsSync(worldFile) ? new FakeWorld(worldFile).list().map((o) => o.id) : [];
  const inState = new Set(ids);
  if (inState.size !== ids.length) problems.push(`duplicate ids in state: ${ids.join(',')}`);
  const orphans = world.filter((id) => !inState.has(id));
  if (orphans.length > 0) problems.push(`objects not in state (orphans): ${orphans.join(', ')}`);
  const ghosts = ids.filter((id) => !world.includes(id));
  if (ghosts.length > 0) problems.push(`state holds objects that do not exist: ${ghosts.join(', ')}`);
  if (world.length !== opts.chains * opts.depth) problems.push(`expected ${opts.chains * opts.depth} objects, found ${world.length}`);

  const plan = await runHl(['plan', '--detailed-exitcode'], { cwd: dir });
  if (plan.code !== 0) problems.push(`final plan exited ${plan.code}: ${plan.stdout.slice(-300)} ${plan.stderr.slice(0, 300)}`);
  return { killedAfterMs: opts.killAfterMs, problems, orphans: orphans.length, corruptState };
}
