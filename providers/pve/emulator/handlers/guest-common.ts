/**
 * What VM and container handlers share: lock and protection checks with PVE's messages, MAC
 * generation (prefix BC:24:11), status summaries for listings and /cluster/resources, the GET
 * config/pending answers, and the flows that work the same for both guest types: power
 * actions, destroy, snapshots.
 */
import { formatPropertyString, LXC_NET_FORMAT, parsePropertyString, parseSize, QEMU_NET_FORMAT } from '../../property-string.js';
import { fail, paramFail } from '../api-error.js';
import { effectiveConfig, formatConfigText, parsePendingDelete, type ConfigSection, type GuestConfigFile } from '../config-text.js';
import type { EmulatorCore } from '../emulator-core.js';
import { checkGuestDevicesAtStart, foldRawLxcKeys, initializeCoralsUsedBy } from '../guest-devices.js';
import { configKeyDef, guestKind, type GuestKind } from '../guest-kind.js';
import { typedConfigValue } from '../param-schema.js';
import { applyPending, type UpdateOutcome } from '../pending.js';
import { QEMU_DRIVE_ORDER } from '../qemu-options.js';
import type { ApiRequest } from '../router.js';
import { findVolume, freeVolume, volumeOwner } from '../storage-ops.js';
import { linkedCloneOf, volumeHasFeature } from '../storage-features.js';
import type { TaskSpec } from '../tasks.js';
import {
  findGuest,
  findNode,
  guestConfig,
  guestDigest,
  removeGuestFromPools,
  requireGuest,
  writeGuestConfig,
  type GuestState,
  type GuestType,
  type NodeState,
  type VolumeState,
  type World,
} from '../world.js';
import { removeGuestReplicationJobs } from './replication.js';

const MiB = 1024 ** 2;

/** The node of a request, or PVE's failure for a name that is not a cluster node. */
export function requireNodeState(emu: EmulatorCore, name: string): NodeState {
  const node = findNode(emu.world, name);
  if (!node) fail(`no such cluster node '${name}'`);
  return node;
}

export function guestOf(emu: EmulatorCore, req: ApiRequest, type: GuestType): GuestState {
  return requireGuest(emu.world, req.params.node as string, type, req.params.vmid as number);
}

/** PVE check_lock: `VM is locked (clone)` / `CT is locked (backup)`. */
export function checkConfigLock(kind: GuestKind, main: ConfigSection): void {
  if (main.lock) fail(`${kind.label} is locked (${main.lock})`);
}

/** PVE check_protection: `<prefix> - protection mode enabled`. */
export function checkProtection(main: ConfigSection, prefix: string): void {
  if (main.protection === '1') fail(`${prefix} - protection mode enabled`);
}

function macsInUse(world: World): Set<string> {
  const used = new Set<string>();
  for (const g of Object.values(world.guests)) {
    for (const m of g.config.toUpperCase().matchAll(/([0-9A-F]{2}(?::[0-9A-F]{2}){5})/g)) used.add(m[1] as string);
  }
  return used;
}

/** A new unicast MAC with PVE's default prefix BC:24:11, unused in the cluster. */
export function generateMac(emu: EmulatorCore): string {
  const used = macsInUse(emu.world);
  for (;;) {
    const b = emu.randomBytes(3);
    const mac = `BC:24:11:${[...b].map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(':')}`;
    if (!used.has(mac)) return mac;
  }
}

/** A NIC value made canonical, with a generated MAC when it has none (qemu `macaddr`, lxc `hwaddr`). */
export function canonicalNet(emu: EmulatorCore, type: GuestType, value: string, forceNewMac = false): string {
  if (type === 'qemu') {
    const net = parsePropertyString(value, QEMU_NET_FORMAT);
    if (!net.macaddr || forceNewMac) net.macaddr = generateMac(emu);
    return formatPropertyString(net, QEMU_NET_FORMAT);
  }
  const net = parsePropertyString(value, LXC_NET_FORMAT);
  net.type ??= 'veth';
  if (!net.hwaddr || forceNewMac) net.hwaddr = generateMac(emu);
  return formatPropertyString(net, LXC_NET_FORMAT);
}

