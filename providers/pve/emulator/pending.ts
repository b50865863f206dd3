/**
 * Config updates with PVE's pending semantics (qemu-server update_vm_api / pve-container
 * update_pct_config): changes and deletions are first written to the `[PENDING]` section, equal
 * values are dropped, then a stopped guest applies everything, a running guest applies what it
 * can hotplug (the rules of ../pve-rules/, through guest-kind.ts) among the keys this update
 * touched (qemu-server and pve-container pass the modified keys as the selection; qemu-server
 * writes its fast-plug keys whatever the selection) and keeps the rest pending until it is
 * restarted. Deleting a key that is set neither in the config nor pending is a warning (`cannot
 * delete 'x' - not set in current configuration!`), which makes the qemu task end `WARNINGS: N`.
 * Replaced or deleted disks become `unusedN`; `unusedN` deletions and forced disk deletions
 * free the volume. Both only for a volume the guest owns (its VMID in the volume name, qemu-server
 * vm_is_volid_owner): a volume of another guest is just dropped from the config, never parked in
 * `unusedN` nor freed.
 */
import { formatPendingDelete, parsePendingDelete, type ConfigSection, type GuestConfigFile } from './config-text.js';
import { fail } from './api-error.js';
import type { GuestKind, LiveEnv } from './guest-kind.js';
import { isFastPlugKey } from '../pve-rules/qemu-hotplug-rules.js';
import { pveProfile } from './pve-profile.js';
import { volumeOwner } from './storage-ops.js';

export interface ConfigUpdate {
  /** New values, already canonical (drives allocated, MACs added). */
  values: Record<string, string>;
  deletes: { key: string; force: boolean }[];
  reverts: string[];
  running: boolean;
  /** The guest's VMID: volumes of other guests are dropped, not parked or freed. */
  vmid?: number;
  /** The emulated release's QEMU (default: the newest profile's). */
  env?: LiveEnv;
}

export interface UpdateOutcome {
  /** Volumes to free (unusedN deletions, forced deletions, removed cloud-init drives). */
  freeVolumes: string[];
  warnings: string[];
  /** Devices a running VM unplugged and plugged again (a NIC whose model or MAC changed, ...). */
  replugged?: string[];
}

/** A running guest's hotplug pass: the release's facts and the keys the update touched. */
export interface HotplugScope {
  env: LiveEnv;
  /** Keys this update modified; undefined: every pending key. */
  selection?: ReadonlySet<string>;
}

/** Adds `volid` as the first free `unusedN` unless it is already listed; returns the key. */
export function addUnusedVolume(section: ConfigSection, volid: string): string {
  for (const [k, v] of Object.entries(section)) {
    if (/^unused\d+$/.test(k) && (v === volid || v.split(',')[0] === volid)) return k;
  }
  for (let i = 0; ; i++) {
    const key = `unused${i}`;
    if (section[key] === undefined) {
      section[key] = volid;
      return key;
    }
  }
}

/** Whether `volid` is still used by another key of the config (main, pending or snapshots). */
function stillUsed(kind: GuestKind, cfg: GuestConfigFile, volid: string, exceptKey: string, exceptSection: ConfigSection): boolean {
  const sections: ConfigSection[] = [cfg.main, cfg.pending, ...Object.values(cfg.snapshots)];
  for (const s of sections) {
    for (const [k, v] of Object.entries(s)) {
      if (s === exceptSection && k === exceptKey) continue;
      if (kind.volumeOf(k, v) === volid) return true;
    }
  }
  return false;
}

/** Whether `volid` belongs to another guest than `vmid` (unknown `vmid`: never). */
function foreignVolume(volid: string, vmid: number | undefined): boolean {
  if (vmid === undefined) return false;
  const owner = volumeOwner(volid.split(':')[1] ?? '');
  return owner !== vmid;
}

/** A volume replaced or removed from `key`: freed (cloud-init, forced) or kept as unusedN. */
function releaseVolume(
  kind: GuestKind,
  cfg: GuestConfigFile,
  key: string,
  value: string,
  force: boolean,
  out: UpdateOutcome,
  vmid?: number,
): void {
  const volid = kind.volumeOf(key, value);
  if (!volid || /^unused\d+$/.test(key)) return;
  if (stillUsed(kind, cfg, volid, key, cfg.main)) return;
  if (foreignVolume(volid, vmid)) return;
  if (force || kind.freeOnRemove(key, value)) out.freeVolumes.push(volid);
  else addUnusedVolume(cfg.main, volid);
}

/** Drops pending values equal to the current ones and pending deletions of absent keys. */
export function cleanupPending(cfg: GuestConfigFile): void {
  const del = parsePendingDelete(cfg.pending.delete);
  for (const key of [...del.keys()]) if (cfg.main[key] === undefined) del.delete(key);
  for (const [k, v] of Object.entries(cfg.pending)) {
    if (k !== 'delete' && cfg.main[k] === v) delete cfg.pending[k];
  }
  const d = formatPendingDelete(del);
  if (d === undefined) delete cfg.pending.delete;
  else cfg.pending.delete = d;
}

/** Whether a running guest's hotplug pass looks at `key` (qemu-server always writes fast-plug keys). */
function selected(kind: GuestKind, scope: HotplugScope, key: string, isDelete: boolean): boolean {
  if (!scope.selection || scope.selection.has(key)) return true;
  return kind.type === 'qemu' && !isDelete && isFastPlugKey(key);
}

