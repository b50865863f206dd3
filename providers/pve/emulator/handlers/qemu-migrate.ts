/**
 * VM migration (`/nodes/{node}/qemu/{vmid}/migrate`), after qemu-server: the API's checks
 * before the task (`src/PVE/API2/Qemu.pm` migrate_vm), the precondition answer of GET
 * (migrate_vm_precondition, `$check_vm_disks_local`), and the `qmigrate` task's own checks
 * (`src/PVE/QemuMigrate.pm` prepare and scan_local_volumes) with their log lines; what ties a
 * VM to its node is qemu-local-resources.ts, the move itself guest-migration.ts.
 */
import { fail, paramFail, permFail } from '../api-error.js';
import type { ConfigSection } from '../config-text.js';
import type { EmulatorCore } from '../emulator-core.js';
import { QEMU_KIND } from '../guest-kind.js';
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
import { renderBytes, formatDuration, liveMigrationProgress, liveMigrationRamStart, migrationLogger } from '../migration-log.js';
import { requestStorageMap, storageCheckEnabled, volumeContentType } from '../migration-checks.js';
import { localResources } from '../qemu-local-resources.js';
import { collectVolumes, driveFile } from '../qemu-volume-refs.js';
import { bool, int, NODE, opt, str } from '../param-schema.js';
import { isQemuDriveKey } from '../qemu-options.js';
import type { ApiRequest, RouteDef } from '../router.js';
import { findVolume, parseVolid, volumeOwner } from '../storage-ops.js';
import { linkedCloneOf } from '../storage-features.js';
import { mapStorage, type StorageMap } from '../storage-map.js';
import { guestConfig, type GuestState, type NodeState, type World } from '../world.js';
import { checkConfigLock, guestOf, markRunning, requireNodeState, startTask, summarize } from './guest-common.js';
import { GUEST_BASE } from './guest-routes.js';

/** parse_volname's base name of a linked clone's base volume id (`local-lvm:base-9000-disk-0` → `base-9000-disk-0`). */
function baseName(volid: string): string {
  return (parseVolid(volid)?.name ?? volid).split('/').pop() as string;
}

function isSharedStorage(node: NodeState, volid: string): boolean {
  const sid = parseVolid(volid)?.storage;
  return node.storages.find((s) => s.id === sid)?.shared === true;
}

/** check_storage_availability: every drive's storage enabled on the target (throws pve-storage's message). */
function checkStorageAvailability(world: World, main: ConfigSection, source: NodeState, target: NodeState): void {
  for (const [key, value] of Object.entries(main)) {
    if (!isQemuDriveKey(key)) continue;
    const volid = driveFile(value);
    const sid = volid ? parseVolid(volid)?.storage : undefined;
    if (!volid || !sid) continue;
    const s = storageCheckEnabled(world, sid, source);
    storageCheckEnabled(world, sid, target);
    const vtype = volumeContentType(volid);
    if (!s.content.includes(vtype)) throw new Error(`${volid}: content type '${vtype}' is not available on storage '${sid}'`);
  }
}

/** Only root@pam may use these (migrate_vm). */
function rootOnly(req: ApiRequest, names: string[]): void {
  for (const name of names) {
    if (req.params[name] !== undefined && req.params[name] !== false && req.auth.authuser !== 'root@pam') {
      paramFail({ [name]: 'Only root may use this option.' });
    }
  }
}

function requireMigratePermission(req: ApiRequest): void {
  const vmid = req.params.vmid as number;
  if (!req.auth.has('VM.Migrate', `/vms/${vmid}`)) permFail(`/vms/${vmid}, VM.Migrate`);
}

interface VmMigrationRequest {
  vmid: number;
  source: string;
  target: string;
  online: boolean;
  force: boolean;
  withLocalDisks: boolean;
  storageMap: StorageMap | undefined;
  bwlimit: number | undefined;
}

/**
 * prepare + scan_local_volumes on the live world: throws MigrationAbort after logging what the
 * real task logs; returns the job otherwise (the guest then holds `lock: migrate`).
 */
