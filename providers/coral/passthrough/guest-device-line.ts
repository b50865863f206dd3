/**
 * The guest config line a passthrough writes, and reading such lines back (pure):
 *
 * | method            | slot       | value                                        |
 * |-------------------|------------|----------------------------------------------|
 * | `usb-port`        | `usbN`     | `host=2-1` (by port: the id flips at first use) |
 * | `usb-mapping`     | `usbN`     | `mapping=coral`                              |
 * | `pci-address`     | `hostpciN` | `0000:04:00.0,pcie=1`                        |
 * | `pci-mapping`     | `hostpciN` | `mapping=coral-tpu,pcie=1`                   |
 * | `lxc-device`      | `devN`     | `/dev/apex_0,mode=0666`                      |
 * | `lxc-host-config` | —          | nothing through the API (raw `lxc.*` lines on the host) |
 */
import {
  LXC_DEV_FORMAT,
  parseBoolean,
  parsePropertyString,
  QEMU_HOSTPCI_FORMAT,
  QEMU_USB_FORMAT,
  type PropertyMap,
} from '../../pve/property-string.js';
import { canonicalPciAddress } from '../hardware/coral-device.js';

export type PassthroughMethod = 'usb-port' | 'usb-mapping' | 'pci-address' | 'pci-mapping' | 'lxc-device' | 'lxc-host-config';
export const PASSTHROUGH_METHODS: readonly PassthroughMethod[] = [
  'usb-port',
  'usb-mapping',
  'pci-address',
  'pci-mapping',
  'lxc-device',
  'lxc-host-config',
];

export type SlotPrefix = 'usb' | 'hostpci' | 'dev';

/** What one passthrough puts into the guest config. */
export interface DeviceTarget {
  method: PassthroughMethod;
  port?: string;
  pciAddress?: string;
  mapping?: string;
  pcie?: boolean;
  devicePath?: string;
  mode?: string;
}

/** Slots PVE accepts (usb5..14 need machine ≥ 7.1 and a modern ostype: not used). */
export const SLOT_COUNT: Record<SlotPrefix, number> = { usb: 5, hostpci: 16, dev: 256 };

export function slotPrefix(method: PassthroughMethod): SlotPrefix | null {
  if (method === 'usb-port' || method === 'usb-mapping') return 'usb';
  if (method === 'pci-address' || method === 'pci-mapping') return 'hostpci';
  if (method === 'lxc-device') return 'dev';
  return null;
}

export function slotMatches(slot: string, prefix: SlotPrefix): boolean {
  const m = new RegExp(`^${prefix}(\\d+)$`).exec(slot);
  return !!m && Number(m[1]) < SLOT_COUNT[prefix] && String(Number(m[1])) === m[1];
}

/** The value for the slot, as the brief of each method shows. */
export function formatDeviceValue(t: DeviceTarget): string {
  switch (t.method) {
    case 'usb-port':
      return `host=${t.port}`;
    case 'usb-mapping':
      return `mapping=${t.mapping}`;
    case 'pci-address':
      return `${t.pciAddress}${t.pcie ? ',pcie=1' : ''}`;
    case 'pci-mapping':
      return `mapping=${t.mapping}${t.pcie ? ',pcie=1' : ''}`;
    case 'lxc-device':
      return `${t.devicePath}${t.mode ? `,mode=${t.mode}` : ''}`;
    case 'lxc-host-config':
      return '';
  }
}

function tryParse(value: string, format: typeof QEMU_USB_FORMAT): PropertyMap | undefined {
  try {
    return parsePropertyString(value, format);
  } catch {
    return undefined;
  }
}

/** What an existing slot holds, in the terms of DeviceTarget (undefined: not a device line). */
export function parseDeviceValue(slot: string, value: string): DeviceTarget | undefined {
  if (/^usb\d+$/.test(slot)) {
    const u = tryParse(value, QEMU_USB_FORMAT);
    if (!u) return undefined;
    if (u.mapping) return { method: 'usb-mapping', mapping: u.mapping };
    if (u.host) return { method: 'usb-port', port: u.host };
    return undefined;
  }
  if (/^hostpci\d+$/.test(slot)) {
    const h = tryParse(value, QEMU_HOSTPCI_FORMAT);
    if (!h) return undefined;
    const pcie = parseBoolean(h.pcie ?? '0') ?? false;
    if (h.mapping) return { method: 'pci-mapping', mapping: h.mapping, pcie };
    if (h.host) return { method: 'pci-address', pciAddress: h.host.includes(';') ? h.host : canonicalPciAddress(h.host), pcie };
    return undefined;
  }
  if (/^dev\d+$/.test(slot)) {
    const d = tryParse(value, LXC_DEV_FORMAT);
    if (!d?.path) return undefined;
    return { method: 'lxc-device', devicePath: d.path, ...(d.mode ? { mode: d.mode } : {}) };
  }
  return undefined;
}

/** Whether a slot's content passes the same host device as `t` (options aside). */
export function sameDevice(a: DeviceTarget, t: DeviceTarget): boolean {
  if (a.method !== t.method) return false;
  switch (t.method) {
    case 'usb-port':
      return a.port === t.port;
    case 'usb-mapping':
    case 'pci-mapping':
      return a.mapping === t.mapping;
    case 'pci-address':
      return a.pciAddress === t.pciAddress;
    case 'lxc-device':
      return a.devicePath === t.devicePath;
    case 'lxc-host-config':
      return true;
  }
}

/** The first slot of `prefix` not used in `config` (keys of a guest config). */
export function freeSlot(prefix: SlotPrefix, config: Readonly<Record<string, unknown>>): string | undefined {
  for (let i = 0; i < SLOT_COUNT[prefix]; i++) if (config[`${prefix}${i}`] === undefined) return `${prefix}${i}`;
  return undefined;
}

/** The slot already holding the same device as `t`, if any. */
export function slotHolding(prefix: SlotPrefix, config: Readonly<Record<string, unknown>>, t: DeviceTarget): string | undefined {
  for (const [k, v] of Object.entries(config)) {
    if (!slotMatches(k, prefix) || typeof v !== 'string') continue;
    const parsed = parseDeviceValue(k, v);
    if (parsed && sameDevice(parsed, t)) return k;
  }
  return undefined;
}
