/**
 * QEMU VM endpoints (`/nodes/{node}/qemu...`), after qemu-server's PVE::API2::Qemu: create,
 * config read/update (sync PUT, async POST), pending, power actions, destroy, clone, resize,
 * template and snapshots, with PVE's checks and messages.
 */
import { randomUUID } from 'node:crypto';
import {
  formatPropertyString,
  formatSize,
  parsePropertyString,
  parseSize,
  QEMU_HOSTPCI_FORMAT,
  QEMU_MACHINE_FORMAT,
  QEMU_USB_FORMAT,
} from '../../property-string.js';
import { fail, paramFail } from '../api-error.js';
import { parseConfigText, type ConfigSection } from '../config-text.js';
import type { EmulatorCore } from '../emulator-core.js';
import { isCdromDrive, isCloudinitDrive, QEMU_KIND } from '../guest-kind.js';
import { canonicalTags } from '../guest-tags.js';
import { bool, DIGEST, int, NODE, opt, SNAPNAME, STORAGE_ID, str, VMID, type ParamSchema } from '../param-schema.js';
import { updateConfig, type UpdateOutcome } from '../pending.js';
import { isQemuDriveKey, qemuDriveFormat, QEMU_CONFIG_OPTIONS, QEMU_DRIVE_ORDER } from '../qemu-options.js';
import { windowsPinnedMachine } from '../../pve-rules/qemu-machine-rules.js';
import type { ApiRequest, RouteDef } from '../router.js';
import { allocateVolume, convertToBase, copyVolume, findVolume, growVolume, parseVolid } from '../storage-ops.js';
import { splitList } from '../string-formats.js';
import { checkCloneFeature, cloneDriveVolume } from './snapshot-clone.js';
import {
  findGuest,
  guestConfig,
  guestDigest,
  requireStorage,
  writeGuestConfig,
  type GuestState,
  type NodeState,
  type VolumeState,
} from '../world.js';
import {
  addToPool,
  allocateOrRollBack,
  canonicalNet,
  canonicalNets,
  checkConfigLock,
  cloneTarget,
  destroyGuest,
  freeVolumes,
  guestOf,
  liveGuest,
  lockedConfigText,
  markRunning,
  NEW_VOLUME_RE,
  requestConfigValues,
  requireFreeVmid,
  requireNodeState,
  requirePool,
  sizeOption,
  skiplockOf,
  startGuest,
  startTask,
  stopGuest,
  undoCreate,
  type AllocationContext,
} from './guest-common.js';
import { GUEST_BASE as BASE, guestRoutes } from './guest-routes.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Parameters of create/update that are not config keys. */
const NON_CONFIG = new Set([
  'node',
  'vmid',
  'digest',
  'delete',
  'revert',
  'force',
  'skiplock',
  'background_delay',
  'import-working-storage',
  'archive',
  'bwlimit',
  'ha-managed',
  'live-restore',
  'pool',
  'start',
  'storage',
  'unique',
]);

/** Config values of the request as config text (booleans 1/0, numbers canonical). */
function configValues(params: ApiRequest['params']): Record<string, string> {
  const out = requestConfigValues(params, NON_CONFIG);
  if (out.cdrom !== undefined) {
    out.ide2 = /media=/.test(out.cdrom) ? out.cdrom : `${out.cdrom},media=cdrom`;
    delete out.cdrom;
  }
  return out;
}

/** PVE's permission rules for host devices: tokens and non-root users need resource mappings. */
function checkDevicePermissions(values: Record<string, string>, isRoot: boolean): void {
  if (isRoot) return;
  for (const [key, value] of Object.entries(values)) {
    if (/^usb\d+$/.test(key)) {
      const dev = parsePropertyString(value, QEMU_USB_FORMAT);
      if (dev.host && !/^spice$/i.test(dev.host)) fail(`only root can set '${key}' config for real devices`);
      if (!dev.host && !dev.mapping) fail(`either 'host' or 'mapping' must be set.`);
    } else if (/^hostpci\d+$/.test(key)) {
      const dev = parsePropertyString(value, QEMU_HOSTPCI_FORMAT);
      if (!dev.mapping) fail(`only root can set '${key}' config for non-mapped devices`);
    } else if (/^serial\d+$/.test(key) && value !== 'socket') {
      fail(`only root can modify '${key}' config for real devices`);
    }
  }
}

