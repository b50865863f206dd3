/**
 * `planResource` for `proxmox_vm` (pure): canonical planned attributes, what forces a
 * replacement, and notes for changes a running VM only takes at its next start.
 *
 * Replacement: a node change (hl does not migrate), a vmid change, a different clone source,
 * a disk moving to another storage, and a disk shrink (`disks.scsi0.size cannot shrink from
 * 200G to 100G: Proxmox only grows disks`). Everything else is updated in place.
 */
import { isUnknown, isValueMap, valueEquals, type Attributes, type Value } from '../../../src/core/value.js';
import type { AttributeProblem, PlanResourceResponse } from '../../../src/provider/contract.js';
import { canonDescription, canonMac, canonPool, canonSize, canonStringList, canonTags } from '../mapping/pve-values.js';
import type { Spec } from './attribute-plan.js';
import { changedSlots, describeChange, volumeReplacements, type RebootChange, type Replacement } from './guest-plan-common.js';
import { planGuest, plannedChange, scalarSpec as sc, serverDecides, type GuestPlanKind } from './guest-plan.js';

function canonCache(v: Value): Value {
  return v === 'none' ? null : v;
}

/** A clone source: a number, or a string of digits, is a VMID; other text is a template name. */
export function canonCloneSource(v: Value): Value {
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim());
  return typeof v === 'string' ? v.trim() : v;
}

export const VM_SPECS: Record<string, Spec> = {
  id: sc({ computedOnly: true }),
  node: sc(),
  vmid: sc({ createDefault: 'unknown' }),
  name: sc({ createDefault: null }),
  description: sc({ canon: canonDescription, createDefault: null, cloneDefault: null }),
  tags: sc({ canon: canonTags, createDefault: [] }),
  pool: sc({ canon: canonPool, createDefault: null, cloneDefault: null }),
  cores: serverDecides,
  sockets: serverDecides,
  cpu: serverDecides,
  memory: serverDecides,
  balloon: sc({ createDefault: null }),
  machine: serverDecides,
  bios: serverDecides,
  ostype: serverDecides,
  agent: sc({ createDefault: false }),
  onboot: sc({ createDefault: false }),
  protection: sc({ createDefault: false }),
  scsi_hardware: serverDecides,
  started: sc({ createDefault: true, cloneDefault: true }),
  status: sc({ computedOnly: true }),
  pending_changes: sc({ computedOnly: true }),
  clone: {
    kind: 'object',
    createDefault: null,
    fields: {
      source: sc({ canon: canonCloneSource }),
      full: sc({ createDefault: true, cloneDefault: true }),
      snapshot: sc({ createDefault: null, cloneDefault: null }),
    },
  },
  disks: {
    kind: 'slots',
    fields: {
      storage: sc({ createDefault: 'unknown' }),
      size: sc({ canon: canonSize, createDefault: 'unknown' }),
      cache: sc({ canon: canonCache }),
      discard: sc({ createDefault: false }),
      ssd: sc({ createDefault: false }),
      iothread: sc({ createDefault: false }),
      backup: sc({ createDefault: true }),
      format: sc({ createOnly: true, cloneDefault: null }),
      import_from: sc({ createOnly: true, cloneDefault: null }),
      volume: sc({ computedOnly: true }),
    },
  },
  networks: {
    kind: 'slots',
    fields: {
      model: sc({ createDefault: 'virtio' }),
      mac: sc({ canon: canonMac, createDefault: 'unknown' }),
      bridge: sc(),
      firewall: sc({ createDefault: false }),
      tag: sc(),
      rate: sc(),
      mtu: sc(),
      link_down: sc({ createDefault: false }),
    },
  },
  cloud_init: {
    kind: 'object',
    createDefault: null,
    fields: {
      user: sc(),
      password: sc(),
      ssh_keys: sc({ canon: canonStringList, createDefault: [] }),
      ipconfig: { kind: 'slots', fields: { ip: sc(), gw: sc(), ip6: sc(), gw6: sc() } },
      nameserver: sc(),
      searchdomain: sc(),
      storage: sc({ createDefault: 'unknown' }),
    },
  },
  usb: { kind: 'slots', fields: { host: sc(), mapping: sc(), usb3: sc({ createDefault: false }) } },
  hostpci: {
    kind: 'slots',
    fields: { host: sc(), mapping: sc(), pcie: sc({ createDefault: false }), rombar: sc({ createDefault: true }), x_vga: sc({ createDefault: false }) },
  },
};

