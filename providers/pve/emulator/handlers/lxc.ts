/**
 * LXC container endpoints (`/nodes/{node}/lxc...`), after pve-container's PVE::API2::LXC:
 * create from an `ostemplate`, config read/update (PUT only, synchronous), pending, power
 * actions, destroy, clone, resize, template and snapshots, with PVE's checks and messages.
 */
import {
  formatPropertyString,
  formatSize,
  LXC_FEATURES_FORMAT,
  LXC_MP_FORMAT,
  LXC_ROOTFS_FORMAT,
  parsePropertyString,
} from '../../property-string.js';
import { fail, paramFail, permFail } from '../api-error.js';
import { parseConfigText, type ConfigSection } from '../config-text.js';
import type { EmulatorCore } from '../emulator-core.js';
import { assertDeviceNodesExist } from '../guest-devices.js';
import { LXC_KIND } from '../guest-kind.js';
import { canonicalTags } from '../guest-tags.js';
import { isLxcVolumeKey, LXC_CONFIG_OPTIONS } from '../lxc-options.js';
import { bool, DIGEST, int, NODE, num, opt, SNAPNAME, STORAGE_ID, str, VMID, type ParamSchema } from '../param-schema.js';
import { updateConfig } from '../pending.js';
import type { ApiRequest, RouteDef } from '../router.js';
import {
  allocateVolume,
  convertToBase,
  copyVolume,
  findVolume,
  growVolume,
  isFileStorage,
  linkedCloneVolume,
  parseVolid,
} from '../storage-ops.js';
import { isVolumeId, splitList } from '../string-formats.js';
import {
  findGuest,
  guestConfig,
  guestDigest,
  requireStorage,
  writeGuestConfig,
  type NodeState,
  type StorageState,
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
  startGuest,
  startTask,
  stopGuest,
  undoCreate,
  type AllocationContext,
} from './guest-common.js';
import { GUEST_BASE as BASE, guestRoutes } from './guest-routes.js';
import { resizeTarget } from './qemu.js';

const GiB = 1024 ** 3;
const MODIFIED = 'detected modified configuration - file changed by other user? Try again.';

const NON_CONFIG = new Set([
  'node',
  'vmid',
  'digest',
  'delete',
  'revert',
  'ostemplate',
  'password',
  'ssh-public-keys',
  'storage',
  'pool',
  'start',
  'unique',
  'force',
  'restore',
  'ignore-unpack-errors',
  'bwlimit',
  'ha-managed',
]);

function configValues(params: ApiRequest['params']): Record<string, string> {
  return requestConfigValues(params, NON_CONFIG);
}

function mountFormat(key: string): typeof LXC_MP_FORMAT {
  return key === 'rootfs' ? LXC_ROOTFS_FORMAT : LXC_MP_FORMAT;
}

/** pve-container check_ct_modify_config_perm for a user other than root@pam with a password. */
function checkPermissions(
  values: Record<string, string>,
  deletes: readonly string[],
  oldConf: ConfigSection | undefined,
  unprivileged: boolean,
  isRoot: boolean,
): void {
  if (isRoot) return;
  const check = (key: string, isDelete: boolean): void => {
    if (isLxcVolumeKey(key)) {
      if (isDelete) return;
      const volume = parsePropertyString(values[key] as string, mountFormat(key)).volume ?? '';
      if (!isVolumeId(volume) && !NEW_VOLUME_RE.test(volume)) {
        permFail(`mount point type ${volume.startsWith('/dev/') ? 'device' : 'bind'} is only allowed for root@pam`);
      }
    } else if (/^dev\d+$/.test(key)) {
      permFail('configuring device passthrough is only allowed for root@pam');
    } else if (key === 'hookscript') {
      permFail('changing the hookscript is only allowed for root@pam');
    } else if (key === 'features') {
      if (!unprivileged) permFail('changing feature flags for privileged container is only allowed for root@pam');
      const nw = isDelete ? {} : parsePropertyString(values[key] as string, LXC_FEATURES_FORMAT);
      const od = oldConf?.features ? parsePropertyString(oldConf.features, LXC_FEATURES_FORMAT) : {};
      const keys = new Set([...Object.keys(nw), ...Object.keys(od)]);
      for (const f of keys) {
        if ((nw[f] ?? '') !== (od[f] ?? '') && f !== 'nesting') {
          permFail('changing feature flags (except nesting) is only allowed for root@pam');
        }
      }
    }
  };
  for (const k of Object.keys(values)) check(k, false);
  for (const k of deletes) check(k, true);
}

