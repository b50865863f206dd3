/**
 * checkPlan of planned migrations against the emulator (issue 22): each reason PVE would
 * refuse a migration is reported at `node` with what it is — the target unknown or offline, a
 * storage missing on the target (after the storage map), one that is disabled or does not
 * allow the content, a USB device by port (named from the node's hardware), a PCI device
 * without a mapping, a mapping without an entry for the target, a container device node or raw
 * lxc lines binding host devices, a bind mount, a disk owned by another VM, a lock; a bridge
 * missing on the target at the NIC; and a migration that can work passes, with one storage
 * listing per node.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import type { PlannedChange } from '../../src/provider/contract.js';
import { formatConfigText, parseConfigText } from '../../providers/pve/emulator/config-text.js';
import { checkRequestsAfterAll } from './support/schema-check.js';
import { plan, startFixture, type Fixture, checkPlanProblems } from './support/provider-fixture.js';

checkRequestsAfterAll();

/** Sets keys of a guest's config file in the emulator (as root editing /etc/pve by hand). */
function edit(f: Fixture, vmid: number, set: Record<string, string>): void {
  const g = f.emu.world.guests[String(vmid)]!;
  const style = g.type === 'qemu' ? 'qemu' : 'lxc';
  const cfg = parseConfigText(g.config, style);
  Object.assign(cfg.main, set);
  g.config = formatConfigText(cfg, style);
  f.provider.inventory?.invalidate();
}

/** Moves a guest to another node behind hl's back. */
function place(f: Fixture, vmid: number, node: string): void {
  f.emu.world.guests[String(vmid)]!.node = node;
  f.provider.inventory?.invalidate();
}

async function read(f: Fixture, type: string, vmid: number): Promise<Attributes> {
  const r = await f.provider.read({ type, id: `pve/${vmid}`, prior: { vmid } });
  return r.state!;
}

/** The planned update of the seed guest `vmid` to `config`, as the planner hands it to checkPlan. */
async function migration(f: Fixture, type: string, vmid: number, config: Attributes, address = `${type}.x`): Promise<PlannedChange> {
  const prior = await read(f, type, vmid);
  const p = plan(f, type, prior, { node: prior.node ?? null, ...config });
  return { address, type, action: 'update', prior, planned: p.planned };
}