function imageStorage(node: NodeState, sid: string, paramKey: string): ReturnType<typeof requireStorage> {
  const s = requireStorage(node, sid);
  if (!s.content.includes('images')) paramFail({ [paramKey]: `storage '${sid}' does not support vm images` });
  return s;
}

/** Checks, before dispatch, that new disks name usable storages (PVE check_storage_access). */
function precheckDrives(node: NodeState, values: Record<string, string>, defaultStorage?: string): void {
  for (const [key, value] of Object.entries(values)) {
    if (!isQemuDriveKey(key)) continue;
    const d = parsePropertyString(value, qemuDriveFormat(key));
    const file = d.file ?? '';
    const ci = /^([^/:\s]+):cloudinit$/.exec(file);
    const m = NEW_VOLUME_RE.exec(file);
    const sid = ci?.[1] ?? (m ? (m[1] ?? defaultStorage) : undefined);
    if (m && !sid) fail('no storage ID specified (and no default storage)');
    if (sid) imageStorage(node, sid, 'storage');
  }
}

/** Allocates new disks of a drive value and returns its canonical text (qemu-server create_disks). */
function prepareDrive(ctx: AllocationContext, key: string, value: string): string {
  const fmt = qemuDriveFormat(key);
  const d = parsePropertyString(value, fmt);
  const file = d.file ?? '';
  const now = ctx.emu.now();
  const ci = /^([^/:\s]+):cloudinit$/.exec(file);
  const m = NEW_VOLUME_RE.exec(file);
  if (ci) {
    const s = imageStorage(ctx.node, ci[1] as string, 'storage');
    const vol = allocateVolume(s, { vmid: ctx.vmid, sizeBytes: 4 * MiB, stem: `vm-${ctx.vmid}-cloudinit`, now });
    ctx.allocated.push(vol);
    d.file = vol.volid;
    d.media = 'cdrom';
    delete d.size;
  } else if (m) {
    const sid = m[1] ?? ctx.defaultStorage;
    if (!sid) fail('no storage ID specified (and no default storage)');
    const s = imageStorage(ctx.node, sid, 'storage');
    let vol: VolumeState;
    const importFrom = d['import-from'];
    if (importFrom) {
      if (Number(m[2]) !== 0) paramFail({ [key]: "'import-from' requires special syntax - use <storage ID>:0,import-from=<source>" });
      const src = findVolume(ctx.node, importFrom);
      if (!src) fail(`volume '${importFrom}' does not exist`);
      vol = copyVolume(src.volume, s, ctx.vmid, now);
      delete d['import-from'];
    } else {
      let size = Math.round(Number(m[2]) * GiB);
      if (key === 'efidisk0') size = d.efitype === '4m' ? 540672 : 131072;
      if (key === 'tpmstate0') size = 4 * MiB;
      vol = allocateVolume(s, { vmid: ctx.vmid, sizeBytes: size, ...(d.format ? { format: d.format } : {}), now });
    }
    ctx.allocated.push(vol);
    d.file = vol.volid;
    d.size = formatSize(vol.sizeBytes);
    delete d.format;
  } else if (parseVolid(file) && d.media !== 'cdrom') {
    const found = findVolume(ctx.node, file);
    if (!found) fail(`volume '${file}' does not exist`);
    d.size ??= formatSize(found.volume.sizeBytes);
  }
  return formatPropertyString(d, fmt);
}

function prepareDrives(ctx: AllocationContext, values: Record<string, string>): void {
  allocateOrRollBack(ctx, () => {
    // qemu-server allocates in drive order: ide, sata, scsi, virtio, then efidisk0, tpmstate0.
    for (const key of [...QEMU_DRIVE_ORDER, 'efidisk0', 'tpmstate0']) {
      if (values[key] !== undefined) values[key] = prepareDrive(ctx, key, values[key] as string);
    }
  });
}

