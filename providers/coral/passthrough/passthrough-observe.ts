/**
 * Reading a `coral_passthrough` back (read never changes anything): the guest's slot line,
 * its pending state and power status, and the node's hardware, compared to find out whether
 * the Coral is still where the guest config points (see passthrough-state.ts for the
 * attributes). A guest that is gone, or a slot that no longer holds a device line, reads as
 * null (the passthrough is gone).
 *
 * When the Coral is not where the config points, the same node is searched first (`moved`),
 * then the other online nodes (`moved_node`); `start_blocker` is what PVE would answer a
 * start of the guest with now (see mapping-check.ts for mappings).
 */
import type { Attributes, Value, ValueMap } from '../../../src/core/value.js';
import type { OperationContext } from '../../../src/provider/contract.js';
import type { PveClient } from '../../pve/client/pve-client.js';
import { canonicalPciAddress, type CoralDevice } from '../hardware/coral-device.js';
import { readClusterHardware, readNodeHardware, type NodeHardware } from '../hardware/hardware-reader.js';
import { parseDeviceValue, type DeviceTarget } from './guest-device-line.js';
import { readGuestConfig, readGuestStatus, readMapping, readPending, type PassthroughGuest } from './guest-api.js';
import { HOST_CONFIG_LINES, hostConfigPresent } from './lxc-usb-host-lines.js';
import { isQ35, machineType } from './machine-type.js';
import { mappingLocation, pciMappingProblem, usbMappingProblem } from './mapping-check.js';
import type { GuestType } from './passthrough-config.js';
import type { HardwareStatus } from './passthrough-state.js';

/** What identifies a passthrough to read: the guest, the slot, and what config alone keeps. */
export interface PassthroughIdentity extends PassthroughGuest {
  /** null: a USB Coral in a container (nothing in a slot). */
  slot: string | null;
  /** For a USB Coral in a container: the port chosen at create. */
  port?: string | null;
  /** For a container device: the PCI address recorded before (kept while the Coral is gone). */
  pciAddress?: string | null;
  index?: number | null;
  allowSharedIommuGroup?: boolean;
}

interface Location {
  kind: 'usb' | 'pcie';
  port?: string;
  usbId?: string;
  pciAddress?: string;
  devicePath?: string;
}

function deviceFacts(c: CoralDevice): ValueMap {
  return {
    vendor_id: c.vendorId,
    product_id: c.productId,
    state: c.state,
    busnum: c.busnum,
    devnum: c.devnum,
    device_node: c.deviceNode,
    iommu_group: c.iommuGroup,
    iommu_group_shared: c.iommuGroupShared,
  };
}

function locate(hw: NodeHardware, loc: Location): CoralDevice | undefined {
  const same = hw.corals.filter((c) => c.kind === loc.kind);
  if (loc.port !== undefined) return same.find((c) => c.port === loc.port);
  if (loc.pciAddress !== undefined) return same.find((c) => c.pciAddress === loc.pciAddress);
  if (loc.devicePath !== undefined) return same.find((c) => c.deviceNode === loc.devicePath);
  if (loc.usbId !== undefined) return same.find((c) => `${c.vendorId}:${c.productId}` === loc.usbId) ?? same[0];
  return undefined;
}

function foundAtOf(c: CoralDevice): ValueMap {
  return { node: c.node, port: c.port, pci_address: c.pciAddress, device_path: c.kind === 'pcie' ? c.deviceNode : null };
}

