/**
 * `proxmox_lxc` attributes ⇄ container config keys.
 *
 * | attribute             | config key(s)                                                   |
 * |-----------------------|-----------------------------------------------------------------|
 * | hostname, description | `hostname`, `description` (hl's marker line kept)               |
 * | tags, cores, memory, swap, ostype, onboot, protection, unprivileged | same names        |
 * | nameserver, searchdomain | same names                                                   |
 * | rootfs                | `rootfs`: volume (storage), size                                |
 * | mount_points.<mpN>    | `mpN`: volume (storage, or a host path for a bind mount), mp (path), size, backup, ro |
 * | features              | `features`: nesting, keyctl, fuse, mknod, mount (`a;b`)         |
 * | dev.<devN>            | `devN`: path, mode, uid, gid, deny-write                        |
 * | networks.<netN>       | `netN`: name, bridge, hwaddr (mac), ip, gw, ip6, gw6, firewall, tag, rate, mtu, link_down |
 * | ostemplate, password, ssh_public_keys | create parameters only (never returned by PVE)    |
 * | placement             | none: hl's own, a read keeps the prior value                    |
 */
import { isValueMap, type Attributes, type Value, type ValueMap } from '../../../src/core/value.js';
import {
  formatPropertyString,
  LXC_DEV_FORMAT,
  LXC_FEATURES_FORMAT,
  LXC_MP_FORMAT,
  LXC_NET_FORMAT,
  LXC_ROOTFS_FORMAT,
} from '../../pve/property-string.js';
import { ConfigChanges, flag, known, mergeProps, propsEqual, safeParse, text, type FieldUpdate } from './config-changes.js';
import {
  knownOrNull,
  num,
  putDescriptionAndTags,
  putFlags,
  putNumbers,
  putSlots,
  readTags,
  volumeResize,
  type GuestReadInput,
  type VolumeResize,
} from './guest-config-mapping.js';
import { splitMarker } from './hl-marker.js';
import type { TagStyle } from './pve-tags.js';
import { boolOf, canonSize, intOf, pveBool, sameSpaceList, sizeGiB, storageOfVolume, strOf, type PveConfig } from './pve-values.js';

function slotsOf(config: PveConfig, re: RegExp): string[] {
  return Object.keys(config)
    .filter((k) => re.test(k))
    .sort((a, b) => Number(/\d+$/.exec(a)![0]) - Number(/\d+$/.exec(b)![0]));
}

function readVolume(value: string | undefined): ValueMap | null {
  if (value === undefined) return null;
  const r = safeParse(value, LXC_ROOTFS_FORMAT);
  return { storage: storageOfVolume(r.volume), size: r.size ? (canonSize(r.size) as string) : null, volume: r.volume ?? null };
}

function readMountPoint(value: string): ValueMap {
  const m = safeParse(value, LXC_MP_FORMAT);
  const bind = !!m.volume && m.volume.startsWith('/');
  return {
    storage: bind ? null : storageOfVolume(m.volume),
    size: m.size ? (canonSize(m.size) as string) : null,
    path: m.mp ?? null,
    host_path: bind ? m.volume! : null,
    backup: boolOf(m.backup, false),
    read_only: boolOf(m.ro, false),
    volume: m.volume ?? null,
  };
}

function readNet(slot: string, value: string): ValueMap {
  const n = safeParse(value, LXC_NET_FORMAT);
  return {
    name: n.name ?? defaultNicName(slot),
    bridge: n.bridge ?? null,
    ip: n.ip ?? null,
    gw: n.gw ?? null,
    ip6: n.ip6 ?? null,
    gw6: n.gw6 ?? null,
    mac: n.hwaddr ? n.hwaddr.toUpperCase() : null,
    firewall: boolOf(n.firewall, false),
    tag: intOf(n.tag),
    rate: intOf(n.rate),
    mtu: intOf(n.mtu),
    link_down: boolOf(n.link_down, false),
  };
}

/** `net1` → `eth1`: the interface name hl uses when config gives none. */
export function defaultNicName(slot: string): string {
  return `eth${/\d+$/.exec(slot)?.[0] ?? '0'}`;
}

function readFeatures(value: string | undefined): ValueMap {
  const f = safeParse(value, LXC_FEATURES_FORMAT);
  return {
    nesting: boolOf(f.nesting, false),
    keyctl: boolOf(f.keyctl, false),
    fuse: boolOf(f.fuse, false),
    mknod: boolOf(f.mknod, false),
    mount: (f.mount ?? '')
      .split(';')
      .filter((x) => x !== '')
      .sort(),
  };
}

