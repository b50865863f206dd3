/**
 * What a VM and a container migration share (pve-guest-common `src/PVE/AbstractMigrate.pm`
 * migrate: prepare, phase 1 under `lock: migrate`, phase 2 for a running VM, phase 3, final
 * cleanup): the abort of a refused one, the modelled duration
 * (the local volumes, and a running VM's RAM, copied at the profile's rate or the request's
 * `bwlimit`, plus a fixed overhead and a container's restart), and the move itself — one change
 * of the world when the task's time is up: local volumes copied to their target storage (the
 * name kept when it is free there, as pve-storage `storage_migrate` with `allow_rename`) and
 * freed on the source, volumes on shared storage handed over, the config's volume ids updated,
 * the config moved to the target node (`move_config_to_node`) and unlocked, the guest's
 * replication jobs turned around.
 */
import type { EmulatorCore } from './emulator-core.js';
import type { MigrationLog } from './migration-log.js';
import { guestKind } from './guest-kind.js';
import { allocateVolume, findVolume, freeVolume, isFileStorage, parseVolid } from './storage-ops.js';
import {
  findNode,
  findStorage,
  guestConfig,
  requireGuest,
  writeGuestConfig,
  type GuestState,
  type GuestType,
  type NodeState,
  type VolumeState,
} from './world.js';

/** A local volume copied to the target node. */
export interface VolumeCopy {
  volid: string;
  /** The storage on the target it goes to (the source's own, or mapped). */
  targetStorage: string;
  sizeBytes: number;
  /** The drive of a running VM's attached disk, mirrored live (`scsi0`); absent: copied offline first. */
  drive?: string;
}

/** A migration whose checks have passed. */
export interface MigrationJob {
  type: GuestType;
  vmid: number;
  source: string;
  target: string;
  /** Local volumes copied to the target. */
  copies: VolumeCopy[];
  /** Volumes on shared storage: they change node without a copy. */
  shared: string[];
  /**
   * How the guest runs afterwards: `online` (a running VM moved live, running on the target),
   * `restart` (a running container shut down, moved and started on the target), `offline`
   * (stopped before and after).
   */
  mode: 'online' | 'restart' | 'offline';
  /** The RAM a live migration moves (the memory the running VM uses), in bytes. */
  ramBytes?: number;
  /** The request's `bwlimit` in KiB/s (0 or absent: no limit below the link's rate). */
  bwlimitKiBps?: number;
}

/** A failure in the task's prepare (`phase: 'prepare'`) or phase 1, with the message its log ends on. */
export class MigrationAbort extends Error {
  constructor(
    message: string,
    readonly phase: 'prepare' | 'phase1' = 'prepare',
  ) {
    super(message);
  }
}

/** What prepare starts from in both kinds of migration: the guest on its source node, both nodes, its config. */
export interface MigrationParties {
  guest: GuestState;
  source: NodeState;
  target: NodeState;
  config: ReturnType<typeof guestConfig>;
}

/**
 * prepare's first checks (pve-guest-common src/PVE/AbstractMigrate.pm migrate, with qemu-server
 * QemuMigrate.pm / pve-container src/PVE/LXC/Migrate.pm prepare): the guest's config exists on
 * the source node, and the target is a cluster node.
 */
export function migrationParties(emu: EmulatorCore, type: GuestType, vmid: number, source: string, target: string): MigrationParties {
  const world = emu.world;
  const guest = world.guests[String(vmid)];
  if (guest?.type !== type || guest.node !== source) {
    throw new MigrationAbort(`Configuration file 'nodes/${source}/${type === 'qemu' ? 'qemu-server' : 'lxc'}/${vmid}.conf' does not exist`);
  }
  const to = findNode(world, target);
  if (!to) throw new MigrationAbort(`no such cluster node '${target}'`);
  return { guest, source: findNode(world, source) as NodeState, target: to, config: guestConfig(guest) };
}

/** How long the migration takes, in ms, before the emulator's time scale. */
export function migrationDurationMs(emu: EmulatorCore, job: MigrationJob): number {
  const p = emu.profile;
  const bytes = job.copies.reduce((sum, c) => sum + c.sizeBytes, 0) + (job.ramBytes ?? 0);
  const limit = job.bwlimitKiBps ? job.bwlimitKiBps * 1024 : Number.POSITIVE_INFINITY;
  const rate = Math.min(p.migrationBytesPerSecond, limit);
  const restart = job.mode === 'restart' ? p.containerRestartMs : 0;
  return p.migrationOverheadMs + (bytes / rate) * 1000 + restart;
}

/** Sets or clears the `lock: migrate` of phase 1 (AbstractMigrate phase1 / phase1_cleanup). */
export function setMigrateLock(g: GuestState, on: boolean): void {
  const cfg = guestConfig(g);
  if (on) cfg.main.lock = 'migrate';
  else if (cfg.main.lock === 'migrate') delete cfg.main.lock;
  else return;
  writeGuestConfig(g, cfg);
}

/** The guest of a job, on its source node, or undefined when it is gone from there. */
export function sourceGuest(emu: EmulatorCore, job: MigrationJob): GuestState | undefined {
  const g = emu.world.guests[String(job.vmid)];
  return g && g.type === job.type && g.node === job.source ? g : undefined;
}

