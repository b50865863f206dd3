/**
 * `nodeBindings` of the coral provider (pure): each `coral_passthrough` binds its guest
 * (`node/vmid`) to the Coral's node, named for messages by its port or PCI address; a VM's
 * passthrough through a resource mapping, and one whose guest is not known yet, bind nothing;
 * other types are ignored.
 */
import { describe, expect, it } from 'vitest';
import { UNKNOWN, type Attributes } from '../../src/core/value.js';
import type { PlannedInstance } from '../../src/provider/contract.js';
import { CoralProvider } from '../../providers/coral/coral-provider.js';

const provider = new CoralProvider();
const passthrough = (name: string, attributes: Attributes): PlannedInstance => ({ address: `coral_passthrough.${name}`, type: 'coral_passthrough', attributes });

describe('coral nodeBindings', () => {
  const cases: { reason: string; attributes: Attributes; want: { objectId: string; node: string; what: string } | undefined }[] = [
    {
      reason: 'a USB Coral by port in a container (the seed Frigate)',
      attributes: { node: 'fun-bedbug', vmid: 113, guest_type: 'lxc', kind: 'usb', port: '2-1' },
      want: { objectId: 'fun-bedbug/113', node: 'fun-bedbug', what: 'the USB Coral TPU on port 2-1' },
    },
    {
      reason: 'a PCIe Coral by address in a VM (kind implied by the address)',
      attributes: { node: 'pve', vmid: 130, pci_address: '0000:03:00.0', mapping: null },
      want: { objectId: 'pve/130', node: 'pve', what: 'the PCIe Coral TPU at 0000:03:00.0' },
    },
    {
      reason: "a PCIe Coral's device node in a container",
      attributes: { node: 'pve', vmid: 131, guest_type: 'lxc', kind: 'pcie', device_path: '/dev/apex_0' },
      want: { objectId: 'pve/131', node: 'pve', what: 'the PCIe Coral TPU at /dev/apex_0' },
    },
    {
      reason: 'a Coral whose port is chosen at apply is named by its kind',
      attributes: { node: 'fun-bedbug', vmid: 113, kind: 'usb', port: UNKNOWN },
      want: { objectId: 'fun-bedbug/113', node: 'fun-bedbug', what: 'the USB Coral TPU' },
    },
    {
      reason: 'a VM through a cluster resource mapping binds nothing (the mapping may cover several nodes)',
      attributes: { node: 'pve', vmid: 130, kind: 'usb', mapping: 'coral' },
      want: undefined,
    },
    {
      reason: 'a guest whose VMID is known only at apply binds nothing',
      attributes: { node: 'fun-bedbug', vmid: UNKNOWN, guest_type: 'lxc', kind: 'usb', port: '2-1' },
      want: undefined,
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const got = provider.nodeBindings({ resources: [passthrough('frigate', c.attributes)] });
      expect(got).toEqual(c.want ? [{ ...c.want, address: 'coral_passthrough.frigate' }] : []);
    });
  }

  it('ignores other types and keeps the order given', () => {
    const got = provider.nodeBindings({
      resources: [
        { address: 'data.coral_devices.bedbug', type: 'coral_devices', attributes: { node: 'fun-bedbug' } },
        passthrough('b', { node: 'pve', vmid: 200, kind: 'usb', port: '1-2' }),
        passthrough('a', { node: 'fun-bedbug', vmid: 113, guest_type: 'lxc', kind: 'usb', port: '2-1' }),
      ],
    });
    expect(got.map((b) => b.address)).toEqual(['coral_passthrough.b', 'coral_passthrough.a']);
  });
});
