/**
 * The top-level attributes of `proxmox_vm`, each declared once (guest-attribute.ts), in the
 * order they are planned and stored: who sets it, how it is planned, what replaces the VM
 * (node, vmid, a different clone source) and the config key PVE's hotplug rules judge a change
 * of a setting by. Replacements inside a block (a disk that would move or shrink) are the
 * planner's (planning/vm-plan.ts).
 */
import { isUnknown, isValueMap, valueEquals, type Attributes, type Value } from '../../../src/core/value.js';
import { canonMac, canonSize, canonStringList } from '../mapping/pve-values.js';
import type { Replacement } from '../planning/guest-plan-common.js';
import { NETWORKS_DESCRIPTION, sharedAttributes } from './common-attributes.js';
import { PLACEMENT_ATTRIBUTE } from './placement-attribute.js';
import { scalar as sc, serverDecides, settable, type GuestAttributeTable } from './guest-attribute.js';

function canonCache(v: Value): Value {
  return v === 'none' ? null : v;
}

/** A clone source: a number, or a string of digits, is a VMID; other text is a template name. */
function canonCloneSource(v: Value): Value {
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim());
  return typeof v === 'string' ? v.trim() : v;
}

/** A different clone source means a new VM; a clone block added to an existing VM is only recorded. */
function cloneReplacement(prior: Attributes, planned: Attributes, out: Replacement[], notes: string[]): void {
  if (isValueMap(prior.clone) && !isUnknown(planned.clone) && !valueEquals(prior.clone, planned.clone)) {
    out.push({ path: ['clone'], reason: 'clone changes: a VM is cloned only when it is created, so a different source means a new VM' });
  } else if (!isValueMap(prior.clone) && isValueMap(planned.clone)) {
    notes.push('clone is only used when a VM is created; for this existing VM it is recorded, nothing is cloned');
  }
}

const shared = sharedAttributes('VM');

export const VM_ATTRIBUTES: GuestAttributeTable = {
  id: shared.id,
  node: shared.node,
  vmid: shared.vmid,
  name: settable('VM name', sc({ createDefault: null })),
  description: shared.description,
  tags: shared.tags,
  pool: shared.pool,
  cores: settable('Cores per socket', serverDecides, { live: { key: 'cores' } }),
  sockets: settable('Sockets', serverDecides, { live: { key: 'sockets' } }),
  cpu: settable('CPU type', serverDecides, { live: { key: 'cpu' } }),
  memory: settable('Memory (MiB)', serverDecides, { live: { key: 'memory' } }),
  balloon: settable('Balloon minimum (MiB)', sc({ createDefault: null }), { live: { key: 'balloon' } }),
  machine: settable('Machine type', serverDecides, { live: { key: 'machine' } }),
  bios: settable('Firmware', serverDecides, { live: { key: 'bios' } }),
  ostype: settable('Guest OS type', serverDecides, { live: { key: 'ostype' } }),
  agent: settable('QEMU guest agent', sc({ createDefault: false }), { live: { key: 'agent' } }),
  onboot: shared.onboot,
  protection: shared.protection,
  scsi_hardware: settable('SCSI controller', serverDecides, { live: { key: 'scsihw' } }),
  started: shared.started,
  status: shared.status,
  pending_changes: shared.pending_changes,
  clone: {
    description: 'Clone source (used at creation)',
    setBy: 'config',
    forceNew: cloneReplacement,
    plan: {
      kind: 'object',
      createDefault: null,
      fields: {
        source: sc({ canon: canonCloneSource }),
        full: sc({ createDefault: true, cloneDefault: true }),
        snapshot: sc({ createDefault: null, cloneDefault: null }),
      },
    },
  },
  disks: settable('Disks keyed by slot', {
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
  }),
  networks: settable(NETWORKS_DESCRIPTION, {
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
  }),
  cloud_init: settable('Cloud-init settings', {
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
  }),
  usb: settable('USB passthrough keyed by slot', {
    kind: 'slots',
    fields: { host: sc(), mapping: sc(), usb3: sc({ createDefault: false }) },
  }),
  hostpci: settable('PCI passthrough keyed by slot', {
    kind: 'slots',
    fields: {
      host: sc(),
      mapping: sc(),
      pcie: sc({ createDefault: false }),
      rombar: sc({ createDefault: true }),
      x_vga: sc({ createDefault: false }),
    },
  }),
  placement: PLACEMENT_ATTRIBUTE,
};
