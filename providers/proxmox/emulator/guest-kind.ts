/**
 * What differs between QEMU VMs and LXC containers for config handling: their options, which
 * keys hold volumes, and which changes a running guest takes at once (hotplug) versus at the
 * next start (pending).
 *
 * Hotplug rule for a running VM (documented simplification of qemu-server's
 * vmconfig_hotplug_pending, with the `hotplug` option defaulting to `network,disk,usb`):
 * - at once: name, description, tags, onboot, protection, startup, hookscript, shares, lock,
 *   migrate_*, vmstatestorage, the cloud-init keys (ciuser, cipassword, citype, ciupgrade,
 *   cicustom, nameserver, searchdomain, sshkeys, ipconfigN), balloon, cpulimit, cpuunits,
 *   CD-ROM media changes; netN with `network` hotplug; new scsiN/virtioN disks with `disk`;
 *   usbN with `usb`; vcpus with `cpu`; memory with `memory`.
 * - pending until stop/start or reboot: everything else (cores, sockets, cpu, memory without
 *   memory hotplug, machine, bios, ostype, agent, boot, scsihw, vga, hostpciN, serialN,
 *   option changes of existing disks, efidisk0, tpmstate0, ...).
 * Deleting follows the same rule; a deleted disk goes to `unusedN` (or is freed with `force`).
 *
 * Running container (pve-container's vmconfig_hotplug_pending):
 * - at once: description, onboot, startup, protection, hostname, hookscript, cores, tags, lock,
 *   cpulimit, cpuunits, memory, swap, netN, new mpN and new devN (not replacing existing ones).
 * - pending: everything else (rootfs, replaced mount points, features, nameserver,
 *   searchdomain, ostype, arch, ...). Deleting: the at-once keys and netN at once, others pending.
 */
import { LXC_MP_FORMAT, LXC_ROOTFS_FORMAT, LXC_UNUSED_FORMAT, parsePropertyString } from '../property-string.js';
import type { GuestConfigFile } from './config-text.js';
import { LXC_CONFIG_OPTIONS, LXC_FAST_PLUG, LXC_HOT_PLUG, LXC_READONLY_KEYS } from './lxc-options.js';
import { findParamDef, type ParamDef, type ParamSchema } from './param-schema.js';
import { isQemuDriveKey, qemuDriveFormat, QEMU_CONFIG_OPTIONS, QEMU_FAST_PLUG, QEMU_READONLY_KEYS } from './qemu-options.js';
import { isVolumeId } from './string-formats.js';
import type { GuestType } from './world.js';

export interface GuestKind {
  type: GuestType;
  /** `VM` or `CT`, as in PVE's messages. */
  label: 'VM' | 'CT';
  options: ParamSchema;
  /** Keys PVE writes itself (digest, parent, ...). */
  readonlyKeys: ParamSchema;
  /** Keys whose values may hold a guest volume (drives, mount points, unusedN). */
  isVolumeKey(key: string): boolean;
  /**
   * The volume id a value holds that belongs to the guest's storage (not CD-ROM images, bind
   * mounts, `none`), or undefined.
   */
  volumeOf(key: string, value: string): string | undefined;
  /** Whether a removed volume of this key is freed rather than kept as unusedN (cloud-init drives). */
  freeOnRemove(key: string, value: string): boolean;
  canHotplug(cfg: GuestConfigFile, key: string, value: string): boolean;
  canHotDelete(cfg: GuestConfigFile, key: string): boolean;
}

/** The definition of a config key (settable or read-only) for typing answers. */
export function configKeyDef(kind: GuestKind, key: string): ParamDef | undefined {
  return findParamDef(kind.options, key) ?? kind.readonlyKeys[key];
}

function safeParse(value: string, key: string): Record<string, string> | undefined {
  try {
    return parsePropertyString(value, qemuDriveFormat(key));
  } catch {
    return undefined;
  }
}

export function isCdromDrive(key: string, value: string): boolean {
  const d = safeParse(value, key);
  return d?.media === 'cdrom';
}

export function isCloudinitDrive(key: string, value: string): boolean {
  const d = safeParse(value, key);
  const file = d?.file ?? '';
  return /(^|[:/])vm-\d+-cloudinit(\.\w+)?$/.test(file);
}