/** PVE's default boot order: first disk, first CD-ROM, first NIC. */
function defaultBootOrder(main: ConfigSection): string {
  const devs: string[] = [];
  const disk = QEMU_DRIVE_ORDER.find((k) => main[k] !== undefined && !isCdromDrive(k, main[k] as string));
  if (disk) devs.push(disk);
  const cd = QEMU_DRIVE_ORDER.find((k) => main[k] !== undefined && isCdromDrive(k, main[k] as string));
  if (cd) devs.push(cd);
  const net = Object.keys(main)
    .filter((k) => /^net\d+$/.test(k))
    .sort()[0];
  if (net) devs.push(net);
  return `order=${devs.join(';')}`;
}

/**
 * The machine string with its type pinned for a Windows guest, or undefined when PVE leaves it
 * alone (qemu-server Machine.pm check_and_pin_machine_string, see pve-rules/qemu-machine-rules.ts):
 * the version is the profile's latest installed machine version.
 */
function pinWindowsMachine(
  emu: EmulatorCore,
  machine: string | undefined,
  ostype: string | undefined,
  arch: string | undefined,
): string | undefined {
  const m = machine === undefined ? {} : parsePropertyString(machine, QEMU_MACHINE_FORMAT);
  const pinned = windowsPinnedMachine(m.type, ostype, arch, emu.profile.machineVersion);
  if (pinned === undefined) return undefined;
  return formatPropertyString({ ...m, type: pinned }, QEMU_MACHINE_FORMAT);
}

function createVm(emu: EmulatorCore, req: ApiRequest): string {
  const p = req.params;
  const vmid = p.vmid as number;
  const nodeName = p.node as string;
  const node = requireNodeState(emu, nodeName);
  if (p.archive !== undefined) fail(`unable to restore VM ${vmid} - restoring backups is not supported by the emulator`);
  requireFreeVmid(emu, vmid, `unable to create VM ${vmid} - `);
  const pool = p.pool as string | undefined;
  requirePool(emu, pool);
  const values = configValues(p);
  checkDevicePermissions(values, req.auth.isRoot);
  const defaultStorage = p.storage as string | undefined;
  precheckDrives(node, values, defaultStorage);
  canonicalNets(emu, 'qemu', values);
  const start = p.start === true;
  emu.world.guests[String(vmid)] = {
    vmid,
    type: 'qemu',
    node: nodeName,
    config: lockedConfigText('qemu', 'create'),
    status: 'stopped',
  };
  const allocated: VolumeState[] = [];
  return startTask(emu, req, {
    type: 'qmcreate',
    id: String(vmid),
    placeholder: { type: 'qemu', vmid },
    holds: [{ type: 'qemu', vmid }],
    run: (log) => {
      const live = liveGuest(emu, 'qemu', vmid, nodeName);
      const liveNode = requireNodeState(emu, nodeName);
      try {
        prepareDrives({ emu, node: liveNode, vmid, allocated, ...(defaultStorage ? { defaultStorage } : {}) }, values);
      } catch (err) {
        throw new Error(`unable to create VM ${vmid} - ${(err as Error).message}`);
      }
      const main: ConfigSection = { ...values };
      main.boot ??= defaultBootOrder(main);
      main.smbios1 ??= `uuid=${randomUUID()}`;
      if ((main.vmgenid === undefined || main.vmgenid === '1') && main.arch !== 'aarch64') main.vmgenid = randomUUID();
      main.meta = `creation-qemu=9.2.0,ctime=${Math.floor(emu.now() / 1000)}`;
      // create_vm: "always pin Windows' machine version on create".
      const pinned = pinWindowsMachine(emu, main.machine, main.ostype, main.arch);
      if (pinned !== undefined) {
        main.machine = pinned;
        log(`pinning machine type to '${parsePropertyString(pinned, QEMU_MACHINE_FORMAT).type}' for Windows guest OS`);
      }
      if (main.tags) main.tags = canonicalTags(emu.world, main.tags);
      const cfg = parseConfigText('');
      cfg.main = main;
      writeGuestConfig(live, cfg);
      addToPool(emu, pool, vmid);
      if (start) {
        log('Execute autostart');
        markRunning(emu, live);
      }
    },
    cleanup: () => undoCreate(emu, nodeName, vmid, allocated, (g) => g.node === nodeName),
  });
}

