/**
 * The volumes a VM config references, with what qemu-server's foreach_volid
 * (`src/PVE/QemuServer.pm`) notes about each: CD-ROM, cloud-init, attached, unused, in a
 * snapshot or pending, its drive and its size. Migration scans and the migration precondition
 * read them.
 */
import { parseSize } from '../property-string.js';
import type { ConfigSection } from './config-text.js';
import { isQemuDriveKey } from './qemu-options.js';

/** What foreach_volid collects about one volume of a VM config (qemu-server `src/PVE/QemuServer.pm`). */
export interface VolumeAttrs {
  volid: string;
  cdrom: boolean;
  isCloudinit: boolean;
  shared: boolean;
  isUnused: boolean;
  isAttached: boolean;
  inSnapshot: string[];
  inPending: boolean;
  isVmstate: boolean;
  isTpmstate: boolean;
  drivename?: string;
  size?: number;
}

/** The volume (`file`) of a drive value: its first positional part or `file=`. */
export function driveFile(value: string): string | undefined {
  for (const part of value.split(',')) {
    if (part.startsWith('file=')) return part.slice(5);
    if (!part.includes('=')) return part;
  }
  return undefined;
}

export function driveOption(value: string, name: string): string | undefined {
  for (const part of value.split(',')) if (part.startsWith(`${name}=`)) return part.slice(name.length + 1);
  return undefined;
}

/** foreach_volid: every volume of the current config, its pending changes and its snapshots, with its attributes. */
export function collectVolumes(main: ConfigSection, pending: ConfigSection, snapshots: Record<string, ConfigSection>): VolumeAttrs[] {
  const all = new Map<string, VolumeAttrs>();
  const visit = (section: ConfigSection, snapname: string | undefined, isPending: boolean): void => {
    for (const [key, value] of Object.entries(section)) {
      if (!isQemuDriveKey(key) && !/^unused\d+$/.test(key) && key !== 'vmstate') continue;
      const volid = driveFile(value);
      if (!volid) continue;
      let a = all.get(volid);
      if (!a) {
        a = {
          volid,
          cdrom: true,
          isCloudinit: false,
          shared: false,
          isUnused: false,
          isAttached: false,
          inSnapshot: [],
          inPending: false,
          isVmstate: false,
          isTpmstate: false,
        };
        all.set(volid, a);
      }
      if (driveOption(value, 'media') !== 'cdrom') a.cdrom = false;
      if (/(^|[:/])vm-\d+-cloudinit(\.\w+)?$/.test(volid)) a.isCloudinit = true;
      if (driveOption(value, 'shared') === '1') a.shared = true;
      if (/^unused\d+$/.test(key)) a.isUnused = true;
      if (!a.isUnused && snapname === undefined && !isPending) a.isAttached = true;
      if (snapname !== undefined) a.inSnapshot.push(snapname);
      if (isPending) a.inPending = true;
      const size = driveOption(value, 'size');
      if (size !== undefined && a.size === undefined) {
        try {
          a.size = parseSize(size);
        } catch {
          // an unreadable size is left out, as parse_drive would reject the drive
        }
      }
      if (key === 'vmstate') a.isVmstate = true;
      if (key === 'tpmstate0') a.isTpmstate = true;
      if (isQemuDriveKey(key)) a.drivename = key;
    }
  };
  visit(main, undefined, false);
  visit(pending, undefined, true);
  for (const [name, snap] of Object.entries(snapshots)) visit(snap, name, false);
  return [...all.values()];
}
