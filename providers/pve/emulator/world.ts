/**
 * The emulated cluster as plain, JSON-serializable data: nodes with their storages, volumes and
 * host hardware, guests (kept as raw PVE config text), pools and the task history. Everything
 * here is data and small lookups; behaviour lives in the handlers, storage-ops and tasks.
 */
import { fail } from './api-error.js';
import { configDigest, formatConfigText, parseConfigText, type GuestConfigFile } from './config-text.js';
import type { ResourceMappings } from './resource-mappings.js';

export type GuestType = 'qemu' | 'lxc';
export type StorageType = 'dir' | 'lvmthin' | 'lvm' | 'zfspool' | 'nfs' | 'rbd';
export type ContentType = 'images' | 'rootdir' | 'iso' | 'vztmpl' | 'backup' | 'snippets' | 'import';

export interface UsbDevice {
  busnum: number;
  devnum: number;
  port: number;
  level: number;
  class: number;
  vendid: string;
  prodid: string;
  speed: string;
  usbpath?: string;
  product?: string;
  manufacturer?: string;
  serial?: string;
}

export interface PciDevice {
  id: string;
  class: string;
  vendor: string;
  device: string;
  iommugroup: number;
  vendor_name?: string;
  device_name?: string;
  subsystem_vendor?: string;
  subsystem_device?: string;
  mdev?: boolean;
}

export interface VolumeState {
  /** `local-lvm:vm-100-disk-0`, `local:iso/x.iso`. */
  volid: string;
  content: ContentType;
  format: string;
  sizeBytes: number;
  /** Owner VMID for guest images. */
  vmid?: number;
  /** Creation time, epoch seconds. */
  ctime: number;
  /** Base volume of a linked clone (does not consume capacity itself). */
  parent?: string;
}

export interface StorageState {
  id: string;
  type: StorageType;
  content: ContentType[];
  shared: boolean;
  totalBytes: number;
  /** Space used by things the emulator does not model (the OS, logs, ...). */
  baseUsedBytes: number;
  volumes: VolumeState[];
  /** The Ceph pool of an `rbd` storage. */
  pool?: string;
  /** `disable` in storage.cfg: listed with enabled 0, nothing can be allocated on it. */
  disabled?: boolean;
  /** Enabled but not reachable from this node (an NFS server down): listed with active 0. */
  inactive?: boolean;
}

/** A Ceph pool (`/nodes/{node}/ceph/pool/{name}/status`). */
export interface CephPoolState {
  name: string;
  /** Replicas of each object. */
  size: number;
  /** Replicas needed to accept writes. */
  min_size: number;
  pg_num: number;
  crush_rule: string;
}

export interface NodeState {
  name: string;
  online: boolean;
  cpus: number;
  cpuModel: string;
  sockets: number;
  memoryBytes: number;
  /** Memory used by the host itself, without guests. */
  memoryUsedBytes: number;
  /**
   * CPU utilisation 0..1 of the host itself, without its running guests (node-stats.ts adds
   * their share).
   */
  cpuLoad: number;
  /** Uptime in seconds at the time the world was seeded. */
  uptimeSeconds: number;
  ip: string;
  storages: StorageState[];
  /**
   * Linux bridges in the node's /etc/network/interfaces. Absent in world files written
   * before bridges existed: see `nodeBridges`.
   */
  bridges?: string[];
  usb: UsbDevice[];
  pci: PciDevice[];
}

export interface GuestState {
  vmid: number;
  type: GuestType;
  node: string;
  /** The raw config file text. */
  config: string;
  status: 'running' | 'stopped';
  /** Epoch seconds of the last start. */
  startedAt?: number;
  pid?: number;
  /** The guest agent froze the guest's filesystems (`agent/fsfreeze-freeze`) and has not thawed them. */
  fsFrozen?: boolean;
  /**
   * CPU load while running, as a share (0..1) of its own vCPUs; absent: the profile's
   * `guestCpuLoad`. Set through the control API (`POST /_emulator/guests/{vmid}`).
   */
  cpuLoad?: number;
}

/** A storage replication job (`/etc/pve/replication.cfg`), keyed `<guest>-<jobnum>`. */
export interface ReplicationJobState {
  id: string;
  type: 'local';
  guest: number;
  jobnum: number;
  target: string;
  source?: string;
  schedule?: string;
  rate?: number;
  comment?: string;
  disable?: boolean;
  /** Set by DELETE: the job removes itself once the replication runner has cleaned up. */
  remove_job?: 'local' | 'full';
  /** Epoch ms after which the emulated runner has removed a job marked for removal. */
  removeAfterMs?: number;
}

export interface PoolState {
  poolid: string;
  comment?: string;
  /** Member guests. */
  vmids: number[];
  /** Member storages. */
  storages: string[];
}

