/**
 * Coral Edge TPUs as an emulated node's hardware listing shows them, and the device nodes a
 * host has under /dev:
 *
 * - A USB Coral enumerates as `1a6e:089a` (Global Unichip) until its first inference, then as
 *   `18d1:9302` (Google) with a new device number (the TPU re-enumerates). The emulator makes
 *   that flip when a guest that uses the device starts (see guest-devices.ts). A host reboot
 *   (not emulated) would bring it back to `1a6e:089a`.
 * - A PCIe/M.2 Coral is PCI `1ac1:089a`; the apex driver makes `/dev/apex_N` (N in PCI address
 *   order) on the host.
 * - Every USB device has `/dev/bus/usb/BBB/DDD` (bus and device number, three digits).
 *
 * Constructors for world entries (`coralUsbDevice`, `coralPciDevice`) are used by tests and
 * seeds; nothing runs at import time.
 */
import type { NodeState, PciDevice, UsbDevice } from './world.js';

export const CORAL_USB_UNINITIALIZED = { vendid: '1a6e', prodid: '089a' } as const;
export const CORAL_USB_INITIALIZED = { vendid: '18d1', prodid: '9302' } as const;
export const CORAL_PCI_ID = { vendor: '0x1ac1', device: '0x089a' } as const;

export interface CoralUsbOptions {
  busnum: number;
  /** Port path below the root hub, e.g. `1` or `1.4`. */
  usbpath: string;
  /** Device number (default: 2 before, 3 after initialization). */
  devnum?: number;
  /** Already used once (`18d1:9302`), e.g. on a host where Frigate has run. */
  initialized?: boolean;
  /** `5000` on a USB 3 port (default), `480` on a USB 2 one. */
  speed?: string;
  serial?: string;
}

/** A USB Coral as `/nodes/{node}/hardware/usb` lists it. */
export function coralUsbDevice(o: CoralUsbOptions): UsbDevice {
  const parts = o.usbpath.split('.');
  const dev: UsbDevice = {
    busnum: o.busnum,
    devnum: o.devnum ?? (o.initialized ? 3 : 2),
    port: Number(parts[parts.length - 1]),
    level: parts.length,
    class: 0,
    ...(o.initialized ? CORAL_USB_INITIALIZED : CORAL_USB_UNINITIALIZED),
    speed: o.speed ?? '5000',
    usbpath: o.usbpath,
  };
  if (o.initialized) {
    dev.manufacturer = 'Google Inc.';
    dev.product = 'Coral USB Accelerator';
  }
  if (o.serial !== undefined) dev.serial = o.serial;
  return dev;
}

export interface CoralPciOptions {
  /** Full PCI address, e.g. `0000:04:00.0`. */
  id: string;
  /** IOMMU group (-1: no IOMMU enabled on the host). */
  iommugroup: number;
}

/** A PCIe/M.2 Coral as `/nodes/{node}/hardware/pci` lists it. */
export function coralPciDevice(o: CoralPciOptions): PciDevice {
  return {
    id: o.id,
    class: '0x088000',
    ...CORAL_PCI_ID,
    iommugroup: o.iommugroup,
    vendor_name: 'Global Unichip Corp.',
    device_name: 'Coral Edge TPU',
    subsystem_vendor: CORAL_PCI_ID.vendor,
    subsystem_device: CORAL_PCI_ID.device,
  };
}

export function isCoralUsb(d: UsbDevice): boolean {
  const id = `${d.vendid}:${d.prodid}`.toLowerCase();
  return id === '1a6e:089a' || id === '18d1:9302';
}

export function isCoralPci(d: PciDevice): boolean {
  return d.vendor.replace(/^0x/, '').toLowerCase() === '1ac1' && d.device.replace(/^0x/, '').toLowerCase() === '089a';
}

/** `<busnum>-<usbpath>`, the form `usbN: host=` and USB mappings use for a port. */
export function usbPortPath(d: UsbDevice): string | undefined {
  return d.usbpath ? `${d.busnum}-${d.usbpath}` : undefined;
}

const pad3 = (n: number): string => String(n).padStart(3, '0');

/** `/dev/bus/usb/BBB/DDD` of a USB device. */
export function usbDeviceNode(d: UsbDevice): string {
  return `/dev/bus/usb/${pad3(d.busnum)}/${pad3(d.devnum)}`;
}

/** The node's PCIe Corals in `/dev/apex_N` order (PCI address order). */
export function apexDevices(node: NodeState): PciDevice[] {
  return node.pci.filter(isCoralPci).sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Whether the emulator knows about device nodes like `path` (USB bus nodes and apex devices);
 * other paths (`/dev/dri/renderD128`, ...) are not modelled and are taken to exist.
 */
export function isModelledDeviceNode(path: string): boolean {
  return /^\/dev\/bus\/usb\//.test(path) || /^\/dev\/apex_\d+$/.test(path);
}

/** Every modelled device node that exists on the host. */
export function hostDeviceNodes(node: NodeState): Set<string> {
  const out = new Set<string>();
  for (const d of node.usb) out.add(usbDeviceNode(d));
  for (let i = 0; i < apexDevices(node).length; i++) out.add(`/dev/apex_${i}`);
  return out;
}

/**
 * The first inference: an uninitialized USB Coral re-enumerates as `18d1:9302` with the next
 * free device number on its bus. Answers whether it flipped.
 */
export function initializeCoralUsb(node: NodeState, d: UsbDevice): boolean {
  if (`${d.vendid}:${d.prodid}`.toLowerCase() !== '1a6e:089a') return false;
  const used = node.usb.filter((x) => x.busnum === d.busnum).map((x) => x.devnum);
  d.devnum = Math.max(...used) + 1;
  d.vendid = CORAL_USB_INITIALIZED.vendid;
  d.prodid = CORAL_USB_INITIALIZED.prodid;
  d.manufacturer = 'Google Inc.';
  d.product = 'Coral USB Accelerator';
  return true;
}
