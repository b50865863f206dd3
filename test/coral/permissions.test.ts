/**
 * Permissions, known at plan time: raw devices need root@pam with a password; with an API
 * token (or the embedded emulator) a VM passthrough must use a cluster resource mapping, and
 * the plan says how to make one; a container device has no mapping alternative. A USB mapping
 * is warned about, and the start it breaks after the Coral's id flipped is shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { checkSchemaAfterAll, createWith, errorsOf, pciCoral, planWith, startCoralFixture, T, usbCoral, warningsOf, type CoralFixture } from './support/coral-fixture.js';

checkSchemaAfterAll();

describe('coral_passthrough permissions', () => {
  let f: CoralFixture;
  beforeAll(async () => {
    f = await startCoralFixture();
    const hubs = f.node('fun-bedbug').usb.filter((d) => d.class === 9);
    f.setHardware('fun-bedbug', { usb: [...hubs, usbCoral({ busnum: 2, usbpath: '1' })] });
    f.setHardware('pumped-piglet', { pci: [pciCoral({ id: '0000:04:00.0', iommugroup: 14 })] });
  });
  afterAll(async () => {
    await f.stop();
  });
  const tokenPlan = (config: Attributes, prior: Attributes | null = null) => planWith(f.token, f.tokenConfig, prior, config);

  it('with a token, refuses raw USB and PCI passthrough to a VM in the plan and shows the mapping to create', () => {
    const usb = errorsOf(tokenPlan({ node: 'fun-bedbug', vmid: 150, port: '2-1' }).all);
    expect(usb).toHaveLength(1);
    expect(usb[0]).toMatch(/^passing a USB Coral to VM 150 by port \(usbN: host=2-1\) is a raw host device: only root@pam logged in with a password may set it/);
    expect(usb[0]).toContain('pvesh create /cluster/mapping/usb --id coral-usb --map node=fun-bedbug,path=2-1,id=1a6e:089a');
    expect(usb[0]).toContain('changes its id from 1a6e:089a to 18d1:9302');
    const pci = errorsOf(tokenPlan({ node: 'pumped-piglet', vmid: 151, pci_address: '0000:04:00.0' }).all);
    expect(pci).toEqual([expect.stringContaining('pvesh create /cluster/mapping/pci --id coral-tpu --map node=pumped-piglet,path=0000:04:00.0,id=1ac1:089a,iommugroup=<iommu group>,subsystem-id=1ac1:089a')]);
    expect(errorsOf(tokenPlan({ node: 'pumped-piglet', vmid: 151 }).all)).toEqual([expect.stringMatching(/without a mapping writes a raw host device/)]);
    // the embedded emulator authenticates with a token too
    expect(errorsOf(planWith(f.token, { emulated: true }, null, { node: 'fun-bedbug', vmid: 150, kind: 'usb' }).all)).toHaveLength(1);
    // root@pam with a password may
    expect(planWith(f.root, f.rootConfig, null, { node: 'fun-bedbug', vmid: 150, port: '2-1' }).all).toEqual([]);
  });

  it('with a token, refuses a PCIe Coral for a container: devN is root-only and has no mapping', () => {
    const msgs = errorsOf(tokenPlan({ node: 'pumped-piglet', vmid: 152, guest_type: 'lxc', kind: 'pcie' }).all);
    expect(msgs).toEqual([
      'passing a PCIe Coral to CT 152 writes a container device (devN: /dev/apex_N): only root@pam logged in with a password may set it; this provider authenticates with an API token, and there is no resource mapping for containers. Configure the coral provider with username = "root@pam" and a password, or add it on pumped-piglet as root: pct set 152 -dev0 /dev/apex_0,mode=0666',
    ]);
  });

  it('is refused by PVE too when the plan is ignored', async () => {
    f.addVm('fun-bedbug', 150);
    const planned = tokenPlan({ node: 'fun-bedbug', vmid: 150, port: '2-1' }).planned;
    await expect(f.token.create({ type: T, planned })).rejects.toThrow(/only root can set 'usb0' config for real devices/);
    expect(f.config(150).usb0).toBeUndefined();
  });

  it('uses an existing USB mapping, warns that it checks the id, and shows the start it breaks after the flip', async () => {
    f.addVm('fun-bedbug', 153);
    const config = { node: 'fun-bedbug', vmid: 153, kind: 'usb', mapping: 'coral' };
    await expect(createWith(f.token, f.tokenConfig, config)).rejects.toThrow(
      /USB resource mapping "coral" does not exist; create it \(as an administrator\) with:\n {4}pvesh create \/cluster\/mapping\/usb --id coral --map node=fun-bedbug,path=2-1,id=1a6e:089a/,
    );
    await f.api.cluster.mapping.usb.$post({ id: 'coral', map: ['node=fun-bedbug,path=2-1,id=1a6e:089a'], description: 'Coral USB' });
    const p = tokenPlan(config);
    expect(errorsOf(p.all)).toEqual([]);
    expect(warningsOf(p.all)).toEqual([expect.stringMatching(/^a USB mapping makes PVE check the device's vendor:product id at every guest start/)]);
    const { id, state } = await createWith(f.token, f.tokenConfig, config);
    expect(f.config(153).usb0).toBe('mapping=coral');
    expect(state).toMatchObject({ method: 'usb-mapping', port: '2-1', start_blocker: null, hardware_status: 'ok' });

    expect(await f.start(153)).toBe('OK');
    const flipped = (await f.token.read({ type: T, id, prior: state })).state!;
    const blocker = "USB Mapping invalid (hardware probably changed): 'id' does not match for 'coral' (18d1:9302 != 1a6e:089a)";
    expect(flipped).toMatchObject({ start_blocker: blocker, guest_status: 'running', device: { vendor_id: '18d1' } });
    const running = tokenPlan(config, flipped);
    expect(running.planned).toEqual(flipped);
    expect(warningsOf(running.problems)).toEqual([expect.stringMatching(/^VM 153 keeps running, but its next start fails: USB Mapping invalid .* The Coral's id flipped at its first inference; update the mapping's id/)]);

    expect(await f.stopGuest(153)).toBe('OK');
    expect(await f.start(153)).toBe(blocker);
    const stopped = (await f.token.read({ type: T, id, prior: flipped })).state!;
    expect(errorsOf(tokenPlan(config, stopped).problems)).toEqual([expect.stringMatching(/^starting VM 153 would fail: USB Mapping invalid \(hardware probably changed\): 'id' does not match/)]);

    // fixed by an administrator: the plan is clean again
    await f.api.cluster.mapping.usb.$('coral').$put({ map: ['node=fun-bedbug,path=2-1,id=18d1:9302'] });
    const fixed = (await f.token.read({ type: T, id, prior: stopped })).state!;
    expect(fixed.start_blocker).toBeNull();
    expect(errorsOf(tokenPlan(config, fixed).problems)).toEqual([]);
    expect(await f.start(153)).toBe('OK');
    expect(await f.stopGuest(153)).toBe('OK');
    await f.token.delete({ type: T, id, prior: fixed });
    expect(f.config(153).usb0).toBeUndefined();
  });

  it('refuses a mapping that points elsewhere or would fail the start, and uses a PCI mapping', async () => {
    f.addVm('pumped-piglet', 154);
    await f.api.cluster.mapping.pci.$post({ id: 'coral-old', map: ['node=pumped-piglet,path=0000:09:00.0,id=1ac1:089a'] });
    await expect(createWith(f.token, f.tokenConfig, { node: 'pumped-piglet', vmid: 154, kind: 'pcie', mapping: 'coral-old' })).rejects.toThrow(
      /resource mapping "coral-old" on pumped-piglet points at 0000:09:00.0, not at the PCIe Coral at 0000:04:00.0/,
    );
    await f.api.cluster.mapping.pci.$post({ id: 'coral-bare', map: ['node=pumped-piglet,path=0000:04:00.0,id=1ac1:089a'] });
    await expect(createWith(f.token, f.tokenConfig, { node: 'pumped-piglet', vmid: 154, kind: 'pcie', mapping: 'coral-bare' })).rejects.toThrow(
      /would make the start of VM 154 fail: PCI device mapping invalid \(hardware probably changed\): no 'iommugroup' for device '0000:04:00.0'/,
    );
    await f.api.cluster.mapping.pci.$post({ id: 'coral-tpu', map: ['node=pumped-piglet,path=0000:04:00.0,id=1ac1:089a,iommugroup=14,subsystem-id=1ac1:089a'] });
    const { state } = await createWith(f.token, f.tokenConfig, { node: 'pumped-piglet', vmid: 154, kind: 'pcie', mapping: 'coral-tpu' });
    expect(f.config(154).hostpci0).toBe('mapping=coral-tpu,pcie=1');
    expect(state).toMatchObject({ method: 'pci-mapping', pci_address: '0000:04:00.0', start_blocker: null });
    expect(await f.start(154)).toBe('OK');
    expect(await f.stopGuest(154)).toBe('OK');
    const listed = await f.api.cluster.mapping.pci.$get({ 'check-node': 'pumped-piglet' });
    expect(listed.find((m: { id: string }) => m.id === 'coral-bare').checks).toEqual([
      { severity: 'error', message: "Invalid configuration: no 'iommugroup' for device '0000:04:00.0'" },
    ]);
  });
});
