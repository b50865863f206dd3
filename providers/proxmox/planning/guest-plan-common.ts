/**
 * Planning steps shared by VMs and containers (pure): computed values (id, status,
 * pending_changes), replacement reasons for volumes that would shrink or change storage,
 * and the reboot note for changes a running guest only takes at its next start.
 */
import { isUnknown, isValueMap, UNKNOWN, valueEquals, type Attributes, type Path, type Value } from '../../../src/core/value.js';
import type { RebootPolicy } from '../../pve/provider-settings.js';
import type { LiveEffect } from '../../pve/pve-rules/qemu-hotplug-rules.js';
import { sizeBytes } from '../mapping/pve-values.js';

export interface Replacement {
  path: Path;
  reason: string;
}

export function rebootPolicyOf(providerConfig: Attributes): RebootPolicy {
  return providerConfig.reboot === 'if-needed' ? 'if-needed' : 'never';
}

function show(v: Value | undefined): string {
  if (v === undefined || v === null) return 'unset';
  if (isUnknown(v)) return '(known after apply)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function known(v: Value | undefined): v is Value {
  return v !== undefined && v !== null && !isUnknown(v);
}

/** A scalar attribute that cannot change in place. */
export function replaceIfChanged(out: Replacement[], prior: Attributes, planned: Attributes, name: string, why: string): void {
  const before = prior[name];
  const after = planned[name];
  if (!known(before) || isUnknown(after) || valueEquals(before, after ?? null)) return;
  out.push({ path: [name], reason: `${name} changes from ${show(before)} to ${show(after)}: ${why}` });
}

/**
 * A volume (disk, rootfs, mount point) that exists before and after: a shrink cannot be done
 * in place, nor a storage change, unless the guest migrates to another node (`migrating`): the
 * migration then copies the volume to its new storage (migration-plan.ts).
 */
export function volumeReplacements(
  out: Replacement[],
  path: Path,
  prior: Value | undefined,
  planned: Value | undefined,
  migrating: boolean,
): void {
  if (!isValueMap(prior) || !isValueMap(planned)) return;
  const where = path.join('.');
  if (!migrating && known(prior.storage) && known(planned.storage) && prior.storage !== planned.storage) {
    out.push({
      path: [...path, 'storage'],
      reason: `${where}.storage cannot change from ${show(prior.storage)} to ${show(planned.storage)} in place: hl moves a volume to another storage only when the guest migrates to another node`,
    });
  }
  const was = sizeBytes(prior.size);
  const will = sizeBytes(planned.size);
  if (was !== undefined && will !== undefined && will < was) {
    out.push({
      path: [...path, 'size'],
      reason: `${where}.size cannot shrink from ${show(prior.size)} to ${show(planned.size)}: Proxmox only grows disks`,
    });
  }
}

/** Keys in `before`/`after` slot maps whose entries differ (added, removed or changed). */
export function changedSlots(
  before: Value | undefined,
  after: Value | undefined,
): { added: string[]; removed: string[]; changed: string[] } {
  const b = isValueMap(before) ? before : {};
  const a = isValueMap(after) ? after : {};
  const added = Object.keys(a).filter((k) => !(k in b));
  const removed = Object.keys(b).filter((k) => !(k in a));
  const changed = Object.keys(a).filter((k) => k in b && !valueEquals(withoutUnknown(a[k]), withoutUnknown(b[k], a[k])));
  return { added, removed, changed };
}

/** `v` with fields that are unknown in `like` (or in `v`) dropped, for comparisons. */
function withoutUnknown(v: Value | undefined, like?: Value): Value {
  if (!isValueMap(v)) return v ?? null;
  const ref = isValueMap(like) ? like : v;
  const out: Record<string, Value> = {};
  for (const [k, x] of Object.entries(v)) if (!isUnknown(x) && !isUnknown(ref[k] ?? null)) out[k] = x;
  return out;
}

/**
 * A planned change and what the running guest does with it, from PVE's rules
^ * (providers/pve/pve-rules/): `restart` waits for its next start, `replug` is taken by unplugging the device
 * and plugging it in again, `now` at once. Settings taken at once are listed only for devices
 * (disks, NICs, USB, mount points), where a user could expect a restart; a new name or tag needs
 * no note.
 */
