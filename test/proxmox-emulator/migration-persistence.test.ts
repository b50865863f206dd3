/**
 * Migrations and the emulator's world file: a migrated guest stays migrated across a restart;
 * a migration runs in the server whatever becomes of its client; and an emulator that stops
 * mid-migration leaves the guest whole on its source (the move is one change at the task's
 * end), unlocked, a container of a restart migration running again, the task `unexpected status`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxmoxEmulator, type ProxmoxEmulator } from '../../providers/pve/emulator/start-emulator.js';
import { clientFor, failure, waitTask } from './support/emulator-fixture.js';

describe('Proxmox emulator: migrations across restarts', () => {
  const dirs: string[] = [];
  const emus: ProxmoxEmulator[] = [];
  const start = async (worldFile: string, migrationTimeScale: number): Promise<ProxmoxEmulator> => {
    const emu = await startProxmoxEmulator({ port: 0, worldFile, taskDurationMs: 20, migrationTimeScale });
    emus.push(emu);
    return emu;
  };
  const worldFile = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'hl-pve-migrate-'));
    dirs.push(d);
    return join(d, 'world.json');
  };
  afterEach(async () => {
    for (const e of emus.splice(0)) await e.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('keeps a migrated guest on its new node, with its volumes there, after a restart', async () => {
    const file = worldFile();
    const a = await start(file, 0.001);
    const apiA = clientFor(a);
    const upid: string = await apiA.nodes.$('pve').lxc.$(111).migrate.$post({ target: 'pumped-piglet', restart: true, 'target-storage': 'local-zfs' });
    expect((await waitTask(apiA, upid)).exitstatus).toBe('OK');
    await a.close();

    const b = await start(file, 0.001);
    const apiB = clientFor(b);
    expect(b.world.guests['111']).toMatchObject({ node: 'pumped-piglet', status: 'running' });
    const cfg = await apiB.nodes.$('pumped-piglet').lxc.$(111).config.$get();
    expect(cfg.rootfs).toBe('local-zfs:subvol-111-disk-0,size=4G');
    const there = (await apiB.nodes.$('pumped-piglet').storage.$('local-zfs').content.$get({ vmid: 111 })) as { volid: string }[];
    expect(there.map((v) => v.volid)).toEqual(['local-zfs:subvol-111-disk-0']);
    expect(await failure(apiB.nodes.$('pve').lxc.$(111).config.$get())).toMatch(/does not exist/);
  });

  it('runs a migration to its end when its client goes away', async () => {
    const emu = await start(worldFile(), 0.001);
    const api = clientFor(emu);
    emu.setFaults({ dropResponses: 1, pathPattern: '/migrate$' });
    await failure(api.nodes.$('pve').qemu.$(101).migrate.$post({ target: 'chief-horse', online: true, 'with-local-disks': true }));
    await emu.idle();
    expect(emu.world.guests['101']).toMatchObject({ node: 'chief-horse', status: 'running' });
    expect(emu.world.tasks.at(-1)).toMatchObject({ type: 'qmigrate', exitstatus: 'OK' });
  });

  it('leaves a VM whole on its source, running and unlocked, when the emulator stops mid-migration', async () => {
    const file = worldFile();
    const a = await start(file, 1); // 200 GB: half an hour
    const apiA = clientFor(a);
    const upid: string = await apiA.nodes.$('pve').qemu.$(107).migrate.$post({ target: 'chief-horse', online: true, 'with-local-disks': true });
    await new Promise((r) => setTimeout(r, 100));
    expect((await apiA.nodes.$('pve').qemu.$(107).config.$get()).lock).toBe('migrate');
    await a.close();

    const b = await start(file, 1);
    const apiB = clientFor(b);
    expect(b.world.guests['107']).toMatchObject({ node: 'pve', status: 'running' });
    expect((await apiB.nodes.$('pve').qemu.$(107).config.$get()).lock).toBeUndefined();
    const st = await apiB.nodes.$('pve').tasks.$(upid).status.$get();
    expect(st).toMatchObject({ status: 'stopped', exitstatus: 'unexpected status' });
    const there = (await apiB.nodes.$('chief-horse').storage.$('local-lvm').content.$get({ vmid: 107 })) as unknown[];
    expect(there).toEqual([]);
  });

  it('starts a container again on its source when the emulator stops during its restart migration', async () => {
    const file = worldFile();
    const a = await start(file, 1);
    const apiA = clientFor(a);
    await apiA.nodes.$('pve').lxc.$(100).migrate.$post({ target: 'chief-horse', restart: true });
    await new Promise((r) => setTimeout(r, 100));
    expect(a.world.guests['100']).toMatchObject({ node: 'pve', status: 'stopped' });
    await a.close();

    const b = await start(file, 1);
    expect(b.world.guests['100']).toMatchObject({ node: 'pve', status: 'running' });
    expect((await clientFor(b).nodes.$('pve').lxc.$(100).config.$get()).lock).toBeUndefined();
  });

  it('may shorten migrations, never lengthen them', async () => {
    await expect(startProxmoxEmulator({ port: 0, migrationTimeScale: 2 })).rejects.toThrow(/migrationTimeScale must be a number in \(0, 1\]/);
    await expect(startProxmoxEmulator({ port: 0, migrationTimeScale: 0 })).rejects.toThrow(/migrationTimeScale/);
  });
});
