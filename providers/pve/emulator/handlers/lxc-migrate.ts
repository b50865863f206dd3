/**
 * Container migration (`/nodes/{node}/lxc/{vmid}/migrate`), after pve-container: the API's
 * checks before the task (`src/PVE/API2/LXC.pm` migrate_vm), its precondition answer
 * (migrate_vm_precondition, PVE 9), and the `vzmigrate` task (`src/PVE/LXC/Migrate.pm`
 * prepare, phase1, phase3, final_cleanup) with its log lines. Containers do not live-migrate:
 * a running one moves in restart mode (shut down, moved, started on the target). Like the real
 * code, migration looks only at mount points: `devN` passthrough and raw `lxc.*` keys move with
 * the config unchecked (prepare's "todo: test if VM uses local resources"), so a device missing
 * on the target shows when the container starts there.
 */
import { LXC_MP_FORMAT, LXC_ROOTFS_FORMAT, LXC_UNUSED_FORMAT, parsePropertyString } from '../../property-string.js';
import { fail, paramFail, permFail } from '../api-error.js';
import type { ConfigSection } from '../config-text.js';
import type { EmulatorCore } from '../emulator-core.js';
import { LXC_KIND } from '../guest-kind.js';
import {
  MigrationAbort,
  migrationDurationMs,
  moveGuest,
  setMigrateLock,
  migrationParties,
  sourceGuest,
  type MigrationJob,
  type VolumeCopy,
} from '../guest-migration.js';
import { formatDuration, migrationLogger, type MigrationLog } from '../migration-log.js';
import { requestStorageMap, storageCheckEnabled } from '../migration-checks.js';
import { bool, int, NODE, num, opt, str } from '../param-schema.js';
import type { ApiRequest, RouteDef } from '../router.js';
import { findVolume, parseVolid, volumeOwner } from '../storage-ops.js';
import { mapStorage, type StorageMap } from '../storage-map.js';
import { findNode, guestConfig, type NodeState, type World } from '../world.js';
import { bootGuest, checkConfigLock, guestOf, markStopped, NEW_VOLUME_RE, requireNodeState, startTask } from './guest-common.js';
import { GUEST_BASE } from './guest-routes.js';

/** A mount point as foreach_volume sees it: classify_mountpoint's type, its volume, `shared`. */
interface MountPoint {
  key: string;
  type: 'volume' | 'bind' | 'device';
  volume: string;
  shared: boolean;
}

function mountPoint(key: string, value: string): MountPoint | undefined {
  const format = key === 'rootfs' ? LXC_ROOTFS_FORMAT : key.startsWith('unused') ? LXC_UNUSED_FORMAT : LXC_MP_FORMAT;
  let parsed: Record<string, string>;
  try {
    parsed = parsePropertyString(value, format);
  } catch {
    return undefined;
  }
  const volume = parsed.volume ?? '';
  // pve-container src/PVE/LXC/Config.pm classify_mountpoint
  const type = volume.startsWith('/') ? (volume.startsWith('/dev/') ? 'device' : 'bind') : 'volume';
  return { key, type, volume, shared: parsed.shared === '1' };
}

/** foreach_volume(_full): rootfs, mpN (and unusedN when `unused`), in that order. */
function mountPoints(section: ConfigSection, unused: boolean): MountPoint[] {
  const keys = Object.keys(section).filter((k) => k === 'rootfs' || /^mp\d+$/.test(k) || (unused && /^unused\d+$/.test(k)));
  const rank = (k: string): number => (k === 'rootfs' ? -1 : k.startsWith('mp') ? Number(k.slice(2)) : 1000 + Number(k.slice(6)));
  return keys
    .sort((a, b) => rank(a) - rank(b))
    .map((k) => mountPoint(k, section[k] as string))
    .filter((m): m is MountPoint => m !== undefined);
}

interface CtMigrationRequest {
  vmid: number;
  source: string;
  target: string;
  online: boolean;
  restart: boolean;
  storageMap: StorageMap | undefined;
}