/** Features of the `hotplug` option (`1` = network,disk,usb; `0` = none). */
export function hotplugFeatures(value: string | undefined): Set<string> {
  if (value === undefined || value === '1') return new Set(['network', 'disk', 'usb']);
  if (value === '0' || value === '') return new Set();
  return new Set(value.split(/[,;\s]+/).filter(Boolean));
}

export const QEMU_KIND: GuestKind = {
  type: 'qemu',
  label: 'VM',
  options: QEMU_CONFIG_OPTIONS,
  readonlyKeys: QEMU_READONLY_KEYS,
  isVolumeKey: (key) => isQemuDriveKey(key) || /^unused\d+$/.test(key),
  volumeOf(key, value) {
    if (!this.isVolumeKey(key)) return undefined;
    const d = safeParse(value, key);
    const file = d?.file;
    if (!file || !isVolumeId(file)) return undefined;
    if (d?.media === 'cdrom' && !isCloudinitDrive(key, value)) return undefined;
    return file;
  },
  freeOnRemove: (key, value) => isQemuDriveKey(key) && isCloudinitDrive(key, value),
  canHotplug(cfg, key, value) {
    if (QEMU_FAST_PLUG.has(key) || /^ipconfig\d+$/.test(key)) return true;
    if (['balloon', 'cpulimit', 'cpuunits'].includes(key)) return true;
    const hp = hotplugFeatures(cfg.pending.hotplug ?? cfg.main.hotplug);
    if (/^net\d+$/.test(key)) return hp.has('network');
    if (/^usb\d+$/.test(key)) return hp.has('usb');
    if (key === 'vcpus') return hp.has('cpu');
    if (key === 'memory') return hp.has('memory');
    if (isQemuDriveKey(key)) {
      if (isCdromDrive(key, value) && !isCloudinitDrive(key, value)) return true;
      return /^(scsi|virtio)\d+$/.test(key) && cfg.main[key] === undefined && hp.has('disk');
    }
    return false;
  },
  canHotDelete(cfg, key) {
    if (QEMU_FAST_PLUG.has(key) || /^ipconfig\d+$/.test(key)) return true;
    if (['balloon', 'cpulimit', 'cpuunits'].includes(key)) return true;
    const hp = hotplugFeatures(cfg.pending.hotplug ?? cfg.main.hotplug);
    if (/^net\d+$/.test(key)) return hp.has('network');
    if (/^usb\d+$/.test(key)) return hp.has('usb');
    if (key === 'vcpus') return hp.has('cpu');
    if (isQemuDriveKey(key)) {
      const v = cfg.main[key] ?? '';
      if (isCdromDrive(key, v) && !isCloudinitDrive(key, v)) return true;
      return /^(scsi|virtio)\d+$/.test(key) && hp.has('disk');
    }
    return false;
  },
};

function mountFormat(key: string): typeof LXC_MP_FORMAT {
  if (key === 'rootfs') return LXC_ROOTFS_FORMAT;
  if (key.startsWith('unused')) return LXC_UNUSED_FORMAT;
  return LXC_MP_FORMAT;
}

export const LXC_KIND: GuestKind = {
  type: 'lxc',
  label: 'CT',
  options: LXC_CONFIG_OPTIONS,
  readonlyKeys: LXC_READONLY_KEYS,
  isVolumeKey: (key) => key === 'rootfs' || /^(mp|unused)\d+$/.test(key),
  volumeOf(key, value) {
    if (!this.isVolumeKey(key)) return undefined;
    try {
      const volume = parsePropertyString(value, mountFormat(key)).volume;
      return volume && isVolumeId(volume) ? volume : undefined;
    } catch {
      return undefined;
    }
  },
  freeOnRemove: () => false,
  canHotplug(cfg, key) {
    if (LXC_FAST_PLUG.has(key) || LXC_HOT_PLUG.has(key)) return true;
    if (/^net\d+$/.test(key)) return true;
    if (/^(mp|dev)\d+$/.test(key)) return cfg.main[key] === undefined;
    return false;
  },
  canHotDelete(_cfg, key) {
    if (LXC_FAST_PLUG.has(key) || ['swap', 'cpulimit', 'cpuunits'].includes(key)) return true;
    return /^net\d+$/.test(key);
  },
};

export function guestKind(type: GuestType): GuestKind {
  return type === 'qemu' ? QEMU_KIND : LXC_KIND;
}
