/**
 * `planResource` for `proxmox_vm` (pure): canonical planned attributes, what forces a
 * replacement, and notes for changes a running VM only takes at its next start.
 *
 * Replacement: the forceNew attributes of its table (../attributes/vm-attributes.ts: a vmid
 * change; a different clone source), a disk moving to another storage on the same node, and
 * a disk shrink (`disks.scsi0.size cannot shrink from 200G to 100G: Proxmox only grows disks`).
 * A node change migrates the VM (migration-plan.ts). Everything else is updated in place; what
 * a running VM does with each change comes from PVE's rules
 * (providers/pve/pve-rules/qemu-hotplug-rules.ts).
 */
import { isUnknown, isValueMap, type Attributes, type Value, type ValueMap } from '../../../src/core/value.js';
import type { AttributeProblem, PlanResourceResponse } from '../../../src/provider/contract.js';
import { liveSettings } from '../attributes/derive-plan.js';
import { VM_ATTRIBUTES } from '../attributes/vm-attributes.js';
import { qemuDiskFormat } from '../mapping/drive-formats.js';
import { machineSatisfies } from '../../pve/pve-rules/qemu-machine-rules.js';
import {
  driveOptionEffect,
  netFieldEffect,
  newDriveEffect,
  newNetEffect,
  qemuDeleteEffect,
  qemuLiveContext,
  qemuSetEffect,
  type LiveEffect,
  type QemuLiveContext,
} from '../../pve/pve-rules/qemu-hotplug-rules.js';
import { changedSlots, describeChange, volumeReplacements, type LiveChange, type Replacement } from './guest-plan-common.js';
import { planGuest, plannedChange, type GuestPlanKind } from './guest-plan.js';

/** Disk attributes that are drive options of the same name. */
const DISK_OPTION_FIELDS = ['cache', 'discard', 'ssd', 'iothread', 'backup'];
/** NIC attributes and their `netN` fields. */
const NET_FIELDS: readonly (readonly [attribute: string, field: string])[] = [
  ['model', 'model'],
  ['mac', 'macaddr'],
  ['bridge', 'bridge'],
  ['firewall', 'firewall'],
  ['tag', 'tag'],
  ['rate', 'rate'],
  ['mtu', 'mtu'],
  ['link_down', 'link_down'],
];