/** prepare: the checks, then the shutdown of a running container in restart mode. Returns whether it was running. */
function prepareCt(emu: EmulatorCore, r: CtMigrationRequest, log: MigrationLog): boolean {
  const world = emu.world;
  const { guest: g, source, target, config: cfg } = migrationParties(emu, 'lxc', r.vmid, r.source, r.target);
  try {
    checkConfigLock(LXC_KIND, cfg.main);
  } catch (err) {
    throw new MigrationAbort((err as Error).message);
  }
  const running = g.status === 'running';
  if (running) {
    if (r.online) throw new MigrationAbort('lxc live migration is currently not implemented');
    // a die without "\n": Perl appends where it died (pve-container 6.x src/PVE/LXC/Migrate.pm)
    if (!r.restart)
      throw new MigrationAbort('running container can only be migrated in restart mode at /usr/share/perl5/PVE/LXC/Migrate.pm line 53.');
  }
  for (const mp of mountPoints(cfg.main, true)) {
    if (mp.type !== 'volume') {
      if (mp.shared) continue;
      throw new MigrationAbort(`cannot migrate local ${mp.type} mount point '${mp.key}'`);
    }
    const sid = parseVolid(mp.volume)?.storage;
    if (!sid) throw new MigrationAbort(`can't determine assigned storage for mount point '${mp.key}'`);
    try {
      const s = storageCheckEnabled(world, sid, source);
      if (!s.content.includes('rootdir')) throw new Error(`content type 'rootdir' is not available on storage '${sid}'`);
      let targetSid = sid;
      if (!s.shared) {
        if (running && !r.restart) throw new Error(`unable to migrate local mount point '${mp.volume}' while CT is running`);
        targetSid = mapStorage(r.storageMap, sid);
      }
      const ts = storageCheckEnabled(world, targetSid, target);
      if (!ts.content.includes('rootdir'))
        throw new Error(`${mp.volume}: content type 'rootdir' is not available on storage '${targetSid}'`);
    } catch (err) {
      throw new MigrationAbort((err as Error).message);
    }
  }
  if (!target.online) throw new MigrationAbort("Can't connect to destination address using public key");
  if (r.restart && running) {
    log(`shutdown CT ${r.vmid}`);
    markStopped(g);
  }
  return running;
}