/** Parses delete/revert lists with PVE's checks. */
function parseDeleteRevert(
  params: ApiRequest['params'],
  values: Record<string, string>,
  known: (key: string) => boolean,
): { deletes: { key: string; force: boolean }[]; reverts: string[] } {
  const reverts: string[] = [];
  for (const opt of splitList(String(params.revert ?? ''))) {
    if (!known(opt)) paramFail({ revert: `unknown option '${opt}'` });
    if (values[opt] !== undefined) paramFail({ delete: `you can't use '-${opt}' and -revert ${opt}' at the same time` });
    reverts.push(opt);
  }
  const force = params.force === true;
  const deletes: { key: string; force: boolean }[] = [];
  for (let opt of splitList(String(params.delete ?? ''))) {
    if (opt === 'cdrom') opt = 'ide2';
    if (values[opt] !== undefined) paramFail({ delete: `you can't use '-${opt}' and -delete ${opt}' at the same time` });
    if (reverts.includes(opt)) paramFail({ revert: `you can't use '-delete ${opt}' and -revert ${opt}' at the same time` });
    if (!known(opt)) paramFail({ delete: `unknown option '${opt}'` });
    deletes.push({ key: opt, force });
  }
  return { deletes, reverts };
}

function qemuOptionExists(key: string): boolean {
  return (
    isQemuDriveKey(key) ||
    /^unused\d+$/.test(key) ||
    Object.keys(QEMU_CONFIG_OPTIONS).some((k) => {
      if (!k.endsWith('[n]')) return k === key;
      return new RegExp(`^${k.slice(0, -3)}\\d+$`).test(key);
    })
  );
}

/** PUT (sync) and POST (async) config of a VM. */
async function updateVm(emu: EmulatorCore, req: ApiRequest, sync: boolean): Promise<string | null> {
  const p = req.params;
  const g = guestOf(emu, req, 'qemu');
  const vmid = g.vmid;
  const nodeName = g.node;
  const skiplock = skiplockOf(req);
  const values = configValues(p);
  if (p.delete === undefined && p.revert === undefined && !Object.keys(values).length) fail('no options specified');
  const { deletes, reverts } = parseDeleteRevert(p, values, qemuOptionExists);
  checkDevicePermissions(values, req.auth.isRoot);
  const digest = p.digest as string | undefined;
  const early = (live: GuestState): void => {
    const cfg = guestConfig(live);
    if (digest && digest !== guestDigest(live)) fail('checksum mismatch (file change by other user?)');
    if (!skiplock) checkConfigLock(QEMU_KIND, cfg.main);
    if (!req.auth.isRoot) {
      const old: Record<string, string> = {};
      for (const d of deletes) if (cfg.main[d.key] !== undefined) old[d.key] = cfg.main[d.key] as string;
      checkDevicePermissions(old, false);
    }
    if (values.memory !== undefined || values.balloon !== undefined) {
      const mem = values.memory ?? cfg.pending.memory ?? cfg.main.memory ?? '512';
      const maxmem = Number(parsePropertyString(mem, 'current').current ?? 512);
      const balloon = Number(values.balloon ?? cfg.pending.balloon ?? cfg.main.balloon ?? 0);
      if (balloon && balloon > maxmem) fail('balloon value too large (must be smaller than assigned memory)');
    }
  };
  early(g);
  canonicalNets(emu, 'qemu', values);
  if (values.tags !== undefined) values.tags = canonicalTags(emu.world, values.tags);

  const apply = (): UpdateOutcome => {
    const live = liveGuest(emu, 'qemu', vmid, nodeName);
    early(live);
    const node = requireNodeState(emu, nodeName);
    const cfg = guestConfig(live);
    const allocated: VolumeState[] = [];
    prepareDrives({ emu, node, vmid, allocated }, values);
    // update_vm_api: a new ostype pins the machine as on create, unless `machine` is set, pending
    // or deleted in the same request.
    if (
      values.ostype !== undefined &&
      values.machine === undefined &&
      cfg.pending.machine === undefined &&
      !deletes.some((d) => d.key === 'machine')
    ) {
      const pinned = pinWindowsMachine(emu, cfg.main.machine, values.ostype, cfg.main.arch);
      if (pinned !== undefined) values.machine = pinned;
    }
    const outcome = updateConfig(QEMU_KIND, cfg, {
      values,
      deletes,
      reverts,
      running: live.status === 'running',
      vmid,
      env: { qemu: emu.profile.qemu },
    });
    writeGuestConfig(live, cfg);
    freeVolumes(emu.world, nodeName, outcome.freeVolumes);
    return outcome;
  };

  if (sync) {
    const release = await emu.locks.acquire('qemu', vmid);
    try {
      apply(); // a sync update's warnings only reach the server log, as with PVE
    } finally {
      release();
    }
    return null;
  }
  const line = `update VM ${vmid}: ${Object.entries(values)
    .map(([k, v]) => `-${k} ${k === 'cipassword' ? '<hidden>' : v}`)
    .join(' ')}`;
  return startTask(emu, req, {
    type: 'qmconfig',
    id: String(vmid),
    holds: [{ type: 'qemu', vmid }],
    log: [line],
    run: (log) => {
      const outcome = apply();
      // A replugged device is what the guest notices (its NIC link goes down and up again).
      for (const key of outcome.replugged ?? []) log(`hotplug: ${key} unplugged and plugged in again`);
      // A worker's warnings are logged as `WARN: ...` and counted for `TASK WARNINGS: N`
      // (pve-common RESTEnvironment.pm warn / fork_worker; tasks.ts sets the exit status).
      for (const w of outcome.warnings) log(`WARN: ${w}`);
      return outcome.warnings.length;
    },
  });
}

