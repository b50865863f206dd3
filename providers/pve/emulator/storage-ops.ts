/**
 * Volume operations on emulated storages: allocation with PVE's names (`vm-<vmid>-disk-<n>` on
 * LVM/ZFS, `<vmid>/vm-<vmid>-disk-<n>.qcow2` on directories), capacity checks with PVE's
 * "not enough free space" failure, freeing, growing, full copies, linked clones from base
 * volumes and template conversion (`vm-` → `base-`).
 *
 * Capacity is accounted thick: every volume consumes its full size except linked clones.
 */
import { fail } from './api-error.js';
import { findStorage, storageAvailBytes, type ContentType, type NodeState, type StorageState, type VolumeState } from './world.js';

export interface ParsedVolid {
  storage: string;
  name: string;
}

/** `local-lvm:vm-100-disk-0` → {storage, name}; undefined when not a volume id. */
export function parseVolid(volid: string): ParsedVolid | undefined {
  const m = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$/i.exec(volid);
  return m ? { storage: m[1] as string, name: m[2] as string } : undefined;
}

/** Owner VMID encoded in a volume name (`vm-101-disk-0`, `base-9000-disk-0`, `101/vm-101-disk-0.qcow2`). */
export function volumeOwner(name: string): number | undefined {
  const last = name.split('/').pop() ?? name;
  const m = /^(?:vm|base|subvol|basevol)-(\d+)-/.exec(last);
  return m ? Number(m[1]) : undefined;
}

export function isFileStorage(s: StorageState): boolean {
  return s.type === 'dir' || s.type === 'nfs';
}

export function defaultImageFormat(s: StorageState): string {
  return isFileStorage(s) ? 'qcow2' : 'raw';
}

export function findVolume(node: NodeState, volid: string): { storage: StorageState; volume: VolumeState } | undefined {
  const p = parseVolid(volid);
  if (!p) return undefined;
  const storage = findStorage(node, p.storage);
  const volume = storage?.volumes.find((v) => v.volid === volid);
  return storage && volume ? { storage, volume } : undefined;
}

function nameFor(s: StorageState, vmid: number, stem: string, format: string): string {
  return isFileStorage(s) ? `${vmid}/${stem}.${format}` : stem;
}

/** PVE's next free disk name for `vmid` on `s` (`vm-<vmid>-disk-0`, then 1, ...). */
export function nextDiskName(s: StorageState, vmid: number, format: string, prefix: 'vm' | 'subvol' = 'vm'): string {
  const taken = new Set(
    s.volumes.map((v) =>
      (v.volid.split(':')[1] ?? '')
        .split('/')
        .pop()
        ?.replace(/\.[a-z0-9]+$/, ''),
    ),
  );
  for (let i = 0; i < 10000; i++) {
    const stem = `${prefix}-${vmid}-disk-${i}`;
    const clash = ['vm', 'base', 'subvol', 'basevol'].some((p) => taken.has(`${p}-${vmid}-disk-${i}`));
    if (!clash) return nameFor(s, vmid, stem, format);
  }
  fail(`unable to allocate an image name for VM ${vmid} in storage '${s.id}'`);
}

export interface AllocateRequest {
  vmid: number;
  sizeBytes: number;
  content?: ContentType;
  format?: string;
  /** Explicit volume name (checked: must start with `vm-<vmid>-`). */
  name?: string;
  /** Special stem instead of the next `vm-N-disk-M`, e.g. `vm-100-cloudinit`. */
  stem?: string;
  /** Name prefix for the next free name: `vm` (default) or `subvol` (ZFS container volumes). */
  prefix?: 'vm' | 'subvol';
  now: number;
}

