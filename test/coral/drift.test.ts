/**
 * Drift over HTTP against the emulator: a Coral moved to another port (followed when the
 * config does not pin it, reported when it does), moved to another node, or missing; and a
 * guest start that would fail because its Coral is gone, reported by the plan from the
 * refreshed state (an error while the guest is stopped, a warning while it runs) — the same
 * start then fails in PVE with the message the plan quoted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { checkSchemaAfterAll, createWith, errorsOf, pciCoral, planWith, refreshAndPlan, startCoralFixture, T, usbCoral, warningsOf, type CoralFixture } from './support/coral-fixture.js';

checkSchemaAfterAll();

describe('coral_passthrough drift', () => {
  let f: CoralFixture;
  let hubs: CoralFixture['emu']['world']['nodes'][number]['usb'];
  beforeAll(async () => {
    f = await startCoralFixture();
    hubs = f.node('fun-bedbug').usb.filter((d) => d.class === 9);
  });
  afterAll(async () => {
    await f.stop();
  });
  const refresh = (id: string, prior: Attributes, config: Attributes) => refreshAndPlan(f.root, f.rootConfig, id, prior, config);

  it('follows a USB Coral moved to another port when the config does not pin it', async () => {
    f.setHardware('fun-bedbug', { usb: [...hubs, usbCoral({ busnum: 2, usbpath: '1', initialized: true })] });
    f.addVm('fun-bedbug', 160);
    const config = { node: 'fun-bedbug', vmid: 160 };
    const { id, state } = await createWith(f.root, f.rootConfig, config);
    expect(state.config_line).toBe('usb0: host=2-1');

    f.setHardware('fun-bedbug', { usb: [...hubs, usbCoral({ busnum: 2, usbpath: '2', devnum: 5, initialized: true })] });
    const { state: moved, plan } = await refresh(id, state, config);
    expect(moved).toMatchObject({ hardware_status: 'moved', device: null, found_at: { node: 'fun-bedbug', port: '2-2', pci_address: null } });
    expect(plan!.all).toEqual([]);
    expect(plan!.notes).toEqual(['the Coral moved from port 2-1 to port 2-2 on fun-bedbug: usb0 follows it']);
    expect(plan!.requiresReplace).toEqual([]);
    expect(plan!.planned).toMatchObject({ port: '2-2', config_line: 'usb0: host=2-2' });
    const updated = (await f.root.update({ type: T, id, prior: moved!, planned: plan!.planned })).state;
    expect(f.config(160).usb0).toBe('host=2-2');
    expect(updated).toMatchObject({ port: '2-2', hardware_status: 'ok', found_at: null });
    expect(planWith(f.root, f.rootConfig, updated, config).planned).toEqual(updated);
  });

  it('reports a pinned USB Coral that moved: the VM would start without it', async () => {
    f.addVm('fun-bedbug', 161);
    f.setHardware('fun-bedbug', { usb: [...hubs, usbCoral({ busnum: 2, usbpath: '1', initialized: true })] });
    const config = { node: 'fun-bedbug', vmid: 161, port: '2-1' };
    const { id, state } = await createWith(f.root, f.rootConfig, config);
    f.setHardware('fun-bedbug', { usb: [...hubs, usbCoral({ busnum: 1, usbpath: '3', devnum: 4, initialized: true, speed: '480' })] });
    const { state: moved, plan } = await refresh(id, state, config);
    expect(moved).toMatchObject({ hardware_status: 'moved', found_at: { port: '1-3' }, start_blocker: null });
    expect(plan!.planned).toEqual(moved);
    expect(warningsOf(plan!.all)).toEqual([
      'the Coral is no longer at port 2-1 on fun-bedbug: it is now at port 1-3. VM 161 would start without it. Set port = "1-3" (or leave it out to follow the Coral), or plug it back.',
    ]);
    // the VM does start (QEMU waits for a device on that port)
    expect(await f.start(161)).toBe('OK');
    expect(await f.stopGuest(161)).toBe('OK');
  });

  it('reports a Coral that moved to another node, and the start that fails: an error while the VM is stopped', async () => {
    f.setHardware('pumped-piglet', { pci: [pciCoral({ id: '0000:04:00.0', iommugroup: 14 })] });
    f.addVm('pumped-piglet', 162);
    const config = { node: 'pumped-piglet', vmid: 162, pci_address: '0000:04:00.0' };
    const { id, state } = await createWith(f.root, f.rootConfig, config);
    f.setHardware('pumped-piglet', { pci: [] });
    f.setHardware('chief-horse', { pci: [pciCoral({ id: '0000:02:00.0', iommugroup: 7 })] });
    const { state: gone, plan } = await refresh(id, state, config);
    expect(gone).toMatchObject({ hardware_status: 'moved_node', found_at: { node: 'chief-horse', pci_address: '0000:02:00.0' }, start_blocker: "no PCI device found for '0000:04:00.0'" });
    expect(errorsOf(plan!.all)).toEqual([
      `the Coral is no longer on pumped-piglet: a PCIe Coral is now on chief-horse at 0000:02:00.0. Starting VM 162 would fail: no PCI device found for '0000:04:00.0'. A guest can only use a Coral of its own node: move VM 162 to chief-horse and set node = "chief-horse" (this replaces the passthrough), or plug the Coral back into pumped-piglet.`,
    ]);
    // what the plan predicted
    expect(await f.start(162)).toBe("no PCI device found for '0000:04:00.0'");
    // following it to the other node is a replacement
    const moveTo = planWith(f.root, f.rootConfig, gone!, { ...config, node: 'chief-horse', pci_address: '0000:02:00.0' });
    expect(moveTo.requiresReplace.map((r) => r.path)).toEqual([['node']]);
  });

  it('reports a missing Coral: a warning while the container runs, an error once it is stopped', async () => {
    f.setHardware('pumped-piglet', { pci: [pciCoral({ id: '0000:04:00.0', iommugroup: 14 })] });
    f.setHardware('chief-horse', { pci: [] });
    f.addCt('pumped-piglet', 163);
    const config = { node: 'pumped-piglet', vmid: 163, guest_type: 'lxc', kind: 'pcie' };
    const { id, state } = await createWith(f.root, f.rootConfig, config);
    expect(f.config(163).dev0).toBe('/dev/apex_0,mode=0666');
    expect(await f.start(163)).toBe('OK');
    f.setHardware('pumped-piglet', { pci: [] });
    const { state: missing, plan } = await refresh(id, state, config);
    expect(missing).toMatchObject({ hardware_status: 'missing', found_at: null, device: null, start_blocker: 'Device /dev/apex_0 does not exist', guest_status: 'running' });
    expect(errorsOf(plan!.all)).toEqual([]);
    expect(warningsOf(plan!.all)).toEqual([
      'no Coral found at 0000:04:00.0 (/dev/apex_0) on pumped-piglet, nor on any other online node. CT 163 keeps running, but its next start fails: Device /dev/apex_0 does not exist. Plug it back in, or remove this passthrough.',
    ]);
    expect(await f.stopGuest(163)).toBe('OK');
    const { state: stopped, plan: stoppedPlan } = await refresh(id, missing!, config);
    expect(errorsOf(stoppedPlan!.all)).toEqual([
      'no Coral found at 0000:04:00.0 (/dev/apex_0) on pumped-piglet, nor on any other online node. Starting CT 163 would fail: Device /dev/apex_0 does not exist. Plug it back in, or remove this passthrough.',
    ]);
    expect(await f.start(163)).toBe('Device /dev/apex_0 does not exist');
    // the Coral is back: clean plan, and the container starts
    f.setHardware('pumped-piglet', { pci: [pciCoral({ id: '0000:04:00.0', iommugroup: 14 })] });
    const { plan: back } = await refresh(id, stopped!, config);
    expect(back!.all).toEqual([]);
    expect(await f.start(163)).toBe('OK');
    expect(await f.stopGuest(163)).toBe('OK');
  });

  it('reports a missing USB Coral of a container as a warning: the bind mount is optional', async () => {
    f.setHardware('fun-bedbug', { usb: [...hubs, usbCoral({ busnum: 2, usbpath: '1' })] });
    f.addCt('fun-bedbug', 164);
    f.appendConfigLines(164, ['lxc.cgroup2.devices.allow: c 189:* rwm', 'lxc.mount.entry: /dev/bus/usb/002 dev/bus/usb/002 none bind,optional,create=dir']);
    const config = { node: 'fun-bedbug', vmid: 164, guest_type: 'lxc', port: '2-1' };
    const { id, state } = await createWith(f.root, f.rootConfig, config);
    expect(state.host_config_present).toBe(true);
    f.setHardware('fun-bedbug', { usb: [...hubs] });
    const { state: missing, plan } = await refresh(id, state, config);
    expect(missing).toMatchObject({ hardware_status: 'missing', start_blocker: null });
    expect(warningsOf(plan!.all)).toEqual([
      'no Coral found at port 2-1 on fun-bedbug, nor on any other online node. CT 164 would start without it. Plug it back in, or remove this passthrough.',
    ]);
    expect(await f.start(164)).toBe('OK');
    expect(await f.stopGuest(164)).toBe('OK');
  });
});
