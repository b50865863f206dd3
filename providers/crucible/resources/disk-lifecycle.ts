/**
 * A crucible_disk after its create: update in place (name and description of the holder, a
 * growing size, redundancy), delete (only when no VM uses the volume; a holder that still
 * carries snapshots becomes a tombstone), recover after an interrupted create, import by id.
 */
import type { Attributes } from '../../../src/core/value.js';
import { ProviderError, type CreateResponse, type ImportResponse, type OperationContext } from '../../../src/provider/contract.js';
import { parseDiskSize, formatDiskSize } from '../model/disk-size.js';
import { diskSpec } from '../model/disk-spec.js';
import { joinMarker } from '../model/holder-marker.js';
import { diskId, parseDiskId, parseImageId, type DiskRef } from '../model/resource-ids.js';
import { type PveSession, vmPath } from '../connection/pve-session.js';
import { holderName, type DiskIdentity } from './disk-create.js';
import { readDisk } from './disk-state.js';
import { destroyHolder, lookupHolder, waitForCreation, type Holder } from './holder-guest.js';
import { convergeReplication } from './replication-jobs.js';
import { collectTombstone, holderSnapshots, isTombstone, tombstoneHolder } from './tombstones.js';
import { describeUser, volumeUsers } from './volume-users.js';

export function diskRefOf(id: string, prior: Attributes | null): DiskRef {
  const ref = parseDiskId(id);
  if (ref) return ref;
  if (prior && typeof prior.holder_vmid === 'number' && typeof prior.device_serial === 'string')
    return { vmid: prior.holder_vmid, serial: prior.device_serial };
  throw new ProviderError(`"${id}" is not a crucible disk id (disk/<holder vmid>/<serial>)`);
}

async function liveHolder(s: PveSession, ref: DiskRef, op: OperationContext): Promise<Holder | undefined> {
  const l = await lookupHolder(s, ref.vmid, 'disk', ref.serial, op);
  if ('unreachable' in l)
    throw new ProviderError(`crucible disk ${diskId(ref)}: node ${l.unreachable.node} of holder VM ${ref.vmid} does not answer`, {
      retryable: true,
    });
  return 'found' in l && !isTombstone(l.found) ? l.found : undefined;
}

/** Grows the volume: through the VM that uses it, if one does (so a running guest sees it at once). */
async function grow(s: PveSession, h: Holder, bytes: number, op: OperationContext): Promise<void> {
  const volid = h.drive?.volid;
  if (!volid) throw new ProviderError(`holder VM ${h.vmid} has no volume to grow`);
  const facts = await s.storage(h.node, volid.split(':')[0]!, op);
  const { users } = await volumeUsers(s, volid, { node: h.node, shared: facts?.shared ?? false, owner: h.vmid }, op);
  const size = formatDiskSize(bytes);
  const via = users[0];
  if (via) {
    op.progress?.(`growing ${volid} to ${size} through ${describeUser(via)}`);
    await s.task(
      'PUT',
      `${vmPath(via.node, via.vmid)}/resize`,
      { disk: via.slot, size },
      `resize of ${via.slot} of VM ${via.vmid}`,
      'resize',
      op,
    );
    // Keep the holder's informational size= in step with the volume.
    const drive = h.drive!;
    const value = `${volid},serial=${drive.serial ?? h.marker.fields.serial},size=${size}`;
    await s.task('POST', `${vmPath(h.node, h.vmid)}/config`, { scsi0: value }, `config of holder VM ${h.vmid}`, 'update', op);
    return;
  }
  op.progress?.(`growing ${volid} to ${size} through its holder VM ${h.vmid}`);
  await s.task('PUT', `${vmPath(h.node, h.vmid)}/resize`, { disk: 'scsi0', size }, `resize of holder VM ${h.vmid}`, 'resize', op);
}