/** Size in bytes from a drive/mount point `size=` option, else 0. */
export function sizeOption(value: string): number {
  const m = /(?:^|,)size=([^,]+)/.exec(value);
  if (!m) return 0;
  try {
    return parseSize(m[1] as string);
  } catch {
    return 0;
  }
}

/** Memory in bytes of a VM config (`memory: 4096` / `memory: current=4096`, default 512 MiB). */
export function qemuMemoryBytes(main: ConfigSection): number {
  const m = main.memory ? parsePropertyString(main.memory, 'current').current : undefined;
  return Number(m ?? 512) * MiB;
}

/** The boot disk of a VM: first device of `boot: order=` that is a disk, else the first disk. */
function qemuBootDisk(main: ConfigSection): string | undefined {
  const isDisk = (k: string): boolean => main[k] !== undefined && !/media=cdrom/.test(main[k] as string);
  const order = main.boot ? parsePropertyString(main.boot, 'legacy').order : undefined;
  for (const dev of (order ?? '').split(';')) if (dev && isDisk(dev)) return dev;
  return QEMU_DRIVE_ORDER.find(isDisk);
}

export interface GuestSummary {
  name: string;
  cpus: number;
  maxmem: number;
  maxdisk: number;
  maxswap?: number;
  mem: number;
  disk: number;
  cpu: number;
  uptime: number;
  netin: number;
  netout: number;
  diskread: number;
  diskwrite: number;
  template: boolean;
  tags?: string;
  lock?: string;
}

/** Status numbers of a guest, from its current (not pending) config. */
export function summarize(emu: EmulatorCore, g: GuestState): GuestSummary {
  const main = guestConfig(g).main;
  const running = g.status === 'running';
  const uptime = running && g.startedAt ? Math.max(0, Math.floor(emu.now() / 1000) - g.startedAt) : 0;
  let name: string;
  let cpus: number;
  let maxmem: number;
  let maxdisk: number;
  let maxswap: number | undefined;
  if (g.type === 'qemu') {
    name = main.name ?? `VM ${g.vmid}`;
    cpus = Number(main.vcpus ?? Number(main.sockets ?? 1) * Number(main.cores ?? 1));
    maxmem = qemuMemoryBytes(main);
    const boot = qemuBootDisk(main);
    maxdisk = boot ? sizeOption(main[boot] as string) : 0;
  } else {
    name = main.hostname ?? `CT${g.vmid}`;
    cpus = Number(main.cores ?? findNode(emu.world, g.node)?.cpus ?? 1);
    maxmem = Number(main.memory ?? 512) * MiB;
    maxswap = Number(main.swap ?? 512) * MiB;
    maxdisk = main.rootfs ? sizeOption(main.rootfs) : 0;
  }
  const s: GuestSummary = {
    name,
    cpus,
    maxmem,
    maxdisk,
    mem: running ? Math.round(maxmem * 0.42) : 0,
    disk: running && g.type === 'lxc' ? Math.round(maxdisk * 0.18) : 0,
    // its own vCPUs' share in use (GuestState.cpuLoad, else the profile's default)
    cpu: running ? (g.cpuLoad ?? emu.profile.guestCpuLoad) : 0,
    uptime,
    netin: running ? uptime * 1200 : 0,
    netout: running ? uptime * 800 : 0,
    diskread: running ? uptime * 4000 : 0,
    diskwrite: running ? uptime * 2500 : 0,
    template: main.template === '1',
  };
  if (maxswap !== undefined) s.maxswap = maxswap;
  if (main.tags) s.tags = main.tags;
  if (main.lock) s.lock = main.lock;
  return s;
}

/** An entry of `GET /nodes/{node}/qemu|lxc`. */
export function listEntry(emu: EmulatorCore, g: GuestState): Record<string, unknown> {
  const s = summarize(emu, g);
  const e: Record<string, unknown> = {
    vmid: g.vmid,
    name: s.name,
    status: g.status,
    cpus: s.cpus,
    maxmem: s.maxmem,
    maxdisk: s.maxdisk,
    mem: s.mem,
    disk: s.disk,
    cpu: s.cpu,
    uptime: s.uptime,
    netin: s.netin,
    netout: s.netout,
    diskread: s.diskread,
    diskwrite: s.diskwrite,
  };
  if (g.type === 'lxc') {
    e.type = 'lxc';
    e.maxswap = s.maxswap;
  }
  if (g.status === 'running' && g.pid) e.pid = g.pid;
  if (s.template) e.template = 1;
  if (s.tags) e.tags = s.tags;
  if (s.lock) e.lock = s.lock;
  return e;
}