function rootdirStorage(node: NodeState, sid: string): StorageState {
  const s = requireStorage(node, sid);
  if (!s.content.includes('rootdir')) fail(`storage '${sid}' does not support container directories`);
  return s;
}

function precheckMounts(node: NodeState, values: Record<string, string>, defaultStorage?: string): void {
  for (const [key, value] of Object.entries(values)) {
    if (!isLxcVolumeKey(key)) continue;
    const m = NEW_VOLUME_RE.exec(parsePropertyString(value, mountFormat(key)).volume ?? '');
    if (m) rootdirStorage(node, m[1] ?? defaultStorage ?? 'local');
  }
}

/** Allocates new mount point volumes (`STORAGE:SIZE_GiB`) and returns the canonical value. */
function prepareMount(ctx: AllocationContext, key: string, value: string): string {
  const fmt = mountFormat(key);
  const mp = parsePropertyString(value, fmt);
  const volume = mp.volume ?? '';
  const m = NEW_VOLUME_RE.exec(volume);
  if (m) {
    const s = rootdirStorage(ctx.node, m[1] ?? ctx.defaultStorage ?? 'local');
    const size = Math.round(Number(m[2]) * GiB);
    const zfs = s.type === 'zfspool';
    const vol = allocateVolume(s, {
      vmid: ctx.vmid,
      sizeBytes: size,
      content: 'rootdir',
      format: zfs ? 'subvol' : 'raw',
      ...(zfs ? { prefix: 'subvol' as const } : {}),
      now: ctx.emu.now(),
    });
    ctx.allocated.push(vol);
    mp.volume = vol.volid;
    mp.size = formatSize(size);
  } else if (isVolumeId(volume)) {
    const found = findVolume(ctx.node, volume);
    if (!found) fail(`volume '${volume}' does not exist`);
    mp.size ??= formatSize(found.volume.sizeBytes);
  }
  return formatPropertyString(mp, fmt);
}

function prepareMounts(ctx: AllocationContext, values: Record<string, string>): void {
  allocateOrRollBack(ctx, () => {
    // pve-container allocates rootfs first, then mp0, mp1, ...
    const keys = Object.keys(values)
      .filter(isLxcVolumeKey)
      .sort((a, b) => (a === 'rootfs' ? -1 : b === 'rootfs' ? 1 : Number(a.slice(2)) - Number(b.slice(2))));
    for (const key of keys) values[key] = prepareMount(ctx, key, values[key] as string);
  });
}

/**
 * `nameserver` and `searchdomain` as pve-container stores them (`src/PVE/LXC/Config.pm`
 * update_pct_config, on create and update, via `src/PVE/LXC.pm` verify_nameserver_list /
 * verify_searchdomain_list): split like split_list, joined with single spaces.
 */
function normalizeDnsLists(values: Record<string, string>): void {
  for (const key of ['nameserver', 'searchdomain']) {
    if (values[key] !== undefined) values[key] = splitList(values[key]).join(' ');
  }
}

const OSTYPES = ['debian', 'devuan', 'ubuntu', 'centos', 'fedora', 'opensuse', 'archlinux', 'alpine', 'gentoo', 'nixos'];