function cloneVm(emu: EmulatorCore, req: ApiRequest): string {
  const p = req.params;
  const src = guestOf(emu, req, 'qemu');
  const vmid = src.vmid;
  const newid = p.newid as number;
  const nodeName = src.node;
  const node = requireNodeState(emu, nodeName);
  const { target, pool } = cloneTarget(emu, req, nodeName);
  const storage = p.storage as string | undefined;
  if (storage !== undefined) imageStorage(node, storage, 'storage');
  const cfg = guestConfig(src);
  checkConfigLock(QEMU_KIND, cfg.main);
  const snapname = p.snapname as string | undefined;
  if (snapname !== undefined && !cfg.snapshots[snapname]) fail(`snapshot '${snapname}' does not exist`);
  const full = typeof p.full === 'boolean' ? p.full : cfg.main.template !== '1';
  if (storage !== undefined && !full) fail("parameter 'storage' not allowed for linked clones");
  if (p.format !== undefined && !full) fail("parameter 'format' not allowed for linked clones");
  const old = snapname !== undefined ? (cfg.snapshots[snapname] as ConfigSection) : cfg.main;

  const newconf: ConfigSection = {};
  const drives: [string, string][] = [];
  let shared = true;
  for (const key of Object.keys(old).sort()) {
    const value = old[key] as string;
    if (['snapshots', 'parent', 'snaptime', 'vmstate', 'snapstate', 'runningcpu', 'runningmachine', 'lock', 'digest'].includes(key))
      continue;
    if (/^unused\d+$/.test(key)) continue;
    if (/^net\d+$/.test(key)) {
      newconf[key] = canonicalNet(emu, 'qemu', value, true);
    } else if (isQemuDriveKey(key)) {
      if (isCdromDrive(key, value) && !isCloudinitDrive(key, value)) {
        newconf[key] = value;
        continue;
      }
      const volid = QEMU_KIND.volumeOf(key, value);
      if (!volid) {
        newconf[key] = value;
        continue;
      }
      const found = findVolume(node, volid);
      if (found && !found.storage.shared) shared = false;
      const isBase = /(^|[:/])base-\d+-/.test(volid);
      const linked = !full && !isCloudinitDrive(key, value) && key !== 'tpmstate0';
      if (found) checkCloneFeature(key, found, linked, snapname !== undefined);
      else if (linked && (!isBase || snapname !== undefined)) {
        fail(`Linked clone feature is not supported for ${snapname !== undefined ? 'a snapshot of ' : ''}'${volid}' (${key})`);
      }
      drives.push([key, value]);
    } else {
      newconf[key] = value;
    }
  }
  if (target !== undefined && !shared) fail(`can't clone VM to node '${target}' (VM uses local storage)`);
  if (findGuest(emu.world, newid)) fail(`unable to create VM ${newid}: config file already exists`);

  const smbios = parsePropertyString(newconf.smbios1 ?? '', { keys: {} });
  smbios.uuid = randomUUID();
  newconf.smbios1 = formatPropertyString(smbios);
  if (newconf.vmgenid) newconf.vmgenid = randomUUID();
  delete newconf.template;
  newconf.name = (p.name as string | undefined) ?? `Copy-of-VM-${old.name ?? vmid}`;
  if (p.description !== undefined && p.description !== '') newconf.description = String(p.description);
  const targetNode = target ?? nodeName;
  emu.world.guests[String(newid)] = {
    vmid: newid,
    type: 'qemu',
    node: targetNode,
    config: lockedConfigText('qemu', 'clone', newconf),
    status: 'stopped',
  };
  const running = src.status === 'running';
  const allocated: VolumeState[] = [];
  return startTask(emu, req, {
    type: 'qmclone',
    id: String(vmid),
    placeholder: { type: 'qemu', vmid: newid },
    holds: [
      { type: 'qemu', vmid, shared: !running },
      { type: 'qemu', vmid: newid },
    ],
    log: [`create ${full ? 'full' : 'linked'} clone of drive(s) ${drives.map(([k]) => k).join(', ')}`],
    run: (log) => {
      const liveNode = requireNodeState(emu, nodeName);
      const target = liveGuest(emu, 'qemu', newid, targetNode);
      const conf = guestConfig(target);
      try {
        for (const [key, value] of drives) {
          const fmt = qemuDriveFormat(key);
          const d = parsePropertyString(value, fmt);
          const found = findVolume(liveNode, d.file as string);
          if (!found) throw new Error(`volume '${d.file}' does not exist`);
          let vol: VolumeState;
          const now = emu.now();
          if (isCloudinitDrive(key, value)) {
            vol = allocateVolume(storage !== undefined && full ? requireStorage(liveNode, storage) : found.storage, {
              vmid: newid,
              sizeBytes: 4 * MiB,
              stem: `vm-${newid}-cloudinit`,
              now,
            });
          } else {
            const target = full && storage !== undefined ? requireStorage(liveNode, storage) : found.storage;
            vol = cloneDriveVolume({ source: found, value, full, atSnapshot: snapname !== undefined, target, newid, now });
          }
          allocated.push(vol);
          d.file = vol.volid;
          if (!isCloudinitDrive(key, value)) d.size = formatSize(vol.sizeBytes);
          conf.main[key] = formatPropertyString(d, fmt);
          log(`${key}: ${vol.volid}`);
        }
      } catch (err) {
        throw new Error(`clone failed: ${(err as Error).message}`);
      }
      delete conf.main.lock;
      writeGuestConfig(target, conf);
      addToPool(emu, pool, newid);
    },
    cleanup: () => undoCreate(emu, nodeName, newid, allocated, (g) => guestConfig(g).main.lock === 'clone'),
  });
}

