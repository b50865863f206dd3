/**
 * What a running QEMU VM does with each config change: take it at once, take it by unplugging
 * the device and plugging it in again, or keep it pending until the VM is stopped and started.
 * Re-implemented from qemu-server `src/PVE/QemuServer.pm`:
 *
 * - `vmconfig_hotplug_pending`: the fast-plug options (`$fast_plug_option` plus every cloud-init
 *   key of `$confdesc_cloudinit`) are written at once; `hotplug` itself unless cpu or memory hotplug
 *   is involved; `tablet` with `usb` hotplug; `usbN` only when USB hotplug is supported (below);
 *   `vcpus` with `cpu`, `memory` with `memory` hotplug; `balloon` unless the balloon device is
 *   switched on or off (0 ↔ other); `cpuunits`, `cpulimit` at once (cgroup); `agent` per
 *   `vmconfig_update_agent`; `netN` per `vmconfig_update_net`; drives per `vmconfig_update_disk`,
 *   never `efidisk0`/`tpmstate0`; anything else waits.
 *   Deleting: fast-plug keys, `cpuunits`, `cpulimit` at once; `balloon` unless it is 0; `netN`
 *   with `network`; scsi/virtio drives with `disk` (never ide/sata/efidisk/tpmstate, CD-ROMs
 *   included); `usbN`, `tablet`, `vcpus`, `memory`, `hotplug` as for setting; the rest waits.
 * - USB hotplug (`$is_usb_hotplug_supported`): the `usb` hotplug feature, a QEMU (or pinned
 *   machine) version of at least 7.1, and ostype `l26` or Windows newer than 7 (`windows_version`
 *   of `src/PVE/QemuServer/Helpers.pm`); an unset ostype never hotplugs USB.
 * - `vmconfig_update_disk`, existing disk, same volume: a change of `aio`, `discard`, `iothread`,
 *   `queues`, `product`, `cache`, `ssd`, `vendor` or `ro` waits; the throttles (`mbps*`, `iops*`,
 *   `*_max_length`) are applied live; every other option (`backup`, `replicate`, `serial`, ...)
 *   is just written. A different volume on scsi/virtio with `disk` hotplug: the old one is
 *   unplugged and the new one plugged. CD-ROM media changes at once. A new disk: scsi/virtio with
 *   `disk` hotplug at once, ide/sata wait.
 * - `vmconfig_update_net`, existing NIC: a different `model`, `macaddr`, `queues` or `mtu`, or a
 *   bridge missing on either side, unplugs the NIC and plugs it again (with `network` hotplug,
 *   else it waits); otherwise `bridge`, `tag`, `trunks`, `firewall`, `rate`, `link_down` are
 *   applied to the running tap device, and the rest is just written. A new NIC is plugged with
 *   `network` hotplug.
 *
 * Values are compared after parsing as PVE does (`safe_string_ne`/`safe_num_ne` of
 * pve-guest-common `src/PVE/GuestHelpers.pm`): a field present on one side only differs, even
 * when it holds the default (`cache=none` vs no cache, `iothread=0` vs none); booleans are
 * compared canonically (`on` = `1`, pve-common JSONSchema parse_property_string), MAC addresses as
 * text, so a MAC differing only in case replugs the NIC.
 *
 * Pure: the emulator (emulator/guest-kind.ts, pending.ts) applies these rules, and the provider's
 * planning (planning/vm-plan.ts) names their outcome in its notes.
 */
import {
  parsePropertyString,
  QEMU_AGENT_FORMAT,
  QEMU_NET_FORMAT,
  type PropertyMap,
  type PropertyStringFormat,
} from '../property-string.js';

/** What a running guest does with one change. */
export type LiveEffect = 'now' | 'replug' | 'restart';

export type HotplugFeature = 'network' | 'disk' | 'cpu' | 'memory' | 'usb' | 'cloudinit';

/** The `hotplug` option's default (qemu-server `$confdesc->{hotplug}->{default}`); `1` is its alias. */
export const DEFAULT_HOTPLUG = 'network,disk,usb';