function createCt(emu: EmulatorCore, req: ApiRequest): string {
  const p = req.params;
  const vmid = p.vmid as number;
  const nodeName = p.node as string;
  const node = requireNodeState(emu, nodeName);
  if (p.restore === true) fail(`unable to restore CT ${vmid} - restoring backups is not supported by the emulator`);
  const values = configValues(p);
  // pve-container src/PVE/API2/LXC.pm create_vm: a create without `unprivileged` takes the
  // release's default (unprivileged since 6.0.6), and a privileged one needs Sys.Modify on `/`
  // (also since 6.0.6), checked before anything else about the container.
  const unprivileged = values.unprivileged === undefined ? emu.profile.containersUnprivilegedByDefault : values.unprivileged === '1';
  if (!unprivileged && emu.profile.privilegedContainerCreateNeedsSysModify && !req.auth.has('Sys.Modify', '/')) {
    permFail('/, Sys.Modify');
  }
  requireFreeVmid(emu, vmid);
  const pool = p.pool as string | undefined;
  requirePool(emu, pool);
  const ostemplate = p.ostemplate as string;
  const tmpl = findVolume(node, ostemplate);
  if (tmpl?.volume.content !== 'vztmpl') fail(`volume '${ostemplate}' does not exist`);
  const storage = (p.storage as string | undefined) ?? 'local';
  values.rootfs ??= `${storage}:4`;
  checkPermissions(values, [], undefined, unprivileged, req.auth.isRoot);
  assertDeviceNodesExist(node, values);
  precheckMounts(node, values, storage);
  canonicalNets(emu, 'lxc', values);
  const name = ostemplate.split('/').pop() ?? '';
  values.ostype ??= OSTYPES.find((o) => name.startsWith(o)) ?? 'unmanaged';
  values.arch ??= /arm64|aarch64/.test(name) ? 'arm64' : 'amd64';
  values.hostname ??= `CT${vmid}`;
  values.memory ??= '512';
  values.swap ??= '512';
  // create_vm keeps `unprivileged: 1` only; a privileged container's config has no key.
  if (unprivileged) values.unprivileged = '1';
  else delete values.unprivileged;
  normalizeDnsLists(values);
  const start = p.start === true;
  emu.world.guests[String(vmid)] = { vmid, type: 'lxc', node: nodeName, config: lockedConfigText('lxc', 'create'), status: 'stopped' };
  const allocated: VolumeState[] = [];
  return startTask(emu, req, {
    type: 'vzcreate',
    id: String(vmid),
    placeholder: { type: 'lxc', vmid },
    holds: [{ type: 'lxc', vmid }],
    log: [`extracting archive '${ostemplate}'`],
    run: (log) => {
      const live = liveGuest(emu, 'lxc', vmid, nodeName);
      prepareMounts({ emu, node: requireNodeState(emu, nodeName), vmid, allocated, defaultStorage: storage }, values);
      const cfg = parseConfigText('');
      cfg.main = { ...values };
      if (cfg.main.tags) cfg.main.tags = canonicalTags(emu.world, cfg.main.tags);
      writeGuestConfig(live, cfg);
      addToPool(emu, pool, vmid);
      log('Total bytes read: 524288000 (500MiB, 120MiB/s)');
      if (start) markRunning(emu, live);
    },
    cleanup: () => undoCreate(emu, nodeName, vmid, allocated, (g) => g.node === nodeName),
  });
}

function lxcOptionExists(key: string): boolean {
  return Object.keys(LXC_CONFIG_OPTIONS).some((k) => (k.endsWith('[n]') ? new RegExp(`^${k.slice(0, -3)}\\d+$`).test(key) : k === key));
}

async function updateCt(emu: EmulatorCore, req: ApiRequest): Promise<null> {
  const p = req.params;
  const g = guestOf(emu, req, 'lxc');
  const vmid = g.vmid;
  const nodeName = g.node;
  const values = configValues(p);
  if (p.delete === undefined && p.revert === undefined && !Object.keys(values).length) fail('no options specified');
  const reverts = splitList(String(p.revert ?? ''));
  const deleteKeys = splitList(String(p.delete ?? ''));
  for (const opt of reverts) {
    if (!lxcOptionExists(opt)) paramFail({ revert: `unknown option '${opt}'` });
    if (values[opt] !== undefined) paramFail({ revert: `you can't use '-${opt}' and '-revert ${opt}' at the same time` });
  }
  for (const opt of deleteKeys) {
    if (!lxcOptionExists(opt)) paramFail({ delete: `unknown option '${opt}'` });
    if (values[opt] !== undefined) paramFail({ delete: `you can't use '-${opt}' and -delete ${opt}' at the same time` });
    if (reverts.includes(opt)) paramFail({ delete: `you can't use '-delete ${opt}' and '-revert ${opt}' at the same time` });
  }
  canonicalNets(emu, 'lxc', values);
  if (values.tags !== undefined) values.tags = canonicalTags(emu.world, values.tags);
  normalizeDnsLists(values);
  const digest = p.digest as string | undefined;
  const release = await emu.locks.acquire('lxc', vmid);
  try {
    const live = liveGuest(emu, 'lxc', vmid, nodeName);
    const cfg = guestConfig(live);
    checkConfigLock(LXC_KIND, cfg.main);
    if (digest && digest !== guestDigest(live)) fail(MODIFIED);
    checkPermissions(values, deleteKeys, cfg.main, cfg.main.unprivileged === '1', req.auth.isRoot);
    const errors: Record<string, string> = {};
    if (values.unprivileged !== undefined && values.unprivileged !== (cfg.main.unprivileged ?? '0')) {
      errors.unprivileged = "unable to modify read-only option: 'unprivileged'";
    }
    if (deleteKeys.includes('rootfs')) errors.rootfs = "unable to delete required option 'rootfs'";
    if (Object.keys(errors).length) paramFail(errors);
    delete values.unprivileged;
    const node = requireNodeState(emu, nodeName);
    assertDeviceNodesExist(node, values);
    const allocated: VolumeState[] = [];
    prepareMounts({ emu, node, vmid, allocated }, values);
    const outcome = updateConfig(LXC_KIND, cfg, {
      values,
      deletes: deleteKeys.map((key) => ({ key, force: false })),
      reverts,
      running: live.status === 'running',
    });
    writeGuestConfig(live, cfg);
    freeVolumes(emu.world, nodeName, outcome.freeVolumes);
  } finally {
    release();
  }
  return null;
}