/** `GET .../status/current`. */
export function currentStatus(emu: EmulatorCore, g: GuestState): Record<string, unknown> {
  const e = listEntry(emu, g);
  const main = guestConfig(g).main;
  e.ha = { managed: 0 };
  if (g.type === 'qemu') {
    e.qmpstatus = g.status;
    e.agent = main.agent && /^(enabled=)?1/.test(main.agent) ? 1 : 0;
    if (g.status === 'running') {
      e['running-machine'] = 'pc-i440fx-9.2+pve1';
      e['running-qemu'] = '9.2.0';
    }
  }
  return e;
}

/** A config section as a typed answer (`cores: 2` → 2), the password hidden. */
export function typedSection(kind: GuestKind, section: ConfigSection): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(section)) {
    out[k] = k === 'cipassword' ? '**********' : typedConfigValue(configKeyDef(kind, k), v);
  }
  return out;
}

/** `GET .../config`: effective config (pending applied unless current), typed, with digest. */
export function configAnswer(g: GuestState, params: ApiRequest['params']): Record<string, unknown> {
  const kind = guestKind(g.type);
  const cfg = guestConfig(g);
  if (params.snapshot !== undefined && params.current) {
    const msg = "cannot use 'snapshot' parameter with 'current'";
    paramFail({ snapshot: msg, current: msg });
  }
  let section: ConfigSection;
  if (params.snapshot !== undefined) {
    const snap = cfg.snapshots[params.snapshot as string];
    if (!snap) fail(`snapshot '${params.snapshot}' does not exist`);
    section = { ...snap };
  } else {
    section = effectiveConfig(cfg, params.current === true);
  }
  const out = typedSection(kind, section);
  if (g.type === 'lxc') foldRawLxcKeys(out);
  out.digest = guestDigest(g);
  return out;
}

/** `GET .../pending`: `[{key, value?, pending?, delete?}]`. */
export function pendingAnswer(g: GuestState): Record<string, unknown>[] {
  const kind = guestKind(g.type);
  const cfg = guestConfig(g);
  const del = parsePendingDelete(cfg.pending.delete);
  const keys = new Set([...Object.keys(cfg.main), ...Object.keys(cfg.pending)]);
  keys.delete('delete');
  const out: Record<string, unknown>[] = [];
  for (const key of [...keys].sort()) {
    const item: Record<string, unknown> = { key };
    const def = configKeyDef(kind, key);
    if (cfg.main[key] !== undefined) item.value = typedConfigValue(def, cfg.main[key] as string);
    if (cfg.pending[key] !== undefined) item.pending = typedConfigValue(def, cfg.pending[key] as string);
    if (del.has(key)) item.delete = del.get(key) ? 2 : 1;
    if (key === 'cipassword') {
      if (item.value !== undefined) item.value = '**********';
      if (item.pending !== undefined) item.pending = '**********';
    }
    out.push(item);
  }
  return out;
}

/** Frees volumes in the guest's node storages (ignores unknown ones). */
export function freeVolumes(world: World, nodeName: string, volids: readonly string[]): void {
  const node = findNode(world, nodeName);
  if (!node) return;
  for (const v of volids) freeVolume(node, v);
}

/** Applies pending changes at start/reboot and frees what they release. */
export function applyAllPending(emu: EmulatorCore, g: GuestState): void {
  const kind = guestKind(g.type);
  const cfg = guestConfig(g);
  if (!Object.keys(cfg.pending).length) return;
  const out: UpdateOutcome = { freeVolumes: [], warnings: [] };
  applyPending(kind, cfg, false, out, g.type === 'qemu' ? g.vmid : undefined);
  writeGuestConfig(g, cfg);
  freeVolumes(emu.world, g.node, out.freeVolumes);
}

/** Starts a task as the request's user on the request's node. */
export function startTask(emu: EmulatorCore, req: ApiRequest, spec: Omit<TaskSpec, 'user' | 'node'> & { node?: string }): string {
  return emu.tasks.start({ ...spec, node: spec.node ?? (req.params.node as string), user: req.auth.authuser });
}