/** The `proxmox_lxc` attributes of a live container. */
export function lxcAttributesFromConfig(input: GuestReadInput): Attributes {
  const { config, prior } = input;
  const mountPoints: ValueMap = {};
  for (const slot of slotsOf(config, /^mp\d+$/)) mountPoints[slot] = readMountPoint(config[slot]!);
  const dev: ValueMap = {};
  for (const slot of slotsOf(config, /^dev\d+$/)) {
    const d = safeParse(config[slot], LXC_DEV_FORMAT);
    dev[slot] = {
      path: d.path ?? null,
      mode: d.mode ?? null,
      uid: intOf(d.uid),
      gid: intOf(d.gid),
      deny_write: boolOf(d['deny-write'], false),
    };
  }
  const networks: ValueMap = {};
  for (const slot of slotsOf(config, /^net\d+$/)) networks[slot] = readNet(slot, config[slot]!);
  return {
    id: `${input.node}/${input.vmid}`,
    node: input.node,
    vmid: input.vmid,
    hostname: strOf(config.hostname),
    description: splitMarker(config.description).text,
    tags: readTags(input),
    pool: input.pool,
    ostemplate:
      prior && typeof prior.ostemplate === 'string' ? prior.ostemplate : (splitMarker(config.description).marker?.facts.ostemplate ?? null),
    password: prior ? knownOrNull(prior.password) : null,
    ssh_public_keys: prior && Array.isArray(prior.ssh_public_keys) ? prior.ssh_public_keys : [],
    cores: intOf(config.cores),
    memory: intOf(config.memory) ?? 512,
    swap: intOf(config.swap) ?? 512,
    ostype: strOf(config.ostype),
    onboot: boolOf(config.onboot, false),
    protection: boolOf(config.protection, false),
    unprivileged: boolOf(config.unprivileged, false),
    nameserver: strOf(config.nameserver),
    searchdomain: strOf(config.searchdomain),
    started: input.status === 'running',
    status: input.status,
    pending_changes: [...input.pending].sort(),
    rootfs: readVolume(config.rootfs),
    mount_points: mountPoints,
    features: readFeatures(config.features),
    dev,
    networks,
    placement: prior && isValueMap(prior.placement) ? prior.placement : null,
  };
}

/** Creation-time facts of a container for hl's marker. */
export function lxcMarkerFacts(planned: Attributes): Record<string, string> {
  return typeof planned.ostemplate === 'string' ? { ostemplate: planned.ostemplate } : {};
}

// ---- writing -------------------------------------------------------------------------------

export interface LxcWriteInput {
  planned: Attributes;
  live: PveConfig;
  markerLine?: string;
  /** How the cluster stores tags (default: PVE's). */
  tagStyle?: TagStyle;
}

/** `local-lvm:8` (allocate 8 GiB) for a new rootfs/mount point; a host path for a bind mount. */
function newVolume(v: ValueMap): string | undefined {
  if (typeof v.host_path === 'string') return v.host_path;
  const gib = sizeGiB(v.size);
  return typeof v.storage === 'string' && gib !== undefined ? `${v.storage}:${gib}` : undefined;
}

function mountFields(m: ValueMap): Record<string, FieldUpdate> {
  return { mp: text(m.path), backup: flag(m.backup), ro: flag(m.read_only) };
}

export function newMountPointValue(m: ValueMap): string | undefined {
  const volume = newVolume(m);
  if (volume === undefined) return undefined;
  const fields: Record<string, string | undefined> = { volume };
  for (const [k, v] of Object.entries(mountFields(m))) if (typeof v === 'string') fields[k] = v;
  return formatPropertyString(fields, LXC_MP_FORMAT);
}

function netFields(slot: string, n: ValueMap, isNew: boolean): Record<string, FieldUpdate> {
  const name = known(n.name) && n.name !== null ? String(n.name) : isNew ? defaultNicName(slot) : undefined;
  return {
    name,
    bridge: text(n.bridge),
    hwaddr: known(n.mac) && n.mac !== null ? String(n.mac).toUpperCase() : undefined,
    ip: text(n.ip),
    gw: text(n.gw),
    ip6: text(n.ip6),
    gw6: text(n.gw6),
    firewall: flag(n.firewall),
    tag: num(n.tag),
    rate: num(n.rate),
    mtu: num(n.mtu),
    link_down: flag(n.link_down),
    type: isNew ? 'veth' : undefined,
  };
}

