/**
 * coral_passthrough planning and validation as pure functions (no emulator): values known
 * only after apply, what forces a replacement (planned as a create), the written line for
 * each method, and the consistency checks, table-driven with a reason per case.
 */
import { describe, expect, it } from 'vitest';
import { isUnknown, UNKNOWN, type Attributes } from '../../src/core/value.js';
import { planPassthrough } from '../../providers/coral/passthrough/passthrough-plan.js';
import { validatePassthrough } from '../../providers/coral/passthrough/passthrough-validation.js';

const ROOT = { endpoint: 'https://pve.maas:8006', username: 'root@pam', password: 'x' };

const STATE: Attributes = {
  node: 'fun-bedbug',
  vmid: 120,
  guest_type: 'vm',
  kind: 'usb',
  port: '2-1',
  pci_address: null,
  index: null,
  slot: 'usb0',
  mapping: null,
  pcie: null,
  mode: null,
  device_path: null,
  allow_shared_iommu_group: false,
  method: 'usb-port',
  config_line: 'usb0: host=2-1',
  host_config: [],
  hardware_status: 'ok',
  device: { vendor_id: '18d1', product_id: '9302', state: 'initialized', busnum: 2, devnum: 3, device_node: '/dev/bus/usb/002/003', iommu_group: null, iommu_group_shared: null },
  found_at: null,
  start_blocker: null,
  guest_status: 'running',
  guest_machine: 'q35',
  pending_restart: false,
  host_config_present: null,
};

describe('coral_passthrough plan', () => {
  it('leaves what depends on a guest created in the same apply unknown', () => {
    const p = planPassthrough(null, { node: 'fun-bedbug', vmid: UNKNOWN, guest_type: 'lxc', kind: 'pcie' });
    expect(isUnknown(p.planned.vmid)).toBe(true);
    expect(p.planned).toMatchObject({ method: 'lxc-device', mode: '0666', pcie: null, port: null });
    expect(isUnknown(p.planned.slot)).toBe(true);
    expect(isUnknown(p.planned.config_line)).toBe(true);
    expect(isUnknown(p.planned.hardware_status)).toBe(true);
  });

  it('writes the line each method needs', () => {
    const line = (config: Attributes, prior: Attributes | null = null) => planPassthrough(prior, config).planned.config_line;
    expect(line({ node: 'n', vmid: 120, port: '2-1', slot: 'usb1' })).toBe('usb1: host=2-1');
    expect(line({ node: 'n', vmid: 120, kind: 'usb', mapping: 'coral', slot: 'usb0' })).toBe('usb0: mapping=coral');
    expect(line({ node: 'n', vmid: 120, pci_address: '04:00.0', slot: 'hostpci0' })).toBe('hostpci0: 0000:04:00.0,pcie=1');
    expect(line({ node: 'n', vmid: 120, kind: 'pcie', mapping: 'coral-tpu', pcie: false, slot: 'hostpci2' })).toBe('hostpci2: mapping=coral-tpu');
    expect(line({ node: 'n', vmid: 113, guest_type: 'lxc', device_path: '/dev/apex_0', slot: 'dev0' })).toBe('dev0: /dev/apex_0,mode=0666');
    expect(line({ node: 'n', vmid: 113, guest_type: 'lxc', kind: 'usb' })).toBeNull();
  });

  it('plans no change against its own state, and keeps observed facts', () => {
    const p = planPassthrough(STATE, { node: 'fun-bedbug', vmid: 120 });
    expect(p.planned).toEqual(STATE);
    expect(p.problems).toEqual([]);
  });

  it.each<{ reason: string; change: Attributes; path: string }>([
    { reason: 'another node', change: { node: 'pve' }, path: 'node' },
    { reason: 'another guest', change: { vmid: 121 }, path: 'vmid' },
    { reason: 'a container instead of a VM', change: { guest_type: 'lxc' }, path: 'guest_type' },
    { reason: 'a PCIe Coral instead of a USB one', change: { pci_address: '0000:04:00.0' }, path: 'kind' },
    { reason: 'another slot', change: { slot: 'usb3' }, path: 'slot' },
  ])('replaces for $reason, planned as a create', ({ change, path }) => {
    const p = planPassthrough(STATE, { node: 'fun-bedbug', vmid: 120, ...change });
    expect(p.requiresReplace.map((r) => r.path[0])).toContain(path);
    expect(isUnknown(p.planned.hardware_status)).toBe(true);
  });

  it('changes the port in place, and does not follow a moved Coral through a mapping', () => {
    const p = planPassthrough(STATE, { node: 'fun-bedbug', vmid: 120, port: '2-2' });
    expect(p.requiresReplace).toEqual([]);
    expect(p.planned.config_line).toBe('usb0: host=2-2');
    const mapped = { ...STATE, method: 'usb-mapping', mapping: 'coral', config_line: 'usb0: mapping=coral', hardware_status: 'moved', found_at: { node: 'fun-bedbug', port: '2-2', pci_address: null, device_path: null }, guest_status: 'stopped', start_blocker: "USB Mapping invalid (hardware probably changed): usb device '2-1' not found" };
    const m = planPassthrough(mapped, { node: 'fun-bedbug', vmid: 120, kind: 'usb', mapping: 'coral' });
    expect(m.planned.port).toBe('2-1');
    expect(m.problems.map((x) => [x.severity, x.message])).toEqual([
      [
        'error',
        "the Coral is no longer at port 2-1 on fun-bedbug: it is now at port 2-2. Starting VM 120 would fail: USB Mapping invalid (hardware probably changed): usb device '2-1' not found. Update mapping \"coral\" to point at port 2-2 (pvesh set /cluster/mapping/usb/coral --map ...), or plug it back.",
      ],
    ]);
  });

  it('does not report drift the planned change fixes', () => {
    const moved = { ...STATE, guest_status: 'stopped', hardware_status: 'moved', device: null, found_at: { node: 'fun-bedbug', port: '2-2', pci_address: null, device_path: null } };
    expect(planPassthrough(moved, { node: 'fun-bedbug', vmid: 120, port: '2-1' }).problems).toHaveLength(1);
    const fixed = planPassthrough(moved, { node: 'fun-bedbug', vmid: 120, port: '2-2' });
    expect(fixed.problems).toEqual([]);
    expect(fixed.planned.config_line).toBe('usb0: host=2-2');
  });

  it('reports a q35 problem found by the refresh', () => {
    const pci = { ...STATE, kind: 'pcie', port: null, pci_address: '0000:04:00.0', slot: 'hostpci0', pcie: true, method: 'pci-address', config_line: 'hostpci0: 0000:04:00.0,pcie=1', guest_status: 'stopped', guest_machine: null, start_blocker: 'q35 machine model is not enabled' };
    const p = planPassthrough(pci, { node: 'fun-bedbug', vmid: 120, pci_address: '0000:04:00.0' });
    expect(p.problems).toEqual([{ path: [], severity: 'error', message: 'starting VM 120 would fail: q35 machine model is not enabled. Set machine = "q35" on the VM, or pcie = false.' }]);
  });
});

