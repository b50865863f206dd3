/**
 * Coral Edge TPUs found in a node's hardware listings (pure).
 *
 * - USB Coral: `1a6e:089a` (Global Unichip) until its first inference, `18d1:9302` (Google)
 *   afterwards, with a new device number. Its stable address is the port,
 *   `<busnum>-<usbpath>` (what `usbN: host=` and USB mappings take), never the id.
 * - PCIe/M.2 Coral: PCI `1ac1:089a`, driven by apex (`/dev/apex_N`, N in PCI address order);
 *   passed to a VM by address, with its IOMMU group (shared when another listed device is in
 *   the same group; -1 when the host has no IOMMU enabled).
 *
 * Input shapes are those of `GET /nodes/{node}/hardware/usb` and `/hardware/pci`.
 */

export type CoralKind = 'usb' | 'pcie';
export type CoralState = 'uninitialized' | 'initialized';

export const USB_ID_UNINITIALIZED = '1a6e:089a';
export const USB_ID_INITIALIZED = '18d1:9302';
export const PCI_ID = '1ac1:089a';

/** One entry of `/nodes/{node}/hardware/usb`. */
export interface UsbListing {
  busnum: number;
  devnum: number;
  port?: number;
  level?: number;
  class?: number;
  vendid: string;
  prodid: string;
  speed?: string;
  usbpath?: string;
  product?: string;
  manufacturer?: string;
  serial?: string;
}

/** One entry of `/nodes/{node}/hardware/pci`. */
export interface PciListing {
  id: string;
  class?: string;
  vendor: string;
  device: string;
  iommugroup: number;
  vendor_name?: string;
  device_name?: string;
  subsystem_vendor?: string;
  subsystem_device?: string;
}

export interface CoralDevice {
  node: string;
  kind: CoralKind;
  /** USB: `<busnum>-<usbpath>`. */
  port: string | null;
  busnum: number | null;
  devnum: number | null;
  speed: string | null;
  /** Lowercase hex, no `0x`. */
  vendorId: string;
  productId: string;
  /** USB only: before / after the first inference. */
  state: CoralState | null;
  /** PCIe only: `0000:04:00.0`. */
  pciAddress: string | null;
  iommuGroup: number | null;
  iommuGroupShared: boolean | null;
  /** The host device node: `/dev/bus/usb/002/003` or `/dev/apex_0`. */
  deviceNode: string;
  name: string;
  serial: string | null;
}

const hex = (s: string): string => s.replace(/^0x/i, '').toLowerCase();
const pad3 = (n: number): string => String(n).padStart(3, '0');

export function usbId(d: Pick<UsbListing, 'vendid' | 'prodid'>): string {
  return `${hex(d.vendid)}:${hex(d.prodid)}`;
}

export function isCoralUsbId(id: string): boolean {
  return id === USB_ID_UNINITIALIZED || id === USB_ID_INITIALIZED;
}

/** `<busnum>-<usbpath>`; root hubs (no usbpath) have none. */
export function usbPort(d: Pick<UsbListing, 'busnum' | 'usbpath'>): string | null {
  return d.usbpath ? `${d.busnum}-${d.usbpath}` : null;
}

/** `04:00.0` / `0000:04:00` / `0000:04:00.0` → `0000:04:00.0` (lowercase). */
export function canonicalPciAddress(text: string): string {
  let a = text.trim().toLowerCase();
  if (a.split(':').length === 2) a = `0000:${a}`;
  if (!/\.[0-9a-f]$/.test(a)) a = `${a}.0`;
  return a;
}

export function isCoralPci(d: PciListing): boolean {
  return `${hex(d.vendor)}:${hex(d.device)}` === PCI_ID;
}

/** The Corals of one node: USB ones in port order, then PCIe ones in address order. */
export function coralsOfNode(node: string, usb: readonly UsbListing[], pci: readonly PciListing[]): CoralDevice[] {
  const out: CoralDevice[] = [];
  const usbCorals = usb
    .filter((d) => isCoralUsbId(usbId(d)))
    .sort((a, b) => (usbPort(a) ?? '').localeCompare(usbPort(b) ?? '', 'en', { numeric: true }));
  for (const d of usbCorals) {
    const id = usbId(d);
    out.push({
      node,
      kind: 'usb',
      port: usbPort(d) ?? `${d.busnum}-${d.port ?? 0}`,
      busnum: d.busnum,
      devnum: d.devnum,
      speed: d.speed ?? null,
      vendorId: id.slice(0, 4),
      productId: id.slice(5),
      state: id === USB_ID_UNINITIALIZED ? 'uninitialized' : 'initialized',
      pciAddress: null,
      iommuGroup: null,
      iommuGroupShared: null,
      deviceNode: `/dev/bus/usb/${pad3(d.busnum)}/${pad3(d.devnum)}`,
      name: d.product ?? (id === USB_ID_UNINITIALIZED ? 'Coral USB Accelerator (not yet initialized)' : 'Coral USB Accelerator'),
      serial: d.serial ?? null,
    });
  }
  const pciCorals = pci.filter(isCoralPci).sort((a, b) => canonicalPciAddress(a.id).localeCompare(canonicalPciAddress(b.id)));
  pciCorals.forEach((d, i) => {
    const group = d.iommugroup;
    const shared = group >= 0 ? pci.some((o) => o.id !== d.id && o.iommugroup === group) : null;
    out.push({
      node,
      kind: 'pcie',
      port: null,
      busnum: null,
      devnum: null,
      speed: null,
      vendorId: hex(d.vendor),
      productId: hex(d.device),
      state: null,
      pciAddress: canonicalPciAddress(d.id),
      iommuGroup: group,
      iommuGroupShared: shared,
      deviceNode: `/dev/apex_${i}`,
      name: d.device_name ?? 'Coral Edge TPU',
      serial: null,
    });
  });
  return out;
}

/** The devices sharing the Coral's IOMMU group (other than itself), for messages. */
export function iommuGroupMembers(coral: CoralDevice, pci: readonly PciListing[]): PciListing[] {
  if (coral.iommuGroup === null || coral.iommuGroup < 0) return [];
  return pci.filter((d) => d.iommugroup === coral.iommuGroup && canonicalPciAddress(d.id) !== coral.pciAddress);
}

/** A short description for messages: `USB Coral at 2-1 (1a6e:089a, not yet initialized)`. */
export function describeCoral(c: CoralDevice): string {
  if (c.kind === 'usb') {
    return `USB Coral at port ${c.port} on ${c.node} (${c.vendorId}:${c.productId}, ${c.state === 'uninitialized' ? 'not yet initialized' : 'initialized'})`;
  }
  return `PCIe Coral at ${c.pciAddress} on ${c.node} (IOMMU group ${c.iommuGroup})`;
}