/** phase1's volume scan: what to copy, or MigrationAbort after logging each problem. */
function scanCtVolumes(world: World, r: CtMigrationRequest, log: MigrationLog): { copies: VolumeCopy[]; shared: string[] } {
  const g = world.guests[String(r.vmid)];
  const source = findNode(world, r.source) as NodeState;
  const target = findNode(world, r.target) as NodeState;
  const cfg = guestConfig(g as NonNullable<typeof g>);
  const local = new Map<string, { ref: 'config' | 'snapshot'; targetSid: string; size: number }>();
  const errors = new Map<string, string>();
  const shared = new Set<string>();
  const testVolid = (volid: string, snapname: string | undefined): void => {
    if (NEW_VOLUME_RE.test(volid)) {
      log(`volume '${volid}' does not exist (pending change?)`);
      return;
    }
    const sid = parseVolid(volid)?.storage as string;
    const s = storageCheckEnabled(world, sid, source);
    if (s.shared) {
      if (snapname === undefined) log(`volume '${volid}' is on shared storage '${sid}'`);
      shared.add(volid);
      return;
    }
    const targetSid = mapStorage(r.storageMap, sid);
    storageCheckEnabled(world, targetSid, target);
    const found = findVolume(source, volid);
    const prior = local.get(volid);
    local.set(volid, {
      ref: snapname !== undefined || prior?.ref === 'snapshot' ? 'snapshot' : 'config',
      targetSid,
      size: found?.volume.sizeBytes ?? 0,
    });
    const owner = volumeOwner(parseVolid(volid)?.name ?? '');
    if (owner !== r.vmid) throw new Error(`owned by other guest (owner = ${owner ?? ''})`);
    if (snapname !== undefined && s.type !== 'zfspool') throw new Error('non-migratable snapshot exists');
  };
  const testMp = (mp: MountPoint, snapname: string | undefined): void => {
    if (mp.type !== 'volume') {
      if (snapname === undefined) log(`ignoring shared '${mp.type}' mount point '${mp.key}' ('${mp.volume}')`);
      return;
    }
    try {
      testVolid(mp.volume, snapname);
    } catch (err) {
      if (!errors.has(mp.volume)) errors.set(mp.volume, (err as Error).message);
    }
  };
  for (const [name, snap] of Object.entries(cfg.snapshots)) for (const mp of mountPoints(snap, false)) testMp(mp, name);
  for (const mp of mountPoints(cfg.pending, false)) testMp(mp, undefined);
  for (const mp of mountPoints(cfg.main, true)) testMp(mp, undefined);
  for (const volid of local.keys()) {
    const found = findVolume(source, volid);
    if (!found) continue;
    if (!['dir', 'zfspool', 'lvmthin', 'lvm'].includes(found.storage.type)) {
      if (!errors.has(volid)) errors.set(volid, `storage type '${found.storage.type}' not supported`);
    } else if (found.volume.parent && !errors.has(volid)) {
      errors.set(volid, `clone of '${(parseVolid(found.volume.parent)?.name ?? '').split('/').pop()}'`);
    }
  }
  for (const [volid, v] of [...local].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    log(
      v.ref === 'config'
        ? `found local volume '${volid}' (in current VM config)`
        : `found local volume '${volid}' (referenced by snapshot(s))`,
    );
  }
  for (const volid of [...errors.keys()].sort()) log(`can't migrate local volume '${volid}': ${errors.get(volid)}`, 'warn');
  if (errors.size) throw new MigrationAbort("can't migrate CT - check log", 'phase1');
  return { copies: [...local].map(([volid, v]) => ({ volid, targetStorage: v.targetSid, sizeBytes: v.size })), shared: [...shared] };
}

