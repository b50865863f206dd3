/**
 * The crucible provider's schema: the JSON Schemas in `schemas/` and the top-level attribute
 * flags the engine uses for diffing and computed values. What Oxide cannot change is refused
 * at plan time instead of planned as a replacement (see planning/); the one forceNew attribute
 * is an attachment's `vm` (its disks move to another VM).
 */
import type { AttributeSchema, ProviderSchema } from '../../src/provider/contract.js';
import attachmentJsonSchema from '../../schemas/crucible_attachment.schema.json' with { type: 'json' };
import diskJsonSchema from '../../schemas/crucible_disk.schema.json' with { type: 'json' };
import imageJsonSchema from '../../schemas/crucible_image.schema.json' with { type: 'json' };
import snapshotJsonSchema from '../../schemas/crucible_snapshot.schema.json' with { type: 'json' };
import providerJsonSchema from '../../schemas/provider-crucible.schema.json' with { type: 'json' };

const required = (description: string): AttributeSchema => ({ required: true, description });
const optional = (description: string): AttributeSchema => ({ optional: true, description });
const settable = (description: string): AttributeSchema => ({ optional: true, computed: true, description });
const computed = (description: string): AttributeSchema => ({ computed: true, description });

/** The attachment's table, which its planner (planning/attachment-plan.ts) reads too. */
export const ATTACHMENT_ATTRIBUTES: Record<string, AttributeSchema> = {
  vm: { ...required('node/vmid'), forceNew: true },
  disks: required('Disks by slot'),
  boot_disk_id: optional('The boot disk'),
  id: computed('vm/<vmid>'),
  vm_status: computed('running, stopped, ...'),
  devices: computed('scsiN → volume id'),
};

export function crucibleSchema(): ProviderSchema {
  return {
    providerJsonSchema,
    providerSensitive: ['token_secret', 'password'],
    resources: {
      crucible_disk: {
        jsonSchema: diskJsonSchema,
        importIdFormat: 'disk/<holder vmid>/<serial> (e.g. disk/100000/3f9a2c1b7d04e5f6a7b8)',
        attributes: {
          name: required('Oxide name'),
          description: optional('Notes of the holder VM'),
          size: settable('Size, e.g. 20G (default: the source size)'),
          block_size: optional('Logical block size (512 only on Proxmox)'),
          source: optional('blank, snapshot or image'),
          read_only: optional('Attached read-only'),
          placement: required('node and storage of the holder VM'),
          redundancy: settable('none, async-zfs (replication jobs) or ceph (pool size/min_size)'),
          id: computed('disk/<holder vmid>/<serial>'),
          state: computed('creating, ready, maintenance, faulted'),
          volume_id: computed('The PVE volume id (may change name; not the identity)'),
          device_serial: computed('Serial the guest sees'),
          holder_vmid: computed('VMID of the holder VM'),
        },
      },
      crucible_snapshot: {
        jsonSchema: snapshotJsonSchema,
        importIdFormat: 'snapshot/<holder vmid>/<snapname>/<size>',
        attributes: {
          name: required('Oxide name'),
          description: optional('Description of the PVE snapshot'),
          disk_id: required('The disk'),
          consistency: settable('crash or fs-frozen'),
          id: computed('snapshot/<holder vmid>/<snapname>/<size>'),
          state: computed('creating, ready, faulted, destroyed'),
          size: computed('Size of the disk when the snapshot was taken'),
          snapname: computed('PVE snapshot name'),
          holder_vmid: computed('VMID of the disk holder'),
        },
      },
      crucible_image: {
        jsonSchema: imageJsonSchema,
        importIdFormat: 'image/<template vmid>/<serial>/<size>',
        attributes: {
          name: required('Oxide name'),
          description: optional('Notes of the template'),
          os: required('Operating system'),
          version: required('OS version'),
          source: required('The snapshot'),
          storage: settable('Storage of the base volume'),
          id: computed('image/<template vmid>/<serial>/<size>'),
          size: computed('Size'),
          block_size: computed('512'),
          volume_id: computed('The base volume'),
          holder_vmid: computed('VMID of the template'),
        },
      },
      crucible_attachment: {
        jsonSchema: attachmentJsonSchema,
        importIdFormat: 'vm/<vmid>',
        attributes: ATTACHMENT_ATTRIBUTES,
      },
    },
    dataSources: {},
  };
}