/** Features of a `hotplug` value (qemu-server parse_hotplug_features); unset means the default. */
export function hotplugFeatures(value: string | undefined): Set<string> {
  const v = value === undefined || value === '1' ? DEFAULT_HOTPLUG : value;
  if (v === '0' || v === '') return new Set();
  return new Set(v.split(/[,;\s]+/).filter(Boolean));
}

/** What the rules need to know about the VM besides the changed key. */
export interface QemuLiveContext {
  hotplug: ReadonlySet<string>;
  ostype: string | undefined;
  /**
   * The version its machine follows (qemu-server Machine.pm extract_version): the pinned machine
   * version, else the running QEMU. Undefined: a QEMU of any PVE release hl supports (8.x, 9.x
   * ship QEMU 8.1 and newer).
   */
  machineVersion: readonly [number, number] | undefined;
  /** Current `balloon` value (unset: ballooning on). */
  balloon: string | undefined;
  /** Current `agent` value. */
  agent: string | undefined;
  /** Current `hotplug` value as written (cpu/memory hotplug changes wait). */
  hotplugText: string | undefined;
}

/** The context of a VM from its current config and the QEMU version running it. */
export function qemuLiveContext(
  main: Readonly<Record<string, string | undefined>>,
  runningQemu?: readonly [number, number],
): QemuLiveContext {
  return {
    hotplug: hotplugFeatures(main.hotplug),
    ostype: main.ostype,
    machineVersion: pinnedMachineVersion(main.runningmachine) ?? pinnedMachineVersion(main.machine) ?? runningQemu,
    balloon: main.balloon,
    agent: main.agent,
    hotplugText: main.hotplug,
  };
}

/** `major.minor` of a versioned machine type (`pc-q35-9.2+pve1`, `pc-i440fx-8.1`), else undefined. */
export function pinnedMachineVersion(machine: string | undefined): [number, number] | undefined {
  const type = machine?.split(',')[0]?.replace(/^type=/, '');
  const m = type ? /^(?:pc|pc-i440fx|pc-q35|virt)-(\d+)\.(\d+)/.exec(type) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Windows version of an ostype, 0 for others (qemu-server Helpers.pm windows_version). */
export function windowsVersion(ostype: string | undefined): number {
  if (!ostype) return 0;
  if (['wxp', 'w2k3', 'w2k'].includes(ostype)) return 5;
  if (['w2k8', 'wvista'].includes(ostype)) return 6;
  const m = /^win(\d+)$/.exec(ostype);
  return m ? Number(m[1]) : 0;
}

/** Whether USB devices are hotplugged (vmconfig_hotplug_pending `$is_usb_hotplug_supported`). */
export function usbHotplugSupported(ctx: QemuLiveContext): boolean {
  const [major, minor] = ctx.machineVersion ?? [8, 1];
  const recent = major > 7 || (major === 7 && minor >= 1);
  return ctx.hotplug.has('usb') && recent && ctx.ostype !== undefined && (ctx.ostype === 'l26' || windowsVersion(ctx.ostype) > 7);
}

/** Keys written at once on a running VM (`$fast_plug_option` plus `$confdesc_cloudinit`). */
export const QEMU_FAST_PLUG_KEYS: ReadonlySet<string> = new Set([
  'description',
  'hookscript',
  'lock',
  'migrate_downtime',
  'migrate_speed',
  'name',
  'onboot',
  'protection',
  'shares',
  'startup',
  'tags',
  'vmstatestorage',
  'citype',
  'ciuser',
  'cipassword',
  'ciupgrade',
  'cicustom',
  'searchdomain',
  'nameserver',
  'sshkeys',
]);

export function isFastPlugKey(key: string): boolean {
  return QEMU_FAST_PLUG_KEYS.has(key) || /^ipconfig\d+$/.test(key);
}

/** Options of an existing disk whose change waits for a restart (vmconfig_update_disk). */
export const DRIVE_RESTART_OPTIONS: readonly string[] = ['aio', 'discard', 'iothread', 'queues', 'product', 'cache', 'ssd', 'vendor', 'ro'];

/** I/O throttles of a disk, applied to the running VM (vmconfig_update_disk set_io_throttle). */
export const DRIVE_THROTTLE_OPTIONS: readonly string[] = [
  'mbps',
  'mbps_rd',
  'mbps_wr',
  'iops',
  'iops_rd',
  'iops_wr',
  'mbps_max',
  'mbps_rd_max',
  'mbps_wr_max',
  'iops_max',
  'iops_rd_max',
  'iops_wr_max',
  'bps_max_length',
  'bps_rd_max_length',
  'bps_wr_max_length',
  'iops_max_length',
  'iops_rd_max_length',
  'iops_wr_max_length',
];

/** What a running VM does when option `field` of an existing disk changes (same volume). */
export function driveOptionEffect(field: string): 'now' | 'restart' {
  return DRIVE_RESTART_OPTIONS.includes(field) ? 'restart' : 'now';
}

/** NIC fields whose change unplugs the NIC and plugs it again (vmconfig_update_net). */
export const NET_REPLUG_FIELDS: readonly string[] = ['model', 'macaddr', 'queues', 'mtu'];

/** What a running VM does when field `field` of an existing NIC changes (`network` hotplug assumed on). */
export function netFieldEffect(field: string, ctx: QemuLiveContext): LiveEffect {
  if (!NET_REPLUG_FIELDS.includes(field)) return 'now';
  return ctx.hotplug.has('network') ? 'replug' : 'restart';
}

/** Fields whose values differ, compared as PVE does: present on one side only differs. */
export function differingFields(before: PropertyMap, after: PropertyMap, numeric: readonly string[] = []): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((k) => {
      const a = before[k];
      const b = after[k];
      if (a === undefined || b === undefined) return a !== b;
      return numeric.includes(k) ? Number(a) !== Number(b) : a !== b;
    })
    .sort();
}