describe('proxmox checkPlan: migrations', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(async () => {
    await f.stop();
  });
  beforeEach(() => {
    f.emu.reset('homelab');
    f.provider.inventory?.invalidate();
  });

  it('passes a container that can move with its volumes mapped to the target storage, reading each node once', async () => {
    const change = await migration(f, 'proxmox_lxc', 100, { node: 'pumped-piglet', rootfs: { storage: 'local-zfs' } });
    const before = f.providerRequests().length;
    expect(await checkPlanProblems(f, [change])).toEqual([]);
    const reads = f.providerRequests().slice(before).map((r) => `${r.method} ${r.path}`);
    expect(reads.filter((r) => r.endsWith('/storage')).sort()).toEqual(['GET /nodes/pumped-piglet/storage', 'GET /nodes/pve/storage']);
    expect(reads.filter((r) => r === 'GET /cluster/resources')).toHaveLength(1);
  });

  it('refuses a target that is not a node, and one that is offline', async () => {
    const got = await checkPlanProblems(f, [
      await migration(f, 'proxmox_lxc', 100, { node: 'nope' }, 'a'),
      await migration(f, 'proxmox_lxc', 111, { node: 'still-fawn' }, 'b'),
    ]);
    expect(got).toEqual([
      { address: 'a', path: ['node'], message: expect.stringMatching(/^node "nope" is not a node of the cluster \(nodes: chief-horse, /) },
      { address: 'b', path: ['node'], message: 'node still-fawn is offline: the container cannot be migrated there now' },
    ]);
  });

  it('refuses a volume whose storage is missing on the target, naming the storages there that fit', async () => {
    const got = await checkPlanProblems(f, [await migration(f, 'proxmox_lxc', 100, { node: 'pumped-piglet' })]);
    expect(got).toEqual([
      {
        address: 'proxmox_lxc.x',
        path: ['node'],
        message:
          'the container cannot be migrated from pve to pumped-piglet: rootfs (local-lvm:vm-100-disk-0) needs storage "local-lvm" on pumped-piglet, which has no such storage (storages there for container volumes: local-zfs; set the volume\'s storage to one of them to copy it there)',
      },
    ]);
  });

  it('refuses a target storage that is disabled or does not allow the content', async () => {
    const piglet = f.emu.world.nodes.find((n) => n.name === 'pumped-piglet')!;
    piglet.storages.push(
      { id: 'off', type: 'dir', content: ['images', 'rootdir'], shared: false, totalBytes: 1e12, baseUsedBytes: 0, volumes: [], disabled: true },
      { id: 'isos', type: 'dir', content: ['iso'], shared: false, totalBytes: 1e12, baseUsedBytes: 0, volumes: [] },
    );
    const got = await checkPlanProblems(f, [
      await migration(f, 'proxmox_lxc', 100, { node: 'pumped-piglet', rootfs: { storage: 'off' } }, 'off'),
      await migration(f, 'proxmox_vm', 102, { node: 'pumped-piglet', disks: { scsi0: { storage: 'isos', size: '100G' } } }, 'iso'),
    ]);
    expect(got.map((p) => [p.address, p.message])).toEqual([
      ['off', expect.stringMatching(/rootfs \(local-lvm:vm-100-disk-0\) needs storage "off" on pumped-piglet, where it is disabled$/)],
      ['iso', expect.stringMatching(/scsi0 \(local-lvm:vm-102-disk-0\) needs storage "isos" on pumped-piglet, which does not allow VM disk images there \(content "images"\)$/)],
    ]);
  });

  it('names a USB device by port (the Coral of fun-bedbug), a PCI device without a mapping, and a mapping without the target', async () => {
    // OPNsense moved to fun-bedbug by hand, with the Coral and a GPU passed through.
    place(f, 101, 'fun-bedbug');
    edit(f, 101, { usb0: 'host=2-1', usb1: 'mapping=stick', hostpci0: 'host=0000:01:00.0' });
    f.emu.world.mappings = {
      usb: { stick: { map: ['node=fun-bedbug,id=0781:5583'] } },
      pci: {},
    } as never;
    const prior = await f.provider.read({ type: 'proxmox_vm', id: 'fun-bedbug/101', prior: { vmid: 101 } });
    const p = plan(f, 'proxmox_vm', prior.state!, { node: 'chief-horse' });
    const got = await checkPlanProblems(f, [{ address: 'vm', type: 'proxmox_vm', action: 'update', prior: prior.state!, planned: p.planned }]);
    expect(got.filter((x) => x.path[0] !== 'node').map((x) => x.message)).toEqual(['bridge "vmbr1" does not exist on node chief-horse (its bridges: vmbr0)']);
    expect(got.filter((x) => x.path[0] === 'node').map((x) => x.message)).toEqual([
      'the VM cannot be migrated from fun-bedbug to chief-horse: hostpci0: host=0000:01:00.0, a PCI device of fun-bedbug',
      'the VM cannot be migrated from fun-bedbug to chief-horse: usb0: host=2-1, the Coral USB Accelerator (Google Inc.) on port 2-1 of fun-bedbug',
      'the VM cannot be migrated from fun-bedbug to chief-horse: usb1: mapping=stick, whose resource mapping has no entry for node chief-horse',
    ]);
  });

  it('refuses a container with a device node, raw lxc lines binding /dev/bus/usb, and a bind mount', async () => {
    place(f, 111, 'fun-bedbug');
    edit(f, 111, {
      dev0: '/dev/apex_0,mode=0660',
      'lxc.cgroup2.devices.allow': 'c 189:* rwm',
      'lxc.mount.entry': '/dev/bus/usb dev/bus/usb none bind,optional,create=dir',
      mp0: '/srv/frigate,mp=/media/frigate',
    });
    const prior = await f.provider.read({ type: 'proxmox_lxc', id: 'fun-bedbug/111', prior: { vmid: 111 } });
    const p = plan(f, 'proxmox_lxc', prior.state!, { node: 'chief-horse' });
    const got = await checkPlanProblems(f, [{ address: 'frigate', type: 'proxmox_lxc', action: 'update', prior: prior.state!, planned: p.planned }]);
    const messages = got.map((x) => x.message.replace('the container cannot be migrated from fun-bedbug to chief-horse: ', ''));
    expect(messages).toEqual([
      'dev0: /dev/apex_0, a device of fun-bedbug passed through (PVE moves the container without it)',
      'lxc.cgroup2.devices.allow: c 189:* rwm, access to devices of fun-bedbug (a raw line in /etc/pve/lxc/111.conf)',
      'lxc.mount.entry: /dev/bus/usb dev/bus/usb none bind,optional,create=dir, a device tree of fun-bedbug bound in (there: the Coral USB Accelerator) (a raw line in /etc/pve/lxc/111.conf; PVE moves the container without it)',
      'mp0: /srv/frigate, a bind mount of fun-bedbug (PVE cannot migrate a local bind mount point)',
    ]);
  });

  it('refuses a disk owned by another VM (a crucible disk attached from its holder) and a locked guest', async () => {
    edit(f, 102, { scsi1: 'local-lvm:vm-107-disk-0,size=200G', lock: 'backup' });
    const change = await migration(f, 'proxmox_vm', 102, { node: 'chief-horse' });
    const got = await checkPlanProblems(f, [change]);
    expect(got.map((x) => x.message.replace('the VM cannot be migrated from pve to chief-horse: ', ''))).toEqual([
      'it is locked (backup); PVE refuses to migrate a locked guest (wait for its task, or unlock it if it is stale)',
      'scsi1: local-lvm:vm-107-disk-0 belongs to VM 107 (a disk attached from its holder, e.g. a crucible disk): detach it first (remove its crucible_attachment), migrate, then attach it again',
    ]);
  });

  it('takes what qemu-server\'s migration precondition lists as local beyond what hl models (a virtiofs share)', async () => {
    edit(f, 102, { virtiofs0: 'dirid=share' });
    const got = await checkPlanProblems(f, [await migration(f, 'proxmox_vm', 102, { node: 'chief-horse' })]);
    expect(got.map((x) => x.message)).toEqual([
      'the VM cannot be migrated from pve to chief-horse: virtiofs0, a resource of pve that PVE lists as local (its migration precondition)',
    ]);
  });

  it('checks every bridge of a moving guest on the target, at the NIC', async () => {
    const got = await checkPlanProblems(f, [await migration(f, 'proxmox_vm', 101, { node: 'chief-horse' }, 'fw')]);
    expect(got).toEqual([{ address: 'fw', path: ['networks', 'net1', 'bridge'], message: 'bridge "vmbr1" does not exist on node chief-horse (its bridges: vmbr0)' }]);
  });

  it('lets a guest already on the target pass (a migration that finished before the plan)', async () => {
    const change = await migration(f, 'proxmox_lxc', 100, { node: 'chief-horse' });
    place(f, 100, 'chief-horse');
    expect(await checkPlanProblems(f, [change])).toEqual([]);
  });
});