function featureFields(f: ValueMap): Record<string, FieldUpdate> {
  const mount = Array.isArray(f.mount) ? f.mount.filter((x): x is string => typeof x === 'string') : undefined;
  return {
    nesting: flag(f.nesting),
    keyctl: flag(f.keyctl),
    fuse: flag(f.fuse),
    mknod: flag(f.mknod),
    mount: mount === undefined ? undefined : mount.length > 0 ? [...mount].sort().join(';') : null,
  };
}

function devFields(d: ValueMap): Record<string, FieldUpdate> {
  return { path: text(d.path), mode: text(d.mode), uid: num(d.uid), gid: num(d.gid), 'deny-write': flag(d.deny_write) };
}

/** The config changes that bring `live` to `planned` (rootfs and mount point sizes: see lxcVolumeResizes). */
export function lxcConfigChanges(input: LxcWriteInput): ConfigChanges {
  const { planned: p, live } = input;
  const c = new ConfigChanges();
  const pk = (k: string): Value | undefined => (known(p[k]) ? p[k] : undefined);
  const creating = Object.keys(live).length === 0;

  if (pk('hostname') !== undefined) c.put('hostname', p.hostname === null ? null : String(p.hostname), live.hostname);
  putDescriptionAndTags(c, p, live, input.markerLine, input.tagStyle);
  // An absent memory or swap reads as PVE's default 512: compare with that.
  putNumbers(c, p, live, [
    ['cores', undefined],
    ['memory', '512'],
    ['swap', '512'],
  ]);
  if (pk('ostype') !== undefined) c.put('ostype', text(p.ostype) ?? null, live.ostype);
  // PVE stores these lists joined by single spaces: compared as lists.
  for (const key of ['nameserver', 'searchdomain'] as const) {
    if (pk(key) !== undefined) c.put(key, text(p[key]) ?? null, live[key], (a, b) => sameSpaceList(a, b));
  }
  putFlags(c, p, live, ['onboot', 'protection']);
  // `unprivileged` is only set when the container is created (a change replaces it), and then
  // always sent: a create without it is privileged on PVE 8 and unprivileged on PVE 9.
  if (creating && typeof p.unprivileged === 'boolean') c.set.unprivileged = pveBool(p.unprivileged);
  const rootfs = pk('rootfs');
  if (isValueMap(rootfs) && live.rootfs === undefined) {
    const v = newVolume(rootfs);
    if (v !== undefined) c.set.rootfs = formatPropertyString({ volume: v }, LXC_ROOTFS_FORMAT);
  }
  const mps = pk('mount_points');
  if (isValueMap(mps)) {
    const liveSlots = slotsOf(live, /^mp\d+$/);
    for (const [slot, m] of Object.entries(mps)) {
      if (!isValueMap(m)) continue;
      if (live[slot] === undefined) {
        const v = newMountPointValue(m);
        if (v !== undefined) c.set[slot] = v;
      } else c.put(slot, mergeProps(live[slot], LXC_MP_FORMAT, mountFields(m), slot), live[slot], propsEqual(LXC_MP_FORMAT));
    }
    for (const slot of liveSlots) if (!(slot in mps)) c.delete.add(slot);
  }
  const features = pk('features');
  if (isValueMap(features)) {
    const merged = mergeProps(live.features, LXC_FEATURES_FORMAT, featureFields(features), 'features');
    c.put('features', merged === '' ? null : merged, live.features, propsEqual(LXC_FEATURES_FORMAT));
  }
  putSlots(c, pk('networks'), live, slotsOf(live, /^net\d+$/), LXC_NET_FORMAT, (n, isNew, slot) => netFields(slot, n, isNew));
  putSlots(c, pk('dev'), live, slotsOf(live, /^dev\d+$/), LXC_DEV_FORMAT, (d) => devFields(d));
  return c;
}

/** Volumes to grow (`PUT .../resize` with disk rootfs / mpN); shrinks are returned too. */
export function lxcVolumeResizes(planned: Attributes, live: PveConfig): VolumeResize[] {
  const resizes = [volumeResize('rootfs', planned.rootfs, live.rootfs, LXC_ROOTFS_FORMAT)];
  if (isValueMap(planned.mount_points)) {
    for (const [slot, m] of Object.entries(planned.mount_points)) resizes.push(volumeResize(slot, m, live[slot], LXC_MP_FORMAT));
  }
  return resizes.filter((r): r is VolumeResize => r !== undefined);
}
