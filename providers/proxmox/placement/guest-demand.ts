/**
 * `placementDemand` of the proxmox provider (pure): what a `proxmox_vm` or `proxmox_lxc`
 * asks of its node, from its config (for `node: auto`), planned or prior attributes.
 *
 * - node: the value as written (`auto` passes through); undefined while unknown.
 * - memory: `memory` MiB. Left out, PVE's default of 512 MiB (qemu-server
 *   src/PVE/QemuServer/Memory.pm, pve-container src/PVE/LXC/Config.pm), except for a VM
 *   cloned from a template, which has the template's (unknown here).
 * - vCPUs: a VM's `cores` × `sockets` (cores 1 when left out, the template's for a clone;
 *   sockets, when not a number yet, PVE's default of 1). A
 *   container's `cores`; a container with no core limit counts none: PVE lets it use every
 *   core of its node (pve-container src/PVE/LXC.pm vmstatus reports the node's count as its
 *   `cpus`), so it commits no cores of its own, and counting the node's would make every node
 *   look overcommitted.
 * - running: `started` (default true).
 * - storages: those of its volumes (a VM's disks and cloud-init drive, a container's rootfs
 *   and mount points; a bind mount has none), from `storage` or else the volume id.
 * - prefer / avoid / spread: from `placement` (attributes/placement-attribute.ts).
 *
 * Values not known yet (expressions, what the server decides) are left undefined.
 */
import { isUnknown, isValueMap, type Attributes, type Value } from '../../../src/core/value.js';
import type { PlacementDemand, PlacementDemandRequest } from '../../../src/provider/placement.js';

const MiB = 1024 ** 2;

/** PVE's memory default for both kinds of guest (MiB). */
const DEFAULT_MEMORY_MIB = 512;

/** A count from a value: the number, `fallback` when left out (absent or null), undefined when unknown. */
function countOf(v: Value | undefined, fallback: number | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (v === undefined || v === null) return fallback;
  return undefined;
}

/** A VM whose unset settings come from a template: config or state with a `clone` block. */
function isClone(a: Attributes): boolean {
  return isValueMap(a.clone) || isUnknown(a.clone);
}

function vmVcpus(a: Attributes, clone: boolean): number | undefined {
  const cores = countOf(a.cores, clone ? undefined : 1);
  // one socket unless said otherwise: PVE's default (qemu-server PVE/QemuServer.pm, sockets)
  const sockets = typeof a.sockets === 'number' ? a.sockets : 1;
  return cores !== undefined ? cores * sockets : undefined;
}

/** The storage of a volume block: its `storage`, else the part of its volume id before the colon. */
function storageOf(block: Value | undefined): string | undefined {
  if (!isValueMap(block)) return undefined;
  if (typeof block.storage === 'string' && block.storage !== '') return block.storage;
  if (typeof block.volume === 'string') {
    const m = /^([^:/]+):/.exec(block.volume);
    if (m) return m[1];
  }
  return undefined;
}

function slotStorages(slots: Value | undefined, skip: (slot: Value) => boolean = () => false): (string | undefined)[] {
  if (!isValueMap(slots)) return [];
  return Object.values(slots).map((s) => (skip(s) ? undefined : storageOf(s)));
}

function volumeStorages(type: 'proxmox_vm' | 'proxmox_lxc', a: Attributes): string[] {
  const found =
    type === 'proxmox_vm'
      ? [...slotStorages(a.disks), storageOf(a.cloud_init)]
      : [...slotStorages(a.mount_points, (mp) => isValueMap(mp) && typeof mp.host_path === 'string'), storageOf(a.rootfs)];
  return [...new Set(found.filter((s): s is string => s !== undefined))].sort();
}

function stringList(v: Value | undefined): string[] | undefined {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return undefined;
  return v as string[];
}

function preferences(placement: Value | undefined): Pick<PlacementDemand, 'prefer' | 'avoid' | 'spread'> {
  if (!isValueMap(placement)) return {};
  const prefer = stringList(placement.prefer);
  const avoid = stringList(placement.avoid);
  return {
    ...(prefer && prefer.length > 0 ? { prefer } : {}),
    ...(avoid && avoid.length > 0 ? { avoid } : {}),
    ...(placement.spread === true ? { spread: true } : {}),
  };
}

/** What a guest asks of its node; undefined for a type that is not a guest. */
export function guestDemand(req: PlacementDemandRequest): PlacementDemand | undefined {
  const { type, attributes: a } = req;
  if (type !== 'proxmox_vm' && type !== 'proxmox_lxc') return undefined;
  const clone = type === 'proxmox_vm' && isClone(a);
  const memoryMiB = countOf(a.memory, clone ? undefined : DEFAULT_MEMORY_MIB);
  const vcpus = type === 'proxmox_vm' ? vmVcpus(a, clone) : countOf(a.cores, undefined);
  return {
    node: typeof a.node === 'string' ? a.node : undefined,
    nodePath: ['node'],
    ...(memoryMiB !== undefined ? { memoryBytes: memoryMiB * MiB } : {}),
    ...(vcpus !== undefined ? { vcpus } : {}),
    running: a.started !== false,
    storages: volumeStorages(type, a),
    ...preferences(a.placement),
  };
}