/** `+10G` / `40G` relative to `current` → bytes (qemu-server resize_vm). */
export function resizeTarget(sizestr: string, current: number): number {
  const m = /^(\+)?(\d+(?:\.\d+)?)([KMGT])?$/.exec(sizestr);
  if (!m) fail('internal error');
  const n = parseSize(`${m[2]}${m[3] ?? ''}`);
  return Math.trunc(m[1] ? current + n : n);
}

function resizeVm(emu: EmulatorCore, req: ApiRequest): string {
  const p = req.params;
  const g = guestOf(emu, req, 'qemu');
  const vmid = g.vmid;
  const nodeName = g.node;
  const skiplock = skiplockOf(req);
  const disk = p.disk as string;
  const sizestr = p.size as string;
  const digest = p.digest as string | undefined;
  return startTask(emu, req, {
    type: 'resize',
    id: String(vmid),
    holds: [{ type: 'qemu', vmid }],
    run: (log) => {
      const live = liveGuest(emu, 'qemu', vmid, nodeName);
      const cfg = guestConfig(live);
      if (digest && digest !== guestDigest(live)) throw new Error('checksum mismatch (file change by other user?)');
      if (!skiplock) checkConfigLock(QEMU_KIND, cfg.main);
      const value = cfg.main[disk];
      if (value === undefined) throw new Error(`disk '${disk}' does not exist`);
      const fmt = qemuDriveFormat(disk);
      const d = parsePropertyString(value, fmt);
      if (!d.file) throw new Error(`disk '${disk}' has no associated volume`);
      if (d.media === 'cdrom') throw new Error("you can't resize a cdrom");
      const node = requireNodeState(emu, nodeName);
      const found = findVolume(node, d.file);
      const size = found?.volume.sizeBytes ?? sizeOption(value);
      if (!size) throw new Error(`Could not determine current size of volume '${d.file}'`);
      const newsize = resizeTarget(sizestr, size);
      if (newsize < size) throw new Error('shrinking disks is not supported');
      if (newsize === size) return;
      if (found) growVolume(found.storage, found.volume, newsize);
      d.size = formatSize(newsize);
      cfg.main[disk] = formatPropertyString(d, fmt);
      writeGuestConfig(live, cfg);
      log(`resized ${disk} to ${d.size}`);
    },
  });
}