const NET_NUMERIC = ['queues', 'mtu', 'tag', 'firewall', 'rate'];

function isDriveKey(key: string): boolean {
  return /^(ide|sata|scsi|virtio)\d+$/.test(key) || key === 'efidisk0' || key === 'tpmstate0';
}

function hotpluggableBus(key: string): boolean {
  return /^(scsi|virtio)\d+$/.test(key);
}

function parse(value: string, format: PropertyStringFormat | string): PropertyMap | undefined {
  try {
    return parsePropertyString(value, format);
  } catch {
    return undefined;
  }
}

/** A new drive: scsi/virtio with `disk` hotplug is plugged at once, others wait (vmconfig_update_disk). */
export function newDriveEffect(key: string, ctx: QemuLiveContext): 'now' | 'restart' {
  return ctx.hotplug.has('disk') && hotpluggableBus(key) ? 'now' : 'restart';
}

/** A new NIC: plugged with `network` hotplug (vmconfig_update_net). */
export function newNetEffect(ctx: QemuLiveContext): 'now' | 'restart' {
  return ctx.hotplug.has('network') ? 'now' : 'restart';
}

/** How a NIC change is taken by a running VM (vmconfig_update_net). */
export function netChangeEffect(before: string | undefined, after: string, ctx: QemuLiveContext): LiveEffect {
  const b = before === undefined ? undefined : parse(before, QEMU_NET_FORMAT);
  const a = parse(after, QEMU_NET_FORMAT);
  if (b === undefined || a === undefined) return newNetEffect(ctx);
  const changed = differingFields(b, a, NET_NUMERIC);
  if (!b.bridge || !a.bridge || changed.some((f) => NET_REPLUG_FIELDS.includes(f)))
    return ctx.hotplug.has('network') ? 'replug' : 'restart';
  return 'now';
}

/**
 * How a drive change is taken (vmconfig_update_disk); `format` parses the drive.
 * `before` undefined: a new drive.
 */