/** The volume's name on the target: its own when free there, else the next free disk name. */
function copyOnto(target: NodeState, copy: VolumeCopy, source: VolumeState, job: MigrationJob, now: number): VolumeState {
  const vmid = job.vmid;
  const storage = findStorage(target, copy.targetStorage);
  if (!storage) throw new Error(`storage '${copy.targetStorage}' is not available on node '${target.name}'`);
  const name = (parseVolid(copy.volid)?.name ?? '').split('/').pop() as string;
  // A container volume is a subvol on ZFS and a raw image elsewhere; VM images keep qcow2 only on file storages.
  const subvol = job.type === 'lxc' && storage.type === 'zfspool';
  const format = subvol ? 'subvol' : isFileStorage(storage) && source.format !== 'subvol' ? source.format : 'raw';
  const stem = name.replace(/\.(raw|qcow2|vmdk)$/, '').replace(/^(vm|subvol)-/, subvol ? 'subvol-' : 'vm-');
  const taken = storage.volumes.some(
    (v) =>
      (v.volid.split(':')[1] ?? '')
        .split('/')
        .pop()
        ?.replace(/\.[a-z0-9]+$/, '') === stem,
  );
  return allocateVolume(storage, {
    vmid,
    sizeBytes: source.sizeBytes,
    content: source.content,
    format,
    ...(!taken && new RegExp(`^(vm|subvol)-${vmid}-`).test(stem) ? { stem } : {}),
    ...(subvol ? { prefix: 'subvol' as const } : {}),
    now,
  });
}

/** Replaces volume ids in every volume key of every section (PVE update_volume_ids). */
function updateVolumeIds(g: GuestState, map: ReadonlyMap<string, string>): void {
  const kind = guestKind(g.type);
  const cfg = guestConfig(g);
  for (const section of [cfg.main, cfg.pending, ...Object.values(cfg.snapshots)]) {
    for (const [key, value] of Object.entries(section)) {
      if (!kind.isVolumeKey(key) && key !== 'vmstate') continue;
      const parts = value.split(',');
      let changed = false;
      const out = parts.map((part) => {
        const m = /^((?:file|volume)=)?(.+)$/.exec(part);
        const renamed = m ? map.get(m[2] as string) : undefined;
        if (!m || renamed === undefined) return part;
        changed = true;
        return `${m[1] ?? ''}${renamed}`;
      });
      if (changed) section[key] = out.join(',');
    }
  }
  writeGuestConfig(g, cfg);
}

/**
 * The move at the end of the task: volumes copied (all or none: a failed copy frees the copies
 * made so far and fails the task with storage_migrate's message), the source copies freed,
 * the config moved and unlocked. Returns the old → new volume ids.
 */
export function moveGuest(emu: EmulatorCore, job: MigrationJob, log: MigrationLog): Map<string, string> {
  const g = requireGuest(emu.world, job.source, job.type, job.vmid);
  const source = findNode(emu.world, job.source);
  const target = findNode(emu.world, job.target);
  if (!source || !target) throw new Error(`no such cluster node '${source ? job.target : job.source}'`);
  const now = emu.now();
  const volumeMap = new Map<string, string>();
  const made: VolumeState[] = [];
  for (const copy of job.copies) {
    const found = findVolume(source, copy.volid);
    if (!found) continue;
    try {
      const vol = copyOnto(target, copy, found.volume, job, now);
      made.push(vol);
      volumeMap.set(copy.volid, vol.volid);
    } catch (err) {
      for (const v of made) freeVolume(target, v.volid);
      throw new Error(`storage migration for '${copy.volid}' to storage '${copy.targetStorage}' failed - ${(err as Error).message}`);
    }
  }
  for (const [from, to] of volumeMap) log(`volume '${from}' is '${to}' on the target`);
  for (const volid of volumeMap.keys()) freeVolume(source, volid);
  // Shared storage: the same volume, now used from the target node.
  for (const volid of job.shared) {
    const found = findVolume(source, volid);
    const into = findStorage(target, parseVolid(volid)?.storage ?? '');
    if (!found || !into || into.volumes.some((v) => v.volid === volid)) continue;
    found.storage.volumes = found.storage.volumes.filter((v) => v !== found.volume);
    into.volumes.push(found.volume);
  }
  if (volumeMap.size) updateVolumeIds(g, volumeMap);
  setMigrateLock(g, false);
  g.node = job.target;
  switchReplicationJobTarget(emu, job);
  return volumeMap;
}

/**
 * pve-guest-common `src/PVE/ReplicationConfig.pm` switch_replication_job_target (called by
 * AbstractMigrate after the config moved): the guest's job to the new node now replicates back
 * to the old one, and every job of the guest runs from the new node.
 */
function switchReplicationJobTarget(emu: EmulatorCore, job: MigrationJob): void {
  for (const j of Object.values(emu.world.replication ?? {})) {
    if (j.guest !== job.vmid || j.type !== 'local') continue;
    if (j.target === job.target) j.target = job.source;
    j.source = job.target;
  }
}
