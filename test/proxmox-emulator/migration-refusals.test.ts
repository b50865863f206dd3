/**
 * The migrations PVE refuses, with its messages: before the task (qemu-server
 * `src/PVE/API2/Qemu.pm` / pve-container `src/PVE/API2/LXC.pm` migrate_vm: HTTP 400/500) and
 * in it (QemuMigrate.pm prepare and scan_local_volumes, LXC/Migrate.pm prepare and phase1:
 * the task ends `migration aborted` and its log says why). A refused migration leaves the
 * guest where it was, unlocked.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../providers/pve/emulator/start-emulator.js';
import { checkRequestsAfterAll } from '../support/pve-schema.js';
import { failure, raw, startTestEmulator, waitTask, type Api, type TestEmulator } from './support/emulator-fixture.js';

async function untimedLog(api: Api, upid: string): Promise<string[]> {
  const lines = (await api.nodes.$(upid.split(':')[1]).tasks.$(upid).log.$get({ limit: 1000 })) as { t: string }[];
  return lines.map((l) => l.t.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /, ''));
}

describe('Proxmox emulator: migrations PVE refuses', () => {
  let t: TestEmulator;
  let api: Api;
  // every request the tests sent, checked against the real PVE API schema at the end
  const requests: RecordedRequest[] = [];
  checkRequestsAfterAll(requests);
  const vm = (vmid: number, node = 'pve'): Api => api.nodes.$(node).qemu.$(vmid);
  const ct = (vmid: number, node = 'pve'): Api => api.nodes.$(node).lxc.$(vmid);

  /** Edits a guest's config text behind the API's back, as root edits /etc/pve. */
  const editConfig = (vmid: number, edit: (text: string) => string): void => {
    const g = t.emu.world.guests[String(vmid)]!;
    g.config = edit(g.config);
    t.emu.save();
  };
  const addLine = (vmid: number, line: string): void => editConfig(vmid, (c) => c.replace(/\n\n\[|$/, (m) => `${line}\n${m}`));
  const stopped = async (vmid: number): Promise<void> => {
    await waitTask(api, await vm(vmid).status.stop.$post());
  };
  /** Runs a migration task that PVE aborts; returns its log without timestamps. */
  const aborted = async (upid: string): Promise<string[]> => {
    const st = await waitTask(api, upid);
    expect(st.exitstatus).toBe('migration aborted');
    const log = await untimedLog(api, upid);
    expect(log.at(-1)).toBe('TASK ERROR: migration aborted');
    return log;
  };

  beforeEach(async () => {
    t = await startTestEmulator({ migrationTimeScale: 0.001 });
    api = t.api;
  });
  afterEach(async () => {
    requests.push(...t.emu.requestLog);
    await t.close();
  });

  describe('before the task', () => {
    it('refuses the local node as target (400), an unknown node, and a running VM without online', async () => {
      const local = await raw(t.emu, 'POST', '/nodes/pve/qemu/101/migrate', { form: { target: 'pve' } });
      expect(local.status).toBe(400);
      expect(local.json().errors).toEqual({ target: 'target is local node.' });
      expect(await failure(vm(101).migrate.$post({ target: 'nowhere' }))).toMatch(/500 no such cluster node 'nowhere'/);
      expect(await failure(vm(101).migrate.$post({ target: 'chief-horse' }))).toMatch(/500 can't migrate running VM without --online/);
    });

    it('refuses a locked VM', async () => {
      addLine(101, 'lock: backup');
      expect(await failure(vm(101).migrate.$post({ target: 'chief-horse', online: true }))).toMatch(/500 VM is locked \(backup\)/);
    });

    it('refuses a volume on a storage the target does not have unless targetstorage maps it', async () => {
      expect(await failure(vm(101).migrate.$post({ target: 'pumped-piglet', online: true, 'with-local-disks': true }))).toMatch(
        /500 storage 'local-lvm' is not available on node 'pumped-piglet'/,
      );
      // the identity map ('1') checks the same
      expect(
        await failure(vm(101).migrate.$post({ target: 'pumped-piglet', online: true, 'with-local-disks': true, targetstorage: '1' })),
      ).toMatch(/500 storage 'local-lvm' is not available on node 'pumped-piglet'/);
    });

    it('refuses a targetstorage missing on the target, unknown, without VM images, or not a valid map', async () => {
      const go = (targetstorage: string, target = 'pumped-piglet'): Promise<string> =>
        failure(vm(101).migrate.$post({ target, online: true, 'with-local-disks': true, targetstorage }));
      expect(await go('local-zfs', 'chief-horse')).toMatch(/500 storage 'local-zfs' is not available on node 'chief-horse'/);
      expect(await go('local-lvm:nope')).toMatch(/500 storage 'nope' does not exist/);
      expect(await go('local')).toMatch(/500 storage 'local' does not support vm images/);
      const bad = await raw(t.emu, 'POST', '/nodes/pve/qemu/101/migrate', {
        form: { target: 'pumped-piglet', online: '1', targetstorage: 'local-zfs,local' },
      });
      expect(bad.status).toBe(400);
      expect(bad.json().errors).toEqual({ targetstorage: 'failed to parse storage map: default target ID can only be provided once' });
    });

    it('refuses to live-migrate a replicated VM off its replication target; its target turns the job around', async () => {
      t.emu.world.replication = { '101-0': { id: '101-0', type: 'local', guest: 101, jobnum: 0, target: 'fun-bedbug', schedule: '*/15' } };
      t.emu.save();
      expect(await failure(vm(101).migrate.$post({ target: 'chief-horse', online: true, 'with-local-disks': true }))).toMatch(
        /500 Cannot live-migrate replicated VM to node 'chief-horse' - not a replication target. Use 'force' to override./,
      );
      const upid: string = await vm(101).migrate.$post({ target: 'fun-bedbug', online: true, 'with-local-disks': true });
      expect((await waitTask(api, upid)).exitstatus).toBe('OK');
      // pve-guest-common ReplicationConfig.pm switch_replication_job_target
      expect(t.emu.world.replication?.['101-0']).toMatchObject({ target: 'pve', source: 'fun-bedbug' });
    });

    it('refuses force for a token (root only)', async () => {
      const r = await raw(t.emu, 'POST', '/nodes/pve/qemu/101/migrate', { form: { target: 'chief-horse', online: '1', force: '1' } });
      expect(r.status).toBe(400);
      expect(r.json().errors).toEqual({ force: 'Only root may use this option.' });
    });

    it('refuses a running container without restart, and a target-storage without CT rootdirs', async () => {
      expect(await failure(ct(100).migrate.$post({ target: 'chief-horse' }))).toMatch(
        /500 can't migrate running container without --online or --restart/,
      );
      expect(await failure(ct(100).migrate.$post({ target: 'pumped-piglet', restart: true, 'target-storage': 'local' }))).toMatch(
        /500 storage 'local' does not support CT rootdirs/,
      );
    });
  });

  describe('in the task', () => {
    it('aborts a live migration of local disks without with-local-disks, logging each disk', async () => {
      const log = await aborted(await vm(101).migrate.$post({ target: 'chief-horse', online: true }));
      expect(log).toEqual(
        expect.arrayContaining([
          "starting migration of VM 101 to node 'chief-horse' (192.168.4.19)",
          "found local disk 'local-lvm:vm-101-disk-0' (attached)",
          "can't migrate local disk 'local-lvm:vm-101-disk-0': can't live migrate attached local disks without with-local-disks option",
          "ERROR: Problem found while scanning volumes - can't migrate VM - check log",
          'aborting phase 1 - cleanup resources',
        ]),
      );
      expect(log.at(-2)).toMatch(
        /^ERROR: migration aborted \(duration \d\d:\d\d:\d\d\): Problem found while scanning volumes - can't migrate VM - check log$/,
      );
      expect(t.emu.world.guests['101']).toMatchObject({ node: 'pve', status: 'running' });
      expect((await vm(101).config.$get()).lock).toBeUndefined();
    });

    it('aborts a VM with USB passed through by port or by id, but not a SPICE USB port', async () => {
      await stopped(102);
      addLine(102, 'usb0: host=2-1');
      let log = await aborted(await vm(102).migrate.$post({ target: 'chief-horse' }));
      expect(log.at(-2)).toMatch(/^ERROR: migration aborted \(duration .*\): can't migrate VM which uses local devices: usb0$/);
      editConfig(102, (c) => c.replace('usb0: host=2-1', 'usb0: host=18d1:9302'));
      log = await aborted(await vm(102).migrate.$post({ target: 'chief-horse' }));
      expect(log.at(-2)).toMatch(/can't migrate VM which uses local devices: usb0$/);
      // prepare fails before phase 1: no lock was set, nothing to clean up
      expect(log).not.toContain('aborting phase 1 - cleanup resources');
      editConfig(102, (c) => c.replace('usb0: host=18d1:9302', 'usb0: host=spice'));
      expect((await waitTask(api, await vm(102).migrate.$post({ target: 'chief-horse' }))).exitstatus).toBe('OK');
      expect(t.emu.world.guests['102']?.node).toBe('chief-horse');
    });

    it('aborts a VM with a PCI device without a mapping', async () => {
      await stopped(102);
      addLine(102, 'hostpci0: 0000:00:02.0');
      const log = await aborted(await vm(102).migrate.$post({ target: 'chief-horse' }));
      expect(log.at(-2)).toMatch(/can't migrate VM which uses local devices: hostpci0$/);
    });

    it('aborts a mapped device without an entry for the target, and a running VM with a mapped PCI device', async () => {
      t.emu.world.mappings = {
        usb: {},
        pci: { igpu: { map: ['node=pve,path=0000:00:02.0,id=8086:1912,iommugroup=1'] } },
      };
      addLine(101, 'hostpci0: mapping=igpu');
      const running = await aborted(await vm(101).migrate.$post({ target: 'chief-horse', online: true, 'with-local-disks': true }));
      expect(running.at(-2)).toMatch(/can't migrate to 'chief-horse': missing mapped devices hostpci0$/);
      t.emu.world.mappings.pci.igpu!.map.push('node=chief-horse,path=0000:00:02.0,id=8086:1912,iommugroup=1');
      t.emu.save();
      const live = await aborted(await vm(101).migrate.$post({ target: 'chief-horse', online: true, 'with-local-disks': true }));
      expect(live.at(-2)).toMatch(/can't live migrate running VM which uses following mapped devices: hostpci0:igpu$/);
      await stopped(101);
      const ok = await waitTask(api, await vm(101).migrate.$post({ target: 'chief-horse' }));
      expect(ok.exitstatus).toBe('OK');
      expect(await untimedLog(api, (t.emu.world.tasks.at(-1) as { upid: string }).upid)).toContain('migrating VM which uses mapped local devices');
    });

    it("aborts a VM with a disk owned by another VM (a crucible holder's volume)", async () => {
      await stopped(102);
      addLine(102, 'scsi1: local-lvm:vm-101-disk-0,size=32G');
      const log = await aborted(await vm(102).migrate.$post({ target: 'chief-horse' }));
      expect(log).toContain("can't migrate local disk 'local-lvm:vm-101-disk-0': owned by other VM (owner = VM 101)");
      expect(t.emu.world.guests['102']?.node).toBe('pve');
    });

    it('aborts a linked clone on local storage, naming its base', async () => {
      await waitTask(api, await vm(9000).clone.$post({ newid: 130, name: 'linked', full: false }));
      const log = await aborted(await vm(130).migrate.$post({ target: 'chief-horse' }));
      expect(log.at(-2)).toMatch(/: Problem found while scanning volumes - can't migrate 'local-lvm:vm-130-disk-0' as it's a clone of 'base-9000-disk-0'$/);
    });

    it('aborts a VM with a local ISO in its CD-ROM drive', async () => {
      await stopped(102);
      editConfig(102, (c) => c.replace('ide2: none,media=cdrom', 'ide2: local:iso/ubuntu-24.04.1-live-server-amd64.iso,media=cdrom'));
      const log = await aborted(await vm(102).migrate.$post({ target: 'chief-horse' }));
      expect(log).toContain("can't migrate local disk 'local:iso/ubuntu-24.04.1-live-server-amd64.iso': local cdrom image");
    });

    it('aborts when a copy does not fit on the target storage, freeing what it copied', async () => {
      await stopped(107);
      // chief-horse's local-lvm has 141 GiB; the 200 GB disk does not fit
      const log = await aborted(await vm(107).migrate.$post({ target: 'chief-horse' }));
      expect(log).toContain('copying local disk images');
      const reason = log.find((l) => l.startsWith("ERROR: storage migration for 'local-lvm:vm-107-disk-0' to storage 'local-lvm' failed - "));
      expect(reason).toMatch(/failed - not enough free space \(\d+ < 214748364800\)$/);
      expect(t.emu.world.guests['107']).toMatchObject({ node: 'pve', status: 'stopped' });
      const there = (await api.nodes.$('chief-horse').storage.$('local-lvm').content.$get({ vmid: 107 })) as unknown[];
      expect(there).toEqual([]);
      expect((await vm(107).config.$get()).lock).toBeUndefined();
    });

    it('aborts a migration to an offline node: it does not answer ssh', async () => {
      await stopped(102);
      const log = await aborted(await vm(102).migrate.$post({ target: 'still-fawn' }));
      expect(log.at(-2)).toMatch(/: Can't connect to destination address using public key$/);
    });

    it("aborts a container whose volume's storage the target lacks (no target-storage): still running on its source", async () => {
      const log = await aborted(await ct(100).migrate.$post({ target: 'pumped-piglet', restart: true }));
      expect(log.at(-2)).toMatch(/: storage 'local-lvm' is not available on node 'pumped-piglet'$/);
      expect(log).not.toContain('shutdown CT 100');
      expect(t.emu.world.guests['100']).toMatchObject({ node: 'pve', status: 'running' });
    });

    it('aborts a live container migration, and one with a local bind mount point; a shared one is ignored', async () => {
      const online = await aborted(await ct(100).migrate.$post({ target: 'chief-horse', online: true }));
      expect(online.at(-2)).toMatch(/: lxc live migration is currently not implemented$/);
      addLine(100, 'mp0: /mnt/media,mp=/media');
      const bind = await aborted(await ct(100).migrate.$post({ target: 'chief-horse', restart: true }));
      expect(bind.at(-2)).toMatch(/: cannot migrate local bind mount point 'mp0'$/);
      // prepare refused before the shutdown: the container still runs
      expect(t.emu.world.guests['100']).toMatchObject({ node: 'pve', status: 'running' });
      editConfig(100, (c) => c.replace('mp0: /mnt/media,mp=/media', 'mp0: /mnt/media,mp=/media,shared=1'));
      const upid: string = await ct(100).migrate.$post({ target: 'chief-horse', restart: true });
      expect((await waitTask(api, upid)).exitstatus).toBe('OK');
      expect(await untimedLog(api, upid)).toContain("ignoring shared 'bind' mount point 'mp0' ('/mnt/media')");
    });

    it('moves raw lxc.* keys with the config, unchecked (pve-container looks only at mount points)', async () => {
      addLine(100, 'lxc.cgroup2.devices.allow: c 189:* rwm');
      const upid: string = await ct(100).migrate.$post({ target: 'chief-horse', restart: true });
      expect((await waitTask(api, upid)).exitstatus).toBe('OK');
      const cfg = await ct(100, 'chief-horse').config.$get();
      expect(cfg.lxc).toEqual([['lxc.cgroup2.devices.allow', 'c 189:* rwm']]);
    });

    it('moves a container with a passed-through device unchecked; its start on the target fails as PVE reports', async () => {
      addLine(100, 'dev0: /dev/apex_0');
      const upid: string = await ct(100).migrate.$post({ target: 'chief-horse', restart: true });
      const st = await waitTask(api, upid);
      expect(st.exitstatus).toBe('migration problems');
      const log = await untimedLog(api, upid);
      expect(log).toEqual(expect.arrayContaining(['start container on target node', 'ERROR: Device /dev/apex_0 does not exist']));
      expect(t.emu.world.guests['100']).toMatchObject({ node: 'chief-horse', status: 'stopped' });
      expect((await ct(100, 'chief-horse').config.$get()).lock).toBeUndefined();
    });
  });
});