export function driveChangeEffect(
  key: string,
  before: string | undefined,
  after: string,
  format: PropertyStringFormat,
  ctx: QemuLiveContext,
): LiveEffect {
  if (key === 'efidisk0' || key === 'tpmstate0') return 'restart';
  const b = before === undefined ? undefined : parse(before, format);
  const a = parse(after, format);
  if (b && a) {
    if ((a.media ?? 'disk') !== (b.media ?? 'disk')) return 'restart';
    if (b.media === 'cdrom') return 'now';
    if (a.file !== b.file) return ctx.hotplug.has('disk') && hotpluggableBus(key) ? 'replug' : 'restart';
    return differingFields(b, a).some((f) => driveOptionEffect(f) === 'restart') ? 'restart' : 'now';
  }
  return newDriveEffect(key, ctx);
}

/** Whether ballooning is on for a `balloon` value (unset or non-zero). */
function balloonOn(v: string | undefined): boolean {
  return v === undefined || Number(v) !== 0;
}

/** Perl truthiness of a config value (`0` and the empty string are false). */
function truthy(v: string | undefined): boolean {
  return v !== undefined && v !== '' && v !== '0';
}

/** vmconfig_update_agent: only `fstrim_cloned_disks` changes live, and only on a VM with an agent set. */
function agentEffect(before: string | undefined, after: string): 'now' | 'restart' {
  if (!truthy(before)) return 'restart';
  const b = parse(before as string, QEMU_AGENT_FORMAT) ?? {};
  const a = parse(after, QEMU_AGENT_FORMAT) ?? {};
  const changed = differingFields(b, a).filter((f) => f !== 'fstrim_cloned_disks');
  return changed.length === 0 ? 'now' : 'restart';
}

/**
 * What a running VM does when `key` is set to `value` (the current value `before`, undefined when
 * unset). `driveFormat` gives the property-string format of a drive key.
 */
export function qemuSetEffect(
  key: string,
  before: string | undefined,
  value: string,
  ctx: QemuLiveContext,
  driveFormat: (key: string) => PropertyStringFormat,
): LiveEffect {
  if (isFastPlugKey(key)) return 'now';
  if (key === 'hotplug') return /cpu|memory/.test(value) || /cpu|memory/.test(ctx.hotplugText ?? '') ? 'restart' : 'now';
  if (key === 'tablet') return ctx.hotplug.has('usb') ? 'now' : 'restart';
  if (/^usb\d+$/.test(key)) return usbHotplugSupported(ctx) ? 'now' : 'restart';
  if (key === 'vcpus') return ctx.hotplug.has('cpu') ? 'now' : 'restart';
  if (key === 'balloon') return balloonOn(ctx.balloon) === balloonOn(value) ? 'now' : 'restart';
  if (/^net\d+$/.test(key)) return netChangeEffect(before, value, ctx);
  if (isDriveKey(key)) return driveChangeEffect(key, before, value, driveFormat(key), ctx);
  if (key === 'memory') return ctx.hotplug.has('memory') ? 'now' : 'restart';
  if (key === 'cpuunits' || key === 'cpulimit') return 'now';
  if (key === 'agent') return agentEffect(ctx.agent, value);
  return 'restart';
}

/** What a running VM does when `key` is deleted. */
export function qemuDeleteEffect(key: string, ctx: QemuLiveContext): 'now' | 'restart' {
  if (key === 'hotplug') return /cpu|memory/.test(ctx.hotplugText ?? '') ? 'restart' : 'now';
  if (key === 'tablet') return ctx.hotplug.has('usb') ? 'now' : 'restart';
  if (/^usb\d+$/.test(key)) return usbHotplugSupported(ctx) ? 'now' : 'restart';
  if (key === 'vcpus') return ctx.hotplug.has('cpu') ? 'now' : 'restart';
  if (key === 'balloon') return ctx.balloon !== undefined && Number(ctx.balloon) === 0 ? 'restart' : 'now';
  if (isFastPlugKey(key)) return 'now';
  if (/^net\d+$/.test(key)) return ctx.hotplug.has('network') ? 'now' : 'restart';
  if (isDriveKey(key)) return ctx.hotplug.has('disk') && hotpluggableBus(key) ? 'now' : 'restart';
  if (key === 'memory') return ctx.hotplug.has('memory') ? 'now' : 'restart';
  if (key === 'cpuunits' || key === 'cpulimit') return 'now';
  return 'restart';
}