export interface TaskRecord {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
  status: 'running' | 'stopped';
  exitstatus?: string;
  endtime?: number;
  log: string[];
  /** The guest a create or clone task registered (a config holding only its lock) before its work. */
  placeholder?: { type: GuestType; vmid: number };
  /**
   * The guest a migration task moves, from `source` to `target`; `restart`: a running container
   * in restart mode, shut down by the task until it starts on the target.
   */
  migration?: { type: GuestType; vmid: number; source: string; target: string; restart?: boolean };
}

export interface World {
  format: 'hl-pve-emulator-world';
  version: 1;
  clusterName: string;
  pveVersion: string;
  /** Secret that signs tickets, so tickets stay valid across emulator processes. */
  authKey: string;
  /** Next process id handed to a task. */
  nextPid: number;
  /** Epoch seconds the world was seeded (node uptimes count from there). */
  seededAt: number;
  nodes: NodeState[];
  /** By VMID. */
  guests: Record<string, GuestState>;
  pools: Record<string, PoolState>;
  /** Ceph pools of the cluster's hyper-converged Ceph, if it has one. */
  ceph?: { pools: Record<string, CephPoolState> };
  /** Storage replication jobs by id (absent in world files written before replication existed). */
  replication?: Record<string, ReplicationJobState>;
  /** Recent tasks, oldest first. */
  tasks: TaskRecord[];
  /** Cluster resource mappings (`/cluster/mapping/usb|pci`); absent until the first is made. */
  mappings?: ResourceMappings;
  /**
   * Datacenter options (`/etc/pve/datacenter.cfg`, `GET/PUT /cluster/options`): option → text
   * as written (`tag-style: case-sensitive=1`). Absent: none set.
   */
  datacenter?: Record<string, string>;
}

export const MAX_TASK_HISTORY = 1000;

export function findNode(world: World, name: string): NodeState | undefined {
  return world.nodes.find((n) => n.name === name);
}

export function findGuest(world: World, vmid: number): GuestState | undefined {
  return world.guests[String(vmid)];
}

/** The guest `vmid` of `type` on `node`, or PVE's "does not exist" failure. */
export function requireGuest(world: World, node: string, type: GuestType, vmid: number): GuestState {
  const g = findGuest(world, vmid);
  if (!g || g.node !== node || g.type !== type) {
    const dir = type === 'qemu' ? 'qemu-server' : 'lxc';
    fail(`Configuration file 'nodes/${node}/${dir}/${vmid}.conf' does not exist`);
  }
  return g;
}

/** The pool a guest belongs to, if any. */
export function poolOfGuest(world: World, vmid: number): string | undefined {
  return Object.values(world.pools).find((p) => p.vmids.includes(vmid))?.poolid;
}

export function removeGuestFromPools(world: World, vmid: number): void {
  for (const p of Object.values(world.pools)) p.vmids = p.vmids.filter((v) => v !== vmid);
}

export function findStorage(node: NodeState, id: string): StorageState | undefined {
  return node.storages.find((s) => s.id === id);
}

/** PVE's failure for a storage not defined on the node. */
export function requireStorage(node: NodeState, id: string): StorageState {
  const s = findStorage(node, id);
  if (!s) fail(`storage '${id}' does not exist`);
  return s;
}

/**
 * A node's bridges: the declared ones, else (an older world file) vmbr0 plus every bridge a
 * guest on the node names, so that existing guests stay consistent.
 */
export function nodeBridges(world: World, node: NodeState): string[] {
  if (node.bridges) return node.bridges;
  const found = new Set<string>(['vmbr0']);
  for (const g of Object.values(world.guests)) {
    if (g.node !== node.name) continue;
    for (const m of g.config.matchAll(/^net\d+:.*\bbridge=([^,\s]+)/gm)) found.add(m[1] as string);
  }
  return [...found].sort();
}

/** Whether the storage can be used on its node now (enabled, and active). */
export function storageUsable(s: StorageState): boolean {
  return !s.disabled && !s.inactive;
}

export function guestConfig(g: GuestState): GuestConfigFile {
  return parseConfigText(g.config, g.type);
}

export function writeGuestConfig(g: GuestState, cfg: GuestConfigFile): void {
  g.config = formatConfigText(cfg, g.type);
}

export function guestDigest(g: GuestState): string {
  return configDigest(g.config);
}

/** Storage space used: unmodelled base plus every volume that is not a linked clone. */
export function storageUsedBytes(s: StorageState): number {
  return s.baseUsedBytes + s.volumes.reduce((sum, v) => sum + (v.parent ? 0 : v.sizeBytes), 0);
}

export function storageAvailBytes(s: StorageState): number {
  return Math.max(0, s.totalBytes - storageUsedBytes(s));
}

/** Every volume in the cluster with its node and storage. */
export function* allVolumes(world: World): Generator<{ node: NodeState; storage: StorageState; volume: VolumeState }> {
  for (const node of world.nodes) {
    for (const storage of node.storages) for (const volume of storage.volumes) yield { node, storage, volume };
  }
}