export interface LiveChange {
  /** What changes, for the note (`memory 4096 → 8192`). */
  label: string;
  effect: LiveEffect;
}

export function describeChange(
  name: string,
  before: Value | undefined,
  after: Value | undefined,
  effect: LiveEffect = 'restart',
): LiveChange {
  const simple = (v: Value | undefined) => v === undefined || v === null || typeof v !== 'object' || isUnknown(v);
  return { label: simple(before) && simple(after) ? `${name} ${show(before)} → ${show(after)}` : name, effect };
}

/** Notes for the changes a running guest takes at once or by replugging a device. */
function liveNotes(kind: 'VM' | 'container', changes: LiveChange[]): string[] {
  const notes: string[] = [];
  const replug = changes.filter((c) => c.effect === 'replug');
  if (replug.length > 0) {
    notes.push(
      `${replug.map((c) => c.label).join(', ')}: the running ${kind} unplugs ${replug.length === 1 ? 'this device' : 'these devices'} and plugs ${replug.length === 1 ? 'it' : 'them'} in again now (the guest sees the NIC go away and come back)`,
    );
  }
  const now = changes.filter((c) => c.effect === 'now');
  if (now.length > 0)
    notes.push(
      `${now.map((c) => c.label).join(', ')}: the running ${kind} applies ${now.length === 1 ? 'this change' : 'these changes'} now, without a restart`,
    );
  return notes;
}

/**
 * The notes and planned `pending_changes` for a guest that runs and stays running. `all` are
 * the planned changes with what the guest does with each; `priorPending` what PVE already
 * holds pending.
 */
export function rebootPlan(
  kind: 'VM' | 'container',
  policy: RebootPolicy,
  all: LiveChange[],
  priorPending: string[],
): { notes: string[]; pending: Value } {
  const notes: string[] = [];
  const changes = all.filter((c) => c.effect === 'restart');
  const live = liveNotes(kind, all);
  if (changes.length === 0 && priorPending.length === 0) return { notes: live, pending: [] };
  if (changes.length > 0) {
    const what = changes.map((c) => c.label).join(', ');
    notes.push(
      policy === 'if-needed'
        ? `${what}: the running ${kind} takes ${changes.length === 1 ? 'this change' : 'these changes'} only at its next start; reboot policy "if-needed": hl shuts it down and starts it again during apply`
        : `${what}: the running ${kind} takes ${changes.length === 1 ? 'this change' : 'these changes'} only at its next start; reboot policy "never": ${changes.length === 1 ? 'it stays' : 'they stay'} pending until the ${kind} is restarted (set reboot = "if-needed" on the provider to restart it during apply)`,
    );
  }
  if (priorPending.length > 0) {
    notes.push(
      policy === 'if-needed'
        ? `changes pending on the running ${kind} (${priorPending.join(', ')}) are applied: hl shuts it down and starts it again during apply`
        : `changes pending on the running ${kind} (${priorPending.join(', ')}) wait for its next restart (reboot policy "never")`,
    );
  }
  notes.push(...live);
  if (policy === 'if-needed') return { notes, pending: [] };
  return { notes, pending: changes.length > 0 ? UNKNOWN : priorPending };
}

export function stringList(v: Value | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** id, status and vmid after planning. */
export function fillIdentity(planned: Attributes, prior: Attributes | null, replacing: boolean): void {
  if (prior && !replacing) {
    if (!known(planned.vmid)) planned.vmid = prior.vmid ?? null;
    planned.id = prior.id ?? null;
  } else {
    planned.id = typeof planned.node === 'string' && typeof planned.vmid === 'number' ? `${planned.node}/${planned.vmid}` : UNKNOWN;
    if (planned.vmid === null) planned.vmid = UNKNOWN;
  }
  const started = planned.started;
  if (typeof started !== 'boolean') planned.status = UNKNOWN;
  else if (prior && !replacing && prior.started === started && typeof prior.status === 'string') planned.status = prior.status;
  else planned.status = started ? 'running' : 'stopped';
}