function prepareVmMigration(emu: EmulatorCore, r: VmMigrationRequest, log: ReturnType<typeof migrationLogger>): MigrationJob {
  const world = emu.world;
  const { guest: g, source, target, config: cfg } = migrationParties(emu, 'qemu', r.vmid, r.source, r.target);
  const toTarget = Object.values(world.replication ?? {}).find((j) => j.guest === r.vmid && j.target === r.target);
  if (toTarget?.remove_job !== undefined)
    throw new MigrationAbort('refusing to migrate replicated VM whose replication job is marked for removal');
  try {
    checkConfigLock(QEMU_KIND, cfg.main);
  } catch (err) {
    throw new MigrationAbort((err as Error).message);
  }
  const running = g.status === 'running';
  if (running && !r.online) throw new MigrationAbort("can't migrate running VM without --online");
  if (running) log('conntrack state migration not supported or disabled, active connections might get dropped', 'warn');
  const res = localResources(world, cfg.main, running);
  const blocking = res.local.filter((k) => res.mapped[k] === undefined);
  if (blocking.length) {
    if (!r.force) throw new MigrationAbort(`can't migrate VM which uses local devices: ${blocking.join(', ')}`);
    log('migrating VM which uses local devices');
  }
  const mappedKeys = Object.keys(res.mapped).sort();
  if (mappedKeys.length) {
    const missing = res.missing[r.target] ?? [];
    const notLive = mappedKeys.filter((k) => !res.mapped[k]?.['live-migration']).map((k) => `${k}:${res.mapped[k]?.name}`);
    if (missing.length) throw new MigrationAbort(`can't migrate to '${r.target}': missing mapped devices ${missing.join(', ')}`);
    if (running && notLive.length) {
      throw new MigrationAbort(`can't live migrate running VM which uses following mapped devices: ${notLive.join(', ')}`);
    }
    log('migrating VM which uses mapped local devices');
  }
  // prepare: every volume's storage, mapped unless shared, must be there on the target.
  for (const a of collectVolumes(cfg.main, {}, {})) {
    const sid = parseVolid(a.volid)?.storage;
    if (!sid || a.volid === 'none' || a.volid === 'cdrom') continue;
    try {
      const s = storageCheckEnabled(world, sid, source);
      const targetSid = s.shared ? sid : mapStorage(r.storageMap, sid);
      const ts = storageCheckEnabled(world, targetSid, target);
      const vtype = volumeContentType(a.volid);
      if (!ts.content.includes(vtype)) throw new Error(`${a.volid}: content type '${vtype}' is not available on storage '${targetSid}'`);
    } catch (err) {
      throw new MigrationAbort((err as Error).message);
    }
  }
  // prepare's ssh test: an offline target does not answer.
  if (!target.online) throw new MigrationAbort("Can't connect to destination address using public key");

  // phase 1
  log(`starting migration of VM ${r.vmid} to node '${r.target}' (${target.ip})`);
  setMigrateLock(g, true);
  const scan = scanLocalVolumes(world, g, source, target, r, running, log);
  return {
    type: 'qemu',
    vmid: r.vmid,
    source: r.source,
    target: r.target,
    copies: scan.copies,
    shared: scan.shared,
    mode: running ? 'online' : 'offline',
    ...(running ? { ramBytes: summarize(emu, g).mem } : {}),
    ...(r.bwlimit !== undefined ? { bwlimitKiBps: r.bwlimit } : {}),
  };
}