function cloneCt(emu: EmulatorCore, req: ApiRequest): string {
  const p = req.params;
  const src = guestOf(emu, req, 'lxc');
  const vmid = src.vmid;
  const newid = p.newid as number;
  const nodeName = src.node;
  const node = requireNodeState(emu, nodeName);
  const { target, pool } = cloneTarget(emu, req, nodeName);
  const storage = p.storage as string | undefined;
  if (storage !== undefined) rootdirStorage(node, storage);
  if (findGuest(emu.world, newid)) fail(`unable to create CT ${newid}: config file already exists`);
  const cfg = guestConfig(src);
  checkConfigLock(LXC_KIND, cfg.main);
  const snapname = p.snapname as string | undefined;
  if (snapname !== undefined && !cfg.snapshots[snapname]) fail(`snapshot '${snapname}' does not exist`);
  const isTemplate = cfg.main.template === '1';
  const full = typeof p.full === 'boolean' ? p.full : !isTemplate;
  if (storage !== undefined && !full) fail("parameter 'storage' not allowed for linked clones");
  if (full && src.status === 'running' && snapname === undefined) fail('Cannot do full clones on a running container without snapshots');
  const old = snapname !== undefined ? (cfg.snapshots[snapname] as ConfigSection) : cfg.main;
  const newconf: ConfigSection = {};
  const mounts: [string, string][] = [];
  let shared = true;
  for (const key of Object.keys(old).sort()) {
    const value = old[key] as string;
    if (['parent', 'snaptime', 'snapstate', 'lock', 'digest'].includes(key) || /^unused\d+$/.test(key)) continue;
    if (/^net\d+$/.test(key)) {
      newconf[key] = canonicalNet(emu, 'lxc', value, true);
    } else if (isLxcVolumeKey(key)) {
      const volid = LXC_KIND.volumeOf(key, value);
      if (!volid) {
        newconf[key] = value;
        continue;
      }
      const found = findVolume(node, volid);
      if (found && !found.storage.shared) shared = false;
      if (!full && !/(^|[:/])base(vol)?-\d+-/.test(volid)) fail(`Linked clone feature for '${volid}' is not available`);
      mounts.push([key, value]);
    } else {
      newconf[key] = value;
    }
  }
  if (target !== undefined && !shared) fail(`Can't clone to other node - CT ${vmid} uses local storage`);
  delete newconf.template;
  if (p.hostname !== undefined) newconf.hostname = String(p.hostname);
  if (p.description !== undefined && p.description !== '') newconf.description = String(p.description);
  const targetNode = target ?? nodeName;
  emu.world.guests[String(newid)] = {
    vmid: newid,
    type: 'lxc',
    node: targetNode,
    config: lockedConfigText('lxc', 'create', newconf),
    status: 'stopped',
  };
  const allocated: VolumeState[] = [];
  return startTask(emu, req, {
    type: 'vzclone',
    id: String(vmid),
    placeholder: { type: 'lxc', vmid: newid },
    holds: [
      { type: 'lxc', vmid, shared: true },
      { type: 'lxc', vmid: newid },
    ],
    run: () => {
      const liveNode = requireNodeState(emu, nodeName);
      const tgt = liveGuest(emu, 'lxc', newid, targetNode);
      const conf = guestConfig(tgt);
      for (const [key, value] of mounts) {
        const fmt = mountFormat(key);
        const mp = parsePropertyString(value, fmt);
        const found = findVolume(liveNode, mp.volume as string);
        if (!found) throw new Error(`volume '${mp.volume}' does not exist`);
        const now = emu.now();
        const vol = full
          ? copyVolume(found.volume, storage !== undefined ? requireStorage(liveNode, storage) : found.storage, newid, now)
          : linkedCloneVolume(found.storage, found.volume, newid, now);
        allocated.push(vol);
        mp.volume = vol.volid;
        conf.main[key] = formatPropertyString(mp, fmt);
      }
      delete conf.main.lock;
      writeGuestConfig(tgt, conf);
      addToPool(emu, pool, newid);
    },
    cleanup: () => undoCreate(emu, nodeName, newid, allocated, (g) => guestConfig(g).main.lock === 'create'),
  });
}