function templateVm(emu: EmulatorCore, req: ApiRequest): string {
  const g = guestOf(emu, req, 'qemu');
  const vmid = g.vmid;
  const nodeName = g.node;
  const only = req.params.disk as string | undefined;
  const check = (live: GuestState): void => {
    const cfg = guestConfig(live);
    checkConfigLock(QEMU_KIND, cfg.main);
    if (Object.keys(cfg.snapshots).length) fail('unable to create template, because VM contains snapshots');
    if (cfg.main.template === '1' && !only) fail("you can't convert a template to a template");
    if (live.status === 'running') fail("you can't convert a VM to template if VM is running");
  };
  check(g);
  return startTask(emu, req, {
    type: 'qmtemplate',
    id: String(vmid),
    holds: [{ type: 'qemu', vmid }],
    run: () => {
      const live = liveGuest(emu, 'qemu', vmid, nodeName);
      check(live);
      const node = requireNodeState(emu, nodeName);
      const cfg = guestConfig(live);
      for (const key of Object.keys(cfg.main)) {
        if (!isQemuDriveKey(key) || (only && key !== only)) continue;
        const value = cfg.main[key] as string;
        if (isCdromDrive(key, value)) continue;
        const volid = QEMU_KIND.volumeOf(key, value);
        const found = volid ? findVolume(node, volid) : undefined;
        if (!found) continue;
        const newVolid = convertToBase(found.storage, found.volume);
        const fmt = qemuDriveFormat(key);
        const d = parsePropertyString(value, fmt);
        d.file = newVolid;
        cfg.main[key] = formatPropertyString(d, fmt);
      }
      if (!only) cfg.main.template = '1';
      writeGuestConfig(live, cfg);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Routes.

const SKIPLOCK = opt(bool());
const DRIVE_NAMES = QEMU_DRIVE_ORDER.concat(['efidisk0', 'tpmstate0']);

const CREATE_PARAMS: ParamSchema = {
  ...QEMU_CONFIG_OPTIONS,
  ...BASE,
  archive: opt(str({ maxLength: 255 })),
  bwlimit: opt(int({ minimum: 0 })),
  force: opt(bool()),
  'ha-managed': opt(bool()),
  'import-working-storage': opt(STORAGE_ID),
  'live-restore': opt(bool()),
  pool: opt(str({ format: 'pve-poolid' })),
  start: opt(bool()),
  storage: opt(STORAGE_ID),
  unique: opt(bool()),
};

const UPDATE_PARAMS: ParamSchema = {
  ...QEMU_CONFIG_OPTIONS,
  ...BASE,
  skiplock: SKIPLOCK,
  delete: opt(str({ format: 'pve-configid-list' })),
  revert: opt(str({ format: 'pve-configid-list' })),
  force: opt(bool()),
  digest: DIGEST,
};

export const QEMU_ROUTES: RouteDef[] = [
  { method: 'POST', path: '/nodes/{node}/qemu', params: CREATE_PARAMS, proxyToNode: true, handler: createVm },
  {
    method: 'DELETE',
    path: '/nodes/{node}/qemu/{vmid}',
    proxyToNode: true,
    params: { ...BASE, skiplock: SKIPLOCK, purge: opt(bool()), 'destroy-unreferenced-disks': opt(bool()) },
    handler: (emu, req) => destroyGuest(emu, req, 'qemu'),
  },
  {
    method: 'PUT',
    path: '/nodes/{node}/qemu/{vmid}/config',
    params: UPDATE_PARAMS,
    proxyToNode: true,
    handler: (emu, req) => updateVm(emu, req, true),
  },
  {
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/config',
    proxyToNode: true,
    params: { ...UPDATE_PARAMS, background_delay: opt(int({ minimum: 1, maximum: 30 })), 'import-working-storage': opt(STORAGE_ID) },
    handler: (emu, req) => updateVm(emu, req, false),
  },
  {
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/status/start',
    proxyToNode: true,
    params: {
      ...BASE,
      skiplock: SKIPLOCK,
      stateuri: opt(str({ maxLength: 128 })),
      migratedfrom: opt(NODE),
      migration_type: opt(str({ enum: ['secure', 'insecure'] })),
      migration_network: opt(str()),
      machine: opt(str()),
      'force-cpu': opt(str()),
      targetstorage: opt(str()),
      timeout: opt(int({ minimum: 0 })),
      'with-conntrack-state': opt(bool()),
      'nets-host-mtu': opt(str()),
    },
    handler: (emu, req) => startGuest(emu, req, 'qemu'),
  },
  {
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/status/stop',
    proxyToNode: true,
    params: {
      ...BASE,
      skiplock: SKIPLOCK,
      migratedfrom: opt(NODE),
      timeout: opt(int({ minimum: 0 })),
      keepActive: opt(bool()),
      'overrule-shutdown': opt(bool()),
    },
    handler: (emu, req) => stopGuest(emu, req, 'qemu', 'stop'),
  },
  {
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/status/shutdown',
    proxyToNode: true,
    params: { ...BASE, skiplock: SKIPLOCK, timeout: opt(int({ minimum: 0 })), forceStop: opt(bool()), keepActive: opt(bool()) },
    handler: (emu, req) => stopGuest(emu, req, 'qemu', 'shutdown'),
  },
  {
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/clone',
    proxyToNode: true,
    params: {
      ...BASE,
      newid: VMID,
      name: opt(str({ format: 'dns-name' })),
      description: opt(str()),
      pool: opt(str({ format: 'pve-poolid' })),
      snapname: opt(SNAPNAME),
      storage: opt(STORAGE_ID),
      format: opt(str({ enum: ['raw', 'qcow2', 'vmdk'] })),
      full: opt(bool()),
      target: opt(NODE),
      bwlimit: opt(int({ minimum: 0 })),
    },
    handler: cloneVm,
  },
  {
    method: 'PUT',
    path: '/nodes/{node}/qemu/{vmid}/resize',
    proxyToNode: true,
    params: {
      ...BASE,
      skiplock: SKIPLOCK,
      disk: str({ enum: DRIVE_NAMES }),
      size: str({ pattern: /\+?\d+(\.\d+)?[KMGT]?/ }),
      digest: DIGEST,
    },
    handler: resizeVm,
  },
  {
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/template',
    proxyToNode: true,
    params: { ...BASE, disk: opt(str({ enum: DRIVE_NAMES })) },
    handler: templateVm,
  },
  ...guestRoutes('qemu', {
    listParams: { full: opt(bool()) },
    index: [
      'config',
      'cloudinit',
      'pending',
      'status',
      'unlink',
      'vncproxy',
      'termproxy',
      'migrate',
      'resize',
      'move',
      'rrd',
      'rrddata',
      'monitor',
      'agent',
      'snapshot',
      'spiceproxy',
      'sendkey',
      'firewall',
      'mtunnel',
      'remote_migrate',
    ],
    statusIndex: ['current', 'start', 'stop', 'reset', 'shutdown', 'suspend', 'reboot'],
    snapshotParams: { vmstate: opt(bool()) },
  }),
];