/** scan_local_volumes: the local volumes to copy, or MigrationAbort after logging each problem. */
function scanLocalVolumes(
  world: World,
  g: GuestState,
  source: NodeState,
  target: NodeState,
  r: VmMigrationRequest,
  running: boolean,
  log: ReturnType<typeof migrationLogger>,
): { copies: VolumeCopy[]; shared: string[] } {
  const cfg = guestConfig(g);
  const errors = new Map<string, string>();
  const other: string[] = [];
  const local = new Map<string, { ref: string; targetSid: string; size: number; drive?: string }>();
  const shared: string[] = [];
  for (const a of collectVolumes(cfg.main, cfg.pending, cfg.snapshots)) {
    const volid = a.volid;
    try {
      if (volid.startsWith('/')) {
        if (a.shared) continue;
        throw new Error('local file/device');
      }
      if (a.cdrom && volid === 'cdrom') {
        other.push("can't migrate local cdrom drive");
        continue;
      }
      if (a.cdrom && volid === 'none') continue;
      const sid = parseVolid(volid)?.storage as string;
      const s = storageCheckEnabled(world, sid, source);
      const targetSid = s.shared ? sid : mapStorage(r.storageMap, sid);
      const ts = storageCheckEnabled(world, targetSid, target);
      const vtype = volumeContentType(volid);
      if (!ts.content.includes(vtype)) throw new Error(`${volid}: content type '${vtype}' is not available on storage '${targetSid}'`);
      if (s.shared) {
        shared.push(volid);
        continue;
      }
      const ref = a.isTpmstate
        ? 'generated'
        : a.isAttached
          ? 'attached'
          : a.isUnused
            ? 'unused'
            : a.inSnapshot.length
              ? 'snapshot'
              : a.inPending
                ? 'pending'
                : 'attached';
      const found = findVolume(source, volid);
      if (!found) throw new Error(`unable to determine size for volume '${volid}'`);
      local.set(volid, {
        ref: a.cdrom && a.isCloudinit ? 'generated' : ref,
        targetSid,
        size: found.volume.sizeBytes,
        ...(a.drivename ? { drive: a.drivename } : {}),
      });
      if (a.cdrom) {
        if (a.isCloudinit) continue;
        throw new Error('local cdrom image');
      }
      const owner = volumeOwner(parseVolid(volid)?.name ?? '');
      if (owner !== r.vmid) throw new Error(`owned by other VM (owner = VM ${owner ?? ''})`);
      if (a.isVmstate) continue;
      if (a.inSnapshot.length) {
        if (running) throw new Error('online storage migration not possible if non-replicated snapshot exists');
        if (!(s.type === 'zfspool' || (found.volume.format === 'qcow2' && s.type === 'dir')))
          throw new Error('non-migratable snapshot exists');
      }
      if (linkedCloneOf(found.storage, found.volume)) throw new Error('referenced by linked clone(s)');
    } catch (err) {
      errors.set(volid, (err as Error).message);
    }
  }
  for (const [volid, v] of [...local].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (v.ref === 'attached') {
      if (running && !r.withLocalDisks) errors.set(volid, "can't live migrate attached local disks without with-local-disks option");
      log(`found local disk '${volid}' (attached)`);
    } else if (v.ref === 'unused') log(`found local disk '${volid}' (unused)`);
    else if (v.ref === 'snapshot') log(`found local disk '${volid}' (referenced by snapshot(s))`);
    else if (v.ref === 'pending') log(`found local disk '${volid}' (pending change)`);
    else log(`found generated disk '${volid}' (in current VM config)`);
  }
  for (const volid of [...errors.keys()].sort()) log(`can't migrate local disk '${volid}': ${errors.get(volid)}`, 'warn');
  for (const e of other) log(e, 'warn');
  if (errors.size || other.length)
    throw new MigrationAbort("Problem found while scanning volumes - can't migrate VM - check log", 'phase1');
  for (const volid of local.keys()) {
    const found = findVolume(source, volid);
    if (found?.volume.parent) {
      throw new MigrationAbort(
        `Problem found while scanning volumes - can't migrate '${volid}' as it's a clone of '${baseName(found.volume.parent)}'`,
        'phase1',
      );
    }
  }
  return {
    copies: [...local].map(([volid, v]) => ({
      volid,
      targetStorage: v.targetSid,
      sizeBytes: v.size,
      // a running VM's attached disks are mirrored live (migration_mode 'online'), the rest copied first
      ...(running && v.ref === 'attached' && v.drive ? { drive: v.drive } : {}),
    })),
    shared,
  };
}