function resizeCt(emu: EmulatorCore, req: ApiRequest): string {
  const p = req.params;
  const g = guestOf(emu, req, 'lxc');
  const vmid = g.vmid;
  const nodeName = g.node;
  const disk = p.disk as string;
  const cfg = guestConfig(g);
  checkConfigLock(LXC_KIND, cfg.main);
  if (p.digest && p.digest !== guestDigest(g)) fail(MODIFIED);
  const value = cfg.main[disk];
  if (value === undefined) fail(`unable to parse value of '${disk}' - no such mount point`);
  const mp = parsePropertyString(value, mountFormat(disk));
  const volid = mp.volume ?? '';
  if (!parseVolid(volid)) fail(`unable to resize '${disk}' - not a volume`);
  const node = requireNodeState(emu, nodeName);
  const found = findVolume(node, volid);
  if (!found) fail(`Could not determine current size of volume '${volid}'`);
  if (found.volume.vmid !== undefined && found.volume.vmid !== vmid)
    fail(`can't resize mount point owned by another container (${found.volume.vmid})`);
  const size = found.volume.sizeBytes;
  const newsize = resizeTarget(p.size as string, size);
  if (newsize < size) fail('unable to shrink disk size');
  if (newsize === size) fail('disk is already at specified size');
  return startTask(emu, req, {
    type: 'resize',
    id: String(vmid),
    holds: [{ type: 'lxc', vmid }],
    run: () => {
      const live = liveGuest(emu, 'lxc', vmid, nodeName);
      const c = guestConfig(live);
      const liveNode = requireNodeState(emu, nodeName);
      const f = findVolume(liveNode, volid);
      if (!f) throw new Error(`volume '${volid}' does not exist`);
      growVolume(f.storage, f.volume, newsize);
      const cur = parsePropertyString(c.main[disk] ?? value, mountFormat(disk));
      cur.size = formatSize(newsize);
      c.main[disk] = formatPropertyString(cur, mountFormat(disk));
      writeGuestConfig(live, c);
    },
  });
}

