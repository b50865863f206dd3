/**
 * Ctrl-C during a real `hl apply`: no new operation starts, those in flight finish, state is
 * saved, exit 130; the next apply finishes the job with nothing lost or doubled.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { FakeWorld } from '../../providers/fake/fake-world.js';
import { runHl, startHl } from '../support/run-hl.js';

describe('interrupting hl apply', () => {
  it('stops cleanly on the first Ctrl-C and converges on the next run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-sigint-'));
    let yaml = 'providers:\n  fake: { latency_ms: 400 }\nresources:\n';
    for (let i = 0; i < 12; i++) yaml += `  fake_resource.r${i}: { name: r${i} }\n`;
    writeFileSync(join(dir, 'homelab.yaml'), yaml);
    const run = startHl(['apply', '--auto-approve', '--parallelism', '2'], { cwd: dir });
    // wait until the first operations are under way
    for (let i = 0; i < 100 && !/Creating\.\.\./.test(run.stdoutSoFar()); i++) await sleep(50);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Interrupt received: no new operations will start');
    expect(r.stderr).toMatch(/Apply interrupted: \d+ added, .* not started\. State is saved\./);

    const state = JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as { resources: { id: string }[] };
    const world = new FakeWorld(join(dir, '.hl', 'providers', 'fake', 'fake-world.jsonl')).list();
    expect(state.resources.length).toBeGreaterThan(0);
    expect(state.resources.length).toBeLessThan(12);
    expect(state.resources.map((x) => x.id).sort()).toEqual(world.map((o) => o.id).sort());

    const again = await runHl(['apply', '--auto-approve'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Resources: ${12 - state.resources.length} added`);
    expect((await runHl(['plan', '--detailed-exitcode'], { cwd: dir })).code).toBe(0);
  }, 60_000);
});

