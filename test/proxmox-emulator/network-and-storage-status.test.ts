/**
 * The emulator's node network listing (pve-manager PVE/API2/Network.pm) and storage status
 * flags (pve-storage PVE/Storage.pm storage_info): what hl's plan-time checks read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startTestEmulator, type Api, type TestEmulator } from './support/emulator-fixture.js';

describe('Proxmox emulator: bridges and storage status', () => {
  let t: TestEmulator;
  let api: Api;
  beforeAll(async () => {
    t = await startTestEmulator();
    api = t.api;
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists a node\'s bridges, filtered by type, without the loopback', async () => {
    const all = (await api.nodes.$('pve').network.$get()) as { iface: string; type: string }[];
    expect(all.map((i) => `${i.iface}:${i.type}`)).toEqual(['nic0:eth', 'vmbr0:bridge', 'vmbr1:bridge']);
    const bridges = (await api.nodes.$('chief-horse').network.$get({ type: 'any_bridge' })) as { iface: string }[];
    expect(bridges.map((i) => i.iface)).toEqual(['vmbr0']);
    expect(((await api.nodes.$('pve').network.$get({ type: 'eth' })) as { iface: string }[]).map((i) => i.iface)).toEqual(['nic0']);
    expect(await failure(api.nodes.$('still-fawn').network.$get())).toMatch(/595/);
  });

  it('derives bridges from the guests of a world file written before bridges existed', async () => {
    const pve = t.emu.world.nodes.find((n) => n.name === 'pve')!;
    const declared = pve.bridges;
    delete pve.bridges;
    try {
      const bridges = (await api.nodes.$('pve').network.$get({ type: 'bridge' })) as { iface: string }[];
      expect(bridges.map((i) => i.iface)).toEqual(['vmbr0', 'vmbr1']);
    } finally {
      pve.bridges = declared!;
    }
  });

  it('lists a disabled storage with enabled 0 and an unreachable one with active 0, and allocates on neither', async () => {
    const pve = t.emu.world.nodes.find((n) => n.name === 'pve')!;
    pve.storages.push(
      { id: 'nas', type: 'nfs', content: ['images'], shared: true, totalBytes: 1e12, baseUsedBytes: 0, volumes: [], disabled: true },
      { id: 'nas2', type: 'nfs', content: ['images'], shared: true, totalBytes: 1e12, baseUsedBytes: 0, volumes: [], inactive: true },
    );
    const list = (await api.nodes.$('pve').storage.$get()) as { storage: string; enabled: number; active: number; total: number }[];
    expect(list.find((s) => s.storage === 'nas')).toMatchObject({ enabled: 0, active: 0, total: 0 });
    expect(list.find((s) => s.storage === 'nas2')).toMatchObject({ enabled: 1, active: 0, total: 0 });
    expect(list.find((s) => s.storage === 'local-lvm')).toMatchObject({ enabled: 1, active: 1 });
    const imagesOnly = (await api.nodes.$('pve').storage.$get({ content: 'images' })) as { storage: string }[];
    expect(imagesOnly.map((s) => s.storage).sort()).toEqual(['local-lvm', 'nas2']);
    const enabledOnly = (await api.nodes.$('pve').storage.$get({ enabled: 1 })) as { storage: string }[];
    expect(enabledOnly.map((s) => s.storage)).not.toContain('nas');
    expect(await failure(api.nodes.$('pve').storage.$('nas').content.$post({ vmid: 300, filename: 'vm-300-disk-0', size: '1G' }))).toMatch(/storage 'nas' is disabled/);
    expect(await failure(api.nodes.$('pve').storage.$('nas2').content.$post({ vmid: 300, filename: 'vm-300-disk-0', size: '1G' }))).toMatch(/storage 'nas2' is not online/);
  });
});
