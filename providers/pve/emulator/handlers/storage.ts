/**
 * Node storage endpoints (`/nodes/{node}/storage...`), after pve-manager/pve-storage:
 * listing with capacity, status, content listing, volume allocation (`POST content`, size in KiB
 * or with M/G suffix, name `vm-<vmid>-...`) and deletion (an `imgdel` task).
 */
import { fail, paramFail } from '../api-error.js';
import type { EmulatorCore } from '../emulator-core.js';
import { bool, int, NODE, opt, STORAGE_ID, str, VMID } from '../param-schema.js';
import type { ApiRequest, RouteDef } from '../router.js';
import { allocateVolume, findVolume, freeVolume, isFileStorage } from '../storage-ops.js';
import { linkedCloneOf } from '../storage-features.js';
import { splitList } from '../string-formats.js';
import {
  findNode,
  requireStorage,
  storageAvailBytes,
  storageUsable,
  storageUsedBytes,
  type NodeState,
  type StorageState,
  type VolumeState,
} from '../world.js';
import { startTask } from './guest-common.js';

function nodeOf(emu: EmulatorCore, req: ApiRequest): NodeState {
  return findNode(emu.world, req.params.node as string) as NodeState;
}

function storageOf(emu: EmulatorCore, req: ApiRequest): StorageState {
  return requireStorage(nodeOf(emu, req), req.params.storage as string);
}

/**
 * One storage as pve-storage (8.x and 9.x) src/PVE/Storage.pm storage_info lists it: a disabled storage has
 * enabled 0; one that is disabled or cannot be activated has active 0 and no capacity (total,
 * used, avail 0, no used_fraction).
 */
function storageInfo(s: StorageState): Record<string, unknown> {
  const base = {
    storage: s.id,
    type: s.type,
    content: s.content.join(','),
    active: storageUsable(s) ? 1 : 0,
    enabled: s.disabled ? 0 : 1,
    shared: s.shared ? 1 : 0,
  };
  if (!storageUsable(s)) return { ...base, total: 0, used: 0, avail: 0 };
  const used = storageUsedBytes(s);
  return {
    ...base,
    total: s.totalBytes,
    used,
    avail: storageAvailBytes(s),
    used_fraction: s.totalBytes ? used / s.totalBytes : 0,
  };
}

function volumeInfo(v: VolumeState): Record<string, unknown> {
  const e: Record<string, unknown> = { volid: v.volid, content: v.content, format: v.format, size: v.sizeBytes, ctime: v.ctime };
  if (v.vmid !== undefined) e.vmid = v.vmid;
  if (v.parent) e.parent = v.parent.split(':')[1];
  if (v.content === 'images' || v.content === 'rootdir') e.used = v.parent ? 0 : v.sizeBytes;
  return e;
}

function resolveVolume(s: StorageState, volume: string): string {
  return volume.includes(':') ? volume : `${s.id}:${volume}`;
}

function allocate(emu: EmulatorCore, req: ApiRequest): string {
  const p = req.params;
  const s = storageOf(emu, req);
  const vmid = p.vmid as number;
  const sizestr = p.size as string;
  const m = /^(\d+)([MG])?$/.exec(sizestr);
  if (!m) paramFail({ size: `unable to parse size '${sizestr}'` });
  const kib = Number(m[1]) * (m[2] === 'G' ? 1024 * 1024 : m[2] === 'M' ? 1024 : 1);
  let name = p.filename as string;
  let format = p.format as string | undefined;
  const ext = /\.(raw|qcow2|vmdk)$/.exec(name);
  if (ext) {
    if (format && format !== ext[1]) paramFail({ format: `different storage formats (${format} != ${ext[1]})` });
    format = ext[1];
  }
  if (!s.content.includes('images') && !s.content.includes('rootdir')) fail(`storage '${s.id}' does not support vm images`);
  if (isFileStorage(s)) {
    format ??= 'raw';
    if (!ext) name = `${name}.${format}`;
  } else {
    format ??= s.type === 'zfspool' && name.startsWith('subvol-') ? 'subvol' : 'raw';
    if (format !== 'raw' && format !== 'subvol') fail(`unsupported format '${format}'`);
  }
  const vol = allocateVolume(s, {
    vmid,
    sizeBytes: kib * 1024,
    name,
    format,
    content: format === 'subvol' ? 'rootdir' : 'images',
    now: emu.now(),
  });
  return vol.volid;
}