export async function updateDisk(
  s: PveSession,
  id: string,
  prior: Attributes,
  planned: Attributes,
  op: OperationContext,
): Promise<Attributes> {
  const ref = diskRefOf(id, prior);
  const h = await liveHolder(s, ref, op);
  if (!h) throw new ProviderError(`crucible disk ${id} no longer exists; run "hl plan" to see it as gone`);
  const spec = diskSpec(planned);
  const marker = { kind: h.marker.kind, fields: { ...h.marker.fields, name: spec.name } };
  const description = joinMarker(spec.description, marker);
  const name = holderName(spec.name);
  if (description !== (h.config.description ?? '') || name !== h.config.name) {
    await s.send('PUT', `${vmPath(h.node, h.vmid)}/config`, { name, description, ...(h.digest ? { digest: h.digest } : {}) }, op, true);
  }
  const before = typeof prior.size === 'string' ? parseDiskSize(prior.size) : undefined;
  if (spec.sizeBytes !== undefined && before !== undefined && spec.sizeBytes > before) await grow(s, h, spec.sizeBytes, op);
  await convergeReplication(s, h.vmid, spec.redundancy, op);
  const state = await readDisk(s, ref, planned, op);
  if (!state) throw new ProviderError(`crucible disk ${id} vanished during its update`);
  return state;
}

export async function deleteDisk(s: PveSession, id: string, prior: Attributes | null, op: OperationContext): Promise<void> {
  const ref = diskRefOf(id, prior);
  const h = await liveHolder(s, ref, op);
  if (!h) return;
  const name = h.marker.fields.name ?? id;
  if (h.drive) {
    const facts = await s.storage(h.node, h.drive.volid.split(':')[0]!, op);
    const found = await volumeUsers(s, h.drive.volid, { node: h.node, shared: facts?.shared ?? false, owner: h.vmid }, op);
    if (found.users.length > 0) {
      throw new ProviderError(
        `crucible disk ${name} is attached to ${found.users.map(describeUser).join(', ')}; a disk is deleted only when detached: remove it from its crucible_attachment first`,
      );
    }
    if (found.unreachable.length > 0) {
      throw new ProviderError(
        `crucible disk ${name} cannot be deleted now: node ${found.unreachable.join(', ')} does not answer, and a VM there might use it`,
        { retryable: true },
      );
    }
  }
  const snapshots = (await holderSnapshots(s, h.node, h.vmid, op)).filter((x) => x.marker?.kind === 'snapshot');
  if (snapshots.length > 0) {
    await tombstoneHolder(s, h, `${snapshots.length} snapshot(s) of it still exist`, op);
  } else {
    await destroyHolder(s, h.vmid, op);
  }
  const image = parseImageId(h.marker.fields.source ?? '');
  if (image) await collectTombstone(s, image.vmid, 'image', op);
}

/**
 * After a crash during a create: the disk if the create had finished (the holder carries our
 * serial and its volume); a partial holder is destroyed, and null answered, so the create can
 * run again from nothing.
 */
export async function recoverDisk(s: PveSession, identity: DiskIdentity, op: OperationContext): Promise<CreateResponse | null> {
  await waitForCreation(s, identity.vmid, 'clone', op);
  const l = await lookupHolder(s, identity.vmid, 'disk', identity.serial, op);
  if (!('found' in l)) return null;
  const h = l.found;
  const ref = { vmid: identity.vmid, serial: identity.serial };
  if (h.drive?.serial === identity.serial) {
    const state = await readDisk(s, ref, null, op);
    if (state && state.state !== 'faulted') return { id: diskId(ref), state };
  }
  op.progress?.(`holder VM ${identity.vmid} of an interrupted create is incomplete; removing it`);
  await destroyHolder(s, identity.vmid, op);
  return null;
}

export async function importDisk(s: PveSession, id: string, op: OperationContext): Promise<ImportResponse> {
  const ref = parseDiskId(id);
  if (!ref) throw new ProviderError(`"${id}" is not a crucible disk id (disk/<holder vmid>/<serial>)`);
  const state = await readDisk(s, ref, null, op);
  return state ? { resource: { id: diskId(ref), state } } : { resource: null };
}
