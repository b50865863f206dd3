/**
 * The top-level attributes `proxmox_vm` and `proxmox_lxc` share (declared as in
 * guest-attribute.ts): identity (id, node, vmid), notes, tags, pool, boot and protection flags,
 * power state and what PVE reports. The resource tables (vm-attributes.ts, lxc-attributes.ts)
 * place them in their own order. A clone default here only matters for a VM: a container is
 * never created from a template.
 */
import { canonDescription, canonPool, canonTags } from '../mapping/pve-values.js';
import { computed, scalar, settable, type GuestAttribute } from './guest-attribute.js';

export type SharedAttribute =
  | 'id'
  | 'node'
  | 'vmid'
  | 'description'
  | 'tags'
  | 'pool'
  | 'onboot'
  | 'protection'
  | 'started'
  | 'status'
  | 'pending_changes';

/** The shared attributes; `noun` names the guest in the node's description. */
export function sharedAttributes(noun: 'VM' | 'container'): Record<SharedAttribute, GuestAttribute> {
  return {
    id: computed('node/vmid'),
    node: {
      description: `Cluster node (a change migrates the ${noun})`,
      setBy: 'required',
      plan: scalar(),
    },
    vmid: settable(
      'VMID (default: chosen from /cluster/nextid); no two guests of the cluster share one',
      scalar({ createDefault: 'unknown' }),
      {
        forceNew: 'the VMID of a guest cannot change',
        identity: true,
      },
    ),
    description: settable('Notes', scalar({ canon: canonDescription, createDefault: null, cloneDefault: null })),
    tags: settable('Tags (a set)', scalar({ canon: canonTags, createDefault: [] })),
    pool: settable('Resource pool', scalar({ canon: canonPool, createDefault: null, cloneDefault: null })),
    onboot: settable('Start at node boot', scalar({ createDefault: false })),
    protection: settable('Protection flag', scalar({ createDefault: false })),
    started: settable('Power state', scalar({ createDefault: true, cloneDefault: true })),
    status: computed('PVE status: running, stopped, ...'),
    pending_changes: computed('Config keys waiting for the next start of the guest'),
  };
}

/** The description of `networks`, whose fields differ between VMs and containers. */
export const NETWORKS_DESCRIPTION = 'NICs keyed by slot (netN); mac computed';
