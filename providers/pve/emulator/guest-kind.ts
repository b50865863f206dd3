/**
 * What differs between QEMU VMs and LXC containers for config handling: their options, which
 * keys hold volumes, and what a running guest does with each change: take it at once
 * (hotplug, or unplug and plug again) or keep it pending until its next start. The rules are
 * PVE's, kept in ../pve-rules/ (qemu-hotplug-rules.ts after qemu-server vmconfig_hotplug_pending,
 * lxc-hotplug-rules.ts after pve-container's), shared with the provider's planning.
 * Deleting follows the same rules; a deleted disk goes to `unusedN` (or is freed with `force`).
 */
import { LXC_MP_FORMAT, LXC_ROOTFS_FORMAT, LXC_UNUSED_FORMAT, parsePropertyString } from '../property-string.js';
import type { GuestConfigFile } from './config-text.js';
import { lxcDeleteEffect, lxcSetEffect } from '../pve-rules/lxc-hotplug-rules.js';
import { qemuDeleteEffect, qemuLiveContext, qemuSetEffect, type LiveEffect } from '../pve-rules/qemu-hotplug-rules.js';
import { LXC_CONFIG_OPTIONS, LXC_READONLY_KEYS } from './lxc-options.js';
import { findParamDef, type ParamDef, type ParamSchema } from './param-schema.js';
import { isQemuDriveKey, qemuDriveFormat, QEMU_CONFIG_OPTIONS, QEMU_READONLY_KEYS } from './qemu-options.js';
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
  /** What the running guest does when `key` is set to `value` (pending.ts applies it). */
  setEffect(cfg: GuestConfigFile, key: string, value: string, env: LiveEnv): LiveEffect;
  /** What the running guest does when `key` is deleted. */
  deleteEffect(cfg: GuestConfigFile, key: string, env: LiveEnv): 'now' | 'restart';
}

/** What the rules need from the emulated release: the QEMU version running the VMs (profile `qemu`). */
export interface LiveEnv {
  qemu: readonly [number, number];
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
  setEffect: (cfg, key, value, env) => qemuSetEffect(key, cfg.main[key], value, qemuLiveContext(cfg.main, env.qemu), qemuDriveFormat),
  deleteEffect: (cfg, key, env) => qemuDeleteEffect(key, qemuLiveContext(cfg.main, env.qemu)),
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
  setEffect: (cfg, key, value) => lxcSetEffect(key, cfg.main[key], value),
  deleteEffect: (_cfg, key) => lxcDeleteEffect(key),
};

export function guestKind(type: GuestType): GuestKind {
  return type === 'qemu' ? QEMU_KIND : LXC_KIND;
}
