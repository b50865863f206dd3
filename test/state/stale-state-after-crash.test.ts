/**
 * Issue 14, item 11: a run killed between its last journal completion and the rename of the
 * state file in its final checkpoint leaves the truth in the journal only. The next run that
 * replays that journal (an apply with nothing to do, or a plan holding the lock) must bring
 * homelab.state.json up to date before it ends. The kill is made deterministic by a preload
 * module that SIGKILLs the process at the first rename onto the state file.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { runHl } from '../support/run-hl.js';

const V1 = `
providers:
  fake: { latency_ms: 0 }
resources:
  fake_resource.old: { name: old }
  fake_resource.kept: { name: kept }
`;
const V2 = `
providers:
  fake: { latency_ms: 0 }
resources:
  fake_resource.kept: { name: kept }
  fake_resource.fresh: { name: fresh }
`;

/** SIGKILLs the process when something is first renamed onto homelab.state.json. */
const KILL_AT_STATE_RENAME = `
import fs from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
const rename = fs.rename;
fs.rename = async (from, to) => {
  if (String(to).endsWith('homelab.state.json')) process.kill(process.pid, 'SIGKILL');
  return rename(from, to);
};
syncBuiltinESMExports();
`;

let dir: string;
let preload: string;
const hl = (args: string[], env: Record<string, string> = {}) => runHl(args, { cwd: dir, env });
const stateAddresses = (): string[] =>
  (JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as { resources: { address: string }[] }).resources.map((r) => r.address).sort();

/** Applies V1, then an apply of V2 killed at its final checkpoint: the journal holds its work, the state file V1's. */
async function crashAtFinalCheckpoint(): Promise<void> {
  writeFileSync(join(dir, 'homelab.yaml'), V1);
  const first = await hl(['apply', '--auto-approve']);
  expect(first.code, first.stderr).toBe(0);
  writeFileSync(join(dir, 'homelab.yaml'), V2);
  const killed = await hl(['apply', '--auto-approve'], { NODE_OPTIONS: `--import ${pathToFileURL(preload).href}` });
  expect(killed.signal, killed.stderr).toBe('SIGKILL');
  expect(stateAddresses()).toEqual(['fake_resource.kept', 'fake_resource.old']); // stale
  expect(readFileSync(join(dir, 'homelab.state.json.journal'), 'utf8')).toContain('fake_resource.fresh');
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hl-stale-state-'));
  preload = join(dir, 'kill-at-state-rename.mjs');
  writeFileSync(preload, KILL_AT_STATE_RENAME);
});

describe('a journal with completed records left by a killed run', () => {
  it('is checkpointed by the next apply, even with nothing to change', async () => {
    await crashAtFinalCheckpoint();
    const again = await hl(['apply', '--auto-approve']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes');
    expect(stateAddresses()).toEqual(['fake_resource.fresh', 'fake_resource.kept']);
    expect(existsSync(join(dir, 'homelab.state.json.journal')) ? readFileSync(join(dir, 'homelab.state.json.journal'), 'utf8') : '').toBe('');
  });

  it('is checkpointed by a plan holding the lock, whose saved plan then applies', async () => {
    await crashAtFinalCheckpoint();
    const plan = await hl(['plan', '--out', 'p.plan', '--detailed-exitcode']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(stateAddresses()).toEqual(['fake_resource.fresh', 'fake_resource.kept']);
    const state = JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as { serial: number };
    expect((JSON.parse(readFileSync(join(dir, 'p.plan'), 'utf8')) as { state: { serial: number } }).state.serial).toBe(state.serial);
    const apply = await hl(['apply', 'p.plan']);
    expect(apply.code, apply.stderr).toBe(0);
  });

  it('is left alone by a plan without the lock (it must not write)', async () => {
    await crashAtFinalCheckpoint();
    const plan = await hl(['plan', '--lock=false']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes');
    expect(stateAddresses()).toEqual(['fake_resource.kept', 'fake_resource.old']);
  });
});
