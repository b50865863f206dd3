/**
 * Planning a crucible_attachment (pure): Oxide's attachment rules on the config, and the plan's
 * account of what the apply does to the VM.
 *
 * Checked: at most 12 disks, each in its own slot 0-11, no disk twice, the boot disk among
 * the listed disks, and — against the state — that the current boot disk is not detached
 * (Oxide refuses; change boot_disk_id first). Announced in the notes: which disks are attached
 * and detached, that a running VM is shut down for it and started again, the boot order change.
 * A different VM replaces the attachment (its disks move): `vm` is forceNew in its table.
 */
import { isValueMap, sameValue, UNKNOWN, type Attributes, type Value } from '../../../src/core/value.js';
import type { AttributeProblem, PlanResourceResponse } from '../../../src/provider/contract.js';
import { forceNewChanges, type ForceNewRule } from '../../../src/provider/force-new.js';
import { parseDiskId, parseVmRef } from '../model/resource-ids.js';
import { ATTACHMENT_ATTRIBUTES } from '../resource-schemas.js';
import { known } from './plan-values.js';

export const MAX_DISKS = 12;

interface Entry {
  slot: number;
  disk_id: string;
}

/** The listed disks, when the list is fully known. */
export function entriesOf(v: Value | undefined): Entry[] | undefined {
  if (!Array.isArray(v) || !known(v)) return undefined;
  const out: Entry[] = [];
  for (const e of v) {
    if (!isValueMap(e) || typeof e.slot !== 'number' || typeof e.disk_id !== 'string') return undefined;
    out.push({ slot: e.slot, disk_id: e.disk_id });
  }
  return out;
}

export function validateAttachment(config: Attributes): AttributeProblem[] {
  const problems: AttributeProblem[] = [];
  if (typeof config.vm === 'string' && !parseVmRef(config.vm))
    problems.push({ path: ['vm'], message: `vm "${config.vm}" is not node/vmid (e.g. pve/107)` });
  if (Array.isArray(config.disks)) {
    if (config.disks.length > MAX_DISKS)
      problems.push({
        path: ['disks'],
        message: `${config.disks.length} disks listed: Oxide attaches at most ${MAX_DISKS} disks to an instance`,
      });
    const slots = new Map<number, number>();
    const disks = new Map<string, number>();
    config.disks.forEach((e, i) => {
      if (!isValueMap(e)) return;
      if (typeof e.slot === 'number') {
        if (e.slot < 0 || e.slot >= MAX_DISKS || !Number.isInteger(e.slot))
          problems.push({ path: ['disks', i, 'slot'], message: `slot ${e.slot} is not one of 0-${MAX_DISKS - 1}` });
        const first = slots.get(e.slot);
        if (first !== undefined)
          problems.push({ path: ['disks', i, 'slot'], message: `slot ${e.slot} is used twice (disks[${first}] and disks[${i}])` });
        else slots.set(e.slot, i);
      }
      if (typeof e.disk_id === 'string') {
        if (!parseDiskId(e.disk_id))
          problems.push({
            path: ['disks', i, 'disk_id'],
            message: `"${e.disk_id}" is not a crucible_disk id (disk/<holder vmid>/<serial>)`,
          });
        const first = disks.get(e.disk_id);
        if (first !== undefined)
          problems.push({
            path: ['disks', i, 'disk_id'],
            message: `disk ${e.disk_id} is listed twice (disks[${first}] and disks[${i}]): a disk has one slot`,
          });
        else disks.set(e.disk_id, i);
      }
    });
  }
  const list = entriesOf(config.disks);
  const boot = config.boot_disk_id;
  if (typeof boot === 'string' && list && !list.some((e) => e.disk_id === boot)) {
    problems.push({
      path: ['boot_disk_id'],
      message: `boot_disk_id ${boot} is not one of the listed disks: the boot disk must be attached`,
    });
  }
  return problems;
}

function slotOf(list: Entry[], diskId: string): number | undefined {
  return list.find((e) => e.disk_id === diskId)?.slot;
}

