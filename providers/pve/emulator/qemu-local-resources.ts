/**
 * qemu-server `src/PVE/QemuMigrate/Helpers.pm` check_local_resources: what ties a VM to its
 * node (`usbN` other than SPICE, `hostpciN`, `serialN` other than a socket, `parallelN`,
 * `ivshmem`; a mapped `hostpciN` only while running, unless its mapping is live-migration
 * capable), its mapped devices, and per node the mapped keys without an entry there.
 */
import { parsePropertyString, QEMU_USB_FORMAT } from '../property-string.js';
import type { ConfigSection } from './config-text.js';
import { driveOption } from './qemu-volume-refs.js';
import { mappingsOf, nodeMapEntries } from './resource-mappings.js';
import type { World } from './world.js';

/**
 * check_local_resources: the local resources (`usbN` not spice, `hostpciN`, `serialN` other
 * than a socket, `parallelN`, `ivshmem`; a mapped `hostpciN` only for a running VM), the mapped
 * ones, and per node the mapped keys that have no entry there.
 */
export function localResources(
  world: World,
  main: ConfigSection,
  running: boolean,
): { local: string[]; mapped: Record<string, { name: string; 'live-migration'?: 1 }>; missing: Record<string, string[]> } {
  const local: string[] = [];
  const mapped: Record<string, { name: string; 'live-migration'?: 1 }> = {};
  const missing: Record<string, string[]> = Object.fromEntries(world.nodes.map((n) => [n.name, [] as string[]]));
  const addMissing = (kind: 'usb' | 'pci', key: string, id: string): void => {
    for (const n of world.nodes) if (!nodeMapEntries(world, kind, id, n.name)?.length) missing[n.name]?.push(key);
  };
  if (main.hostusb) local.push('hostusb');
  if (main.hostpci) local.push('hostpci');
  if (main.ivshmem) local.push('ivshmem');
  for (const key of Object.keys(main).sort()) {
    const value = main[key] as string;
    if (/^usb/.test(key)) {
      let host: string | undefined;
      let mapping: string | undefined;
      try {
        const u = parsePropertyString(value, QEMU_USB_FORMAT);
        host = u.host;
        mapping = u.mapping;
      } catch {
        // an unparsable entry counts as local
      }
      if (host && /^spice$/i.test(host)) continue;
      if (mapping) {
        addMissing('usb', key, mapping);
        mapped[key] = { name: mapping };
      }
    }
    if (/^hostpci/.test(key)) {
      const mapping = driveOption(value, 'mapping');
      if (mapping) {
        addMissing('pci', key, mapping);
        const entry: { name: string; 'live-migration'?: 1 } = { name: mapping };
        mapped[key] = entry;
        if (mappingsOf(world).pci[mapping]?.['live-migration-capable']) {
          entry['live-migration'] = 1;
          continue;
        }
        if (!running) continue;
      }
    }
    if (/^serial/.test(key) && value === 'socket') continue;
    if (/^(usb|hostpci|serial|parallel|virtiofs)\d+$/.test(key)) local.push(key);
  }
  return { local, mapped, missing };
}
