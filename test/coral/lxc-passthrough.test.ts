/**
 * coral_passthrough to containers over HTTP against the emulator: a PCIe Coral through
 * `devN: /dev/apex_N,mode=0666` (root@pam); a USB Coral, which the API cannot give a
 * container: the plan warns with the exact host lines until a refresh finds them, nothing is
 * written; and why a `devN` pinned to /dev/bus/usb/BBB/DDD is refused: the Coral's device
 * number changes at its first inference and the container no longer starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { HOST_CONFIG_LINES } from '../../providers/coral/index.js';
import { checkSchemaAfterAll, createWith, errorsOf, pciCoral, planWith, startCoralFixture, T, usbCoral, warningsOf, type CoralFixture } from './support/coral-fixture.js';

checkSchemaAfterAll();

async function waitTask(api: CoralFixture['api'], upid: string): Promise<string> {
  for (;;) {
    const st = await api.nodes.$(upid.split(':')[1]).tasks.$(upid).status.$get();
    if (st.status === 'stopped') return String(st.exitstatus);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('coral_passthrough to a container', () => {
  let f: CoralFixture;
  beforeAll(async () => {
    f = await startCoralFixture();
    const hubs = f.node('fun-bedbug').usb.filter((d) => d.class === 9);
    f.setHardware('fun-bedbug', { usb: [...hubs, usbCoral({ busnum: 2, usbpath: '1' })] });
    f.setHardware('pumped-piglet', { pci: [pciCoral({ id: '0000:04:00.0', iommugroup: 14 }), pciCoral({ id: '0000:07:00.0', iommugroup: 16 })] });
  });
  afterAll(async () => {
    await f.stop();
  });
  const plan = (prior: Attributes | null, config: Attributes) => planWith(f.root, f.rootConfig, prior, config);

  it('passes a PCIe Coral as dev0: /dev/apex_N,mode=0666 and the container starts with it', async () => {
    f.addCt('pumped-piglet', 140);
    const config = { node: 'pumped-piglet', vmid: 140, guest_type: 'lxc', pci_address: '0000:07:00.0' };
    const p = plan(null, config);
    expect(p.all).toEqual([]);
    expect(p.planned).toMatchObject({ method: 'lxc-device', mode: '0666', pcie: null });
    const { id, state } = await createWith(f.root, f.rootConfig, config);
    expect(id).toBe('pumped-piglet/140/dev0');
    expect(f.config(140).dev0).toBe('/dev/apex_1,mode=0666');
    expect(state).toMatchObject({ kind: 'pcie', pci_address: '0000:07:00.0', device_path: '/dev/apex_1', config_line: 'dev0: /dev/apex_1,mode=0666', hardware_status: 'ok' });
    expect(plan(state, config).planned).toEqual(state);
    expect(await f.start(140)).toBe('OK');
    expect(await f.stopGuest(140)).toBe('OK');
    await f.root.delete({ type: T, id, prior: state });
    expect(f.config(140).dev0).toBeUndefined();
  });

  it('cannot give a container a USB Coral through the API: warns with the exact host lines, writes nothing, and checks for them', async () => {
    f.addCt('fun-bedbug', 113, { hostname: 'frigate', features: 'nesting=1' });
    const before = f.emu.world.guests['113']!.config;
    const config = { node: 'fun-bedbug', vmid: 113, guest_type: 'lxc', kind: 'usb' };
    const p = plan(null, config);
    expect(errorsOf(p.all)).toEqual([]);
    const [warning] = warningsOf(p.all);
    expect(warning).toContain('a USB Coral cannot be passed to a container through the Proxmox API');
    expect(warning).toContain('Add these lines on fun-bedbug to /etc/pve/lxc/113.conf');
    for (const line of HOST_CONFIG_LINES) expect(warning).toContain(line);
    expect(warning).toContain('SUBSYSTEMS=="usb", ATTRS{idVendor}=="18d1", ATTRS{idProduct}=="9302", MODE="0666"');
    expect(p.planned).toMatchObject({ method: 'lxc-host-config', slot: null, config_line: null, host_config: [...HOST_CONFIG_LINES] });

    const { id, state } = await createWith(f.root, f.rootConfig, config);
    expect(id).toBe('fun-bedbug/113/lxc-usb');
    expect(f.emu.world.guests['113']!.config).toBe(before);
    expect(state).toMatchObject({ port: '2-1', host_config_present: false, hardware_status: 'ok', device: { vendor_id: '1a6e' } });
    const still = plan(state, config);
    expect(warningsOf(still.all)[0]).toMatch(/^still missing on the host: a USB Coral cannot be passed/);
    expect(still.planned).toEqual(state);

    // root adds the lines on the host; the refresh finds them in GET config's `lxc` entries
    f.appendConfigLines(113, HOST_CONFIG_LINES);
    const raw = await f.api.nodes.$('fun-bedbug').lxc.$(113).config.$get();
    expect(raw.lxc).toEqual(HOST_CONFIG_LINES.map((l) => l.split(': ')));
    const done = (await f.root.read({ type: T, id, prior: state })).state!;
    expect(done.host_config_present).toBe(true);
    expect(plan(done, config).all).toEqual([]);

    // the container reaches the Coral through the bind mount: its first inference flips it
    expect(await f.start(113)).toBe('OK');
    const flipped = (await f.root.read({ type: T, id, prior: done })).state!;
    expect(flipped).toMatchObject({ hardware_status: 'ok', host_config_present: true, device: { vendor_id: '18d1', product_id: '9302', devnum: 3 } });
    expect(plan(flipped, config).all).toEqual([]);
    expect(await f.stopGuest(113)).toBe('OK');
    await f.root.delete({ type: T, id, prior: flipped });
    expect(f.config(113)['lxc.mount.entry']).toBe('/dev/bus/usb dev/bus/usb none bind,optional,create=dir');
  });

  it('refuses a devN pinned to /dev/bus/usb/BBB/DDD, which breaks when the Coral renumbers', async () => {
    const pinned = plan(null, { node: 'fun-bedbug', vmid: 114, guest_type: 'lxc', device_path: '/dev/bus/usb/002/003' });
    expect(errorsOf(pinned.all)).toEqual([expect.stringMatching(/^device_path \/dev\/bus\/usb\/002\/003 is refused: it pins the USB bus and device number/)]);

    // What would happen: root pins the current device node, the first inference renumbers it.
    const hubs = f.node('fun-bedbug').usb.filter((d) => d.class === 9);
    f.setHardware('fun-bedbug', { usb: [...hubs, usbCoral({ busnum: 2, usbpath: '1' })] });
    f.addCt('fun-bedbug', 114);
    const missing = await f.rootApi.nodes.$('fun-bedbug').lxc.$(114).config.$put({ dev0: '/dev/bus/usb/002/009' }).catch((e: Error) => e.message);
    expect(missing).toMatch(/500 Device \/dev\/bus\/usb\/002\/009 does not exist/);
    await f.rootApi.nodes.$('fun-bedbug').lxc.$(114).config.$put({ dev0: '/dev/bus/usb/002/002' });
    expect(await waitTask(f.rootApi, await f.rootApi.nodes.$('fun-bedbug').lxc.$(114).status.start.$post())).toBe('OK');
    expect(f.node('fun-bedbug').usb.find((d) => d.vendid === '18d1')?.devnum).toBe(3);
    expect(await f.stopGuest(114)).toBe('OK');
    expect(await f.start(114)).toBe('Device /dev/bus/usb/002/002 does not exist');
  });

  it('refuses options that do not apply to containers', () => {
    const msgs = errorsOf(plan(null, { node: 'pumped-piglet', vmid: 140, guest_type: 'lxc', mapping: 'coral', pcie: true, kind: 'pcie' }).all);
    expect(msgs).toEqual([
      'mapping is for VMs: containers take a PCIe Coral through devN, a USB Coral through host config lines',
      'pcie is an option of PCIe passthrough to a VM',
    ]);
  });
});
