/**
 * What each Proxmox storage type can do for crucible, after pve-storage's volume_has_feature
 * tables (the volumes hl allocates are raw on block storage and qcow2 on file storage). Used to
 * refuse, before anything is created, what PVE would refuse halfway. Pure.
 *
 * | type                  | snapshot | copy a snapshot (disk/image from snapshot) | linked clone (disk from image) | template |
 * |-----------------------|----------|--------------------------------------------|--------------------------------|----------|
 * | lvmthin               | yes      | yes                                        | yes                            | yes      |
 * | zfspool               | yes      | no (ZFS has no copy of a snapshot)         | yes                            | yes      |
 * | rbd (Ceph)            | yes      | yes                                        | yes                            | yes      |
 * | dir, nfs, cifs (qcow2)| yes      | yes                                        | yes                            | yes      |
 * | lvm (thick)           | no       | no                                         | no                             | no       |
 */

export type Capability = 'snapshot' | 'copy-snapshot' | 'linked-clone' | 'template';

const FILE_TYPES = new Set(['dir', 'nfs', 'cifs', 'glusterfs', 'btrfs', 'cephfs']);

const TABLE: Record<string, readonly Capability[]> = {
  lvmthin: ['snapshot', 'copy-snapshot', 'linked-clone', 'template'],
  zfspool: ['snapshot', 'linked-clone', 'template'],
  rbd: ['snapshot', 'copy-snapshot', 'linked-clone', 'template'],
  lvm: [],
};

export function isFileStorageType(type: string): boolean {
  return FILE_TYPES.has(type);
}

export function storageCan(type: string, what: Capability): boolean {
  if (isFileStorageType(type)) return true;
  return TABLE[type]?.includes(what) ?? false;
}

const WHY: Record<Capability, string> = {
  snapshot: 'its volumes cannot be snapshotted',
  'copy-snapshot':
    'Proxmox cannot copy one of its snapshots into a new volume (pve-storage offers no copy of a snapshot there; PVE: "Full clone feature is not supported")',
  'linked-clone': 'Proxmox cannot make linked clones there',
  template: 'its volumes cannot become template base volumes',
};

/** Why storage `where` of `type` cannot do `what`, for messages. */
export function cannot(type: string, where: string, what: Capability): string {
  return `${where} is ${type} storage, and ${WHY[what]}`;
}
