/**
 * `proxmox_vm`: how a VM is made. Without `clone`: `POST /nodes/{node}/qemu` with the whole
 * config (new disks as `STORAGE:SIZE_GiB`, or `STORAGE:0,import-from=...`). With `clone`:
 * `POST /nodes/{src}/qemu/{srcid}/clone` (full or linked, from a snapshot, to this node),
 * whose task holds the target's `lock: clone` until it ends; only then is the rest of the
 * config applied (the clone got new MACs, the template's disk sizes, cloud-init drive).
 * Both requests carry hl's marker in `description`.
 */
import { isValueMap, type Attributes, type Value } from '../../../src/core/value.js';
import { ProviderError, type OperationContext } from '../../../src/provider/contract.js';
import { splitMarker, withMarker } from '../mapping/hl-marker.js';
import { vmAttributesFromConfig, vmConfigChanges, vmDiskResizes, vmMarkerFacts } from '../mapping/vm-config-mapping.js';
import type { GuestEntry } from '../../pve/cluster-inventory.js';
import { guestPath } from '../../pve/guest-api.js';
import type { GuestContext } from './guest-context.js';
import { dispatchCreate, type CreateIdentity } from './guest-create.js';
import type { GuestKindAdapter } from './guest-resource.js';

interface CloneSource {
  node: string;
  vmid: number;
  template: boolean;
}

/**
 * The VM a `clone.source` names among the cluster's guests: a VMID, or a name (a template on
 * the target node first). Answers the reason when there is none, or no single one.
 */
export function chooseCloneSource(all: readonly GuestEntry[], source: Value | undefined, node: string): CloneSource | { error: string } {
  const guests = all.filter((g) => g.type === 'qemu');
  const pick = (g: GuestEntry): CloneSource => ({ node: g.node, vmid: g.vmid, template: g.template });
  if (typeof source === 'number') {
    const g = guests.find((x) => x.vmid === source);
    return g ? pick(g) : { error: `there is no VM ${source} in the cluster` };
  }
  if (typeof source !== 'string') return { error: 'clone.source must be a VMID or a VM/template name' };
  const named = guests.filter((g) => g.name === source).sort((a, b) => a.vmid - b.vmid);
  if (named.length === 0) return { error: `there is no VM or template named "${source}"` };
  const hit = named.find((g) => g.template && g.node === node) ?? named.find((g) => g.node === node);
  if (hit) return pick(hit);
  const templates = named.filter((g) => g.template);
  if (named.length === 1) return pick(named[0]!);
  if (templates.length === 1) return pick(templates[0]!);
  return {
    error: `"${source}" names several VMs (${named.map((g) => `${g.node}/${g.vmid}`).join(', ')}) and none on node ${node}; use the VMID`,
  };
}

/** The VM a `clone.source` names, from a fresh cluster listing. */
export async function resolveCloneSource(
  ctx: GuestContext,
  source: Value | undefined,
  node: string,
  op: OperationContext,
): Promise<CloneSource> {
  const guests = await ctx.inventory.guests({ fresh: true, ...(op.signal ? { signal: op.signal } : {}) });
  const chosen = chooseCloneSource(guests, source, node);
  if ('error' in chosen) throw new ProviderError(`clone.source: ${chosen.error}`);
  return chosen;
}

/** The one storage all planned disks use, for a full clone's `storage` parameter. */
function cloneStorage(planned: Attributes): string | undefined {
  if (!isValueMap(planned.disks)) return undefined;
  const storages = new Set<string>();
  for (const d of Object.values(planned.disks)) if (isValueMap(d) && typeof d.storage === 'string') storages.add(d.storage);
  return storages.size === 1 ? [...storages][0] : undefined;
}

async function dispatchVm(
  ctx: GuestContext,
  planned: Attributes,
  identity: CreateIdentity,
  markerLine: string,
  op: OperationContext,
): Promise<'created' | 'adopted'> {
  const { node, vmid } = identity;
  const clone = isValueMap(planned.clone) ? planned.clone : undefined;
  const signal = op.signal ? { signal: op.signal } : {};
  if (!clone) {
    const changes = vmConfigChanges({ planned, live: {}, prior: null, markerLine });
    const params = { vmid, ...changes.set, ...(typeof planned.pool === 'string' ? { pool: planned.pool } : {}) };
    return dispatchCreate(
      ctx,
      {
        type: 'qemu',
        identity,
        operation: 'create',
        what: `create of VM ${vmid} on ${node}`,
        post: () => ctx.client.request('POST', `/nodes/${node}/qemu`, params, { resend: false, ...signal }),
      },
      op,
    );
  }
  const source = await resolveCloneSource(ctx, clone.source, node, op);
  const full = clone.full !== false;
  const storage = full ? cloneStorage(planned) : undefined;
  const description = withMarker(typeof planned.description === 'string' ? splitMarker(planned.description).text : null, markerLine);
  const params = {
    newid: vmid,
    ...(typeof planned.name === 'string' ? { name: planned.name } : {}),
    description,
    ...(typeof planned.pool === 'string' ? { pool: planned.pool } : {}),
    full: full ? 1 : 0,
    ...(typeof clone.snapshot === 'string' ? { snapname: clone.snapshot } : {}),
    ...(storage ? { storage } : {}),
    ...(source.node !== node ? { target: node } : {}),
  };
  return dispatchCreate(
    ctx,
    {
      type: 'qemu',
      identity,
      operation: 'clone',
      what: `${full ? 'full' : 'linked'} clone of VM ${source.vmid} (${source.node}) to VM ${vmid} on ${node}`,
      post: () =>
        ctx.client.request('POST', `${guestPath({ type: 'qemu', node: source.node, vmid: source.vmid })}/clone`, params, {
          resend: false,
          ...signal,
        }),
    },
    op,
  );
}

export const VM_ADAPTER: GuestKindAdapter = {
  type: 'qemu',
  resourceType: 'proxmox_vm',
  readAttributes: (input) => vmAttributesFromConfig(input),
  changes: (planned, live, prior, markerLine, tagStyle) =>
    vmConfigChanges({ planned, live, prior, tagStyle, ...(markerLine ? { markerLine } : {}) }),
  markerFacts: vmMarkerFacts,
  resizes: (planned, live) => vmDiskResizes(planned.disks, live),
  isVolumeKey: (key) => /^(ide|sata|scsi|virtio)\d+$/.test(key),
  dispatch: dispatchVm,
  resendSecretsAfterCreate: (planned) => isValueMap(planned.clone),
};
