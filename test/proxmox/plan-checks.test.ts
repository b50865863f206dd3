/**
 * checkPlan of the proxmox provider against the emulator (issue 14, item 3): each kind of
 * problem a create or update would only meet at apply is reported at plan time with its
 * attribute path — missing node or offline node, missing/disabled/inactive storage or one
 * that does not allow the content, missing bridge, missing template, missing clone source or a
 * linked clone of a non-template, a VMID in use — while a valid plan passes and the number of
 * requests does not grow with the number of resources.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import type { PlannedChange } from '../../src/provider/contract.js';
import { checkRequestsAfterAll } from './support/schema-check.js';
import { createResource, plan, startFixture, type Fixture, checkPlanProblems } from './support/provider-fixture.js';

const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';
const CT: Attributes = {
  node: 'pve',
  hostname: 'web',
  ostemplate: TEMPLATE,
  rootfs: { storage: 'local-lvm', size: '4G' },
  networks: { net0: { bridge: 'vmbr0', ip: 'dhcp' } },
};
const VM: Attributes = {
  node: 'pve',
  name: 'vm',
  clone: { source: 'ubuntu-24.04-cloudinit' },
  disks: { scsi0: { storage: 'local-lvm', size: '8G' } },
  networks: { net0: { bridge: 'vmbr0' } },
};

checkRequestsAfterAll();

function create(f: Fixture, type: string, config: Attributes, address = `${type}.x`, replaces?: Attributes): PlannedChange {
  const p = plan(f, type, null, config);
  expect(p.problems).toEqual([]);
  return { address, type, action: 'create', prior: null, planned: p.planned, ...(replaces ? { replaces } : {}) };
}

describe('proxmox checkPlan', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(async () => {
    await f.stop();
  });
  beforeEach(() => {
    f.emu.reset('homelab');
  });

  it('passes a plan whose creates can all succeed', async () => {
    expect(await checkPlanProblems(f, [create(f, 'proxmox_lxc', CT), create(f, 'proxmox_vm', VM), create(f, 'proxmox_vm', { ...VM, node: 'pumped-piglet', vmid: 130, clone: { source: 9001, full: false }, disks: { scsi0: { storage: 'local-zfs', size: '8G' } } })])).toEqual([]);
  });

  it('reports a node that does not exist, and one that is offline', async () => {
    const got = await checkPlanProblems(f, [create(f, 'proxmox_lxc', { ...CT, node: 'nope' }, 'a'), create(f, 'proxmox_lxc', { ...CT, node: 'still-fawn' }, 'b')]);
    expect(got).toEqual([
      { address: 'a', path: ['node'], message: expect.stringMatching(/^node "nope" is not a node of the cluster \(nodes: chief-horse, fun-bedbug, pumped-piglet, pve, rapid-civet, still-fawn\)$/) },
      { address: 'b', path: ['node'], message: 'node still-fawn is offline: nothing can be created there now' },
    ]);
  });

  it('reports a missing storage, a disabled one, an inactive one and one that does not allow the content', async () => {
    const pve = f.emu.world.nodes.find((n) => n.name === 'pve')!;
    pve.storages.push(
      { id: 'nas', type: 'nfs', content: ['images', 'rootdir'], shared: true, totalBytes: 1e12, baseUsedBytes: 0, volumes: [], disabled: true },
      { id: 'nas2', type: 'nfs', content: ['images', 'rootdir'], shared: true, totalBytes: 1e12, baseUsedBytes: 0, volumes: [], inactive: true },
    );
    const got = await checkPlanProblems(f, [
      create(f, 'proxmox_lxc', { ...CT, rootfs: { storage: 'fast-ssd', size: '4G' } }, 'missing'),
      create(f, 'proxmox_lxc', { ...CT, rootfs: { storage: 'nas', size: '4G' } }, 'disabled'),
      create(f, 'proxmox_lxc', { ...CT, mount_points: { mp0: { storage: 'nas2', size: '4G', path: '/srv' } } }, 'inactive'),
      create(f, 'proxmox_vm', { ...VM, disks: { scsi0: { storage: 'local', size: '8G' } } }, 'content'),
      create(f, 'proxmox_vm', { ...VM, cloud_init: { storage: 'nope', user: 'u' } }, 'ci'),
    ]);
    expect(got).toEqual([
      { address: 'missing', path: ['rootfs', 'storage'], message: 'storage "fast-ssd" does not exist on node pve (its storages: local, local-lvm, nas, nas2)' },
      { address: 'disabled', path: ['rootfs', 'storage'], message: 'storage "nas" is disabled on node pve (or not configured for that node)' },
      { address: 'inactive', path: ['mount_points', 'mp0', 'storage'], message: 'storage "nas2" is not active on node pve (it cannot be reached or mounted there now)' },
      {
        address: 'content',
        path: ['disks', 'scsi0', 'storage'],
        message: 'storage "local" on node pve does not allow VM disk images (content "images"; it allows iso, vztmpl, backup, snippets); storages there that do: local-lvm',
      },
      { address: 'ci', path: ['cloud_init', 'storage'], message: expect.stringMatching(/^storage "nope" does not exist on node pve/) },
    ]);
  });

  it('checks a container without rootfs against the storage PVE then uses, local (which takes no container volumes in the seed)', async () => {
    const { rootfs: _none, ...noRootfs } = CT;
    const got = await checkPlanProblems(f, [create(f, 'proxmox_lxc', noRootfs, 'default-rootfs')]);
    expect(got).toEqual([
      {
        address: 'default-rootfs',
        path: ['rootfs', 'storage'],
        message: expect.stringMatching(/^storage "local" on node pve does not allow container volumes .*\(rootfs\.storage is not set, so PVE puts the root file system on storage "local"; set rootfs\.storage\)$/),
      },
    ]);
  });

  it('reports a bridge that does not exist on the node (vmbr1 is only on pve)', async () => {
    const nets = { net0: { bridge: 'vmbr0' }, net1: { bridge: 'vmbr1' } };
    const got = await checkPlanProblems(f, [
      create(f, 'proxmox_lxc', { ...CT, networks: nets }, 'ok-on-pve'),
      create(f, 'proxmox_lxc', { ...CT, node: 'chief-horse', networks: nets }, 'not-on-chief-horse'),
    ]);
    expect(got).toEqual([{ address: 'not-on-chief-horse', path: ['networks', 'net1', 'bridge'], message: 'bridge "vmbr1" does not exist on node chief-horse (its bridges: vmbr0)' }]);
  });

  it('reports a missing container template', async () => {
    const got = await checkPlanProblems(f, [create(f, 'proxmox_lxc', { ...CT, ostemplate: 'local:vztmpl/debian-13-standard_13.0-1_amd64.tar.zst' })]);
    expect(got).toEqual([
      {
        address: 'proxmox_lxc.x',
        path: ['ostemplate'],
        message: expect.stringMatching(/^template local:vztmpl\/debian-13-standard_13.0-1_amd64.tar.zst does not exist on node pve \(templates on local: .*debian-12-standard/),
      },
    ]);
  });

  it('reports a missing clone source and a linked clone of a VM that is not a template', async () => {
    const got = await checkPlanProblems(f, [
      create(f, 'proxmox_vm', { ...VM, clone: { source: 'no-such-template' } }, 'missing'),
      create(f, 'proxmox_vm', { ...VM, clone: { source: 4242 } }, 'missing-id'),
      create(f, 'proxmox_vm', { ...VM, clone: { source: 101, full: false } }, 'linked'),
    ]);
    expect(got).toEqual([
      { address: 'missing', path: ['clone', 'source'], message: 'clone source: there is no VM or template named "no-such-template"' },
      { address: 'missing-id', path: ['clone', 'source'], message: 'clone source: there is no VM 4242 in the cluster' },
      {
        address: 'linked',
        path: ['clone', 'full'],
        message: 'a linked clone (full = false) needs a template, and VM 101 on pve is not one; make it a template or use a full clone',
      },
    ]);
  });

  it('reports a VMID in use, except by the object the create replaces, and one planned twice', async () => {
    const got = await checkPlanProblems(f, [
      create(f, 'proxmox_lxc', { ...CT, vmid: 111 }, 'taken'),
      create(f, 'proxmox_lxc', { ...CT, vmid: 100 }, 'replacing', { node: 'pve', vmid: 100 }),
      create(f, 'proxmox_lxc', { ...CT, vmid: 150 }, 'first'),
      create(f, 'proxmox_lxc', { ...CT, vmid: 150 }, 'second'),
    ]);
    expect(got).toEqual([
      { address: 'taken', path: ['vmid'], message: 'VMID 111 is already in use by CT 111 (cloudflared) on node pve; choose another vmid or leave it out to let hl pick a free one' },
      { address: 'second', path: ['vmid'], message: 'VMID 150 is also planned for first; two guests cannot share a VMID' },
    ]);
  });

  it('checks what an update adds: a new disk on a storage without images, a NIC moved to a missing bridge', async () => {
    const { state } = await createResource(f, 'proxmox_lxc', { ...CT, started: false });
    const config = { ...CT, started: false, mount_points: { mp0: { storage: 'local', size: '1G', path: '/data' } }, networks: { net0: { bridge: 'vmbr7', ip: 'dhcp' } } };
    const p = plan(f, 'proxmox_lxc', state, config);
    const unchanged = plan(f, 'proxmox_lxc', state, { ...CT, started: false, hostname: 'other' });
    const got = await checkPlanProblems(f, [
      { address: 'u', type: 'proxmox_lxc', action: 'update', prior: state, planned: p.planned },
      { address: 'same', type: 'proxmox_lxc', action: 'update', prior: state, planned: unchanged.planned },
    ]);
    expect(got).toEqual([
      { address: 'u', path: ['mount_points', 'mp0', 'storage'], message: expect.stringMatching(/^storage "local" on node pve does not allow container volumes/) },
      { address: 'u', path: ['networks', 'net0', 'bridge'], message: 'bridge "vmbr7" does not exist on node pve (its bridges: vmbr0, vmbr1)' },
    ]);
  });

  it('reads the same number of times for 1 and for 20 planned containers on one node', async () => {
    const count = async (n: number): Promise<number> => {
      const changes = Array.from({ length: n }, (_, i) => create(f, 'proxmox_lxc', { ...CT, hostname: `ct${i}`, vmid: 500 + i }, `proxmox_lxc.ct[${i}]`));
      const before = f.providerRequests().length;
      expect(await checkPlanProblems(f, changes)).toEqual([]);
      return f.providerRequests().length - before;
    };
    const one = await count(1);
    const twenty = await count(20);
    expect(twenty).toBe(one);
    // cluster listing, storage listing, bridge listing, one template listing
    expect(one).toBe(4);
  });

  it('declares vmid as the identity of both guest types (the planner refuses create_before_destroy with a fixed one)', () => {
    const { resources } = f.provider.getSchema();
    expect(resources.proxmox_vm!.attributes.vmid!.identity).toBe(true);
    expect(resources.proxmox_lxc!.attributes.vmid!.identity).toBe(true);
    expect(Object.entries(resources.proxmox_vm!.attributes).filter(([, a]) => a.identity).map(([k]) => k)).toEqual(['vmid']);
  });

  it('asks nothing when no create or update needs a check', async () => {
    const before = f.providerRequests().length;
    expect(await checkPlanProblems(f, [])).toEqual([]);
    expect(f.providerRequests().length).toBe(before);
  });
});
