/** Two real hl processes on one state: the second fails fast naming the holder, or waits. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runHl, startHl } from '../support/run-hl.js';

const SLOW = 'providers:\n  fake: { latency_ms: 1500 }\nresources:\n  fake_resource.slow: { name: slow }\n';

function project(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hl-lock-'));
  writeFileSync(join(dir, 'homelab.yaml'), yaml);
  return dir;
}

async function waitForLock(dir: string): Promise<void> {
  const { existsSync } = await import('node:fs');
  for (let i = 0; i < 100 && !existsSync(join(dir, 'homelab.state.json.lock')); i++) await sleep(50);
}

describe('state lock between processes', () => {
  it('a second run fails at once with the holder details; with --lock-timeout it waits and proceeds', async () => {
    const dir = project(SLOW);
    const first = startHl(['apply', '--auto-approve'], { cwd: dir });
    await waitForLock(dir);
    const second = await runHl(['plan'], { cwd: dir });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/State is locked by hl apply \(pid \d+, user .+ on host .+\)/);
    expect(second.stderr).toContain(hostname());
    expect(second.stderr).toMatch(/hl force-unlock [0-9a-f-]{36}/);

    const waiting = await runHl(['plan', '--lock-timeout', '20s', '--detailed-exitcode'], { cwd: dir });
    expect((await first.done).code).toBe(0);
    expect(waiting.code).toBe(0);
    expect(waiting.stdout).toContain('No changes.');
  }, 60_000);

  it('takes over a lock whose holder process is gone, saying so', async () => {
    const dir = project('resources:\n  fake_resource.a: { name: a }\n');
    const dead = { id: '9d5f1a52-8f3e-4c1e-9d7a-0c0c0c0c0c0c', pid: 999_999, host: hostname(), user: 'ghost', operation: 'apply', created: new Date().toISOString(), version: '0.0.0' };
    writeFileSync(join(dir, 'homelab.state.json.lock'), JSON.stringify(dead));
    const r = await runHl(['apply', '--auto-approve'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Took over a stale state lock left by .*999999/);
  });

  it('force-unlock removes a lock only with its id', async () => {
    const dir = project('resources:\n  fake_resource.a: { name: a }\n');
    const other = { id: '1d5f1a52-8f3e-4c1e-9d7a-0c0c0c0c0c0c', pid: process.pid, host: 'elsewhere', user: 'u', operation: 'apply', created: new Date().toISOString(), version: '0.0.0' };
    writeFileSync(join(dir, 'homelab.state.json.lock'), JSON.stringify(other));
    const wrong = await runHl(['force-unlock', '00000000-0000-4000-8000-000000000000'], { cwd: dir });
    expect(wrong.code).toBe(1);
    expect((await runHl(['plan'], { cwd: dir })).code).toBe(1);
    const right = await runHl(['force-unlock', other.id], { cwd: dir });
    expect(right.code).toBe(0);
    expect((await runHl(['plan'], { cwd: dir })).code).toBe(0);
  });
});
