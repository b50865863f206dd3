/**
 * The `coral_devices` data source: the Coral TPUs of one node (`node = "fun-bedbug"`) or of
 * every online node, read from the node hardware listings. Each device:
 *
 *   { node, kind: usb|pcie, port: "2-1" | null, busnum, devnum, speed,
 *     vendor_id: "1a6e", product_id: "089a", state: uninitialized|initialized|null,
 *     pci_address: "0000:04:00.0" | null, iommu_group, iommu_group_shared,
 *     device_node: "/dev/bus/usb/002/002" | "/dev/apex_0", name, serial }
 *
 * A USB Coral's ids and device number change at its first inference: refer to it by `port`.
 */
import { ProviderError, type OperationContext } from '../../src/provider/contract.js';
import { isUnknown, type Attributes, type Value, type ValueMap } from '../../src/core/value.js';
import type { PveClient } from '../pve/client/pve-client.js';
import type { CoralDevice, CoralKind } from './hardware/coral-device.js';
import { listClusterNodes, readNodeHardware } from './hardware/hardware-reader.js';

/** The data-source shape of one device. */
export function deviceAttributes(c: CoralDevice): ValueMap {
  return {
    node: c.node,
    kind: c.kind,
    port: c.port,
    busnum: c.busnum,
    devnum: c.devnum,
    speed: c.speed,
    vendor_id: c.vendorId,
    product_id: c.productId,
    state: c.state,
    pci_address: c.pciAddress,
    iommu_group: c.iommuGroup,
    iommu_group_shared: c.iommuGroupShared,
    device_node: c.deviceNode,
    name: c.name,
    serial: c.serial,
  };
}

function optString(config: Attributes, key: string): string | undefined {
  const v: Value | undefined = config[key];
  if (v === undefined || v === null || isUnknown(v)) return undefined;
  if (typeof v !== 'string') throw new ProviderError(`coral_devices: ${key} must be a string`);
  return v;
}

export async function readCoralDevices(client: PveClient, config: Attributes, op: OperationContext = {}): Promise<Attributes> {
  const node = optString(config, 'node');
  const kind = optString(config, 'kind') as CoralKind | undefined;
  if (kind !== undefined && kind !== 'usb' && kind !== 'pcie')
    throw new ProviderError(`coral_devices: kind must be "usb" or "pcie", not "${kind}"`);
  const nodes = await listClusterNodes(client, op);
  let scan: string[];
  let offline = nodes.filter((n) => !n.online).map((n) => n.node);
  if (node !== undefined) {
    const known = nodes.find((n) => n.node === node);
    if (!known)
      throw new ProviderError(`coral_devices: "${node}" is not a node of this cluster (nodes: ${nodes.map((n) => n.node).join(', ')})`);
    if (!known.online)
      throw new ProviderError(`coral_devices: node "${node}" is offline; its hardware cannot be listed`, { retryable: true });
    scan = [node];
    offline = [];
  } else {
    scan = nodes.filter((n) => n.online).map((n) => n.node);
  }
  const hardware = await Promise.all(scan.map((n) => readNodeHardware(client, n, op)));
  const devices = hardware.flatMap((h) => h.corals).filter((c) => kind === undefined || c.kind === kind);
  return {
    node: node ?? null,
    kind: kind ?? null,
    nodes: scan,
    offline_nodes: offline,
    count: devices.length,
    devices: devices.map(deviceAttributes),
  };
}
