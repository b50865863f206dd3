/**
 * The recorded state of a `coral_passthrough` (what `read` answers and the plan works from).
 *
 * Set from config (and kept canonical): node, vmid, guest_type, kind, port, pci_address,
 * index, slot, mapping, pcie, mode, device_path, allow_shared_iommu_group.
 *
 * Derived from them: `method` (usb-port | usb-mapping | pci-address | pci-mapping |
 * lxc-device | lxc-host-config), `config_line` (`usb0: host=2-1`; null for lxc-host-config)
 * and `host_config` (the raw lines a USB Coral in a container needs on the host).
 *
 * Observed at each read (the drift the plan reports):
 * - `hardware_status`: `ok` (a Coral is where the guest config points), `moved` (not there,
 *   but elsewhere on the same node: see `found_at`), `moved_node` (only on another node),
 *   `missing` (nowhere);
 * - `device`: the Coral where the guest config points, or null:
 *   `{vendor_id, product_id, state, busnum, devnum, device_node, iommu_group, iommu_group_shared}`;
 * - `found_at`: where a Coral is instead, `{node, port, pci_address, device_path}`, or null;
 * - `start_blocker`: the error a start of the guest would fail with now (PVE's message), or null;
 * - `guest_status` (running | stopped), `guest_machine` (VM machine type or null),
 *   `pending_restart` (the line waits for the guest's next start),
 *   `host_config_present` (lxc-host-config: the raw lines are in the container config).
 */
import type { Attributes, Value } from '../../../src/core/value.js';

export const CONFIG_ATTRIBUTES = [
  'node',
  'vmid',
  'guest_type',
  'kind',
  'port',
  'pci_address',
  'index',
  'slot',
  'mapping',
  'pcie',
  'mode',
  'device_path',
  'allow_shared_iommu_group',
] as const;

export const DERIVED_ATTRIBUTES = ['method', 'config_line', 'host_config'] as const;

export const OBSERVED_ATTRIBUTES = [
  'hardware_status',
  'device',
  'found_at',
  'start_blocker',
  'guest_status',
  'guest_machine',
  'pending_restart',
  'host_config_present',
] as const;

export type HardwareStatus = 'ok' | 'moved' | 'moved_node' | 'missing';

/** The resource id: `<node>/<vmid>/<slot>` (`lxc-usb` for a USB Coral in a container). */
export function passthroughId(node: string, vmid: number, slot: string | null): string {
  return `${node}/${vmid}/${slot ?? 'lxc-usb'}`;
}

export function parsePassthroughId(id: string): { node: string; vmid: number; slot: string | null } | undefined {
  const m = /^([^/]+)\/(\d+)\/([a-z]+\d*|lxc-usb)$/.exec(id);
  if (!m) return undefined;
  return { node: m[1]!, vmid: Number(m[2]), slot: m[3] === 'lxc-usb' ? null : m[3]! };
}

export function str(state: Attributes, key: string): string | null {
  const v: Value | undefined = state[key];
  return typeof v === 'string' ? v : null;
}
