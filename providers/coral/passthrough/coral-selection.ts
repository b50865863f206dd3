/**
 * Which Coral of a node a passthrough takes (pure): by `pci_address`, `port`, a container's
 * `/dev/apex_N` path, or `index` (the n-th Coral of the node, USB ones first in port order,
 * then PCIe ones in address order, among `kind` when given); with none of them the node must
 * have exactly one Coral (of `kind`). Failures name what the node does have.
 */
import { describeCoral, type CoralDevice, type CoralKind } from '../hardware/coral-device.js';

export interface CoralCriteria {
  kind?: CoralKind;
  port?: string;
  pciAddress?: string;
  /** `/dev/apex_N` of a container device. */
  devicePath?: string;
  index?: number;
}

export type Selection = { coral: CoralDevice } | { error: string };

function listing(corals: readonly CoralDevice[]): string {
  return corals.length === 0 ? 'none' : corals.map(describeCoral).join('; ');
}

export function selectCoral(node: string, corals: readonly CoralDevice[], c: CoralCriteria): Selection {
  const ofKind = c.kind ? corals.filter((x) => x.kind === c.kind) : [...corals];
  if (c.pciAddress !== undefined) {
    const found = corals.find((x) => x.kind === 'pcie' && x.pciAddress === c.pciAddress);
    return found ? { coral: found } : { error: `no PCIe Coral at ${c.pciAddress} on ${node} (Corals there: ${listing(corals)})` };
  }
  if (c.port !== undefined) {
    const found = corals.find((x) => x.kind === 'usb' && x.port === c.port);
    return found ? { coral: found } : { error: `no USB Coral at port ${c.port} on ${node} (Corals there: ${listing(corals)})` };
  }
  const apex = c.devicePath !== undefined ? /^\/dev\/apex_(\d+)$/.exec(c.devicePath) : null;
  if (apex) {
    const pcie = corals.filter((x) => x.kind === 'pcie');
    const found = pcie[Number(apex[1])];
    return found ? { coral: found } : { error: `${c.devicePath} does not exist on ${node}: it has ${pcie.length} PCIe Coral(s)` };
  }
  if (c.index !== undefined) {
    const found = ofKind[c.index];
    return found
      ? { coral: found }
      : {
          error: `index ${c.index} is out of range: ${node} has ${ofKind.length} ${c.kind ? `${c.kind} ` : ''}Coral(s) (${listing(ofKind)})`,
        };
  }
  if (ofKind.length === 1) return { coral: ofKind[0] as CoralDevice };
  if (ofKind.length === 0) return { error: `no ${c.kind ? `${c.kind === 'usb' ? 'USB' : 'PCIe'} ` : ''}Coral on ${node}` };
  return { error: `${node} has ${ofKind.length} Corals (${listing(ofKind)}): choose one with port, pci_address or index` };
}
