/**
 * Cluster resource mappings checked the way PVE checks them at guest start (pure), so that a
 * start that would fail shows up in the plan. A mapping (`GET /cluster/mapping/usb|pci/{id}`)
 * has `map` entries like `node=fun-bedbug,path=2-1,id=1a6e:089a`; for the guest's node PVE
 * takes the entry and (PVE::Mapping::*::assert_valid) compares it with the live hardware:
 *
 * - USB with a path: the device at the path must have vendor:product `id`. A Coral changes
 *   from 1a6e:089a to 18d1:9302 at its first inference and back at a host reboot, so a USB
 *   mapping of a Coral fails one start or the other.
 * - USB without a path: some device must have `id`.
 * - PCI: the device at each path must exist with `id`, `iommugroup` and `subsystem-id`.
 */
import { parsePropertyString } from '../../pve/property-string.js';
import { canonicalPciAddress, usbId, usbPort, type PciListing, type UsbListing } from '../hardware/coral-device.js';

export type MappingKind = 'usb' | 'pci';

/** The `map` entries for `node`, parsed. */
export function entriesForNode(map: readonly string[], node: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const text of map) {
    try {
      const e = parsePropertyString(text);
      if (e.node === node) out.push(e);
    } catch {
      // PVE skips an entry it cannot parse
    }
  }
  return out;
}

const bare = (s: string): string => s.replace(/^0x/i, '').toLowerCase();

/** PVE's start-time failure for a USB mapping on `node`, or undefined when the start works. */
export function usbMappingProblem(
  name: string,
  map: readonly string[] | undefined,
  node: string,
  usb: readonly UsbListing[],
): string | undefined {
  const entries = map ? entriesForNode(map, node) : [];
  if (entries.length === 0) return `USB device mapping not found for '${name}'`;
  if (entries.length > 1) return 'More than one USB mapping per host not supported';
  const e = entries[0] as Record<string, string>;
  const id = (e.id ?? '').toLowerCase();
  const invalid = (why: string): string => `USB Mapping invalid (hardware probably changed): ${why}`;
  if (e.path) {
    const dev = usb.find((d) => usbPort(d) === e.path);
    if (!dev) return invalid(`usb device '${e.path}' not found`);
    if (usbId(dev) !== id) return invalid(`'id' does not match for '${name}' (${usbId(dev)} != ${e.id})`);
    return undefined;
  }
  if (!usb.some((d) => usbId(d) === id)) return invalid(`usb device '${e.id}' not found`);
  return undefined;
}

/** PVE's start-time failure for a PCI mapping on `node`, or undefined when the start works. */
export function pciMappingProblem(
  name: string,
  map: readonly string[] | undefined,
  node: string,
  pci: readonly PciListing[],
): string | undefined {
  const entries = map ? entriesForNode(map, node) : [];
  if (entries.length === 0) return `PCI device mapping not found for '${name}'`;
  const invalid = (why: string): string => `PCI device mapping invalid (hardware probably changed): ${why}`;
  for (const e of entries) {
    const paths = (e.path ?? '').split(';').filter(Boolean);
    for (let idx = 0; idx < paths.length; idx++) {
      const path = canonicalPciAddress(paths[idx] as string);
      const info = pci.find((d) => canonicalPciAddress(d.id) === path);
      if (!info) return invalid(`pci device '${path}' not found`);
      const correct: Record<string, string> = { id: `${bare(info.vendor)}:${bare(info.device)}`, iommugroup: String(info.iommugroup) };
      if (info.subsystem_vendor !== undefined && info.subsystem_device !== undefined) {
        correct['subsystem-id'] = `${bare(info.subsystem_vendor)}:${bare(info.subsystem_device)}`;
      }
      for (const prop of ['id', 'iommugroup', 'subsystem-id']) {
        if (prop === 'iommugroup' && idx > 0) continue;
        const want = correct[prop];
        const have = e[prop];
        if (want === undefined && have === undefined) continue;
        if (want !== undefined && have === undefined) return invalid(`no '${prop}' for device '${path}'`);
        if (want === undefined) return invalid(`'${prop}' configured but should not be`);
        if (bare(want) !== bare(have as string))
          return invalid(`'${prop}' does not match for '${name}' (${bare(want)} != ${bare(have as string)})`);
      }
    }
  }
  return undefined;
}

/** Where a mapping points on `node`: a USB port (or id), or a PCI address. */
export function mappingLocation(
  kind: MappingKind,
  map: readonly string[] | undefined,
  node: string,
): { port?: string; usbId?: string; pciAddress?: string } | undefined {
  const e = map ? entriesForNode(map, node)[0] : undefined;
  if (!e) return undefined;
  if (kind === 'usb') return e.path ? { port: e.path } : e.id ? { usbId: e.id.toLowerCase() } : undefined;
  const first = (e.path ?? '').split(';').filter(Boolean)[0];
  return first ? { pciAddress: canonicalPciAddress(first) } : undefined;
}

/** The command that makes a mapping for a Coral (for plan messages). */
export function proposeMapping(
  kind: MappingKind,
  id: string,
  node: string,
  where: { port?: string; pciAddress?: string; iommuGroup?: number | null },
): string {
  if (kind === 'usb') {
    return `pvesh create /cluster/mapping/usb --id ${id} --map node=${node},path=${where.port ?? '<bus>-<port>'},id=1a6e:089a`;
  }
  const group = where.iommuGroup === undefined || where.iommuGroup === null ? '<iommu group>' : String(where.iommuGroup);
  return `pvesh create /cluster/mapping/pci --id ${id} --map node=${node},path=${where.pciAddress ?? '<pci address>'},id=1ac1:089a,iommugroup=${group},subsystem-id=1ac1:089a`;
}
