/**
 * Issue 22: SIGKILL of `hl apply` in the middle of a migration. The emulated cluster runs in
 * its own process (`hl emulate proxmox`), as a real PVE outlives its client: the migration
 * task goes on without hl. The next `hl apply` settles the journal by asking the cluster where
 * the guest is (it waits for the migration lock to clear), records it under its new id, and
 * plans nothing more: one guest, one migration, one state entry.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET } from '../../providers/pve/emulator/auth.js';
import { runHl, startHl } from '../support/run-hl.js';
import { pveApi, startPveEmulatorProcess, stopPveEmulatorProcess, type EmulatorProcess } from '../support/pve-emulator-process.js';

/** A 32 GiB rootfs copied at 1/30 of the homelab's rate: a migration of about 10 s. */
const ENV = { HL_EMULATED_MIGRATION_TIME_SCALE: '0.03' };

/**
 * The docker container of the seed on `node`, adopted by an import block that stays in the
 * config as a record (its id names the guest where it was: still the same guest once it moved).
 */
function config(url: string, node: string): string {
  const docker = node === 'pve' ? '' : '    rootfs: { storage: local-zfs }\n';
  return [
    'providers:',
    `  proxmox: { endpoint: "${url}", token_id: "${DEFAULT_TOKEN_ID}", token_secret: "${DEFAULT_TOKEN_SECRET}" }`,
    'import:',
    '  - { to: proxmox_lxc.docker, id: pve/100 }',
    'resources:',
    '  proxmox_lxc.docker:',
    `    node: ${node}`,
    '    hostname: docker',
    docker,
  ].join('\n');
}

describe('SIGKILL during a migration', () => {
  let dir: string;
  let emulator: EmulatorProcess;
  const api = <T>(path: string): Promise<T> => pveApi<T>(emulator, 'GET', path);
  const guests100 = async () =>
    (await api<{ vmid: number; node: string; type: string }[]>('/cluster/resources?type=vm')).filter((g) => g.vmid === 100);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hl-migration-crash-'));
    emulator = await startPveEmulatorProcess(dir, ENV);
  });
  afterAll(async () => {
    await stopPveEmulatorProcess(emulator);
    rmSync(dir, { recursive: true, force: true });
  });

  it('recovers: the guest is found where the migration took it, nothing migrated twice, no diff after', async () => {
    writeFileSync(join(dir, 'homelab.yaml'), config(emulator.url, 'pve'));
    const adopt = await runHl(['apply', '--auto-approve'], { cwd: dir, env: ENV });
    expect(adopt.code, adopt.stdout + adopt.stderr).toBe(0);

    writeFileSync(join(dir, 'homelab.yaml'), config(emulator.url, 'pumped-piglet'));
    const run = startHl(['apply', '--auto-approve'], { cwd: dir, env: ENV, timeoutMs: 120_000 });
    // kill hl once the migration is under way on the cluster
    let locked = false;
    for (let i = 0; i < 600 && !locked; i++) {
      const s = await api<{ lock?: string }>('/nodes/pve/lxc/100/status/current').catch(() => ({}) as { lock?: string });
      locked = s.lock === 'migrate';
      if (!locked) await new Promise((r) => setTimeout(r, 50));
    }
    expect(locked, run.stdoutSoFar()).toBe(true);
    run.child.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stdout).not.toContain('Modifications complete');
    // the migration goes on without hl
    expect((await guests100()).map((g) => g.node)).toEqual(['pve']);

    const recover = await runHl(['apply', '--auto-approve'], { cwd: dir, env: ENV });
    expect(recover.code, recover.stdout + recover.stderr).toBe(0);
    expect(recover.stdout + recover.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
    expect(recover.stdout).toMatch(/0 added, 0 changed, 0 replaced, 0 destroyed|No changes/);

    const found = await guests100();
    expect(found.map((g) => [g.node, g.type])).toEqual([['pumped-piglet', 'lxc']]);
    const tasks = await api<{ type: string; id: string }[]>('/nodes/pve/tasks?vmid=100&typefilter=vzmigrate&limit=50');
    expect(tasks.filter((t) => t.type === 'vzmigrate')).toHaveLength(1);
    const state = JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as { resources: { address: string; id: string }[] };
    expect(state.resources.map((r) => [r.address, r.id])).toEqual([['proxmox_lxc.docker', 'pumped-piglet/100']]);

    const plan = await runHl(['plan', '--detailed-exitcode'], { cwd: dir, env: ENV });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes.');
  }, 180_000);
});
