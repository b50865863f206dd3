/**
 * The provider's schema: the JSON Schemas in `schemas/` and the top-level attribute flags the
 * engine uses for diffing, computed values and sensitivity.
 */
import type { AttributeSchema, ProviderSchema, ResourceTypeSchema } from '../../src/provider/contract.js';
import lxcJsonSchema from '../../schemas/proxmox_lxc.schema.json' with { type: 'json' };
import providerJsonSchema from '../../schemas/provider-proxmox.schema.json' with { type: 'json' };
import vmJsonSchema from '../../schemas/proxmox_vm.schema.json' with { type: 'json' };
import { PROVIDER_SENSITIVE } from '../pve/provider-settings.js';

const settable = (description: string, extra: Partial<AttributeSchema> = {}): AttributeSchema => ({
  optional: true,
  computed: true,
  description,
  ...extra,
});
const computed = (description: string): AttributeSchema => ({ computed: true, description });

const COMMON: Record<string, AttributeSchema> = {
  id: computed('node/vmid'),
  node: { required: true, forceNew: true, description: 'Cluster node (a change replaces the guest)' },
  vmid: settable('VMID (default: chosen from /cluster/nextid); no two guests of the cluster share one', { forceNew: true, identity: true }),
  description: settable('Notes'),
  tags: settable('Tags (a set)'),
  pool: settable('Resource pool'),
  onboot: settable('Start at node boot'),
  protection: settable('Protection flag'),
  started: settable('Power state'),
  status: computed('PVE status: running, stopped, ...'),
  pending_changes: computed('Config keys waiting for the next start of the guest'),
  networks: settable('NICs keyed by slot (netN); mac computed'),
};

export const VM_SCHEMA: ResourceTypeSchema = {
  jsonSchema: vmJsonSchema,
  sensitivePaths: [['cloud_init', 'password']],
  importIdFormat: 'node/vmid (e.g. pve/101) or vmid',
  attributes: {
    ...COMMON,
    name: settable('VM name'),
    cores: settable('Cores per socket'),
    sockets: settable('Sockets'),
    cpu: settable('CPU type'),
    memory: settable('Memory (MiB)'),
    balloon: settable('Balloon minimum (MiB)'),
    machine: settable('Machine type'),
    bios: settable('Firmware'),
    ostype: settable('Guest OS type'),
    agent: settable('QEMU guest agent'),
    scsi_hardware: settable('SCSI controller'),
    clone: { optional: true, forceNew: true, description: 'Clone source (used at creation)' },
    disks: settable('Disks keyed by slot'),
    cloud_init: settable('Cloud-init settings'),
    usb: settable('USB passthrough keyed by slot'),
    hostpci: settable('PCI passthrough keyed by slot'),
  },
};

export const LXC_SCHEMA: ResourceTypeSchema = {
  jsonSchema: lxcJsonSchema,
  importIdFormat: 'node/vmid (e.g. pve/100) or vmid',
  attributes: {
    ...COMMON,
    hostname: settable('Host name'),
    ostemplate: { optional: true, forceNew: true, description: 'Template (used at creation)' },
    password: { optional: true, sensitive: true, description: 'Root password (used at creation)' },
    ssh_public_keys: { optional: true, description: 'Root SSH keys (used at creation)' },
    cores: settable('CPU cores'),
    memory: settable('Memory (MiB)'),
    swap: settable('Swap (MiB)'),
    ostype: settable('OS type'),
    unprivileged: settable('Unprivileged container', { forceNew: true }),
    nameserver: settable('DNS servers'),
    searchdomain: settable('DNS search domain'),
    rootfs: settable('Root file system'),
    mount_points: settable('Mount points keyed by slot'),
    features: settable('Container features'),
    dev: settable('Device nodes keyed by slot'),
  },
};

export function proxmoxSchema(): ProviderSchema {
  return {
    providerJsonSchema,
    providerSensitive: PROVIDER_SENSITIVE,
    resources: { proxmox_vm: VM_SCHEMA, proxmox_lxc: LXC_SCHEMA },
    dataSources: {},
  };
}
