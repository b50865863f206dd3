/**
 * coral_passthrough to VMs over HTTP against the emulator, as root@pam: a USB Coral by port
 * (never by id), a PCIe Coral by address with pcie=1 (q35 and IOMMU group checks before any
 * write), a line that waits for a running VM's restart, in-place updates, adopting a line a
 * crashed create left, and deletes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { isUnknown } from '../../src/core/value.js';
import { checkSchemaAfterAll, createWith, errorsOf, pciCoral, planWith, startCoralFixture, T, usbCoral, warningsOf, type CoralFixture } from './support/coral-fixture.js';

checkSchemaAfterAll();

describe('coral_passthrough to a VM', () => {
  let f: CoralFixture;
  beforeAll(async () => {
    f = await startCoralFixture();
    const hubs = f.node('fun-bedbug').usb.filter((d) => d.class === 9);
    f.setHardware('fun-bedbug', { usb: [...hubs, usbCoral({ busnum: 2, usbpath: '1' })] });
    f.setHardware('pumped-piglet', {
      pci: [...f.node('pumped-piglet').pci, pciCoral({ id: '0000:04:00.0', iommugroup: 14 }), pciCoral({ id: '0000:05:00.0', iommugroup: 12 })],
    });
  });
  afterAll(async () => {
    await f.stop();
  });
  const plan = (prior: Attributes | null, config: Attributes) => planWith(f.root, f.rootConfig, prior, config);

  it('passes a USB Coral by port: usb0: host=2-1, and plans no change afterwards', async () => {
    f.addVm('fun-bedbug', 120);
    const config = { node: 'fun-bedbug', vmid: 120 };
    const p = plan(null, config);
    expect(p.all).toEqual([]);
    expect(isUnknown(p.planned.port)).toBe(true);
    expect(isUnknown(p.planned.kind)).toBe(true);
    const { id, state } = await createWith(f.root, f.rootConfig, config);
    expect(id).toBe('fun-bedbug/120/usb0');
    expect(f.config(120).usb0).toBe('host=2-1');
    expect(state).toMatchObject({
      kind: 'usb',
      port: '2-1',
      slot: 'usb0',
      method: 'usb-port',
      config_line: 'usb0: host=2-1',
      hardware_status: 'ok',
      device: { vendor_id: '1a6e', product_id: '089a', state: 'uninitialized' },
      guest_status: 'stopped',
      pending_restart: false,
      start_blocker: null,
    });
    const read = (await f.root.read({ type: T, id, prior: state })).state!;
    expect(read).toEqual(state);
    const again = plan(read, config);
    expect(again.planned).toEqual(read);
    expect(again.all).toEqual([]);

    // The first inference flips the id and device number; the port-based line does not care.
    expect(await f.start(120)).toBe('OK');
    const flipped = (await f.root.read({ type: T, id, prior: read })).state!;
    expect(flipped).toMatchObject({ hardware_status: 'ok', guest_status: 'running', device: { vendor_id: '18d1', product_id: '9302', devnum: 3 } });
    expect(plan(flipped, config).all).toEqual([]);
    expect(await f.stopGuest(120)).toBe('OK');
    expect(await f.start(120)).toBe('OK');
    expect(await f.stopGuest(120)).toBe('OK');

    await f.root.delete({ type: T, id, prior: flipped });
    expect(f.config(120).usb0).toBeUndefined();
    expect((await f.root.read({ type: T, id, prior: flipped })).state).toBeNull();
    await f.root.delete({ type: T, id, prior: flipped });
  });

  it('passes a PCIe Coral by address with pcie=1 on a q35 VM; the line waits for a running VM to restart', async () => {
    f.addVm('pumped-piglet', 130);
    expect(await f.start(130)).toBe('OK');
    const config = { node: 'pumped-piglet', vmid: 130, pci_address: '04:00.0' };
    const p = plan(null, config);
    expect(p.all).toEqual([]);
    expect(p.planned).toMatchObject({ kind: 'pcie', pci_address: '0000:04:00.0', pcie: true, method: 'pci-address' });
    const { id, state } = await createWith(f.root, f.rootConfig, config);
    expect(id).toBe('pumped-piglet/130/hostpci0');
    expect(f.config(130).hostpci0).toBeUndefined();
    expect(f.emu.world.guests['130']!.config).toContain('[PENDING]\nhostpci0: 0000:04:00.0,pcie=1');
    expect(state).toMatchObject({
      config_line: 'hostpci0: 0000:04:00.0,pcie=1',
      pending_restart: true,
      guest_status: 'running',
      guest_machine: 'q35',
      device: { iommu_group: 14, iommu_group_shared: false },
    });
    const next = plan(state, config);
    expect(next.planned).toEqual(state);
    expect(next.notes).toEqual(['hostpci0 waits for the next start of VM 130 (hl does not restart guests for it)']);

    // In place: pcie=0.
    const upd = plan(state, { ...config, pcie: false });
    expect(upd.requiresReplace).toEqual([]);
    expect(upd.planned.config_line).toBe('hostpci0: 0000:04:00.0');
    const updated = (await f.root.update({ type: T, id, prior: state, planned: upd.planned })).state;
    expect(updated).toMatchObject({ pcie: false, config_line: 'hostpci0: 0000:04:00.0' });
    await f.root.delete({ type: T, id, prior: updated });
    expect(f.emu.world.guests['130']!.config).not.toMatch(/^hostpci0: /m);
    expect(await f.stopGuest(130)).toBe('OK');
  });

  it('refuses pcie=1 without q35, an IOMMU group shared with other devices, and a host without IOMMU, before writing', async () => {
    f.addVm('pumped-piglet', 131, { machine: 'pc-i440fx-9.0' });
    await expect(createWith(f.root, f.rootConfig, { node: 'pumped-piglet', vmid: 131, pci_address: '0000:04:00.0' })).rejects.toThrow(
      /pcie = true needs the q35 machine type, but VM 131 uses pc-i440fx-9.0/,
    );
    f.addVm('pumped-piglet', 132);
    await expect(createWith(f.root, f.rootConfig, { node: 'pumped-piglet', vmid: 132, pci_address: '0000:05:00.0' })).rejects.toThrow(
      /shares IOMMU group 12 with 0000:01:00.0 \(GA104 \[GeForce RTX 3070\]\), 0000:01:00.1 .*allow_shared_iommu_group = true/,
    );
    expect(f.config(131).hostpci0).toBeUndefined();
    expect(f.config(132).hostpci0).toBeUndefined();
    const ok = await createWith(f.root, f.rootConfig, { node: 'pumped-piglet', vmid: 132, pci_address: '0000:05:00.0', allow_shared_iommu_group: true });
    expect(ok.state).toMatchObject({ config_line: 'hostpci0: 0000:05:00.0,pcie=1', device: { iommu_group_shared: true } });
    const warned = plan(ok.state, { node: 'pumped-piglet', vmid: 132, pci_address: '0000:05:00.0' });
    expect(warned.planned.allow_shared_iommu_group).toBe(false);
    expect(warningsOf(warned.all)).toEqual([expect.stringMatching(/^the Coral's IOMMU group 12 is shared with other devices: .* VM 132\. Set allow_shared_iommu_group = true/)]);

    f.setHardware('chief-horse', { pci: [pciCoral({ id: '0000:03:00.0', iommugroup: -1 })] });
    f.addVm('chief-horse', 133);
    await expect(createWith(f.root, f.rootConfig, { node: 'chief-horse', vmid: 133 })).rejects.toThrow(/chief-horse has no IOMMU enabled \(IOMMU group -1/);
  });

  it('chooses among several Corals by index or refuses to guess, and names Corals of other nodes', async () => {
    f.addVm('pumped-piglet', 134);
    await expect(createWith(f.root, f.rootConfig, { node: 'pumped-piglet', vmid: 134 })).rejects.toThrow(
      /pumped-piglet has 2 Corals \(PCIe Coral at 0000:04:00.0 .*; PCIe Coral at 0000:05:00.0 .*\): choose one with port, pci_address or index/,
    );
    const byIndex = await createWith(f.root, f.rootConfig, { node: 'pumped-piglet', vmid: 134, index: 0, slot: 'hostpci3' });
    expect(byIndex.id).toBe('pumped-piglet/134/hostpci3');
    expect(f.config(134).hostpci3).toBe('0000:04:00.0,pcie=1');
    expect(plan(byIndex.state, { node: 'pumped-piglet', vmid: 134, index: 0, slot: 'hostpci3' }).planned).toEqual(byIndex.state);
    f.addVm('pve', 135);
    await expect(createWith(f.root, f.rootConfig, { node: 'pve', vmid: 135 })).rejects.toThrow(
      /no Coral on pve; Corals elsewhere: .*USB Coral at port 2-1 on fun-bedbug .* \(a guest can only use a Coral of its own node\)/,
    );
    await expect(createWith(f.root, f.rootConfig, { node: 'fun-bedbug', vmid: 999 })).rejects.toThrow(/VM 999 does not exist on fun-bedbug/);
  });

  it('adopts the line an interrupted create left instead of adding a second one', async () => {
    f.addVm('fun-bedbug', 121, { usb1: 'host=2-1' });
    const { id, state } = await createWith(f.root, f.rootConfig, { node: 'fun-bedbug', vmid: 121, port: '2-1' });
    expect(id).toBe('fun-bedbug/121/usb1');
    expect(state.config_line).toBe('usb1: host=2-1');
    expect(Object.keys(f.config(121)).filter((k) => k.startsWith('usb'))).toEqual(['usb1']);
  });

  it('rewrites a line edited behind its back, and treats a removed line as gone', async () => {
    f.addVm('fun-bedbug', 122);
    const config = { node: 'fun-bedbug', vmid: 122, port: '2-1' };
    const { id, state } = await createWith(f.root, f.rootConfig, config);
    await f.api.nodes.$('fun-bedbug').qemu.$(122).config.$put({ usb0: 'mapping=someone-elses' });
    const edited = (await f.root.read({ type: T, id, prior: state })).state!;
    expect(edited).toMatchObject({ method: 'usb-mapping', mapping: 'someone-elses', config_line: 'usb0: mapping=someone-elses' });
    const p = plan(edited, config);
    expect(p.requiresReplace).toEqual([]);
    expect(p.planned).toMatchObject({ method: 'usb-port', mapping: null, config_line: 'usb0: host=2-1' });
    await f.root.update({ type: T, id, prior: edited, planned: p.planned });
    expect(f.config(122).usb0).toBe('host=2-1');
    // Raw devices need root to remove too: as root on the host.
    f.emu.world.guests['122']!.config = f.emu.world.guests['122']!.config.replace(/^usb0: .*\n/m, '');
    f.emu.save();
    expect((await f.root.read({ type: T, id, prior: state })).state).toBeNull();
    expect(errorsOf(plan(null, config).all)).toEqual([]);
  });

  it('imports a passthrough by node/vmid/slot', async () => {
    f.addVm('fun-bedbug', 123, { usb2: 'host=2-1' });
    const imported = await f.root.importResource({ type: T, id: 'fun-bedbug/123/usb2' });
    expect(imported.resource).toMatchObject({ id: 'fun-bedbug/123/usb2', state: { node: 'fun-bedbug', vmid: 123, guest_type: 'vm', port: '2-1', slot: 'usb2', method: 'usb-port' } });
    expect((await f.root.importResource({ type: T, id: 'pve/123/usb2' })).resource).toBeNull();
  });
});