/** Allocates a new volume, or fails as PVE does when the name is taken or space is short. */
export function allocateVolume(s: StorageState, req: AllocateRequest): VolumeState {
  // pve-storage (8.x and 9.x) src/PVE/Storage.pm storage_check_enabled (vdisk_alloc); an inactive one fails activation
  if (s.disabled) fail(`storage '${s.id}' is disabled`);
  if (s.inactive) fail(`storage '${s.id}' is not online`);
  const format = req.format ?? defaultImageFormat(s);
  let name: string;
  if (req.name !== undefined) {
    const last = req.name.split('/').pop() as string;
    if (!/^(vm|subvol)-/.test(last) || !last.startsWith(`${last.split('-')[0]}-${req.vmid}-`)) {
      fail(`illegal name '${req.name}' - should be 'vm-${req.vmid}-*'`);
    }
    name = isFileStorage(s) && !req.name.includes('/') ? `${req.vmid}/${req.name}` : req.name;
  } else if (req.stem !== undefined) {
    name = nameFor(s, req.vmid, req.stem, format);
  } else {
    name = nextDiskName(s, req.vmid, format, req.prefix);
  }
  const volid = `${s.id}:${name}`;
  if (s.volumes.some((v) => v.volid === volid)) fail(`volume '${volid}' already exists`);
  const avail = storageAvailBytes(s);
  if (req.sizeBytes > avail) fail(`not enough free space (${avail} < ${req.sizeBytes})`);
  const volume: VolumeState = {
    volid,
    content: req.content ?? 'images',
    format,
    sizeBytes: req.sizeBytes,
    vmid: req.vmid,
    ctime: Math.floor(req.now / 1000),
  };
  s.volumes.push(volume);
  return volume;
}

/** Removes a volume; a missing one is ignored (PVE warns). */
export function freeVolume(node: NodeState, volid: string): boolean {
  const found = findVolume(node, volid);
  if (!found) return false;
  found.storage.volumes = found.storage.volumes.filter((v) => v !== found.volume);
  return true;
}

/** Grows a volume; growth needs free space. */
export function growVolume(storage: StorageState, volume: VolumeState, newSize: number): void {
  const extra = newSize - volume.sizeBytes;
  if (extra > 0 && !volume.parent) {
    const avail = storageAvailBytes(storage);
    if (extra > avail) fail(`not enough free space (${avail} < ${extra})`);
  }
  volume.sizeBytes = newSize;
  if (volume.parent && extra > 0) delete volume.parent;
}

/** Full copy of `source` for `vmid` onto `target` (a full clone or an import). */
export function copyVolume(source: VolumeState, target: StorageState, vmid: number, now: number, stem?: string): VolumeState {
  const subvol = source.format === 'subvol' && target.type === 'zfspool';
  const format = subvol ? 'subvol' : source.content === 'rootdir' || !isFileStorage(target) ? 'raw' : 'qcow2';
  return allocateVolume(target, {
    vmid,
    sizeBytes: source.sizeBytes,
    content: source.content,
    format,
    ...(stem !== undefined ? { stem } : {}),
    ...(subvol ? { prefix: 'subvol' as const } : {}),
    now,
  });
}

/** Linked clone of a base volume: a new name on the same storage sharing the base's data. */
export function linkedCloneVolume(storage: StorageState, base: VolumeState, vmid: number, now: number): VolumeState {
  const baseName = (base.volid.split(':')[1] ?? '').split('/').pop() as string;
  if (!/^base(vol)?-/.test(baseName)) fail(`clone_image only works on base images`);
  const format = base.format;
  let name = nextDiskName(storage, vmid, format, base.format === 'subvol' ? 'subvol' : 'vm');
  if (storage.type === 'zfspool' || storage.type === 'rbd') name = `${baseName}/${name}`;
  else if (isFileStorage(storage)) name = `${base.vmid}/${baseName}/${name}`;
  const volume: VolumeState = {
    volid: `${storage.id}:${name}`,
    content: base.content,
    format,
    sizeBytes: base.sizeBytes,
    vmid,
    ctime: Math.floor(now / 1000),
    parent: base.volid,
  };
  storage.volumes.push(volume);
  return volume;
}

/** Template conversion: renames `vm-N-disk-M` to `base-N-disk-M`; returns the new volid. */
export function convertToBase(storage: StorageState, volume: VolumeState): string {
  const [sid, name = ''] = volume.volid.split(/:(.*)/s) as [string, string];
  const parts = name.split('/');
  const last = parts.pop() as string;
  if (last.startsWith('base-') || last.startsWith('basevol-')) return volume.volid;
  const renamed = [...parts, last.replace(/^vm-/, 'base-').replace(/^subvol-/, 'basevol-')].join('/');
  volume.volid = `${sid}:${renamed}`;
  void storage;
  return volume.volid;
}
