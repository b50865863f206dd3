/**
 * A drive whose volume another guest owns (a crucible disk attached by its
 * crucible_attachment) is not the VM's to manage: proxmox_vm neither reads it nor removes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { volumeOwner } from '../../providers/proxmox/mapping/vm-config-mapping.js';
import { checkRequestsAfterAll } from './support/schema-check.js';
import { createResource, guestConfigText, startFixture, updateResource, type Fixture } from './support/provider-fixture.js';

const VM: Attributes = {
  node: 'pve',
  name: 'uses-a-foreign-disk',
  cores: 1,
  memory: 1024,
  disks: { scsi0: { storage: 'local-lvm', size: '4G' } },
  networks: { net0: { bridge: 'vmbr0' } },
};

checkRequestsAfterAll();

describe('drives owned by another guest', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(async () => {
    await f.stop();
  });

  it('knows who owns a volume, linked clones included', () => {
    expect(volumeOwner('local-lvm:vm-107-disk-0')).toBe(107);
    expect(volumeOwner('local-lvm:base-9000-disk-0/vm-120-disk-0')).toBe(120);
    expect(volumeOwner('local:120/vm-120-disk-1.qcow2')).toBe(120);
    expect(volumeOwner('none')).toBeUndefined();
  });

  it('leaves a foreign drive out of disks and never removes it on update', async () => {
    const created = await createResource(f, 'proxmox_vm', VM);
    const vmid = Number(created.id.split('/')[1]);
    await f.behindTheBack(async (api) => {
      await api.nodes.$('pve').storage.$('local-lvm').content.$post({ vmid: 100001, filename: 'vm-100001-disk-0', size: '1G' });
      await api.nodes.$('pve').qemu.$(vmid).config.$put({ scsi1: 'local-lvm:vm-100001-disk-0' });
    });
    const read = await f.provider.read({ type: 'proxmox_vm', id: created.id, prior: created.state });
    expect(Object.keys(read.state!['disks'] as object)).toEqual(['scsi0']);

    await updateResource(f, 'proxmox_vm', created.id, read.state!, { ...VM, cores: 2 });
    expect(guestConfigText(f, vmid)).toMatch(/^scsi1: local-lvm:vm-100001-disk-0/m);
    expect(guestConfigText(f, vmid)).toMatch(/^cores: 2$/m);
  });
});
