/**
 * The whole lifecycle of crucible disks over real HTTP against the PVE emulator: a blank disk,
 * attached to a stopped VM and to a running one (shut down and started again, as the plan
 * says), a snapshot with frozen filesystems, a disk from the snapshot, an image from the
 * snapshot, a disk from the image, detach, and delete — with the disk outliving its VM and its
 * snapshot outliving the disk. Every request is checked against the PVE API schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { clientFor, waitTask, type Api } from '../proxmox-emulator/support/emulator-fixture.js';
import { checkRequestsAfterAll, startCrucibleFixture, type CrucibleFixture } from './support/crucible-fixture.js';

const PVE_LVM = { node: 'pve', storage: 'local-lvm' };

function taskTypes(f: CrucibleFixture, vmid: number, from: number): string[] {
  return f.emu.world.tasks.slice(from).filter((t) => t.id === String(vmid)).map((t) => t.type);
}

describe('crucible: the lifecycle of disks, snapshots, images and attachments', () => {
  let f: CrucibleFixture;
  let api: Api;
  checkRequestsAfterAll();
  beforeAll(async () => {
    f = await startCrucibleFixture();
    api = clientFor(f.emu);
    // A stopped VM to attach to (the seed's VMs all run).
    const upid = await api.nodes.$('pve').qemu.$post({ vmid: 300, name: 'worker', memory: '1024', scsi0: 'local-lvm:4', agent: 'enabled=1' });
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
  });
  afterAll(async () => {
    await f?.stop();
  });

  let blank: { id: string; state: Attributes };
  let stoppedAttachment: { id: string; state: Attributes };
  let snapshot: { id: string; state: Attributes };
  let restored: { id: string; state: Attributes };
  let image: { id: string; state: Attributes };
  let fromImage: { id: string; state: Attributes };
  let runningAttachment: { id: string; state: Attributes };

  it('creates a blank disk: a stopped holder VM that owns exactly one volume, named by PVE, identified by hl', async () => {
    blank = await f.create('crucible_disk', { name: 'k3s-data', description: 'etcd and PVs', size: '4G', placement: PVE_LVM });
    const holder = blank.state.holder_vmid as number;
    expect(holder).toBeGreaterThanOrEqual(100000);
    expect(blank.state).toMatchObject({
      name: 'k3s-data',
      description: 'etcd and PVs',
      size: '4G',
      block_size: 512,
      source: { type: 'blank' },
      read_only: false,
      placement: PVE_LVM,
      redundancy: { mode: 'none' },
      state: 'ready',
      volume_id: `local-lvm:vm-${holder}-disk-0`,
    });
    expect(blank.id).toBe(`disk/${holder}/${blank.state.device_serial}`);
    const guest = f.emu.world.guests[String(holder)]!;
    expect(guest.status).toBe('stopped');
    expect(f.configText(holder)).toMatch(new RegExp(`^scsi0: local-lvm:vm-${holder}-disk-0,serial=${blank.state.device_serial},size=4G$`, 'm'));
    expect(f.configText(holder)).toMatch(/^tags: crucible$/m);
    const allocs = f.emu.requestLog.filter((r) => r.method === 'POST' && r.route === '/nodes/{node}/storage/{storage}/content');
    expect(allocs.map((r) => r.body.filename?.[0])).toEqual([`vm-${holder}-disk-0`]);
    // Reading changes nothing and gives the same attributes.
    expect(await f.read('crucible_disk', blank.id, blank.state)).toEqual(blank.state);
  });

  it('attaches it to a stopped VM as its boot disk: scsi1 references the holder\'s volume with the disk serial, first in the boot order; nothing is restarted', async () => {
    const config = { vm: 'pve/300', disks: [{ slot: 1, disk_id: blank.id }], boot_disk_id: blank.id };
    const plan = f.plan('crucible_attachment', null, config);
    expect(plan.notes.join('\n')).toMatch(/must be stopped: if it is running at apply time, hl shuts it down and starts it again/);
    const from = f.emu.world.tasks.length;
    stoppedAttachment = await f.create('crucible_attachment', config);
    expect(stoppedAttachment.id).toBe('vm/300');
    expect(stoppedAttachment.state).toMatchObject({ vm: 'pve/300', disks: [{ slot: 1, disk_id: blank.id }], boot_disk_id: blank.id, vm_status: 'stopped' });
    expect(f.configText(300)).toContain(`scsi1: ${blank.state.volume_id},serial=${blank.state.device_serial}`);
    expect(f.configText(300)).toMatch(/^boot: order=scsi1;scsi0$/m);
    expect(taskTypes(f, 300, from)).toEqual(['qmconfig']);
    expect(await f.read('crucible_attachment', stoppedAttachment.id, stoppedAttachment.state)).toEqual(stoppedAttachment.state);
  });

  it('refuses at plan time to detach the boot disk', async () => {
    expect(f.problems('crucible_attachment', stoppedAttachment.state, { vm: 'pve/300', disks: [] })).toEqual([
      `disk ${blank.id} is the boot disk of VM pve/300 and cannot be detached: first make another disk the boot disk (boot_disk_id) or set boot_disk_id: null and apply, then remove it from disks`,
    ]);
  });

  it('a disk outlives the VM it was attached to: destroying the VM leaves the volume', async () => {
    const upid = await api.nodes.$('pve').qemu.$(300).$delete({ purge: 1, 'destroy-unreferenced-disks': 1 });
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
    expect(await f.read('crucible_attachment', stoppedAttachment.id, stoppedAttachment.state)).toBeNull();
    const after = await f.read('crucible_disk', blank.id, blank.state);
    expect(after).toEqual(blank.state);
  });

  it('attaches to a running VM: the plan announces the restart, the apply shuts it down and starts it again', async () => {
    const prior = { id: 'vm/107', vm: 'pve/107', disks: [], boot_disk_id: null, vm_status: 'running', devices: {} };
    const config = { vm: 'pve/107', disks: [{ slot: 1, disk_id: blank.id }] };
    const plan = f.plan('crucible_attachment', prior, config);
    expect(plan.notes).toEqual([
      `VM pve/107 is running: hl shuts it down to attach ${blank.id} as scsi1, then starts it again (Oxide attaches and detaches disks only while the instance is stopped)`,
    ]);
    const from = f.emu.world.tasks.length;
    runningAttachment = await f.create('crucible_attachment', config);
    expect(taskTypes(f, 107, from)).toEqual(['qmshutdown', 'qmconfig', 'qmstart']);
    expect(f.emu.world.guests['107']!.status).toBe('running');
    expect(runningAttachment.state).toMatchObject({ vm_status: 'running', devices: { scsi1: blank.state.volume_id } });
  });

  it('refuses at apply what Oxide forbids and only the live cluster shows, before touching the VM', async () => {
    const tasks = f.emu.world.tasks.length;
    await expect(f.create('crucible_attachment', { vm: 'pve/102', disks: [{ slot: 2, disk_id: blank.id }] })).rejects.toThrow(
      /crucible disk k3s-data is attached to VM 107 \(k3s-vm-pve\) on pve as scsi1; a disk is attached to one VM at a time: detach it there first/,
    );
    const other = await f.create('crucible_disk', { name: 'other', size: '1G', placement: PVE_LVM });
    await expect(f.create('crucible_attachment', { vm: 'pve/102', disks: [{ slot: 0, disk_id: other.id }] })).rejects.toThrow(
      /scsi0 of VM 102 holds local-lvm:vm-102-disk-0, which is not crucible disk .*; choose another slot/,
    );
    await expect(f.create('crucible_attachment', { vm: 'chief-horse/9002', disks: [{ slot: 1, disk_id: other.id }] })).rejects.toThrow(
      /crucible disk other lives on pve:local-lvm, local to pve; VM 9002 runs on chief-horse and cannot reach it/,
    );
    expect(f.emu.world.tasks.slice(tasks).filter((t) => ['qmshutdown', 'qmstop', 'qmconfig'].includes(t.type) && Number(t.id) < 100000)).toEqual([]);
    expect(f.emu.world.guests['102']!.status).toBe('running');
    await f.remove('crucible_disk', other.id, other.state);
  });

  it('refuses a disk from a snapshot on ZFS before anything is made: ZFS cannot copy a snapshot', async () => {
    const zfs = { node: 'pumped-piglet', storage: 'local-zfs' };
    const d = await f.create('crucible_disk', { name: 'on-zfs', size: '1G', placement: zfs });
    const s2 = await f.create('crucible_snapshot', { name: 'on-zfs-snap', disk_id: d.id });
    const guests = Object.keys(f.emu.world.guests).length;
    await expect(f.create('crucible_disk', { name: 'from-zfs', source: { type: 'snapshot', snapshot_id: s2.id }, placement: zfs })).rejects.toThrow(
      /a disk cannot be made from snapshot .*: pumped-piglet:local-zfs is zfspool storage, and Proxmox cannot copy one of its snapshots into a new volume/,
    );
    await expect(f.create('crucible_image', { name: 'from-zfs', os: 'x', version: '1', source: { type: 'snapshot', id: s2.id } })).rejects.toThrow(
      /an image cannot be made from snapshot .*: pumped-piglet:local-zfs is zfspool storage/,
    );
    expect(Object.keys(f.emu.world.guests).length).toBe(guests);
    await f.remove('crucible_snapshot', s2.id, s2.state);
    await f.remove('crucible_disk', d.id, d.state);
  });

  it('snapshots the disk with the running VM\'s filesystems frozen, and thaws them', async () => {
    const plan = f.plan('crucible_snapshot', null, { name: 'k3s-data-good', disk_id: blank.id });
    expect(plan.notes.join()).toMatch(/frozen for the snapshot if a running VM with the guest agent uses the disk/);
    snapshot = await f.create('crucible_snapshot', { name: 'k3s-data-good', description: 'before the upgrade', disk_id: blank.id });
    const holder = blank.state.holder_vmid as number;
    expect(snapshot.state).toMatchObject({
      name: 'k3s-data-good',
      description: 'before the upgrade',
      disk_id: blank.id,
      consistency: 'fs-frozen',
      state: 'ready',
      size: '4G',
      holder_vmid: holder,
    });
    expect(snapshot.id).toBe(`snapshot/${holder}/${snapshot.state.snapname}/4G`);
    const agentCalls = f.emu.requestLog.filter((r) => r.path.includes('/agent/')).map((r) => r.path.split('/').pop());
    expect(agentCalls).toEqual(['fsfreeze-freeze', 'fsfreeze-thaw']);
    expect(f.emu.world.guests['107']!.fsFrozen).toBeUndefined();
    expect(await f.read('crucible_snapshot', snapshot.id, snapshot.state)).toEqual(snapshot.state);
  });

  it('a snapshot of a disk no running VM uses is crash-consistent, and fs-frozen is refused for it', async () => {
    const other = await f.create('crucible_disk', { name: 'scratch', size: '1G', placement: PVE_LVM });
    await expect(f.create('crucible_snapshot', { name: 'scratch-frozen', disk_id: other.id, consistency: 'fs-frozen' })).rejects.toThrow(
      /consistency fs-frozen needs a running VM with the QEMU guest agent using crucible disk .*; a snapshot now would be crash-consistent/,
    );
    const snap = await f.create('crucible_snapshot', { name: 'scratch-snap', disk_id: other.id });
    expect(snap.state.consistency).toBe('crash');
    await f.remove('crucible_snapshot', snap.id, snap.state);
    await f.remove('crucible_disk', other.id, other.state);
    expect(f.emu.world.guests[String(other.state.holder_vmid)]).toBeUndefined();
  });

  it('makes a larger disk from the snapshot: a full clone of the holder at the snapshot, then grown', async () => {
    restored = await f.create('crucible_disk', {
      name: 'k3s-data-restored',
      size: '6G',
      source: { type: 'snapshot', snapshot_id: snapshot.id },
      placement: PVE_LVM,
    });
    const holder = restored.state.holder_vmid as number;
    expect(restored.state).toMatchObject({ size: '6G', source: { type: 'snapshot', snapshot_id: snapshot.id }, state: 'ready', volume_id: `local-lvm:vm-${holder}-disk-0` });
    expect(restored.state.device_serial).not.toBe(blank.state.device_serial);
    expect(f.configText(holder)).toContain(`serial=${restored.state.device_serial}`);
    const clone = f.emu.requestLog.find((r) => r.route === '/nodes/{node}/qemu/{vmid}/clone' && r.body.newid?.[0] === String(holder))!;
    expect(clone.body).toMatchObject({ snapname: [snapshot.state.snapname], full: ['1'], storage: ['local-lvm'] });
    // The disk's size defaults to the snapshot's, and may not be smaller.
    expect(f.plan('crucible_disk', null, { name: 'x', source: { type: 'snapshot', snapshot_id: snapshot.id }, placement: PVE_LVM }).planned.size).toBe('4G');
  });

  it('makes an image from the snapshot (a full clone converted to a template) and a disk from the image (a linked clone)', async () => {
    image = await f.create('crucible_image', { name: 'k3s-data-image', os: 'ubuntu', version: '24.04', source: { type: 'snapshot', id: snapshot.id } });
    const tmpl = image.state.holder_vmid as number;
    expect(image.state).toMatchObject({ name: 'k3s-data-image', os: 'ubuntu', version: '24.04', size: '4G', storage: 'local-lvm', volume_id: `local-lvm:base-${tmpl}-disk-0` });
    expect(f.configText(tmpl)).toMatch(/^template: 1$/m);
    // The identity survived PVE's rename of the volume (vm- → base-).
    expect(image.id).toMatch(new RegExp(`^image/${tmpl}/[0-9a-f]{20}/4G$`));
    fromImage = await f.create('crucible_disk', { name: 'k3s-data-clone', source: { type: 'image', image_id: image.id }, placement: PVE_LVM });
    const holder = fromImage.state.holder_vmid as number;
    expect(fromImage.state).toMatchObject({ size: '4G', source: { type: 'image', image_id: image.id }, state: 'ready' });
    const vol = f.emu.world.nodes[0]!.storages[1]!.volumes.find((v) => v.volid === fromImage.state.volume_id)!;
    expect(vol.parent).toBe(`local-lvm:base-${tmpl}-disk-0`);
    const clone = f.emu.requestLog.find((r) => r.route === '/nodes/{node}/qemu/{vmid}/clone' && r.body.newid?.[0] === String(holder))!;
    expect(clone.body.full).toEqual(['0']);
  });

  it('grows a disk in place through the running VM that uses it; shrinking is refused at plan time', async () => {
    const config = { name: 'k3s-data', description: 'etcd and PVs', size: '8G', placement: PVE_LVM };
    const { state, plan } = await f.update('crucible_disk', blank.id, blank.state, config);
    expect(plan.notes.join()).toMatch(/size grows from 4G to 8G in place/);
    expect(state.size).toBe('8G');
    const resize = f.emu.requestLog.filter((r) => r.route === '/nodes/{node}/qemu/{vmid}/resize').pop()!;
    expect(resize.path).toBe('/nodes/pve/qemu/107/resize');
    expect(resize.body).toMatchObject({ disk: ['scsi1'], size: ['8G'] });
    expect(f.configText(107)).toContain(`scsi1: ${blank.state.volume_id},serial=${blank.state.device_serial},size=8G`);
    expect(f.problems('crucible_disk', state, { ...config, size: '2G' })).toEqual(['size cannot shrink from 8G to 2G: Proxmox only grows disks']);
    blank = { id: blank.id, state };
    // The snapshot keeps the size it was taken at.
    expect(await f.read('crucible_snapshot', snapshot.id, snapshot.state)).toEqual(snapshot.state);
  });

  it('refuses to delete a disk that is attached', async () => {
    await expect(f.remove('crucible_disk', blank.id, blank.state)).rejects.toThrow(
      /crucible disk k3s-data is attached to VM 107 \(k3s-vm-pve\) on pve as scsi1; a disk is deleted only when detached/,
    );
  });

  it('detaches: the key is dropped, the volume is not parked in unusedN of a VM that does not own it, and the VM runs again', async () => {
    const from = f.emu.world.tasks.length;
    const { state } = await f.update('crucible_attachment', runningAttachment.id, runningAttachment.state, { vm: 'pve/107', disks: [] });
    expect(state.disks).toEqual([]);
    expect(taskTypes(f, 107, from)).toEqual(['qmshutdown', 'qmconfig', 'qmstart']);
    const text = f.configText(107)!;
    expect(text).not.toMatch(/^scsi1:/m);
    expect(text).not.toMatch(/^unused\d+:/m);
    expect(f.emu.world.guests['107']!.status).toBe('running');
    expect(await f.read('crucible_disk', blank.id, blank.state)).toEqual(blank.state);
  });

  it('deletes a disk whose snapshot lives on: the holder stays as a tombstone until the snapshot goes', async () => {
    const holder = blank.state.holder_vmid as number;
    await f.remove('crucible_disk', blank.id, blank.state);
    expect(await f.read('crucible_disk', blank.id, blank.state)).toBeNull();
    expect(f.configText(holder)).toMatch(/state=destroyed/);
    expect(await f.read('crucible_snapshot', snapshot.id, snapshot.state)).toEqual(snapshot.state);
    // Deleting again is fine.
    await f.remove('crucible_disk', blank.id, blank.state);
    await f.remove('crucible_snapshot', snapshot.id, snapshot.state);
    expect(await f.read('crucible_snapshot', snapshot.id, snapshot.state)).toBeNull();
    expect(f.emu.world.guests[String(holder)]).toBeUndefined();
  });

  it('deletes an image with a dependent disk on LVM-thin (PVE lets a thin base go), then the disks', async () => {
    await f.remove('crucible_image', image.id, image.state);
    expect(await f.read('crucible_image', image.id, image.state)).toBeNull();
    expect(await f.read('crucible_disk', fromImage.id, fromImage.state)).toMatchObject({ state: 'ready' });
    for (const d of [fromImage, restored]) {
      await f.remove('crucible_disk', d.id, d.state);
      expect(await f.read('crucible_disk', d.id, d.state)).toBeNull();
    }
    expect(Object.values(f.emu.world.guests).filter((g) => /tags: crucible/.test(g.config))).toEqual([]);
    expect(f.emu.world.nodes[0]!.storages[1]!.volumes.filter((v) => (v.vmid ?? 0) >= 100000)).toEqual([]);
  });

  it('keeps an image whose base a directory storage cannot free as a tombstone, and collects it with its last disk', async () => {
    const local = f.emu.world.nodes[0]!.storages.find((s) => s.id === 'local')!;
    local.content.push('images');
    f.emu.save();
    const PVE_DIR = { node: 'pve', storage: 'local' };
    const disk = await f.create('crucible_disk', { name: 'golden', size: '1G', placement: PVE_DIR });
    expect(disk.state.volume_id).toBe(`local:${disk.state.holder_vmid}/vm-${disk.state.holder_vmid}-disk-0.qcow2`);
    const snap = await f.create('crucible_snapshot', { name: 'golden-snap', disk_id: disk.id });
    const img = await f.create('crucible_image', { name: 'golden-image', os: 'debian', version: '12', source: { type: 'snapshot', id: snap.id } });
    const clone = await f.create('crucible_disk', { name: 'golden-clone', source: { type: 'image', image_id: img.id }, placement: PVE_DIR });
    const tmpl = img.state.holder_vmid as number;
    await f.remove('crucible_image', img.id, img.state);
    expect(await f.read('crucible_image', img.id, img.state)).toBeNull();
    expect(f.configText(tmpl)).toMatch(/state=destroyed/);
    const refused = f.emu.world.tasks.filter((t) => t.type === 'qmdestroy' && t.id === String(tmpl)).pop()!;
    expect(refused.exitstatus).toBe(`base volume 'local:${tmpl}/base-${tmpl}-disk-0.qcow2' is still in use by linked cloned`);
    await f.remove('crucible_disk', clone.id, clone.state);
    expect(f.emu.world.guests[String(tmpl)]).toBeUndefined();
    await f.remove('crucible_snapshot', snap.id, snap.state);
    await f.remove('crucible_disk', disk.id, disk.state);
    expect(Object.values(f.emu.world.guests).filter((g) => /tags: crucible/.test(g.config))).toEqual([]);
  });
});
