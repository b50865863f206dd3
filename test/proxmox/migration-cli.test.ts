/**
 * A migration as a user meets it (issue 22), `hl` against the embedded PVE emulator: moving a
 * running container to another node (with its volume to that node's storage) plans an update
 * in place, not a replacement, applies, and the next plan has no changes; a move PVE would
 * refuse is refused by `hl plan` at the `node` line, saying why, and nothing moves; an hl killed
 * (SIGKILL) during the migration is recovered by the next run, the guest neither lost nor
 * duplicated. Migrations run at a tenth of their homelab duration (still seconds: a kill lands
 * in the task). Needs `npm run build`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHl, startHl } from '../support/run-hl.js';
import { sleep } from '../../src/provider/abortable-sleep.js';

const env = { HL_EMULATED_MIGRATION_TIME_SCALE: '0.1' };

const config = (node: string, storage: string): string => `providers:
  proxmox: { emulated: true }
resources:
  proxmox_lxc.web:
    node: ${node}
    hostname: web
    ostemplate: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"
    memory: 256
    rootfs: { storage: ${storage}, size: 1G }
    networks:
      net0: { bridge: vmbr0, ip: dhcp }
`;

function guestNodes(dir: string): Record<string, string> {
  const world = JSON.parse(readFileSync(join(dir, '.hl/providers/proxmox/proxmox-world.json'), 'utf8')) as {
    guests: Record<string, { node: string; config: string }>;
  };
  return Object.fromEntries(
    Object.entries(world.guests)
      .filter(([, g]) => /hostname: web/.test(g.config))
      .map(([vmid, g]) => [vmid, g.node]),
  );
}

describe('hl: a node change migrates the guest', () => {
  it('refuses a move PVE would refuse at the node line, then migrates the running container and converges', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-migration-'));
    writeFileSync(join(dir, 'homelab.yaml'), config('pve', 'local-lvm'));
    const created = await runHl(['apply', '--auto-approve', '--no-color'], { cwd: dir, env });
    expect(created.code, created.stderr).toBe(0);
    const [vmid] = Object.keys(guestNodes(dir));
    expect(guestNodes(dir)).toEqual({ [vmid!]: 'pve' });

    // pumped-piglet has no local-lvm: refused at plan time, at node (line 5), with PVE's reason.
    writeFileSync(join(dir, 'homelab.yaml'), config('pumped-piglet', 'local-lvm'));
    const refused = await runHl(['plan', '--no-color'], { cwd: dir, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `proxmox_lxc.web: the container cannot be migrated from pve to pumped-piglet: rootfs (local-lvm:vm-${vmid}-disk-0) needs storage "local-lvm" on pumped-piglet, which has no such storage`,
    );
    expect(refused.stderr).toMatch(/homelab\.yaml:5:\d+/);
    expect(refused.stderr).not.toMatch(/\n\s+at \S+ \(.*:\d+:\d+\)/);

    // With its volume to local-zfs: an update in place, applied; nothing left to do after.
    writeFileSync(join(dir, 'homelab.yaml'), config('pumped-piglet', 'local-zfs'));
    const planned = await runHl(['plan', '--no-color'], { cwd: dir, env });
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('proxmox_lxc.web will be updated in place');
    expect(planned.stdout).toContain('~ node   = "pve" -> "pumped-piglet"');
    expect(planned.stdout).toContain('Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy.');
    const moved = await runHl(['apply', '--auto-approve', '--no-color'], { cwd: dir, env });
    expect(moved.code, moved.stderr).toBe(0);
    expect(guestNodes(dir)).toEqual({ [vmid!]: 'pumped-piglet' });
    const after = await runHl(['plan', '--no-color', '--detailed-exitcode'], { cwd: dir, env });
    expect(after.code, after.stdout + after.stderr).toBe(0);
  }, 120_000);

  it('an hl killed during the migration: the next apply finishes the move, nothing lost or duplicated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-migration-kill-'));
    writeFileSync(join(dir, 'homelab.yaml'), config('pve', 'local-lvm'));
    expect((await runHl(['apply', '--auto-approve', '--no-color'], { cwd: dir, env })).code).toBe(0);
    const [vmid] = Object.keys(guestNodes(dir));
    writeFileSync(join(dir, 'homelab.yaml'), config('chief-horse', 'local-lvm'));
    const run = startHl(['apply', '--auto-approve', '--no-color'], { cwd: dir, env, timeoutMs: 60_000 });
    // The migration task of the embedded emulator runs for seconds (a container restart): kill hl in it.
    const inTask = /migrating pve\/\d+ to chief-horse: /;
    for (let i = 0; i < 600 && !inTask.test(run.stdoutSoFar()); i++) await sleep(50);
    expect(run.stdoutSoFar()).toMatch(inTask);
    run.child.kill('SIGKILL');
    expect((await run.done).signal).toBe('SIGKILL');
    const again = await runHl(['apply', '--auto-approve', '--no-color'], { cwd: dir, env, timeoutMs: 60_000 });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(guestNodes(dir)).toEqual({ [vmid!]: 'chief-horse' });
    const after = await runHl(['plan', '--no-color', '--detailed-exitcode'], { cwd: dir, env });
    expect(after.code, after.stdout + after.stderr).toBe(0);
  }, 180_000);
});