/** `POST /nodes/{node}/lxc/{vmid}/migrate`. */
function migrateCt(emu: EmulatorCore, req: ApiRequest): string {
  const p = req.params;
  const vmid = p.vmid as number;
  if (!req.auth.has('VM.Migrate', `/vms/${vmid}`)) permFail(`/vms/${vmid}, VM.Migrate`);
  const source = p.node as string;
  const targetName = p.target as string;
  if (targetName === source) paramFail({ target: 'target is local node.' });
  const target = requireNodeState(emu, targetName);
  const g = guestOf(emu, req, 'lxc');
  const online = p.online === true;
  const restart = p.restart === true;
  if (g.status === 'running' && !online && !restart) fail("can't migrate running container without --online or --restart");
  const storageMap = requestStorageMap(emu, req, 'target-storage', target, 'rootdir');
  const r: CtMigrationRequest = { vmid, source, target: targetName, online, restart, storageMap };
  const started = emu.now();
  let job: MigrationJob | undefined;
  let wasRunning = false;
  let logger: MigrationLog | undefined;
  /** The task ended its own way (an abort it logged, or a move made): nothing left to clean up. */
  let settled = false;
  const abort = (message: string): never => {
    logger?.(`migration aborted (duration ${formatDuration(emu.now() - started)}): ${message}`, 'err');
    settled = true;
    throw new Error('migration aborted');
  };
  /** final_cleanup of a container whose config did not move: unlocked, and started again on its source in restart mode. */
  const restoreOnSource = (log: MigrationLog | undefined): void => {
    log?.('start final cleanup');
    const live = job ? sourceGuest(emu, job) : emu.world.guests[String(vmid)];
    if (!live || live.node !== source) return;
    setMigrateLock(live, false);
    if (restart && wasRunning && live.status !== 'running') {
      log?.('start container on source node');
      try {
        bootGuest(emu, live);
      } catch (err) {
        log?.((err as Error).message, 'err');
      }
    }
  };
  return startTask(emu, req, {
    type: 'vzmigrate',
    id: String(vmid),
    holds: [{ type: 'lxc', vmid }],
    migration: { type: 'lxc', vmid, source, target: targetName, ...(restart && g.status === 'running' ? { restart: true } : {}) },
    begin: (line) => {
      const log = migrationLogger(emu, line);
      logger = log;
      try {
        wasRunning = prepareCt(emu, r, log);
        const live = emu.world.guests[String(vmid)];
        const targetNode = findNode(emu.world, targetName) as NodeState;
        log(`starting migration of CT ${vmid} to node '${targetName}' (${targetNode.ip})`);
        if (live) setMigrateLock(live, true);
        const scan = scanCtVolumes(emu.world, r, log);
        job = {
          type: 'lxc',
          vmid,
          source,
          target: targetName,
          ...scan,
          mode: wasRunning && restart ? 'restart' : 'offline',
          ...(p.bwlimit !== undefined ? { bwlimitKiBps: p.bwlimit as number } : {}),
        };
      } catch (err) {
        if (!(err instanceof MigrationAbort)) throw err;
        if (err.phase === 'phase1') {
          log(err.message, 'err');
          log('aborting phase 1 - cleanup resources');
          restoreOnSource(log);
        }
        return abort(err.message);
      }
      return emu.migrationDelayMs(migrationDurationMs(emu, job));
    },
    run: (line) => {
      const log = migrationLogger(emu, line);
      const j = job as MigrationJob;
      const live = sourceGuest(emu, j);
      if (!live) throw new Error(`CT ${vmid} is no longer on node '${source}'`);
      try {
        moveGuest(emu, j, log);
      } catch (err) {
        log((err as Error).message, 'err');
        log('aborting phase 1 - cleanup resources');
        restoreOnSource(log);
        return abort((err as Error).message);
      }
      log('start final cleanup');
      if (j.mode === 'restart') {
        log('start container on target node');
        try {
          bootGuest(emu, live);
        } catch (err) {
          // final_cleanup's `pct start` on the target failed: the CT stays there, stopped.
          log((err as Error).message, 'err');
          log(`migration finished with problems (duration ${formatDuration(emu.now() - started)})`, 'err');
          settled = true;
          throw new Error('migration problems');
        }
      }
      log(`migration finished successfully (duration ${formatDuration(emu.now() - started)})`);
    },
    cleanup: () => {
      // A failure from outside (an injected one): the config did not move.
      if (!settled) restoreOnSource(logger);
    },
  });
}

/** `GET /nodes/{node}/lxc/{vmid}/migrate` (PVE 9): running, and every other node allowed (no HA here). */
function migratePrecondition(emu: EmulatorCore, req: ApiRequest): Record<string, unknown> {
  const vmid = req.params.vmid as number;
  if (!req.auth.has('VM.Migrate', `/vms/${vmid}`)) permFail(`/vms/${vmid}, VM.Migrate`);
  const g = guestOf(emu, req, 'lxc');
  checkConfigLock(LXC_KIND, guestConfig(g).main);
  return {
    running: g.status === 'running' ? 1 : 0,
    'allowed-nodes': emu.world.nodes.filter((n) => n.name !== g.node).map((n) => n.name),
    'not-allowed-nodes': {},
  };
}

export const LXC_MIGRATE_ROUTES: RouteDef[] = [
  {
    method: 'GET',
    path: '/nodes/{node}/lxc/{vmid}/migrate',
    params: { ...GUEST_BASE, target: opt(NODE) },
    proxyToNode: true,
    available: (p) => p.migrationPrecondition.lxc,
    handler: migratePrecondition,
  },
  {
    method: 'POST',
    path: '/nodes/{node}/lxc/{vmid}/migrate',
    params: {
      ...GUEST_BASE,
      target: NODE,
      'target-storage': opt(str({ format: 'storage-pair-list' })),
      online: opt(bool()),
      restart: opt(bool()),
      timeout: opt(int()),
      bwlimit: opt(num({ minimum: 0 })),
    },
    proxyToNode: true,
    handler: migrateCt,
  },
];