/**
 * Applies pending changes: all of them (`hotplug` false: stopped guest, start, reboot) or
 * those a running guest takes at once (`hotplug`: its scope).
 */
export function applyPending(
  kind: GuestKind,
  cfg: GuestConfigFile,
  hotplug: HotplugScope | false,
  out: UpdateOutcome,
  vmid?: number,
): void {
  const del = parsePendingDelete(cfg.pending.delete);
  for (const [key, force] of [...del.entries()]) {
    if (hotplug && (!selected(kind, hotplug, key, true) || kind.deleteEffect(cfg, key, hotplug.env) === 'restart')) continue;
    const old = cfg.main[key];
    if (old !== undefined) {
      if (/^unused\d+$/.test(key)) {
        const volid = kind.volumeOf(key, old);
        if (volid && !foreignVolume(volid, vmid)) out.freeVolumes.push(volid);
        delete cfg.main[key];
      } else {
        delete cfg.main[key];
        if (kind.isVolumeKey(key)) releaseVolume(kind, cfg, key, old, force, out, vmid);
      }
    }
    del.delete(key);
  }
  for (const [key, value] of Object.entries(cfg.pending)) {
    if (key === 'delete') continue;
    if (hotplug) {
      if (!selected(kind, hotplug, key, false)) continue;
      const effect = kind.setEffect(cfg, key, value, hotplug.env);
      if (effect === 'restart') continue;
      if (effect === 'replug') (out.replugged ??= []).push(key);
    }
    const old = cfg.main[key];
    cfg.main[key] = value;
    delete cfg.pending[key];
    if (old !== undefined && old !== value && kind.isVolumeKey(key)) {
      const oldVol = kind.volumeOf(key, old);
      if (oldVol && oldVol !== kind.volumeOf(key, value)) releaseVolume(kind, cfg, key, old, false, out, vmid);
    }
  }
  const d = formatPendingDelete(del);
  if (d === undefined) delete cfg.pending.delete;
  else cfg.pending.delete = d;
}

/**
 * Writes an update into `cfg` as PVE does. `protectionCheck` is called for removals of disks
 * (PVE refuses those on protected guests).
 */
export function updateConfig(kind: GuestKind, cfg: GuestConfigFile, update: ConfigUpdate): UpdateOutcome {
  const out: UpdateOutcome = { freeVolumes: [], warnings: [], replugged: [] };
  const modified = new Set<string>([...update.deletes.map((d) => d.key), ...Object.keys(update.values)]);
  const del = parsePendingDelete(cfg.pending.delete);
  const protectedGuest = cfg.main.protection === '1';

  for (const key of update.reverts) {
    delete cfg.pending[key];
    del.delete(key);
  }

  for (const { key, force } of update.deletes) {
    const value = cfg.main[key] ?? cfg.pending[key];
    if (value === undefined) {
      out.warnings.push(`cannot delete '${key}' - not set in current configuration!`);
      modified.delete(key);
      continue;
    }
    if (kind.isVolumeKey(key) && protectedGuest) {
      if (/^unused\d+$/.test(key)) fail(`can't remove unused disk '${kind.volumeOf(key, value) ?? value}' - protection mode enabled`);
      fail(`can't remove drive '${key}' - protection mode enabled`);
    }
    const pendingValue = cfg.pending[key];
    if (pendingValue !== undefined) {
      delete cfg.pending[key];
      const pv = kind.volumeOf(key, pendingValue);
      if (pv && pv !== kind.volumeOf(key, cfg.main[key] ?? '') && !foreignVolume(pv, update.vmid)) {
        if (kind.freeOnRemove(key, pendingValue)) out.freeVolumes.push(pv);
        else addUnusedVolume(cfg.main, pv);
      }
    }
    if (/^unused\d+$/.test(key) && cfg.main[key] !== undefined) {
      const volid = kind.volumeOf(key, cfg.main[key] as string);
      if (volid && !foreignVolume(volid, update.vmid)) out.freeVolumes.push(volid);
      delete cfg.main[key];
      continue;
    }
    if (key === 'tags' && kind.type === 'qemu') {
      delete cfg.main[key];
      continue;
    }
    if (cfg.main[key] === undefined) continue;
    del.set(key, force);
  }

  for (const [key, value] of Object.entries(update.values)) {
    const pendingValue = cfg.pending[key];
    if (pendingValue === value) continue;
    if (pendingValue !== undefined && kind.isVolumeKey(key)) {
      const pv = kind.volumeOf(key, pendingValue);
      if (pv && pv !== kind.volumeOf(key, value) && pv !== kind.volumeOf(key, cfg.main[key] ?? '') && !foreignVolume(pv, update.vmid)) {
        addUnusedVolume(cfg.main, pv);
      }
    }
    if (key === 'cipassword' && kind.type === 'qemu') {
      cfg.main[key] = value;
      continue;
    }
    cfg.pending[key] = value;
    del.delete(key);
  }

  const d = formatPendingDelete(del);
  if (d === undefined) delete cfg.pending.delete;
  else cfg.pending.delete = d;
  cleanupPending(cfg);
  const env = update.env ?? { qemu: pveProfile().qemu };
  applyPending(kind, cfg, update.running ? { env, selection: modified } : false, out, update.vmid);
  return out;
}
