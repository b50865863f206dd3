/**
 * The ids of crucible resources. None depends on a volume name (Proxmox renames volumes on
 * template conversion and move_disk): a disk or image is its holder guest's VMID plus the
 * serial hl wrote into that guest's config; a snapshot is its holder's VMID plus the PVE
 * snapshot name hl chose. Snapshot and image ids also carry their size, which never changes,
 * so that a disk made from one can be checked against it at plan time (pure, no I/O).
 *
 *   disk/<holder vmid>/<serial>            disk/100000/3f9a2c1b7d04e5f6a7b8
 *   snapshot/<holder vmid>/<snapname>/<size>   snapshot/100000/hl-5abebd39e81c/10G
 *   image/<template vmid>/<serial>/<size>  image/100002/9c1d.../10G
 *   vm/<vmid>                              (an attachment: the VM it belongs to)
 */
import { formatDiskSize, parseDiskSize } from './disk-size.js';

export const SERIAL_RE = /^[0-9a-f]{20}$/;
export const SNAPNAME_RE = /^[a-z][a-z0-9_-]{1,39}$/i;

export interface DiskRef {
  vmid: number;
  serial: string;
}

export interface SnapshotRef {
  vmid: number;
  snapname: string;
  sizeBytes: number;
}

export interface ImageRef {
  vmid: number;
  serial: string;
  sizeBytes: number;
}

function vmidOf(text: string | undefined): number | undefined {
  if (text === undefined || !/^[1-9][0-9]{2,8}$/.test(text)) return undefined;
  return Number(text);
}

export function diskId(ref: DiskRef): string {
  return `disk/${ref.vmid}/${ref.serial}`;
}

export function parseDiskId(id: string): DiskRef | undefined {
  const [kind, vmid, serial, ...rest] = id.trim().split('/');
  const v = vmidOf(vmid);
  if (kind !== 'disk' || v === undefined || !serial || !SERIAL_RE.test(serial) || rest.length > 0) return undefined;
  return { vmid: v, serial };
}

export function snapshotId(ref: SnapshotRef): string {
  return `snapshot/${ref.vmid}/${ref.snapname}/${formatDiskSize(ref.sizeBytes)}`;
}

export function parseSnapshotId(id: string): SnapshotRef | undefined {
  const [kind, vmid, snapname, size, ...rest] = id.trim().split('/');
  const v = vmidOf(vmid);
  const bytes = size === undefined ? undefined : parseDiskSize(size);
  if (kind !== 'snapshot' || v === undefined || !snapname || !SNAPNAME_RE.test(snapname) || bytes === undefined || rest.length > 0)
    return undefined;
  return { vmid: v, snapname, sizeBytes: bytes };
}

export function imageId(ref: ImageRef): string {
  return `image/${ref.vmid}/${ref.serial}/${formatDiskSize(ref.sizeBytes)}`;
}

export function parseImageId(id: string): ImageRef | undefined {
  const [kind, vmid, serial, size, ...rest] = id.trim().split('/');
  const v = vmidOf(vmid);
  const bytes = size === undefined ? undefined : parseDiskSize(size);
  if (kind !== 'image' || v === undefined || !serial || !SERIAL_RE.test(serial) || bytes === undefined || rest.length > 0) return undefined;
  return { vmid: v, serial, sizeBytes: bytes };
}

export function attachmentId(vmid: number): string {
  return `vm/${vmid}`;
}

/** `pve/107` (as proxmox_vm ids are written) → node and VMID. */
export function parseVmRef(text: string): { node: string; vmid: number } | undefined {
  const m = /^\s*([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([1-9][0-9]{2,8})\s*$/.exec(text);
  return m ? { node: m[1]!, vmid: Number(m[2]) } : undefined;
}