/** Re-reads a guest inside a task (the world may have changed since dispatch). */
export function liveGuest(emu: EmulatorCore, type: GuestType, vmid: number, node: string): GuestState {
  return requireGuest(emu.world, node, type, vmid);
}

/** PVE's task type of a guest action: `qmstart` for a VM, `vzstart` for a container. */
export function guestTaskType(type: GuestType, action: string): string {
  return `${type === 'qemu' ? 'qm' : 'vz'}${action}`;
}

/** The `skiplock` parameter, which only root may use. */
export function skiplockOf(req: ApiRequest): boolean {
  const skiplock = req.params.skiplock === true;
  if (skiplock && !req.auth.isRoot) paramFail({ skiplock: 'Only root may use this option.' });
  return skiplock;
}

/** PVE's failure unless `pool` (when given) exists. */
export function requirePool(emu: EmulatorCore, pool: string | undefined): void {
  if (pool !== undefined && !emu.world.pools[pool]) fail(`pool '${pool}' does not exist`);
}

/** PVE's failure when `vmid` is taken: `[<prefix>]VM 100 already exists on node 'pve'`. */
export function requireFreeVmid(emu: EmulatorCore, vmid: number, prefix = ''): void {
  const existing = findGuest(emu.world, vmid);
  if (existing) fail(`${prefix}${guestKind(existing.type).label} ${vmid} already exists on node '${existing.node}'`);
}

/**
 * The cleanup of a failed create or clone: the volumes it allocated freed, and guest `vmid`
 * removed while it is still the `placeholder` the request put there.
 */
export function undoCreate(
  emu: EmulatorCore,
  nodeName: string,
  vmid: number,
  allocated: readonly VolumeState[],
  placeholder: (g: GuestState) => boolean,
): void {
  freeVolumes(
    emu.world,
    nodeName,
    allocated.map((v) => v.volid),
  );
  const g = emu.world.guests[String(vmid)];
  if (g && placeholder(g)) delete emu.world.guests[String(vmid)];
}

/** Adds a guest just created or cloned to `pool` (when given). */
export function addToPool(emu: EmulatorCore, pool: string | undefined, vmid: number): void {
  if (pool !== undefined) emu.world.pools[pool]?.vmids.push(vmid);
}

/** Config values of a create/update request as config text (booleans 1/0), without the `nonConfig` parameters. */
export function requestConfigValues(params: ApiRequest['params'], nonConfig: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (nonConfig.has(k)) continue;
    out[k] = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  }
  return out;
}

/** Every `netN` of `values` made canonical, with a generated MAC where it has none. */
export function canonicalNets(emu: EmulatorCore, type: GuestType, values: Record<string, string>): void {
  for (const k of Object.keys(values)) if (/^net\d+$/.test(k)) values[k] = canonicalNet(emu, type, values[k] as string);
}

/** The node a clone goes to (undefined: the source's own), checked, and the pool it joins. */
export function cloneTarget(
  emu: EmulatorCore,
  req: ApiRequest,
  sourceNode: string,
): { target: string | undefined; pool: string | undefined } {
  let target = req.params.target as string | undefined;
  if (target === sourceNode || target === 'localhost') target = undefined;
  const pool = req.params.pool as string | undefined;
  requirePool(emu, pool);
  if (target !== undefined) requireNodeState(emu, target);
  return { target, pool };
}

/** `STORAGE:SIZE_GiB` or a bare size in a drive or mount point: a volume to allocate. */
export const NEW_VOLUME_RE = /^(?:([^/:\s]+):)?(\d+(?:\.\d+)?)$/;

/** Volumes allocated for one create or update, on one node. */
export interface AllocationContext {
  emu: EmulatorCore;
  node: NodeState;
  vmid: number;
  allocated: VolumeState[];
  defaultStorage?: string;
}