export async function observePassthrough(
  client: PveClient,
  id: PassthroughIdentity,
  op: OperationContext = {},
): Promise<Attributes | null> {
  const cfg = await readGuestConfig(client, id, op);
  if (!cfg) return null;
  let target: DeviceTarget;
  let line: string | null = null;
  if (id.slot === null) {
    if (id.guestType !== 'lxc') return null;
    target = { method: 'lxc-host-config', ...(id.port ? { port: id.port } : {}) };
  } else {
    const value = cfg[id.slot];
    if (typeof value !== 'string') return null;
    const parsed = parseDeviceValue(id.slot, value);
    if (!parsed) return null;
    target = parsed;
    line = `${id.slot}: ${value}`;
  }
  const [pending, status, hw] = await Promise.all([
    id.slot ? readPending(client, id, op) : Promise.resolve([]),
    readGuestStatus(client, id, op),
    readNodeHardware(client, id.node, op),
  ]);

  const kind: 'usb' | 'pcie' =
    target.method === 'usb-port' || target.method === 'usb-mapping' || target.method === 'lxc-host-config' ? 'usb' : 'pcie';
  let loc: Location | undefined;
  let blocker: string | null = null;
  const machine = id.guestType === 'vm' ? machineType(cfg.machine) : null;
  let mappingPort: string | undefined;
  let mappingPci: string | undefined;
  switch (target.method) {
    case 'usb-port':
      loc = { kind, port: target.port as string };
      break;
    case 'lxc-host-config':
      loc = target.port ? { kind, port: target.port } : undefined;
      break;
    case 'pci-address':
      loc = { kind, pciAddress: target.pciAddress as string };
      if (!hw.pci.some((d) => canonicalPciAddress(d.id) === target.pciAddress)) blocker = `no PCI device found for '${target.pciAddress}'`;
      else if (target.pcie && !isQ35(machine)) blocker = 'q35 machine model is not enabled';
      break;
    case 'lxc-device':
      loc = { kind, devicePath: target.devicePath as string };
      if (/^\/dev\/apex_\d+$/.test(target.devicePath ?? '') && !hw.corals.some((c) => c.deviceNode === target.devicePath)) {
        blocker = `Device ${target.devicePath} does not exist`;
      }
      break;
    case 'usb-mapping':
    case 'pci-mapping': {
      const mk = target.method === 'usb-mapping' ? 'usb' : 'pci';
      const m = await readMapping(client, mk, target.mapping as string, op);
      const where = mappingLocation(mk, m?.map, id.node);
      if (where?.port) mappingPort = where.port;
      if (where?.pciAddress) mappingPci = where.pciAddress;
      loc = where ? { kind, ...where } : undefined;
      blocker =
        (mk === 'usb'
          ? usbMappingProblem(target.mapping as string, m?.map, id.node, hw.usb)
          : pciMappingProblem(target.mapping as string, m?.map, id.node, hw.pci)) ?? null;
      if (!blocker && target.pcie && !isQ35(machine)) blocker = 'q35 machine model is not enabled';
      break;
    }
  }

  let device = loc ? locate(hw, loc) : undefined;
  if (!device && target.method === 'lxc-host-config' && !target.port) device = hw.corals.find((c) => c.kind === 'usb');
  let hardwareStatus: HardwareStatus = 'ok';
  let foundAt: ValueMap | null = null;
  let elsewhere: CoralDevice | undefined;
  if (!device) {
    elsewhere = hw.corals.find((c) => c.kind === kind);
    if (elsewhere) {
      hardwareStatus = 'moved';
      foundAt = foundAtOf(elsewhere);
    } else {
      const cluster = await readClusterHardware(client, op, new Set([id.node]));
      const other = cluster.nodes.flatMap((n) => n.corals).find((c) => c.kind === kind);
      hardwareStatus = other ? 'moved_node' : 'missing';
      if (other) foundAt = foundAtOf(other);
    }
  }

  const pendingItem = id.slot ? pending.find((p) => p.key === id.slot) : undefined;
  const pendingRestart = !!pendingItem && (pendingItem.pending !== undefined || pendingItem.delete !== undefined);
  const raw = Array.isArray(cfg.lxc) ? cfg.lxc.filter((e): e is [string, string] => Array.isArray(e) && e.length === 2) : [];

  const port: Value =
    target.method === 'usb-port'
      ? (target.port as string)
      : target.method === 'usb-mapping'
        ? (mappingPort ?? device?.port ?? id.port ?? null)
        : target.method === 'lxc-host-config'
          ? (target.port ?? device?.port ?? null)
          : null;
  const pci: Value =
    target.method === 'pci-address'
      ? (target.pciAddress as string)
      : target.method === 'pci-mapping'
        ? (mappingPci ?? null)
        : target.method === 'lxc-device'
          ? (device?.pciAddress ?? id.pciAddress ?? null)
          : null;
  const guestType: GuestType = id.guestType;
  return {
    node: id.node,
    vmid: id.vmid,
    guest_type: guestType,
    kind,
    port,
    pci_address: pci,
    index: id.index ?? null,
    slot: id.slot,
    mapping: target.mapping ?? null,
    pcie: target.method === 'pci-address' || target.method === 'pci-mapping' ? (target.pcie ?? false) : null,
    mode: target.method === 'lxc-device' ? (target.mode ?? null) : null,
    device_path: target.method === 'lxc-device' ? (target.devicePath ?? null) : null,
    allow_shared_iommu_group: id.allowSharedIommuGroup ?? false,
    method: target.method,
    config_line: line,
    host_config: target.method === 'lxc-host-config' ? [...HOST_CONFIG_LINES] : [],
    hardware_status: hardwareStatus,
    device: device ? deviceFacts(device) : null,
    found_at: foundAt,
    start_blocker: blocker,
    guest_status: status,
    guest_machine: machine,
    pending_restart: pendingRestart,
    host_config_present: target.method === 'lxc-host-config' ? hostConfigPresent(raw, (device ?? elsewhere)?.busnum ?? undefined) : null,
  };
}