/** How a change of each forceNew attribute (resource-schemas.ts) is seen: another known VM. */
const ATTACHMENT_REPLACEMENTS: Record<string, ForceNewRule> = {
  vm: {
    changed: ({ prior, planned }) => known(planned.vm) && !sameValue(prior.vm, planned.vm),
    reason: ({ prior, config }) =>
      `the disks move from VM ${String(prior.vm)} to VM ${typeof config.vm === 'string' ? config.vm : 'the VM'}: detached from the one, attached to the other`,
  },
};

export function planAttachment(prior: Attributes | null, config: Attributes): PlanResourceResponse {
  const problems: AttributeProblem[] = [];
  const notes: string[] = [];
  const list = entriesOf(config.disks);
  const disks: Value = list
    ? [...list].sort((a, b) => a.slot - b.slot).map((e) => ({ slot: e.slot, disk_id: e.disk_id }))
    : (config.disks ?? UNKNOWN);
  const planned: Attributes = {
    vm: config.vm ?? null,
    disks,
    boot_disk_id: config.boot_disk_id ?? null,
    id: prior ? (prior.id ?? null) : UNKNOWN,
    vm_status: prior ? (prior.vm_status ?? null) : UNKNOWN,
    devices: prior && sameValue(prior.disks, disks) ? (prior.devices ?? null) : UNKNOWN,
  };
  const vm = typeof config.vm === 'string' ? config.vm : 'the VM';
  const priorList = prior ? (entriesOf(prior.disks) ?? []) : [];
  const requiresReplace = prior ? forceNewChanges(ATTACHMENT_ATTRIBUTES, { prior, planned, config }, ATTACHMENT_REPLACEMENTS) : [];
  if (!list) {
    // Disk ids not known yet (disks created in the same apply): announce the stop all the same.
    const slots = Array.isArray(config.disks)
      ? config.disks.map((e) => (isValueMap(e) && typeof e.slot === 'number' ? `scsi${e.slot}` : 'a slot'))
      : [];
    if (slots.length > 0) notes.push(stopNote(prior, vm, `attach disks as ${slots.join(', ')}`));
    return { planned, requiresReplace, notes, problems };
  }
  const attached = list.filter((e) => !priorList.some((p) => p.disk_id === e.disk_id && p.slot === e.slot));
  const detached = requiresReplace.length > 0 ? [] : priorList.filter((p) => !list.some((e) => e.disk_id === p.disk_id));
  const priorBoot = prior && typeof prior.boot_disk_id === 'string' ? prior.boot_disk_id : undefined;
  if (priorBoot && requiresReplace.length === 0 && !list.some((e) => e.disk_id === priorBoot)) {
    problems.push({
      path: ['disks'],
      message: `disk ${priorBoot} is the boot disk of VM ${vm} and cannot be detached: first make another disk the boot disk (boot_disk_id) or set boot_disk_id: null and apply, then remove it from disks`,
    });
  }
  const bootChange = known(planned.boot_disk_id) && !sameValue(prior?.boot_disk_id ?? null, planned.boot_disk_id);
  if (attached.length === 0 && detached.length === 0 && !bootChange) return { planned, requiresReplace, notes, problems };
  const parts: string[] = [];
  if (attached.length > 0) parts.push(`attach ${attached.map((e) => `${e.disk_id} as scsi${e.slot}`).join(', ')}`);
  if (detached.length > 0) parts.push(`detach ${detached.map((e) => `${e.disk_id} (scsi${e.slot})`).join(', ')}`);
  if (bootChange) {
    const slot = typeof planned.boot_disk_id === 'string' ? slotOf(list, planned.boot_disk_id) : undefined;
    parts.push(slot !== undefined ? `boot from scsi${slot}` : 'stop booting from a crucible disk');
  }
  notes.push(stopNote(prior, vm, parts.join('; ')));
  return { planned, requiresReplace, notes, problems };
}

/** The plan's account of stopping the VM for a change (Oxide's rule). */
function stopNote(prior: Attributes | null, vm: string, what: string): string {
  const rule = '(Oxide attaches and detaches disks only while the instance is stopped)';
  if (prior?.vm_status === 'running') return `VM ${vm} is running: hl shuts it down to ${what}, then starts it again ${rule}`;
  if (prior && typeof prior.vm_status === 'string') return `VM ${vm} is ${prior.vm_status}: hl will ${what}`;
  return `to ${what}, VM ${vm} must be stopped: if it is running at apply time, hl shuts it down and starts it again ${rule}`;
}
