/**
 * What each storage type can do with a volume, after pve-storage's `volume_has_feature`
 * tables, and which base volumes are still used by linked clones (`volume_is_base_and_used`).
 *
 * | type          | snapshot      | clone (linked) | copy (full)          | template | replicate     |
 * |---------------|---------------|----------------|----------------------|----------|---------------|
 * | lvmthin       | current       | base, snap     | base, current, snap  | current  | -             |
 * | zfspool       | current, snap | base           | base, current        | current  | base, current |
 * | rbd (Ceph)    | current, snap | base, snap     | base, current, snap  | current  | -             |
 * | lvm (thick)   | -             | -              | base, current        | -        | -             |
 * | dir, nfs      | qcow2 only    | base           | base, current; snap of qcow2 | current | -     |
 *
 * "snap" means "of a snapshot": ZFS cannot copy a snapshot into a new volume, so a full clone
 * at a snapshot fails there (`Full clone feature is not supported for drive 'scsi0'`), while
 * LVM-thin can. LVM-thin does not record a linked clone's base in its name, so PVE never finds
 * an LVM-thin base "in use" and lets it be freed (the thin snapshots survive); elsewhere the
 * clone's name carries its base (`base-9001-disk-0/vm-120-disk-0`) and freeing the base is refused.
 */
import { isFileStorage, parseVolid } from './storage-ops.js';
import type { StorageState, VolumeState } from './world.js';

export type StorageFeature = 'snapshot' | 'clone' | 'copy' | 'template' | 'replicate';
/** The state of the volume the feature is asked for. */
type FeatureKey = 'current' | 'base' | 'snap';

const BLOCK_FEATURES: Record<'lvmthin' | 'zfspool' | 'rbd' | 'lvm', Record<StorageFeature, readonly FeatureKey[]>> = {
  lvmthin: { snapshot: ['current'], clone: ['base', 'snap'], copy: ['base', 'current', 'snap'], template: ['current'], replicate: [] },
  zfspool: {
    snapshot: ['current', 'snap'],
    clone: ['base'],
    copy: ['base', 'current'],
    template: ['current'],
    replicate: ['base', 'current'],
  },
  rbd: { snapshot: ['current', 'snap'], clone: ['base', 'snap'], copy: ['base', 'current', 'snap'], template: ['current'], replicate: [] },
  lvm: { snapshot: [], clone: [], copy: ['base', 'current'], template: [], replicate: [] },
};

/** Formats per feature and key on file storages (pve-storage Plugin.pm). */
const FILE_FEATURES: Record<StorageFeature, Partial<Record<FeatureKey, readonly string[]>>> = {
  snapshot: { current: ['qcow2'], snap: ['qcow2'] },
  clone: { base: ['qcow2', 'raw', 'vmdk'] },
  copy: { base: ['qcow2', 'raw', 'vmdk'], current: ['qcow2', 'raw', 'vmdk'], snap: ['qcow2'] },
  template: { current: ['qcow2', 'raw', 'vmdk', 'subvol'] },
  replicate: {},
};

/** The last path part of a volume's name: `vm-100-disk-0` of `local-zfs:base-9001-disk-0/vm-100-disk-0`. */
export function volumeBaseName(volid: string): string {
  const name = parseVolid(volid)?.name ?? volid;
  return (name.split('/').pop() ?? name).replace(/\.(raw|qcow2|vmdk)$/, '');
}

export function isBaseVolume(volume: VolumeState): boolean {
  return /^base(vol)?-/.test(volumeBaseName(volume.volid));
}

/** pve-storage volume_has_feature: may `feature` be used on `volume` (or on its snapshot)? */
export function volumeHasFeature(storage: StorageState, volume: VolumeState, feature: StorageFeature, ofSnapshot: boolean): boolean {
  const key: FeatureKey = ofSnapshot ? 'snap' : isBaseVolume(volume) ? 'base' : 'current';
  if (isFileStorage(storage)) return FILE_FEATURES[feature][key]?.includes(volume.format) ?? false;
  const table = BLOCK_FEATURES[storage.type as keyof typeof BLOCK_FEATURES];
  return table ? table[feature].includes(key) : false;
}

/**
 * A linked clone PVE would find using `base` (volume_is_base_and_used), if any. On LVM-thin
 * the clones do not name their base, so PVE finds none.
 */
export function linkedCloneOf(storage: StorageState, base: VolumeState): VolumeState | undefined {
  if (storage.type === 'lvmthin' || !isBaseVolume(base)) return undefined;
  return storage.volumes.find((v) => v !== base && v.parent === base.volid);
}