/** Top-level keys a running VM takes only at its next start. */
const VM_RESTART_KEYS = ['cores', 'sockets', 'cpu', 'memory', 'machine', 'bios', 'ostype', 'agent', 'scsi_hardware'];
const DISK_OPTION_FIELDS = ['cache', 'discard', 'ssd', 'iothread', 'backup'];

function restartChanges(prior: Attributes, planned: Attributes): RebootChange[] {
  const out: RebootChange[] = [];
  for (const k of VM_RESTART_KEYS) if (plannedChange(prior[k], planned[k])) out.push(describeChange(k, prior[k], planned[k]));
  const pd = isValueMap(prior.disks) ? prior.disks : {};
  const nd = isValueMap(planned.disks) ? planned.disks : {};
  for (const [slot, d] of Object.entries(nd)) {
    const before = pd[slot];
    if (!isValueMap(d)) continue;
    if (!isValueMap(before)) {
      // New scsi/virtio disks are hotplugged; ide/sata ones are not.
      if (!/^(scsi|virtio)/.test(slot)) out.push({ label: `disks.${slot} (new ${slot.replace(/\d+$/, '')} disk)` });
      continue;
    }
    for (const f of DISK_OPTION_FIELDS) if (plannedChange(before[f], d[f])) out.push(describeChange(`disks.${slot}.${f}`, before[f], d[f]));
  }
  for (const slot of Object.keys(pd)) if (!(slot in nd) && !/^(scsi|virtio)/.test(slot)) out.push({ label: `disks.${slot} removed` });
  const pci = changedSlots(prior.hostpci, planned.hostpci);
  for (const s of [...pci.added, ...pci.removed, ...pci.changed].sort()) out.push({ label: `hostpci.${s}` });
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
      problems.push({ path: ['disks', slot, 'storage'], message: `disks.${slot}.storage is required for a new disk (the storage to allocate it on)` });
    }
    if (unset(d.size) && unset(d.import_from)) {
      problems.push({ path: ['disks', slot, 'size'], message: `disks.${slot}.size is required for a new disk (e.g. "32G"), unless import_from is set` });
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

/** What cannot change in place for an existing VM: its clone source, a disk's storage or a shrink. */
function vmReplacements(prior: Attributes, planned: Attributes, out: Replacement[], notes: string[]): void {
  if (isValueMap(prior.clone) && !isUnknown(planned.clone) && !valueEquals(prior.clone, planned.clone)) {
    out.push({ path: ['clone'], reason: 'clone changes: a VM is cloned only when it is created, so a different source means a new VM' });
  } else if (!isValueMap(prior.clone) && isValueMap(planned.clone)) {
    notes.push('clone is only used when a VM is created; for this existing VM it is recorded, nothing is cloned');
  }
  const pd = isValueMap(prior.disks) ? prior.disks : {};
  const nd = isValueMap(planned.disks) ? planned.disks : {};
  for (const [slot, d] of Object.entries(nd)) volumeReplacements(out, ['disks', slot], pd[slot], d);
}

const VM_PLAN: GuestPlanKind = {
  noun: 'VM',
  specs: VM_SPECS,
  fromTemplate: isClone,
  replacements: vmReplacements,
  inPlaceNotes: diskNotes,
  restartChanges,
  problems: (config, prior) => newDiskProblems(config, prior, isClone(config)),
};

export function planVm(prior: Attributes | null, config: Attributes, providerConfig: Attributes): PlanResourceResponse {
  return planGuest(VM_PLAN, prior, config, providerConfig);
}