/** `POST /nodes/{node}/qemu/{vmid}/migrate`. */
function migrateVm(emu: EmulatorCore, req: ApiRequest): string {
  requireMigratePermission(req);
  const p = req.params;
  const source = p.node as string;
  const targetName = p.target as string;
  if (targetName === source) paramFail({ target: 'target is local node.' });
  const target = requireNodeState(emu, targetName);
  rootOnly(req, ['force', 'migration_type', 'migration_network']);
  const g = guestOf(emu, req, 'qemu');
  const vmid = g.vmid;
  const cfg = guestConfig(g);
  checkConfigLock(QEMU_KIND, cfg.main);
  let online = p.online === true;
  const force = p.force === true;
  if (g.status === 'running') {
    if (!online) fail("can't migrate running VM without --online");
    const jobs = Object.values(emu.world.replication ?? {}).filter((j) => j.guest === vmid);
    if (!force && jobs.length && !jobs.some((j) => j.target === targetName)) {
      fail(`Cannot live-migrate replicated VM to node '${targetName}' - not a replication target. Use 'force' to override.`);
    }
  } else {
    online = false; // "VM isn't running. Doing offline migration instead." (a warning to the server log)
  }
  const storageMap = requestStorageMap(emu, req, 'targetstorage', target, 'images');
  if (!storageMap || storageMap.identity) {
    try {
      checkStorageAvailability(emu.world, cfg.main, requireNodeState(emu, source), target);
    } catch (err) {
      fail((err as Error).message);
    }
  }
  const r: VmMigrationRequest = {
    vmid,
    source,
    target: targetName,
    online,
    force,
    withLocalDisks: p['with-local-disks'] === true,
    storageMap,
    bwlimit: p.bwlimit as number | undefined,
  };
  const started = emu.now();
  let job: MigrationJob | undefined;
  let logger: ReturnType<typeof migrationLogger> | undefined;
  /** A live migration has logged the start of its RAM phase. */
  let ramPhase = false;
  const abort = (message: string): never => {
    logger?.(`migration aborted (duration ${formatDuration(emu.now() - started)}): ${message}`, 'err');
    throw new Error('migration aborted');
  };
  return startTask(emu, req, {
    type: 'qmigrate',
    id: String(vmid),
    holds: [{ type: 'qemu', vmid }],
    migration: { type: 'qemu', vmid, source, target: targetName },
    begin: (line) => {
      const log = migrationLogger(emu, line);
      logger = log;
      try {
        job = prepareVmMigration(emu, r, log);
      } catch (err) {
        if (!(err instanceof MigrationAbort)) throw err;
        if (err.phase === 'phase1') {
          log(err.message, 'err');
          log('aborting phase 1 - cleanup resources');
          const live = emu.world.guests[String(vmid)];
          if (live) setMigrateLock(live, false);
        }
        return abort(err.message);
      }
      if (job.copies.some((c) => !c.drive)) log('copying local disk images');
      if (job.mode === 'online') {
        log(`starting VM ${vmid} on remote node '${targetName}'`);
        const mirrored = job.copies.filter((c) => c.drive);
        if (mirrored.length) log('starting storage migration');
        for (const c of mirrored)
          log(`${c.drive}: start migration to nbd:unix:/run/qemu-server/${vmid}_nbd.migrate:exportname=drive-${c.drive}`);
      }
      return emu.migrationDelayMs(migrationDurationMs(emu, job));
    },
    progress: (fraction, line) => {
      const j = job;
      if (j?.mode !== 'online') return;
      const log = migrationLogger(emu, line);
      const { phase, lines } = liveMigrationProgress(emu, j, fraction);
      if (phase === 'ram' && !ramPhase) {
        ramPhase = true;
        for (const l of liveMigrationRamStart(j)) log(l);
      }
      for (const l of lines) log(l);
    },
    run: (line) => {
      const log = migrationLogger(emu, line);
      const j = job as MigrationJob;
      const live = sourceGuest(emu, j);
      if (!live) throw new Error(`VM ${vmid} is no longer on node '${source}'`);
      const wasRunning = live.status === 'running';
      try {
        moveGuest(emu, j, log);
      } catch (err) {
        log((err as Error).message, 'err');
        log('aborting phase 1 - cleanup resources');
        setMigrateLock(live, false);
        return abort((err as Error).message);
      }
      if (j.mode === 'online' && !ramPhase) for (const l of liveMigrationRamStart(j)) log(l);
      if (j.mode === 'online' && wasRunning) {
        // the RAM moved: about what the guest uses (guest-common summarize)
        log(`migration completed, transferred ${renderBytes(summarize(emu, live).mem, 1)} VM-state`);
        markRunning(emu, live);
      }
      log(`migration finished successfully (duration ${formatDuration(emu.now() - started)})`);
    },
    cleanup: () => {
      // A failure after phase 1 began (an injected one): the VM stays on its source, unlocked.
      const live = job ? sourceGuest(emu, job) : undefined;
      if (live) setMigrateLock(live, false);
    },
  });
}

