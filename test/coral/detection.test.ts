/**
 * The coral_devices data source over HTTP against the emulator: a USB Coral before its first
 * inference (1a6e:089a) and after it (18d1:9302, new device number), flipped by the start of
 * the guest that uses it; a PCIe Coral with its IOMMU group, shared or not; one node or all
 * online nodes (offline ones named).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSchemaAfterAll, pciCoral, startCoralFixture, T, usbCoral, type CoralFixture } from './support/coral-fixture.js';

checkSchemaAfterAll();

describe('coral_devices', () => {
  let f: CoralFixture;
  beforeAll(async () => {
    f = await startCoralFixture();
  });
  afterAll(async () => {
    await f.stop();
  });

  const read = (config: Record<string, string> = {}) => f.token.readData({ type: 'coral_devices', config });

  it('finds the seeded USB Coral of fun-bedbug by port, already initialized', async () => {
    const { state } = await read({ node: 'fun-bedbug' });
    expect(state).toMatchObject({ node: 'fun-bedbug', count: 1, nodes: ['fun-bedbug'], offline_nodes: [] });
    expect((state!.devices as unknown[])[0]).toEqual({
      node: 'fun-bedbug',
      kind: 'usb',
      port: '2-1',
      busnum: 2,
      devnum: 3,
      speed: '5000',
      vendor_id: '18d1',
      product_id: '9302',
      state: 'initialized',
      pci_address: null,
      iommu_group: null,
      iommu_group_shared: null,
      device_node: '/dev/bus/usb/002/003',
      name: 'Coral USB Accelerator',
      serial: null,
    });
  });

  it('sees a fresh USB Coral as 1a6e:089a, and as 18d1:9302 with a new device number once its guest started', async () => {
    const hubs = f.node('fun-bedbug').usb.filter((d) => d.class === 9);
    f.setHardware('fun-bedbug', { usb: [...hubs, usbCoral({ busnum: 2, usbpath: '1' })] });
    const before = (await read({ node: 'fun-bedbug' })).state!.devices as Record<string, unknown>[];
    expect(before).toEqual([expect.objectContaining({ port: '2-1', vendor_id: '1a6e', product_id: '089a', state: 'uninitialized', devnum: 2, device_node: '/dev/bus/usb/002/002' })]);

    f.addVm('fun-bedbug', 120);
    const created = await f.root.create({
      type: T,
      planned: f.root.planResource({ type: T, prior: null, config: { node: 'fun-bedbug', vmid: 120, port: '2-1' }, providerConfig: f.rootConfig }).planned,
    });
    expect(f.config(120).usb0).toBe('host=2-1');
    // Nothing flips until the guest uses it.
    expect(((await read({ node: 'fun-bedbug' })).state!.devices as Record<string, unknown>[])[0]).toMatchObject({ state: 'uninitialized' });
    expect(await f.start(120)).toBe('OK');
    const after = (await read({ node: 'fun-bedbug' })).state!.devices as Record<string, unknown>[];
    expect(after).toEqual([expect.objectContaining({ port: '2-1', vendor_id: '18d1', product_id: '9302', state: 'initialized', devnum: 3, device_node: '/dev/bus/usb/002/003' })]);
    // Passed by port, the passthrough still points at it.
    const again = await f.root.read({ type: T, id: created.id, prior: created.state });
    expect(again.state).toMatchObject({ hardware_status: 'ok', start_blocker: null, device: { vendor_id: '18d1', product_id: '9302', state: 'initialized', devnum: 3 } });
    expect(await f.stopGuest(120)).toBe('OK');
  });

  it('lists PCIe Corals with their IOMMU group and whether the group is shared', async () => {
    const gpu = f.node('pumped-piglet').pci;
    f.setHardware('pumped-piglet', {
      pci: [...gpu, pciCoral({ id: '0000:04:00.0', iommugroup: 14 }), pciCoral({ id: '0000:05:00.0', iommugroup: 12 })],
    });
    const { state } = await read({ node: 'pumped-piglet', kind: 'pcie' });
    expect(state!.devices).toEqual([
      expect.objectContaining({ kind: 'pcie', pci_address: '0000:04:00.0', vendor_id: '1ac1', product_id: '089a', iommu_group: 14, iommu_group_shared: false, device_node: '/dev/apex_0', state: null, port: null }),
      // group 12 also holds the RTX 3070 and its audio function
      expect.objectContaining({ kind: 'pcie', pci_address: '0000:05:00.0', iommu_group: 12, iommu_group_shared: true, device_node: '/dev/apex_1' }),
    ]);
  });

  it('scans every online node when no node is given, and names the offline ones', async () => {
    const { state } = await read();
    expect(state).toMatchObject({ node: null, count: 3, offline_nodes: ['rapid-civet', 'still-fawn'] });
    expect(state!.nodes).toEqual(['chief-horse', 'fun-bedbug', 'pumped-piglet', 'pve']);
    expect((state!.devices as Record<string, unknown>[]).map((d) => `${d.node}:${d.kind}`)).toEqual(['fun-bedbug:usb', 'pumped-piglet:pcie', 'pumped-piglet:pcie']);
    expect((await read({ kind: 'usb' })).state!.count).toBe(1);
  });

  it('refuses an offline or unknown node with a clear message', async () => {
    await expect(read({ node: 'still-fawn' })).rejects.toThrow(/node "still-fawn" is offline/);
    await expect(read({ node: 'nope' })).rejects.toThrow(/"nope" is not a node of this cluster/);
  });
});
