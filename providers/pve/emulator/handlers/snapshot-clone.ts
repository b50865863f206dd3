/**
 * The volume side of `POST /qemu/{vmid}/clone`, after qemu-server's clone_vm and pve-storage's
 * clone_image / copy: which drives may be cloned how (the storage feature table in
 * storage-features.ts, with PVE's messages), and the new volume of each drive:
 *
 * - full clone: a copy onto the target storage; at a snapshot, a copy of the snapshot's data,
 *   so the new volume has the size the drive had when the snapshot was taken;
 * - linked clone of a base volume: a volume sharing the base's data (`linkedCloneVolume`);
 * - linked clone at a snapshot (LVM-thin only): a thin snapshot of the snapshot, named like a
 *   plain volume of the new guest.
 */
import { fail } from '../api-error.js';
import { sizeOption } from './guest-common.js';
import { copyVolume, linkedCloneVolume, nextDiskName } from '../storage-ops.js';
import { volumeHasFeature } from '../storage-features.js';
import type { StorageState, VolumeState } from '../world.js';

export interface CloneSource {
  storage: StorageState;
  volume: VolumeState;
}

/** Refuses a drive the storage cannot clone this way, with qemu-server's messages. */
export function checkCloneFeature(key: string, source: CloneSource, linked: boolean, atSnapshot: boolean): void {
  if (linked) {
    if (!volumeHasFeature(source.storage, source.volume, 'clone', atSnapshot)) {
      fail(`Linked clone feature is not supported for ${atSnapshot ? 'a snapshot of ' : ''}'${source.volume.volid}' (${key})`);
    }
    return;
  }
  if (!volumeHasFeature(source.storage, source.volume, 'copy', atSnapshot)) fail(`Full clone feature is not supported for drive '${key}'`);
}

export interface CloneDriveRequest {
  source: CloneSource;
  /** The drive value as the cloned section holds it (a snapshot section carries the size then). */
  value: string;
  full: boolean;
  atSnapshot: boolean;
  /** Storage of a full clone (default: the source's). */
  target: StorageState;
  newid: number;
  now: number;
}

/** The new volume of one cloned drive. */
export function cloneDriveVolume(req: CloneDriveRequest): VolumeState {
  const { source, newid, now } = req;
  const sizeBytes = req.atSnapshot ? sizeOption(req.value) || source.volume.sizeBytes : source.volume.sizeBytes;
  if (req.full) return copyVolume({ ...source.volume, sizeBytes }, req.target, newid, now);
  if (!req.atSnapshot) return linkedCloneVolume(source.storage, source.volume, newid, now);
  const name = nextDiskName(source.storage, newid, source.volume.format);
  const volume: VolumeState = {
    volid: `${source.storage.id}:${name}`,
    content: source.volume.content,
    format: source.volume.format,
    sizeBytes,
    vmid: newid,
    ctime: Math.floor(now / 1000),
    // Thin: shares the snapshot's blocks, so it takes no capacity of its own.
    parent: source.volume.volid,
  };
  source.storage.volumes.push(volume);
  return volume;
}