async function templateCt(emu: EmulatorCore, req: ApiRequest): Promise<null> {
  const g = guestOf(emu, req, 'lxc');
  const vmid = g.vmid;
  const release = await emu.locks.acquire('lxc', vmid);
  try {
    const live = liveGuest(emu, 'lxc', vmid, g.node);
    const cfg = guestConfig(live);
    checkConfigLock(LXC_KIND, cfg.main);
    if (cfg.main.template === '1') fail("you can't convert a template to a template");
    if (live.status === 'running') fail("you can't convert a CT to template if the CT is running");
    if (Object.keys(cfg.snapshots).length) fail('unable to create template, because CT contains snapshots');
    const node = requireNodeState(emu, live.node);
    for (const key of Object.keys(cfg.main)) {
      if (!isLxcVolumeKey(key)) continue;
      const fmt = mountFormat(key);
      const mp = parsePropertyString(cfg.main[key] as string, fmt);
      const found = mp.volume ? findVolume(node, mp.volume) : undefined;
      if (!found) continue;
      if (isFileStorage(found.storage)) fail(`Template feature is not available for '${mp.volume}'`);
      mp.volume = convertToBase(found.storage, found.volume);
      cfg.main[key] = formatPropertyString(mp, fmt);
    }
    cfg.main.template = '1';
    writeGuestConfig(live, cfg);
  } finally {
    release();
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Routes.

const CREATE_PARAMS: ParamSchema = {
  ...LXC_CONFIG_OPTIONS,
  ...BASE,
  ostemplate: str({ maxLength: 255 }),
  password: opt(str()),
  'ssh-public-keys': opt(str()),
  storage: opt(STORAGE_ID),
  pool: opt(str({ format: 'pve-poolid' })),
  start: opt(bool()),
  unique: opt(bool()),
  force: opt(bool()),
  restore: opt(bool()),
  'ignore-unpack-errors': opt(bool()),
  bwlimit: opt(num({ minimum: 0 })),
  'ha-managed': opt(bool()),
};

const UPDATE_PARAMS: ParamSchema = {
  ...LXC_CONFIG_OPTIONS,
  ...BASE,
  delete: opt(str({ format: 'pve-configid-list' })),
  revert: opt(str({ format: 'pve-configid-list' })),
  digest: DIGEST,
};

const MOUNT_NAMES = ['rootfs', ...Array.from({ length: 256 }, (_, i) => `mp${i}`)];

export const LXC_ROUTES: RouteDef[] = [
  { method: 'POST', path: '/nodes/{node}/lxc', params: CREATE_PARAMS, proxyToNode: true, handler: createCt },
  {
    method: 'DELETE',
    path: '/nodes/{node}/lxc/{vmid}',
    proxyToNode: true,
    params: { ...BASE, force: opt(bool()), purge: opt(bool()), 'destroy-unreferenced-disks': opt(bool()) },
    handler: (emu, req) => destroyGuest(emu, req, 'lxc'),
  },
  { method: 'PUT', path: '/nodes/{node}/lxc/{vmid}/config', params: UPDATE_PARAMS, proxyToNode: true, handler: updateCt },
  {
    method: 'POST',
    path: '/nodes/{node}/lxc/{vmid}/status/start',
    proxyToNode: true,
    params: { ...BASE, skiplock: opt(bool()), debug: opt(bool()) },
    handler: (emu, req) => startGuest(emu, req, 'lxc'),
  },
  {
    method: 'POST',
    path: '/nodes/{node}/lxc/{vmid}/status/stop',
    proxyToNode: true,
    params: { ...BASE, skiplock: opt(bool()), 'overrule-shutdown': opt(bool()) },
    handler: (emu, req) => stopGuest(emu, req, 'lxc', 'stop'),
  },
  {
    method: 'POST',
    path: '/nodes/{node}/lxc/{vmid}/status/shutdown',
    proxyToNode: true,
    params: { ...BASE, timeout: opt(int({ minimum: 0 })), forceStop: opt(bool()) },
    handler: (emu, req) => stopGuest(emu, req, 'lxc', 'shutdown'),
  },
  {
    method: 'POST',
    path: '/nodes/{node}/lxc/{vmid}/clone',
    proxyToNode: true,
    params: {
      ...BASE,
      newid: VMID,
      hostname: opt(str({ format: 'dns-name' })),
      description: opt(str()),
      pool: opt(str({ format: 'pve-poolid' })),
      snapname: opt(SNAPNAME),
      storage: opt(STORAGE_ID),
      full: opt(bool()),
      target: opt(NODE),
      bwlimit: opt(num({ minimum: 0 })),
    },
    handler: cloneCt,
  },
  {
    method: 'PUT',
    path: '/nodes/{node}/lxc/{vmid}/resize',
    proxyToNode: true,
    params: { ...BASE, disk: str({ enum: MOUNT_NAMES }), size: str({ pattern: /\+?\d+(\.\d+)?[KMGT]?/ }), digest: DIGEST },
    handler: resizeCt,
  },
  { method: 'POST', path: '/nodes/{node}/lxc/{vmid}/template', params: BASE, proxyToNode: true, handler: templateCt },
  ...guestRoutes('lxc', {
    listParams: {},
    index: [
      'config',
      'status',
      'vncproxy',
      'vncwebsocket',
      'spiceproxy',
      'migrate',
      'clone',
      'rrd',
      'rrddata',
      'firewall',
      'snapshot',
      'resize',
    ],
    statusIndex: ['current', 'start', 'stop', 'shutdown', 'reboot', 'suspend', 'resume'],
    snapshotParams: {},
  }),
];