/** Runs `allocate`; if it fails, the volumes allocated so far are freed and forgotten. */
export function allocateOrRollBack(ctx: AllocationContext, allocate: () => void): void {
  try {
    allocate();
  } catch (err) {
    for (const v of ctx.allocated) freeVolume(ctx.node, v.volid);
    ctx.allocated.length = 0;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Power actions.

export function markRunning(emu: EmulatorCore, g: GuestState): void {
  g.status = 'running';
  g.startedAt = Math.floor(emu.now() / 1000);
  g.pid = 1000 + ((emu.world.nextPid++ * 13) % 900000);
}

export function markStopped(g: GuestState): void {
  g.status = 'stopped';
  delete g.startedAt;
  delete g.pid;
  delete g.fsFrozen;
}

/** A start (or the start of a reboot): pending changes applied, devices checked, running. */
export function bootGuest(emu: EmulatorCore, live: GuestState): void {
  applyAllPending(emu, live);
  checkGuestDevicesAtStart(emu.world, live);
  markRunning(emu, live);
  initializeCoralsUsedBy(emu.world, live);
}

export function startGuest(emu: EmulatorCore, req: ApiRequest, type: GuestType): string {
  const kind = guestKind(type);
  const g = guestOf(emu, req, type);
  const vmid = g.vmid;
  const node = g.node;
  const skiplock = skiplockOf(req);
  if (type === 'lxc') {
    if (g.status === 'running') fail(`CT ${vmid} already running`);
    if (guestConfig(g).main.template === '1') fail(`you can't start a CT if it's a template`);
  }
  return startTask(emu, req, {
    type: guestTaskType(type, 'start'),
    id: String(vmid),
    holds: [{ type, vmid }],
    run: () => {
      const live = liveGuest(emu, type, vmid, node);
      const main = guestConfig(live).main;
      if (!skiplock) checkConfigLock(kind, main);
      if (live.status === 'running') throw new Error(`${kind.label} ${vmid} already running`);
      if (main.template === '1') throw new Error(`you can't start a vm if it's a template`);
      bootGuest(emu, live);
    },
  });
}

export function stopGuest(emu: EmulatorCore, req: ApiRequest, type: GuestType, how: 'stop' | 'shutdown'): string {
  const kind = guestKind(type);
  const g = guestOf(emu, req, type);
  const vmid = g.vmid;
  const node = g.node;
  const skiplock = skiplockOf(req);
  if (type === 'lxc' && g.status !== 'running') fail(`CT ${vmid} not running`);
  return startTask(emu, req, {
    type: guestTaskType(type, how),
    id: String(vmid),
    holds: [{ type, vmid }],
    run: () => {
      const live = liveGuest(emu, type, vmid, node);
      if (!skiplock && type === 'qemu') checkConfigLock(kind, guestConfig(live).main);
      markStopped(live);
    },
  });
}

export function rebootGuest(emu: EmulatorCore, req: ApiRequest, type: GuestType): string {
  const kind = guestKind(type);
  const g = guestOf(emu, req, type);
  const vmid = g.vmid;
  const node = g.node;
  if (g.status !== 'running') fail(`${kind.label} ${vmid} not running`);
  return startTask(emu, req, {
    type: guestTaskType(type, 'reboot'),
    id: String(vmid),
    holds: [{ type, vmid }],
    run: () => {
      const live = liveGuest(emu, type, vmid, node);
      checkConfigLock(kind, guestConfig(live).main);
      bootGuest(emu, live);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Destroy.

/** Volumes a guest owns: referenced in its config (any section) and owned by its VMID. */
export function ownedVolumes(g: GuestState, cfg: GuestConfigFile = guestConfig(g)): string[] {
  const kind = guestKind(g.type);
  const out = new Set<string>();
  for (const s of [cfg.main, cfg.pending, ...Object.values(cfg.snapshots)]) {
    for (const [k, v] of Object.entries(s)) {
      const volid = kind.volumeOf(k, v);
      if (volid && volumeOwner(volid.split(':')[1] ?? '') === g.vmid) out.add(volid);
    }
  }
  return [...out];
}

export function destroyGuest(emu: EmulatorCore, req: ApiRequest, type: GuestType): string {
  const kind = guestKind(type);
  const g = guestOf(emu, req, type);
  const vmid = g.vmid;
  const node = g.node;
  const skiplock = skiplockOf(req);
  // Containers: `force` stops a running one inside the task (pve-container src/PVE/API2/LXC.pm
  // destroy_vm, "forced to stop CT N before destroying!"); VMs have no such option.
  const force = type === 'lxc' && req.params.force === true;
  // qemu-server PVE/API2/Qemu.pm destroy_vm `$early_checks`: protection, then "VM N is running -
  // destroy failed" (its lock is checked by destroy_vm in the task); pve-container
  // src/PVE/API2/LXC.pm destroy_vm: protection and the lock, and "unable to destroy CT N -
  // container is running" unless `force`. Both again in the task, under the config lock.
  const early = (live: GuestState): void => {
    const main = guestConfig(live).main;
    checkProtection(main, `can't remove ${kind.label} ${vmid}`);
    if (type === 'lxc') checkConfigLock(kind, main);
    if (live.status === 'running' && !force) {
      fail(type === 'qemu' ? `VM ${vmid} is running - destroy failed` : `unable to destroy CT ${vmid} - container is running`);
    }
  };
  early(g);
  const unreferenced = req.params['destroy-unreferenced-disks'] === true;
  return startTask(emu, req, {
    type: guestTaskType(type, 'destroy'),
    id: String(vmid),
    holds: [{ type, vmid }],
    run: (log) => {
      const live = liveGuest(emu, type, vmid, node);
      early(live);
      if (!skiplock) checkConfigLock(kind, guestConfig(live).main);
      let warnings = 0;
      if (live.status === 'running') {
        // a `warn` in a worker: logged, and the task ends with WARNINGS (pve-common RESTEnvironment.pm)
        log(`WARN: forced to stop CT ${vmid} before destroying!`);
        markStopped(live);
        warnings++;
      }
      const nodeState = findNode(emu.world, node);
      if (nodeState && guestConfig(live).main.template === '1') {
        // qemu-server destroy_vm: a template whose base volume a linked clone still uses stays.
        for (const v of ownedVolumes(live)) {
          const f = findVolume(nodeState, v);
          if (f && linkedCloneOf(f.storage, f.volume)) throw new Error(`base volume '${v}' is still in use by linked cloned`);
        }
      }
      const vols = new Set(ownedVolumes(live));
      if (unreferenced && nodeState) {
        for (const s of nodeState.storages) {
          for (const v of s.volumes) if (v.vmid === vmid && (v.content === 'images' || v.content === 'rootdir')) vols.add(v.volid);
        }
      }
      for (const v of vols) {
        if (nodeState && findVolume(nodeState, v)) {
          freeVolume(nodeState, v);
          log(`  Logical volume "${v.split(':')[1]}" successfully removed.`);
        }
      }
      delete emu.world.guests[String(vmid)];
      removeGuestFromPools(emu.world, vmid);
      if (req.params.purge === true) {
        log(`purging ${kind.label} ${vmid} from related configurations..`);
        removeGuestReplicationJobs(emu.world, vmid);
      }
      return warnings;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Snapshots.

const SNAPSHOT_DROP = new Set(['snaptime', 'vmstate', 'snapstate', 'lock']);

export function listSnapshots(emu: EmulatorCore, req: ApiRequest, type: GuestType): Record<string, unknown>[] {
  const g = guestOf(emu, req, type);
  const cfg = guestConfig(g);
  const out: Record<string, unknown>[] = [];
  for (const [name, snap] of Object.entries(cfg.snapshots)) {
    const item: Record<string, unknown> = {
      name,
      snaptime: Number(snap.snaptime ?? 0),
      description: snap.description ?? '',
    };
    if (type === 'qemu') item.vmstate = snap.vmstate ? 1 : 0;
    if (snap.parent) item.parent = snap.parent;
    out.push(item);
  }
  const current: Record<string, unknown> = {
    name: 'current',
    digest: guestDigest(g),
    running: g.status === 'running' ? 1 : 0,
    description: 'You are here!',
  };
  if (cfg.main.parent) current.parent = cfg.main.parent;
  out.push(current);
  return out;
}

function setLock(g: GuestState, lock: string | undefined): void {
  const cfg = guestConfig(g);
  if (lock === undefined) delete cfg.main.lock;
  else cfg.main.lock = lock;
  writeGuestConfig(g, cfg);
}

/** The snapshot `snapname` of a request, which must exist, of a guest whose config is not locked. */
function existingSnapshot(kind: GuestKind, g: GuestState, req: ApiRequest): string {
  const snapname = req.params.snapname as string;
  const cfg = guestConfig(g);
  if (!cfg.snapshots[snapname]) fail(`snapshot '${snapname}' does not exist`);
  checkConfigLock(kind, cfg.main);
  return snapname;
}

/**
 * A snapshot operation as PVE runs it: the config locked with `lock` from dispatch until the
 * task ends (whatever its outcome); `change` edits the live config, which is then written.
 */
function snapshotTask(
  emu: EmulatorCore,
  req: ApiRequest,
  g: GuestState,
  lock: string,
  action: string,
  change: (live: GuestState, cfg: GuestConfigFile) => void,
): string {
  const { type, vmid, node } = g;
  setLock(g, lock);
  return startTask(emu, req, {
    type: guestTaskType(type, action),
    id: String(vmid),
    run: () => {
      const live = liveGuest(emu, type, vmid, node);
      const c = guestConfig(live);
      change(live, c);
      writeGuestConfig(live, c);
    },
    cleanup: () => {
      const live = emu.world.guests[String(vmid)];
      if (live) setLock(live, undefined);
    },
  });
}

export function createSnapshot(emu: EmulatorCore, req: ApiRequest, type: GuestType): string {
  const kind = guestKind(type);
  const g = guestOf(emu, req, type);
  const snapname = req.params.snapname as string;
  if (snapname === 'current') fail(`unable to use snapshot name 'current' (reserved name)`);
  if (snapname.toLowerCase() === 'pending') fail(`unable to use snapshot name 'pending' (reserved name)`);
  const cfg = guestConfig(g);
  checkConfigLock(kind, cfg.main);
  if (cfg.snapshots[snapname]) fail(`snapshot name '${snapname}' already used`);
  const nodeState = findNode(emu.world, g.node);
  for (const [k, v] of Object.entries(cfg.main)) {
    const volid = kind.volumeOf(k, v);
    if (!volid || /^unused/.test(k)) continue;
    if (/(^|,)media=cdrom(,|$)/.test(v)) continue;
    const found = nodeState ? findVolume(nodeState, volid) : undefined;
    if (found && !volumeHasFeature(found.storage, found.volume, 'snapshot', false)) fail(`snapshot feature is not available`);
  }
  return snapshotTask(emu, req, g, 'snapshot', 'snapshot', (live, c) => {
    delete c.main.lock;
    const snap: ConfigSection = {};
    for (const [k, v] of Object.entries(c.main)) if (!SNAPSHOT_DROP.has(k)) snap[k] = v;
    snap.snaptime = String(Math.floor(emu.now() / 1000));
    if (req.params.description !== undefined) snap.description = String(req.params.description);
    else delete snap.description;
    if (type === 'qemu' && req.params.vmstate === true && live.status === 'running') snap.vmstate = '1';
    c.snapshots[snapname] = snap;
    c.main.parent = snapname;
  });
}

export function deleteSnapshot(emu: EmulatorCore, req: ApiRequest, type: GuestType): string {
  const g = guestOf(emu, req, type);
  const snapname = existingSnapshot(guestKind(type), g, req);
  return snapshotTask(emu, req, g, 'snapshot-delete', 'delsnapshot', (_live, c) => {
    delete c.main.lock;
    const gone = c.snapshots[snapname];
    delete c.snapshots[snapname];
    const parent = gone?.parent;
    for (const s of [c.main, ...Object.values(c.snapshots)]) {
      if (s.parent === snapname) {
        if (parent) s.parent = parent;
        else delete s.parent;
      }
    }
  });
}

export function rollbackSnapshot(emu: EmulatorCore, req: ApiRequest, type: GuestType): string {
  const g = guestOf(emu, req, type);
  const snapname = existingSnapshot(guestKind(type), g, req);
  return snapshotTask(emu, req, g, 'rollback', 'rollback', (live, c) => {
    const snap = c.snapshots[snapname] as ConfigSection;
    const main: ConfigSection = {};
    for (const [k, v] of Object.entries(snap)) if (!SNAPSHOT_DROP.has(k)) main[k] = v;
    for (const [k, v] of Object.entries(c.main)) if (/^unused\d+$/.test(k)) main[k] = v;
    main.parent = snapname;
    c.main = main;
    c.pending = {};
    markStopped(live);
    if (req.params.start === true) markRunning(emu, live);
  });
}

/** A config text with `lock` set, for guests being created or cloned. */
export function lockedConfigText(type: GuestType, lock: string, main: ConfigSection = {}): string {
  return formatConfigText({ main: { ...main, lock }, pending: {}, snapshots: {}, special: {} }, type);
}