describe('coral_passthrough validation', () => {
  it.each<{ reason: string; config: Attributes; message: string }>([
    { reason: 'two ways to choose', config: { port: '2-1', index: 0 }, message: 'choose the Coral with one of port, pci_address or index, not several' },
    { reason: 'a port that is not a port', config: { port: '2:1' }, message: 'port "2:1" is not a USB port path <busnum>-<usbpath> (e.g. "2-1", "1-1.4")' },
    { reason: 'kind against pci_address', config: { kind: 'usb', pci_address: '0000:04:00.0' }, message: 'pci_address is for a PCIe Coral, but kind is "usb"' },
    { reason: 'a slot of the wrong family', config: { port: '2-1', slot: 'hostpci0' }, message: 'slot "hostpci0" is not a usb slot (usb0–usb4)' },
    { reason: 'usb slots PVE caps without a modern machine', config: { port: '2-1', slot: 'usb5' }, message: 'slot "usb5" is not a usb slot (usb0–usb4)' },
    { reason: 'a container option on a VM', config: { port: '2-1', mode: '0660' }, message: 'mode is an option of a container device (devN)' },
    { reason: 'pcie on a USB Coral', config: { port: '2-1', pcie: true }, message: 'pcie is an option of PCIe passthrough, not of a USB Coral' },
    { reason: 'mapping without a kind', config: { mapping: 'coral' }, message: 'with mapping, set kind ("usb" or "pcie"), port or pci_address so hl knows which mapping type to use' },
  ])('refuses $reason', ({ config, message }) => {
    const problems = validatePassthrough({ node: 'fun-bedbug', vmid: 120, ...config }, ROOT).filter((p) => p.severity !== 'warning');
    expect(problems.map((p) => p.message)).toEqual([message]);
  });

  it('accepts what root@pam may do', () => {
    expect(validatePassthrough({ node: 'fun-bedbug', vmid: 120, port: '2-1' }, ROOT)).toEqual([]);
    expect(validatePassthrough({ node: 'fun-bedbug', vmid: 113, guest_type: 'lxc', pci_address: '0000:04:00.0', mode: '0660' }, ROOT)).toEqual([]);
  });
});
