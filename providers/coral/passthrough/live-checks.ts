/**
 * The checks a passthrough write runs against live data before its one write (so a refused
 * apply leaves the guest untouched), each failing with a ProviderError that says what to do:
 *
 * - PCIe to a VM: the host has an IOMMU (group -1 means none), the Coral's group holds no other
 *   device unless `allow_shared_iommu_group`, and `pcie=1` has a q35 machine;
 * - a mapping exists (else the `pvesh` command that makes it), has an entry for the node,
 *   points at the chosen Coral, and would pass PVE's start-time check now.
 */
import { ProviderError, type OperationContext } from '../../../src/provider/contract.js';
import type { Attributes } from '../../../src/core/value.js';
import type { PveClient } from '../../pve/client/pve-client.js';
import { describeCoral, iommuGroupMembers, type CoralDevice } from '../hardware/coral-device.js';
import type { NodeHardware } from '../hardware/hardware-reader.js';
import { readMapping, type GuestConfig, type PassthroughGuest } from './guest-api.js';
import { isQ35, machineType } from './machine-type.js';
import { mappingLocation, pciMappingProblem, proposeMapping, usbMappingProblem } from './mapping-check.js';
import { guestLabel } from './passthrough-config.js';

export async function checkMapping(
  client: PveClient,
  g: PassthroughGuest,
  hw: NodeHardware,
  coral: CoralDevice,
  mapping: string,
  op: OperationContext,
): Promise<void> {
  const kind = coral.kind === 'usb' ? 'usb' : 'pci';
  const m = await readMapping(client, kind, mapping, op);
  const proposal = proposeMapping(kind, mapping, g.node, {
    ...(coral.port ? { port: coral.port } : {}),
    ...(coral.pciAddress ? { pciAddress: coral.pciAddress } : {}),
    iommuGroup: coral.iommuGroup,
  });
  if (!m)
    throw new ProviderError(
      `${kind.toUpperCase()} resource mapping "${mapping}" does not exist; create it (as an administrator) with:\n    ${proposal}`,
    );
  const where = mappingLocation(kind, m.map, g.node);
  if (!where)
    throw new ProviderError(
      `resource mapping "${mapping}" has no entry for node ${g.node}; add one with: pvesh set /cluster/mapping/${kind}/${mapping} --map <existing entries> --map ${proposal.replace(/^.* --map /, '')}`,
    );
  const matches =
    kind === 'usb'
      ? where.port !== undefined
        ? where.port === coral.port
        : where.usbId === `${coral.vendorId}:${coral.productId}`
      : where.pciAddress === coral.pciAddress;
  if (!matches) {
    throw new ProviderError(
      `resource mapping "${mapping}" on ${g.node} points at ${where.port ?? where.usbId ?? where.pciAddress}, not at the ${describeCoral(coral)}`,
    );
  }
  const problem = kind === 'usb' ? usbMappingProblem(mapping, m.map, g.node, hw.usb) : pciMappingProblem(mapping, m.map, g.node, hw.pci);
  if (problem)
    throw new ProviderError(`resource mapping "${mapping}" would make the start of ${guestLabel(g.guestType, g.vmid)} fail: ${problem}`);
}

export function checkPci(g: PassthroughGuest, cfg: GuestConfig, hw: NodeHardware, coral: CoralDevice, planned: Attributes): void {
  const label = guestLabel(g.guestType, g.vmid);
  if (coral.iommuGroup !== null && coral.iommuGroup < 0) {
    throw new ProviderError(
      `${g.node} has no IOMMU enabled (IOMMU group -1 for ${coral.pciAddress}): PCI passthrough to ${label} cannot work. Enable VT-d/AMD-Vi in the firmware and intel_iommu=on (Intel) on the kernel command line, then reboot the node`,
    );
  }
  const members = iommuGroupMembers(coral, hw.pci);
  if (members.length > 0 && planned.allow_shared_iommu_group !== true) {
    throw new ProviderError(
      `the Coral at ${coral.pciAddress} shares IOMMU group ${coral.iommuGroup} with ${members.map((d) => `${d.id}${d.device_name ? ` (${d.device_name})` : ''}`).join(', ')}: passing it to ${label} takes those devices from the host too. Move the Coral to another slot, or set allow_shared_iommu_group = true if that is intended`,
    );
  }
  if (planned.pcie !== false && !isQ35(machineType(cfg.machine))) {
    throw new ProviderError(
      `pcie = true needs the q35 machine type, but ${label} uses ${typeof cfg.machine === 'string' ? cfg.machine : 'the default i440fx'}: PVE would refuse to start it ("q35 machine model is not enabled"). Set machine = "q35" on the VM, or pcie = false`,
    );
  }
}