/** `GET /nodes/{node}/qemu/{vmid}/migrate`: migrate_vm_precondition. */
function migratePrecondition(emu: EmulatorCore, req: ApiRequest): Record<string, unknown> {
  requireMigratePermission(req);
  const g = guestOf(emu, req, 'qemu');
  const cfg = guestConfig(g);
  checkConfigLock(QEMU_KIND, cfg.main);
  const running = g.status === 'running';
  const source = requireNodeState(emu, g.node);
  const res = localResources(emu.world, cfg.main, running);
  const allowed: string[] = [];
  const notAllowed: Record<string, Record<string, unknown>> = {};
  for (const n of emu.world.nodes) {
    if (n.name === g.node) continue;
    // check_local_storage_availability: storages disabled, or not defined for that node.
    const unavailable = new Set<string>();
    for (const [key, value] of Object.entries(cfg.main)) {
      if (!isQemuDriveKey(key)) continue;
      const sid = parseVolid(driveFile(value) ?? '')?.storage;
      if (!sid) continue;
      const there = n.storages.find((s) => s.id === sid);
      const here = source.storages.find((s) => s.id === sid);
      if (here?.disabled || !there || there.disabled) unavailable.add(sid);
    }
    const entry: Record<string, unknown> = {};
    if (unavailable.size) entry.unavailable_storages = [...unavailable].sort();
    const missing = res.missing[n.name] ?? [];
    if (missing.length) entry['unavailable-resources'] = missing;
    notAllowed[n.name] = entry;
    if (!Object.keys(entry).length) allowed.push(n.name);
  }
  const localDisks: Record<string, unknown>[] = [];
  for (const a of collectVolumes(cfg.main, cfg.pending, cfg.snapshots)) {
    if (isSharedStorage(source, a.volid) || a.shared) continue;
    if (a.cdrom && a.volid === 'none') continue;
    const d: Record<string, unknown> = {
      volid: a.volid,
      cdrom: a.cdrom ? 1 : 0,
      is_cloudinit: a.isCloudinit ? 1 : 0,
      replicate: 1,
      shared: 0,
      is_unused: a.isUnused ? 1 : 0,
      is_attached: a.isAttached ? 1 : 0,
      is_vmstate: a.isVmstate ? 1 : 0,
      is_tpmstate: a.isTpmstate ? 1 : 0,
    };
    if (a.size !== undefined) d.size = a.size;
    if (a.drivename) d.drivename = a.drivename;
    if (a.inSnapshot.length) d.referenced_in_snapshot = Object.fromEntries(a.inSnapshot.map((s) => [s, 1]));
    if (a.inPending) d.referenced_in_pending = 1;
    localDisks.push(d);
  }
  const out: Record<string, unknown> = {
    running: running ? 1 : 0,
    allowed_nodes: allowed,
    not_allowed_nodes: notAllowed,
    local_disks: localDisks,
    local_resources: res.local,
    'mapped-resources': Object.keys(res.mapped).sort(),
  };
  if (emu.profile.migrationPrecondition.mappedResourceInfo) out['mapped-resource-info'] = res.mapped;
  if (emu.profile.migrationPrecondition.dbusVmstate) out['has-dbus-vmstate'] = 1;
  return out;
}

export const QEMU_MIGRATE_ROUTES: RouteDef[] = [
  {
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/migrate',
    params: { ...GUEST_BASE, target: opt(NODE) },
    proxyToNode: true,
    handler: migratePrecondition,
  },
  {
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/migrate',
    params: {
      ...GUEST_BASE,
      target: NODE,
      online: opt(bool()),
      force: opt(bool()),
      migration_type: opt(str({ enum: ['secure', 'insecure'] })),
      migration_network: opt(str({ format: 'CIDR' })),
      'with-local-disks': opt(bool()),
      targetstorage: opt(str({ format: 'storage-pair-list' })),
      bwlimit: opt(int({ minimum: 0 })),
      'with-conntrack-state': opt(bool()),
    },
    proxyToNode: true,
    handler: migrateVm,
  },
];
