/**
 * What the crucible provider needs of the PVE emulator, behaving as PVE does (qemu-server,
 * pve-storage, pve-manager), driven with the real proxmox-api client: volume naming per storage
 * type, ownership by VMID (`unusedN` only for the owner), snapshots per guest, full clones at a
 * snapshot where the storage can copy one (and PVE's refusal where it cannot), templates and
 * linked clones, refusal to free a base that linked clones use (not on LVM-thin), grow-only
 * resize, replication jobs, the guest agent's filesystem freeze, snapshot descriptions and
 * Ceph pools. Every request is checked against the PVE API schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRequests, loadPveSchema } from '../support/pve-schema.js';
import { failure, startTestEmulator, waitTask, type Api, type TestEmulator } from '../proxmox-emulator/support/emulator-fixture.js';

const GiB = 1024 ** 3;

describe('PVE emulator extensions for crucible', () => {
  let t: TestEmulator;
  let api: Api;
  const qemu = (node: string, vmid: number): Api => api.nodes.$(node).qemu.$(vmid);
  const task = async (p: Promise<string>): Promise<string | undefined> => (await waitTask(api, await p)).exitstatus;

  beforeAll(async () => {
    t = await startTestEmulator();
    api = t.api;
  });
  afterAll(async () => {
    const schema = loadPveSchema();
    const log = [...t.emu.requestLog];
    await t.close();
    if (schema) expect(checkRequests(schema, log)).toEqual([]);
  });

  it('allocates volumes with PVE\'s names per storage type, owned by the VMID in the name', async () => {
    expect(await task(api.nodes.$('pve').qemu.$post({ vmid: 500, name: 'holder' }))).toBe('OK');
    expect(await api.nodes.$('pve').storage.$('local-lvm').content.$post({ vmid: 500, filename: 'vm-500-disk-0', size: '1G' })).toBe('local-lvm:vm-500-disk-0');
    expect(await failure(api.nodes.$('pve').storage.$('local-lvm').content.$post({ vmid: 500, filename: 'vm-501-disk-0', size: '1G' }))).toMatch(
      /illegal name 'vm-501-disk-0' - should be 'vm-500-\*'/,
    );
    expect(await task(api.nodes.$('pumped-piglet').qemu.$post({ vmid: 510, name: 'zfs-holder' }))).toBe('OK');
    expect(await api.nodes.$('pumped-piglet').storage.$('local-zfs').content.$post({ vmid: 510, filename: 'vm-510-disk-0', size: '1G' })).toBe('local-zfs:vm-510-disk-0');
  });

  it('parks a removed drive in unusedN only for the VM that owns the volume; another VM just drops it', async () => {
    expect(await task(qemu('pve', 500).config.$post({ scsi0: 'local-lvm:vm-500-disk-0' }))).toBe('OK');
    expect(await task(api.nodes.$('pve').qemu.$post({ vmid: 501, name: 'user', scsi0: 'local-lvm:1' }))).toBe('OK');
    expect(await task(qemu('pve', 501).config.$post({ scsi1: 'local-lvm:vm-500-disk-0,serial=abc' }))).toBe('OK');
    expect(await task(qemu('pve', 501).config.$post({ delete: 'scsi1' }))).toBe('OK');
    const cfg = await qemu('pve', 501).config.$get();
    expect(cfg.scsi1).toBeUndefined();
    expect(Object.keys(cfg).filter((k) => k.startsWith('unused'))).toEqual([]);
    // Even forced, a VM never frees a volume it does not own.
    expect(await task(qemu('pve', 501).config.$post({ scsi1: 'local-lvm:vm-500-disk-0' }))).toBe('OK');
    expect(await task(qemu('pve', 501).config.$post({ delete: 'scsi1', force: 1 }))).toBe('OK');
    const vols = (await api.nodes.$('pve').storage.$('local-lvm').content.$get({ vmid: 500 })) as { volid: string }[];
    expect(vols.map((v) => v.volid)).toEqual(['local-lvm:vm-500-disk-0']);
    // Destroying the user VM leaves the volume of the holder.
    expect(await task(qemu('pve', 501).$delete({ purge: 1, 'destroy-unreferenced-disks': 1 }))).toBe('OK');
    expect(((await api.nodes.$('pve').storage.$('local-lvm').content.$get({ vmid: 500 })) as unknown[]).length).toBe(1);
  });

  it('clones at a snapshot: a full copy on LVM-thin with the snapshot\'s size; PVE\'s refusal on ZFS, which cannot copy a snapshot', async () => {
    expect(await task(qemu('pve', 500).snapshot.$post({ snapname: 'before', description: 'd' }))).toBe('OK');
    expect(await task(qemu('pve', 500).resize.$put({ disk: 'scsi0', size: '3G' }))).toBe('OK');
    expect(await task(qemu('pve', 500).resize.$put({ disk: 'scsi0', size: '2G' }))).toBe('shrinking disks is not supported');
    expect(await task(qemu('pve', 500).clone.$post({ newid: 502, snapname: 'before', full: 1, name: 'from-snap' }))).toBe('OK');
    expect((await qemu('pve', 502).config.$get()).scsi0).toBe('local-lvm:vm-502-disk-0,size=1G');
    expect((await qemu('pve', 502).snapshot.$get()).map((s: { name: string }) => s.name)).toEqual(['current']);

    expect(await task(qemu('pumped-piglet', 510).config.$post({ scsi0: 'local-zfs:vm-510-disk-0' }))).toBe('OK');
    expect(await task(qemu('pumped-piglet', 510).snapshot.$post({ snapname: 'before' }))).toBe('OK');
    expect(await failure(qemu('pumped-piglet', 510).clone.$post({ newid: 511, snapname: 'before', full: 1 }))).toMatch(
      /500 Full clone feature is not supported for drive 'scsi0'/,
    );
  });

  it('keeps snapshot descriptions editable (PUT snapshot config)', async () => {
    await qemu('pve', 500).snapshot.$('before').config.$put({ description: 'changed' });
    expect((await qemu('pve', 500).snapshot.$('before').config.$get()).description).toBe('changed');
  });

  it('templates and linked clones; a base in use stays on ZFS with PVE\'s message, goes on LVM-thin', async () => {
    // ZFS: template 512 with a linked clone 513.
    expect(await task(api.nodes.$('pumped-piglet').qemu.$post({ vmid: 512, name: 'tmpl', scsi0: 'local-zfs:1' }))).toBe('OK');
    expect(await task(qemu('pumped-piglet', 512).template.$post())).toBe('OK');
    expect((await qemu('pumped-piglet', 512).config.$get()).scsi0).toMatch(/^local-zfs:base-512-disk-0,/);
    expect(await task(qemu('pumped-piglet', 512).clone.$post({ newid: 513, full: 0, name: 'linked' }))).toBe('OK');
    expect((await qemu('pumped-piglet', 513).config.$get()).scsi0).toMatch(/^local-zfs:base-512-disk-0\/vm-513-disk-0,/);
    expect(await task(qemu('pumped-piglet', 512).$delete({ purge: 1 }))).toBe("base volume 'local-zfs:base-512-disk-0' is still in use by linked cloned");
    expect(await failure(api.nodes.$('pumped-piglet').storage.$('local-zfs').content.$('base-512-disk-0').$delete())).toMatch(
      /500 base volume 'base-512-disk-0' is still in use by linked clones/,
    );
    expect(await task(qemu('pumped-piglet', 513).$delete({ purge: 1 }))).toBe('OK');
    expect(await task(qemu('pumped-piglet', 512).$delete({ purge: 1 }))).toBe('OK');
    // LVM-thin: the thin clone survives its origin.
    expect(await task(api.nodes.$('pve').qemu.$post({ vmid: 514, name: 'tmpl', scsi0: 'local-lvm:1' }))).toBe('OK');
    expect(await task(qemu('pve', 514).template.$post())).toBe('OK');
    expect(await task(qemu('pve', 514).clone.$post({ newid: 515, full: 0 }))).toBe('OK');
    expect(await task(qemu('pve', 514).$delete({ purge: 1 }))).toBe('OK');
    expect((await qemu('pve', 515).config.$get()).scsi0).toMatch(/^local-lvm:vm-515-disk-0,/);
  });

  it('creates, updates and removes replication jobs with PVE\'s checks', async () => {
    const repl = api.cluster.replication;
    expect(await failure(repl.$post({ id: '999-0', type: 'local', target: 'pve' }))).toMatch(/500 Guest '999' does not exist\./);
    expect(await failure(repl.$post({ id: '510-0', type: 'local', target: 'nowhere' }))).toMatch(/500 Target 'nowhere' does not exist\./);
    expect(await failure(repl.$post({ id: '510-0', type: 'local', target: 'pumped-piglet' }))).toMatch(/500 Source and target must not be identical/);
    expect(await failure(repl.$post({ id: '500-0', type: 'local', target: 'chief-horse' }))).toMatch(
      /500 missing replicate feature on volume 'local-lvm:vm-500-disk-0'/,
    );
    await repl.$post({ id: '510-0', type: 'local', target: 'pve', schedule: '*/5' });
    expect(await failure(repl.$post({ id: '510-1', type: 'local', target: 'pve' }))).toMatch(/replication job for guest '510' to target 'local\/pve' already exists/);
    expect(await repl.$get()).toEqual([{ id: '510-0', type: 'local', guest: 510, jobnum: 0, target: 'pve', source: 'pumped-piglet', schedule: '*/5' }]);
    const { digest } = await repl.$('510-0').$get();
    await repl.$('510-0').$put({ schedule: '*/1', digest });
    expect(await failure(repl.$('510-0').$put({ comment: 'x', digest }))).toMatch(/detected modified configuration/);
    await repl.$('510-0').$delete();
    expect((await repl.$get())[0]).toMatchObject({ id: '510-0', remove_job: 'full' });
    await new Promise((r) => setTimeout(r, 60));
    expect(await repl.$get()).toEqual([]);
    // A guest's jobs go with it when it is destroyed with purge.
    await repl.$post({ id: '510-0', type: 'local', target: 'chief-horse' });
    expect(await task(qemu('pumped-piglet', 510).$delete({ purge: 1, 'destroy-unreferenced-disks': 1 }))).toBe('OK');
    expect(await repl.$get()).toEqual([]);
  });

  it('freezes and thaws a running VM\'s filesystems through the guest agent', async () => {
    const agent = qemu('pve', 107).agent;
    expect(await agent.$('fsfreeze-status').$post()).toEqual({ result: 'thawed' });
    expect(await agent.$('fsfreeze-freeze').$post()).toEqual({ result: 2 });
    expect(await agent.$('fsfreeze-status').$post()).toEqual({ result: 'frozen' });
    expect(await agent.$('fsfreeze-thaw').$post()).toEqual({ result: 2 });
    expect(await failure(qemu('pve', 101).agent.$('fsfreeze-freeze').$post())).toMatch(/500 No QEMU guest agent configured/);
    expect(await failure(qemu('pve', 502).agent.$('fsfreeze-freeze').$post())).toMatch(/500 No QEMU guest agent configured/);
    expect(await task(qemu('pve', 502).config.$post({ agent: 'enabled=1' }))).toBe('OK');
    expect(await failure(qemu('pve', 502).agent.$('fsfreeze-freeze').$post())).toMatch(/500 VM 502 is not running/);
  });

  it('reads an RBD storage\'s Ceph pool, and answers as a node without Ceph until there is one', async () => {
    expect(await failure(api.nodes.$('pve').ceph.pool.$('vm').status.$get())).toMatch(/rados_connect failed/);
    const w = t.emu.world;
    w.ceph = { pools: { vm: { name: 'vm', size: 3, min_size: 2, pg_num: 128, crush_rule: 'replicated_rule' } } };
    w.nodes[0]!.storages.push({ id: 'ceph-vm', type: 'rbd', content: ['images'], shared: true, totalBytes: 1000 * GiB, baseUsedBytes: 0, volumes: [], pool: 'vm' });
    t.emu.save();
    expect(await api.storage.$('ceph-vm').$get()).toMatchObject({ storage: 'ceph-vm', type: 'rbd', pool: 'vm', shared: 1 });
    expect(await api.nodes.$('pve').ceph.pool.$('vm').status.$get()).toMatchObject({ name: 'vm', size: 3, min_size: 2 });
  });
});