export const STORAGE_ROUTES: RouteDef[] = [
  {
    method: 'GET',
    path: '/nodes/{node}/storage',
    proxyToNode: true,
    params: {
      node: NODE,
      content: opt(str({ format: 'pve-storage-content-list' })),
      enabled: opt(bool()),
      format: opt(bool()),
      storage: opt(STORAGE_ID),
      target: opt(NODE),
    },
    handler: (emu, req) => {
      const wanted = req.params.content !== undefined ? splitList(String(req.params.content)) : undefined;
      // pve-storage (8.x and 9.x) src/PVE/API2/Storage/Status.pm index: a content filter drops disabled storages too
      return nodeOf(emu, req)
        .storages.filter((s) => req.params.storage === undefined || s.id === req.params.storage)
        .filter((s) => !wanted || (!s.disabled && wanted.some((c) => s.content.includes(c as never))))
        .filter((s) => !(req.params.enabled === true && s.disabled))
        .map(storageInfo);
    },
  },
  {
    method: 'GET',
    path: '/nodes/{node}/storage/{storage}',
    params: { node: NODE, storage: STORAGE_ID },
    proxyToNode: true,
    handler: (emu, req) => {
      storageOf(emu, req);
      return ['content', 'download-url', 'file-restore', 'import-metadata', 'prunebackups', 'rrd', 'rrddata', 'status', 'upload'].map(
        (subdir) => ({ subdir }),
      );
    },
  },
  {
    method: 'GET',
    path: '/nodes/{node}/storage/{storage}/status',
    params: { node: NODE, storage: STORAGE_ID },
    proxyToNode: true,
    handler: (emu, req) => {
      const info = storageInfo(storageOf(emu, req));
      delete info.storage;
      delete info.used_fraction;
      return info;
    },
  },
  {
    method: 'GET',
    path: '/nodes/{node}/storage/{storage}/content',
    proxyToNode: true,
    params: { node: NODE, storage: STORAGE_ID, content: opt(str({ format: 'pve-storage-content' })), vmid: opt(VMID) },
    handler: (emu, req) =>
      storageOf(emu, req)
        .volumes.filter((v) => req.params.content === undefined || v.content === req.params.content)
        .filter((v) => req.params.vmid === undefined || v.vmid === req.params.vmid)
        .map(volumeInfo),
  },
  {
    method: 'POST',
    path: '/nodes/{node}/storage/{storage}/content',
    proxyToNode: true,
    params: {
      node: NODE,
      storage: STORAGE_ID,
      vmid: VMID,
      filename: str(),
      size: str({ pattern: /\d+[MG]?/ }),
      format: opt(str({ enum: ['raw', 'qcow2', 'subvol', 'vmdk'] })),
    },
    handler: allocate,
  },
  {
    method: 'GET',
    path: '/nodes/{node}/storage/{storage}/content/{volume}',
    proxyToNode: true,
    params: { node: NODE, storage: opt(STORAGE_ID), volume: str() },
    handler: (emu, req) => {
      const s = storageOf(emu, req);
      const volid = resolveVolume(s, req.params.volume as string);
      const found = findVolume(nodeOf(emu, req), volid);
      if (!found) fail(`no such volume '${volid}'`);
      const v = found.volume;
      return { path: `/dev/pve/${volid.split(':')[1]}`, size: v.sizeBytes, used: v.parent ? 0 : v.sizeBytes, format: v.format };
    },
  },
  {
    method: 'DELETE',
    path: '/nodes/{node}/storage/{storage}/content/{volume}',
    proxyToNode: true,
    params: { node: NODE, storage: opt(STORAGE_ID), volume: str(), delay: opt(int({ minimum: 1, maximum: 30 })) },
    handler: (emu, req) => {
      const s = storageOf(emu, req);
      const volid = resolveVolume(s, req.params.volume as string);
      const nodeName = req.params.node as string;
      const found = findVolume(nodeOf(emu, req), volid);
      if (!found) fail(`no such volume '${volid}'`);
      // pve-storage vdisk_free; LVM-thin lets a base go (its thin clones survive).
      if (linkedCloneOf(found.storage, found.volume)) fail(`base volume '${volid.split(':')[1]}' is still in use by linked clones`);
      return startTask(emu, req, {
        type: 'imgdel',
        // PVE puts the volid here with ':' escaped; a plain name keeps the UPID URL-safe.
        id: (volid.split(':')[1] ?? volid).replace(/[/:\s]/g, '-'),
        run: () => {
          const n = findNode(emu.world, nodeName);
          if (n) freeVolume(n, volid);
        },
      });
    },
  },
];
