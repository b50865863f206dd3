/**
 * Guest migration in the PVE emulator through the real proxmox-api client: `qmigrate` and
 * `vzmigrate` tasks that move a guest's node, volumes and config (online, offline, restart),
 * `lock: migrate` while they run, the log lines of qemu-server's QemuMigrate.pm and
 * pve-container's LXC/Migrate.pm, and a failed task that leaves the guest where it was.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../providers/pve/emulator/start-emulator.js';
import { checkRequestsAfterAll } from '../support/pve-schema.js';
import { startTestEmulator, waitTask, type Api, type TestEmulator } from './support/emulator-fixture.js';

const GiB = 1024 ** 3;

interface Content {
  volid: string;
  size: number;
}

async function taskLog(api: Api, upid: string): Promise<string[]> {
  const node = upid.split(':')[1];
  const lines = (await api.nodes.$(node).tasks.$(upid).log.$get({ limit: 1000 })) as { t: string }[];
  return lines.map((l) => l.t);
}

/** Task log lines without their `YYYY-MM-DD HH:MM:SS ` timestamp. */
function untimed(lines: string[]): string[] {
  return lines.map((l) => l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /, ''));
}

describe('Proxmox emulator: migration tasks', () => {
  let t: TestEmulator;
  let api: Api;
  // every request the tests sent, checked against the real PVE API schema at the end
  const requests: RecordedRequest[] = [];
  checkRequestsAfterAll(requests);

  beforeEach(async () => {
    // 32 GiB at 110 MB/s plus 4 s is about five minutes on the homelab; here a thousandth of that
    t = await startTestEmulator({ migrationTimeScale: 0.001 });
    api = t.api;
  });
  afterEach(async () => {
    requests.push(...t.emu.requestLog);
    await t.close();
  });

  it('moves a running VM online with its local disk to another storage (targetstorage): node, volumes, running', async () => {
    t.emu.setFaults({ taskDurationByType: { qmigrate: 1000 } }); // time to see it locked
    const upid: string = await api.nodes.$('pve').qemu.$(101).migrate.$post({
      target: 'pumped-piglet',
      online: true,
      'with-local-disks': true,
      targetstorage: 'local-zfs',
    });
    expect(upid).toMatch(/^UPID:pve:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmigrate:101:hl@pve!hl:$/);
    // locked for the whole task, and still on its source
    expect(t.emu.world.guests['101']).toMatchObject({ node: 'pve', status: 'running' });
    expect(await api.nodes.$('pve').qemu.$(101).config.$get()).toMatchObject({ lock: 'migrate' });
    const st = await waitTask(api, upid);
    expect(st.exitstatus).toBe('OK');

    const g = t.emu.world.guests['101'];
    expect(g).toMatchObject({ node: 'pumped-piglet', status: 'running' });
    const cfg = await api.nodes.$('pumped-piglet').qemu.$(101).config.$get();
    expect(cfg.lock).toBeUndefined();
    expect(cfg.scsi0).toBe('local-zfs:vm-101-disk-0,iothread=1,size=32G');
    const there = (await api.nodes.$('pumped-piglet').storage.$('local-zfs').content.$get({ vmid: 101 })) as Content[];
    expect(there).toEqual([expect.objectContaining({ volid: 'local-zfs:vm-101-disk-0', size: 32 * GiB })]);
    const here = (await api.nodes.$('pve').storage.$('local-lvm').content.$get({ vmid: 101 })) as Content[];
    expect(here).toEqual([]);
    const log = untimed(await taskLog(api, upid));
    expect(log).toEqual(
      expect.arrayContaining([
        "starting migration of VM 101 to node 'pumped-piglet' (192.168.4.175)",
        "found local disk 'local-lvm:vm-101-disk-0' (attached)",
        "starting VM 101 on remote node 'pumped-piglet'",
        "volume 'local-lvm:vm-101-disk-0' is 'local-zfs:vm-101-disk-0' on the target",
      ]),
    );
    expect(log.at(-2)).toMatch(/^migration finished successfully \(duration \d\d:\d\d:\d\d\)$/);
    expect(log.at(-1)).toBe('TASK OK');
    // the disk mirrored live with progress, then the RAM
    const progress = log.filter((l) => /^drive-scsi0: transferred [\d.]+ GiB of 32\.0 GiB \(\d+\.\d\d%\) in /.test(l));
    expect(progress.length).toBeGreaterThan(3);
    const order = [
      'scsi0: start migration to nbd:unix:/run/qemu-server/101_nbd.migrate:exportname=drive-scsi0',
      progress[0],
      "all 'mirror' jobs are ready",
      'starting online/live migration on unix:/run/qemu-server/101.migrate',
      'migration completed, transferred 1.7 GiB VM-state',
    ].map((l) => log.indexOf(l as string));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('moves a stopped VM offline: it stays stopped on the target', async () => {
    await waitTask(api, await api.nodes.$('pve').qemu.$(102).status.shutdown.$post());
    const upid: string = await api.nodes.$('pve').qemu.$(102).migrate.$post({ target: 'chief-horse' });
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
    expect(t.emu.world.guests['102']).toMatchObject({ node: 'chief-horse', status: 'stopped' });
    const cfg = await api.nodes.$('chief-horse').qemu.$(102).config.$get();
    expect(cfg.scsi0).toBe('local-lvm:vm-102-disk-0,iothread=1,size=100G');
    expect(untimed(await taskLog(api, upid))).toContain('copying local disk images');
  });

  it('restart-migrates a running container: shut down, moved, started on the target', async () => {
    t.emu.setFaults({ taskDurationByType: { vzmigrate: 1000 } });
    const upid: string = await api.nodes.$('pve').lxc.$(100).migrate.$post({ target: 'chief-horse', restart: true });
    expect(upid).toMatch(/:vzmigrate:100:/);
    await new Promise((r) => setTimeout(r, 100));
    expect(t.emu.world.guests['100']).toMatchObject({ node: 'pve', status: 'stopped' });
    expect(await api.nodes.$('pve').lxc.$(100).config.$get()).toMatchObject({ lock: 'migrate' });
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
    expect(t.emu.world.guests['100']).toMatchObject({ node: 'chief-horse', status: 'running' });
    const log = untimed(await taskLog(api, upid));
    expect(log).toEqual(
      expect.arrayContaining([
        'shutdown CT 100',
        "starting migration of CT 100 to node 'chief-horse' (192.168.4.19)",
        "found local volume 'local-lvm:vm-100-disk-0' (in current VM config)",
        'start container on target node',
      ]),
    );
  });

  it('moves a VM with a cloud-init drive: the generated disk goes along under its own name', async () => {
    const upid: string = await api.nodes.$('pve').qemu.$(107).migrate.$post({
      target: 'pumped-piglet',
      online: true,
      'with-local-disks': true,
      targetstorage: 'local-lvm:local-zfs',
    });
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
    const cfg = await api.nodes.$('pumped-piglet').qemu.$(107).config.$get();
    expect(cfg.ide2).toBe('local-zfs:vm-107-cloudinit,media=cdrom');
    expect(cfg.scsi0).toBe('local-zfs:vm-107-disk-0,discard=on,iothread=1,size=200G');
    const log = untimed(await taskLog(api, upid));
    expect(log).toContain("found generated disk 'local-lvm:vm-107-cloudinit' (in current VM config)");
  });

  it("moves the seed's docker container to pumped-piglet (issue #22's scenario) onto ZFS, running again", async () => {
    const upid: string = await api.nodes.$('pve').lxc.$(100).migrate.$post({ target: 'pumped-piglet', restart: true, 'target-storage': 'local-zfs' });
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
    expect(t.emu.world.guests['100']).toMatchObject({ node: 'pumped-piglet', status: 'running' });
    const cfg = await api.nodes.$('pumped-piglet').lxc.$(100).config.$get();
    expect(cfg.rootfs).toBe('local-zfs:subvol-100-disk-0,size=32G');
    expect(untimed(await taskLog(api, upid))).toContain("volume 'local-lvm:vm-100-disk-0' is 'local-zfs:subvol-100-disk-0' on the target");
  });

  it('a failed restart migration starts the container again on its source, unlocked', async () => {
    t.emu.setFaults({ failTasks: [{ type: 'vzmigrate', message: 'migration aborted' }], taskDurationByType: { vzmigrate: 1000 } });
    const upid: string = await api.nodes.$('pve').lxc.$(111).migrate.$post({ target: 'chief-horse', restart: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(t.emu.world.guests['111']).toMatchObject({ node: 'pve', status: 'stopped' });
    expect((await waitTask(api, upid)).exitstatus).toBe('migration aborted');
    expect(t.emu.world.guests['111']).toMatchObject({ node: 'pve', status: 'running' });
    expect((await api.nodes.$('pve').lxc.$(111).config.$get()).lock).toBeUndefined();
    expect(untimed(await taskLog(api, upid))).toContain('start container on source node');
  });

  it('a failed migration task leaves the VM on its source, running and unlocked', async () => {
    t.emu.setFaults({ failTasks: [{ type: 'qmigrate', message: 'migration aborted' }], taskDurationByType: { qmigrate: 50 } });
    const upid: string = await api.nodes.$('pve').qemu.$(107).migrate.$post({
      target: 'pumped-piglet',
      online: true,
      'with-local-disks': true,
      targetstorage: 'local-zfs',
    });
    const st = await waitTask(api, upid);
    expect(st.exitstatus).toBe('migration aborted');
    expect(t.emu.world.guests['107']).toMatchObject({ node: 'pve', status: 'running' });
    const cfg = await api.nodes.$('pve').qemu.$(107).config.$get();
    expect(cfg.lock).toBeUndefined();
    expect(cfg.scsi0).toMatch(/^local-lvm:vm-107-disk-0,/);
    const there = (await api.nodes.$('pumped-piglet').storage.$('local-zfs').content.$get({ vmid: 107 })) as Content[];
    expect(there).toEqual([]);
  });
});
