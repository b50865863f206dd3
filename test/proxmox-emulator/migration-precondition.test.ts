/**
 * `GET /nodes/{node}/qemu|lxc/{vmid}/migrate`: the migration preconditions as PVE answers them
 * (qemu-server `src/PVE/API2/Qemu.pm`, pve-container `src/PVE/API2/LXC.pm`
 * migrate_vm_precondition): whether the guest runs, the nodes it may go to and why others are
 * not allowed (storages, mapped devices), its local disks and local resources.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../providers/pve/emulator/start-emulator.js';
import { checkRequestsAfterAll } from '../support/pve-schema.js';
import { failure, raw, startTestEmulator, type Api, type TestEmulator } from './support/emulator-fixture.js';

const GiB = 1024 ** 3;

describe('Proxmox emulator: migration preconditions', () => {
  let t: TestEmulator;
  let api: Api;
  // every request the tests sent, checked against the real PVE API schema at the end
  const requests: RecordedRequest[] = [];
  checkRequestsAfterAll(requests);

  beforeEach(async () => {
    t = await startTestEmulator();
    api = t.api;
  });
  afterEach(async () => {
    requests.push(...t.emu.requestLog);
    await t.close();
  });

  it('answers a VM with its local disk: nodes without its storage not allowed, every other node listed', async () => {
    const pre = await api.nodes.$('pve').qemu.$(101).migrate.$get({ target: 'pumped-piglet' });
    expect(pre).toMatchObject({
      running: 1,
      allowed_nodes: ['chief-horse', 'fun-bedbug', 'still-fawn', 'rapid-civet'],
      not_allowed_nodes: {
        'pumped-piglet': { unavailable_storages: ['local-lvm'] },
        'chief-horse': {},
        'fun-bedbug': {},
      },
      local_resources: [],
      'mapped-resources': [],
      'mapped-resource-info': {},
      'has-dbus-vmstate': 1,
    });
    expect(pre.local_disks).toEqual([
      expect.objectContaining({ volid: 'local-lvm:vm-101-disk-0', size: 32 * GiB, drivename: 'scsi0', is_attached: 1, cdrom: 0, is_unused: 0 }),
    ]);
  });

  it('lists local and mapped devices, and the nodes a mapping has no entry for', async () => {
    t.emu.world.mappings = { usb: {}, pci: { igpu: { map: ['node=pve,path=0000:00:02.0,id=8086:1912,iommugroup=1'] } } };
    const g = t.emu.world.guests['102']!;
    g.config = g.config.replace(/^ide2: .*$/m, 'ide2: local:iso/ubuntu-24.04.1-live-server-amd64.iso,media=cdrom\nusb0: host=2-1\nhostpci0: mapping=igpu');
    t.emu.save();
    const pre = await api.nodes.$('pve').qemu.$(102).migrate.$get();
    // a mapped PCI device of a running VM is a local resource too (no live migration for it)
    expect(pre.local_resources).toEqual(['hostpci0', 'usb0']);
    expect(pre['mapped-resources']).toEqual(['hostpci0']);
    expect(pre['mapped-resource-info']).toEqual({ hostpci0: { name: 'igpu' } });
    expect(pre.not_allowed_nodes['chief-horse']).toEqual({ 'unavailable-resources': ['hostpci0'] });
    expect(pre.allowed_nodes).toEqual([]);
    expect(pre.local_disks).toEqual(
      expect.arrayContaining([expect.objectContaining({ volid: 'local:iso/ubuntu-24.04.1-live-server-amd64.iso', cdrom: 1 })]),
    );
  });

  it('refuses a locked VM as PVE does', async () => {
    const g = t.emu.world.guests['101']!;
    g.config = `lock: backup\n${g.config}`;
    t.emu.save();
    expect(await failure(api.nodes.$('pve').qemu.$(101).migrate.$get())).toMatch(/500 VM is locked \(backup\)/);
  });

  it('answers a container (PVE 9): running and every other node allowed', async () => {
    expect(await api.nodes.$('pve').lxc.$(100).migrate.$get()).toEqual({
      running: 1,
      'allowed-nodes': ['pumped-piglet', 'chief-horse', 'fun-bedbug', 'still-fawn', 'rapid-civet'],
      'not-allowed-nodes': {},
    });
  });

  it('has no container preconditions on PVE 8.4, and no has-dbus-vmstate for VMs', async () => {
    requests.push(...t.emu.requestLog);
    await t.close();
    t = await startTestEmulator({ pveVersion: '8.4' });
    api = t.api;
    const ct = await raw(t.emu, 'GET', '/nodes/pve/lxc/100/migrate');
    expect(ct.status).toBe(501);
    const pre = await api.nodes.$('pve').qemu.$(101).migrate.$get();
    expect(pre['has-dbus-vmstate']).toBeUndefined();
    expect(pre['mapped-resource-info']).toEqual({});
  });
});