/** A planned value as config text, for the hotplug rules (undefined: unset). */
function configText(attribute: string, v: Value | undefined): string | undefined {
  if (v === undefined || v === null || isUnknown(v)) return undefined;
  if (attribute === 'agent') return v === true ? '1' : '0';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** What the hotplug rules know of the running VM, from its prior attributes. */
function liveContext(prior: Attributes): QemuLiveContext {
  return qemuLiveContext({
    ostype: configText('ostype', prior.ostype),
    machine: configText('machine', prior.machine),
    balloon: configText('balloon', prior.balloon),
    agent: configText('agent', prior.agent),
  });
}

/**
 * Each planned change with what the running VM does with it (providers/pve/pve-rules/qemu-hotplug-rules.ts,
 * the rules the emulator applies too). Settings it takes at once are left out; device changes
 * are all listed.
 */
function liveChanges(prior: Attributes, planned: Attributes): LiveChange[] {
  const ctx = liveContext(prior);
  const out: LiveChange[] = [];
  for (const [attr, key] of liveSettings(VM_ATTRIBUTES)) {
    if (!plannedChange(prior[attr], planned[attr])) continue;
    const value = configText(attr, planned[attr]);
    const effect =
      value === undefined ? qemuDeleteEffect(key, ctx) : qemuSetEffect(key, configText(attr, prior[attr]), value, ctx, qemuDiskFormat);
    if (effect !== 'now') out.push(describeChange(attr, prior[attr], planned[attr], effect));
  }
  const pd = isValueMap(prior.disks) ? prior.disks : {};
  const nd = isValueMap(planned.disks) ? planned.disks : {};
  for (const [slot, d] of Object.entries(nd)) {
    const before = pd[slot];
    if (!isValueMap(d)) continue;
    if (!isValueMap(before)) {
      out.push({ label: `disks.${slot} added`, effect: newDriveEffect(slot, ctx) });
      continue;
    }
    for (const f of DISK_OPTION_FIELDS)
      if (plannedChange(before[f], d[f])) out.push(describeChange(`disks.${slot}.${f}`, before[f], d[f], driveOptionEffect(f)));
  }
  for (const slot of Object.keys(pd)) if (!(slot in nd)) out.push({ label: `disks.${slot} removed`, effect: qemuDeleteEffect(slot, ctx) });
  const nets = changedSlots(prior.networks, planned.networks);
  for (const s of nets.added) out.push({ label: `networks.${s} added`, effect: newNetEffect(ctx) });
  for (const s of nets.removed) out.push({ label: `networks.${s} removed`, effect: qemuDeleteEffect(s, ctx) });
  for (const s of nets.changed) {
    const before = (prior.networks as ValueMap)[s] as ValueMap;
    const after = (planned.networks as ValueMap)[s] as ValueMap;
    const fields = NET_FIELDS.filter(([attr]) => plannedChange(before[attr], after[attr]));
    // One NIC, one outcome: any field that replugs it replugs it with all its changes.
    const bridgeGone = fields.some(([attr]) => attr === 'bridge') && (before.bridge === null || after.bridge === null);
    const effects = fields.map(([, field]) => netFieldEffect(field, ctx));
    const effect: LiveEffect = bridgeGone
      ? netFieldEffect('model', ctx)
      : effects.includes('restart')
        ? 'restart'
        : effects.includes('replug')
          ? 'replug'
          : 'now';
    for (const [attr] of fields) out.push(describeChange(`networks.${s}.${attr}`, before[attr], after[attr], effect));
  }
  const usb = changedSlots(prior.usb, planned.usb);
  for (const s of [...usb.added, ...usb.changed].sort())
    out.push({ label: `usb.${s}`, effect: qemuSetEffect(s, undefined, '', ctx, qemuDiskFormat) });
  for (const s of usb.removed) out.push({ label: `usb.${s} removed`, effect: qemuDeleteEffect(s, ctx) });
  const pci = changedSlots(prior.hostpci, planned.hostpci);
  for (const s of [...pci.added, ...pci.changed].sort())
    out.push({ label: `hostpci.${s}`, effect: qemuSetEffect(s, undefined, '', ctx, qemuDiskFormat) });
  for (const s of pci.removed) out.push({ label: `hostpci.${s} removed`, effect: qemuDeleteEffect(s, ctx) });
  return out;
}

function newDiskProblems(config: Attributes, prior: Attributes | null, fromTemplate: boolean): AttributeProblem[] {
  const problems: AttributeProblem[] = [];
  if (fromTemplate && !prior) return problems; // slots may come from the template
  const cd = isValueMap(config.disks) ? config.disks : {};
  const pd = prior && isValueMap(prior.disks) ? prior.disks : {};
  const unset = (v: Value | undefined): boolean => v === undefined || v === null;
  for (const [slot, d] of Object.entries(cd)) {
    if (!isValueMap(d) || slot in pd) continue;
    if (unset(d.storage)) {
      problems.push({
        path: ['disks', slot, 'storage'],
        message: `disks.${slot}.storage is required for a new disk (the storage to allocate it on)`,
      });
    }
    if (unset(d.size) && unset(d.import_from)) {
      problems.push({
        path: ['disks', slot, 'size'],
        message: `disks.${slot}.size is required for a new disk (e.g. "32G"), unless import_from is set`,
      });
    }
  }
  return problems;
}

function diskNotes(prior: Attributes, planned: Attributes): string[] {
  const pd = isValueMap(prior.disks) ? prior.disks : {};
  const nd = isValueMap(planned.disks) ? planned.disks : {};
  const notes: string[] = [];
  for (const [slot, d] of Object.entries(pd)) {
    if (slot in nd || !isValueMap(d)) continue;
    const volume = typeof d.volume === 'string' ? ` ${d.volume}` : '';
    notes.push(`disks.${slot} is removed from the VM and its volume${volume} is destroyed`);
  }
  return notes;
}

/** A VM is cloned when config has a `clone` block. */
function isClone(config: Attributes): boolean {
  return config.clone !== undefined && config.clone !== null;
}

/** What cannot change in place for an existing VM besides its forceNew attributes: a disk's storage (unless it migrates) or a shrink. */
function vmReplacements(prior: Attributes, planned: Attributes, out: Replacement[], _notes: string[], migrating: boolean): void {
  const pd = isValueMap(prior.disks) ? prior.disks : {};
  const nd = isValueMap(planned.disks) ? planned.disks : {};
  for (const [slot, d] of Object.entries(nd)) volumeReplacements(out, ['disks', slot], pd[slot], d, migrating);
}

const VM_PLAN: GuestPlanKind = {
  noun: 'VM',
  attributes: VM_ATTRIBUTES,
  fromTemplate: isClone,
  replacements: vmReplacements,
  inPlaceNotes: diskNotes,
  liveChanges,
  problems: (config, prior) => newDiskProblems(config, prior, isClone(config)),
};

export function planVm(prior: Attributes | null, config: Attributes, providerConfig: Attributes): PlanResourceResponse {
  return planGuest(VM_PLAN, prior, withPinnedMachine(prior, config), providerConfig);
}

/**
 * A config naming a machine family (`q35`) for a VM PVE pinned to a version of it
 * (`pc-q35-10.1`, Windows guests: providers/pve/pve-rules/qemu-machine-rules.ts) plans the pinned type: no
 * change, and never an unpinning.
 */
function withPinnedMachine(prior: Attributes | null, config: Attributes): Attributes {
  if (!prior || typeof config.machine !== 'string' || typeof prior.machine !== 'string') return config;
  return config.machine !== prior.machine && machineSatisfies(config.machine, prior.machine)
    ? { ...config, machine: prior.machine }
    : config;
}
