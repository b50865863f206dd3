/**
 * crucible_image: a full clone of a snapshot's holder at the snapshot (onto the image's
 * storage), converted to a PVE template, so that its volume becomes a read-only base volume
 * (`base-<vmid>-disk-0`); disks from the image are linked clones of it. Its identity is the
 * template's VMID and the serial in its marker, never the volume name, which the conversion
 * changes. A failed create removes the partial template again.
 *
 * Delete: PVE frees a template only when no linked clone uses its base, except on LVM-thin
 * (whose thin clones survive their origin). Where it refuses, the template is kept as a
 * tombstone and removed with the last disk made from it (tombstones.ts).
 */
import type { Attributes } from '../../../src/core/value.js';
import { randomBytes } from 'node:crypto';
import { ProviderError, type CreateResponse, type ImportResponse, type OperationContext } from '../../../src/provider/contract.js';
import { formatDiskSize } from '../model/disk-size.js';
import { joinMarker, type Marker } from '../model/holder-marker.js';
import { imageId, parseImageId, parseSnapshotId } from '../model/resource-ids.js';
import { cannot, storageCan } from '../model/storage-capabilities.js';
import { type PveSession, vmPath } from '../connection/pve-session.js';
import { destroyHolder, guardedCreate, lookupHolder, reserveHolderVmid, waitForCreation, type Holder } from './holder-guest.js';
import { destroyOrTombstoneImage, holderSnapshots, isTombstone } from './tombstones.js';

export interface ImageIdentity {
  node: string;
  vmid: number;
  serial: string;
}

export function imageHolderName(name: string): string {
  return `crucible-image-${name}`.slice(0, 63).replace(/-+$/, '');
}

function imageMarker(serial: string, planned: Attributes): Marker {
  return {
    kind: 'image',
    fields: { serial, name: String(planned.name), os: String(planned.os), version: String(planned.version), source: snapshotOf(planned) },
  };
}

function snapshotOf(planned: Attributes): string {
  const src = planned.source as Attributes | null;
  const id = src && typeof src.id === 'string' ? src.id : undefined;
  if (!id) throw new ProviderError('source.id must be known to create an image');
  return id;
}

async function sourceOf(
  s: PveSession,
  planned: Attributes,
  op: OperationContext,
): Promise<{ holder: Holder; snapname: string; id: string }> {
  const id = snapshotOf(planned);
  const ref = parseSnapshotId(id);
  if (!ref) throw new ProviderError(`"${id}" is not a crucible snapshot id`);
  const l = await lookupHolder(s, ref.vmid, 'disk', undefined, op);
  if ('unreachable' in l) throw new ProviderError(`snapshot ${id}: node ${l.unreachable.node} does not answer`, { retryable: true });
  if (!('found' in l)) throw new ProviderError(`snapshot ${id} does not exist`);
  if (!(await holderSnapshots(s, l.found.node, ref.vmid, op)).some((x) => x.snapname === ref.snapname))
    throw new ProviderError(`snapshot ${id} does not exist`);
  return { holder: l.found, snapname: ref.snapname, id };
}

export async function reserveImage(s: PveSession, planned: Attributes, op: OperationContext): Promise<ImageIdentity> {
  const { holder } = await sourceOf(s, planned, op);
  return { node: holder.node, vmid: await reserveHolderVmid(s, op), serial: randomBytes(10).toString('hex') };
}

export async function createImage(s: PveSession, planned: Attributes, id: ImageIdentity, op: OperationContext): Promise<CreateResponse> {
  s.reserved.add(id.vmid);
  try {
    return await makeImage(s, planned, id, op);
  } finally {
    s.reserved.delete(id.vmid);
  }
}

async function makeImage(s: PveSession, planned: Attributes, id: ImageIdentity, op: OperationContext): Promise<CreateResponse> {
  const src = await sourceOf(s, planned, op);
  const h = src.holder;
  const srcStorage = h.drive?.volid.split(':')[0] ?? '';
  const storage = typeof planned.storage === 'string' ? planned.storage : srcStorage;
  const srcFacts = await s.storage(h.node, srcStorage, op);
  if (srcFacts && !storageCan(srcFacts.type, 'copy-snapshot')) {
    throw new ProviderError(
      `an image cannot be made from snapshot ${src.id}: ${cannot(srcFacts.type, `${h.node}:${srcStorage}`, 'copy-snapshot')}`,
    );
  }
  const facts = await s.storage(h.node, storage, op);
  if (!facts) throw new ProviderError(`node ${h.node} has no storage "${storage}"`);
  if (!storageCan(facts.type, 'template'))
    throw new ProviderError(`image ${String(planned.name)}: ${cannot(facts.type, `${h.node}:${storage}`, 'template')}`);
  const description = joinMarker(typeof planned.description === 'string' ? planned.description : '', imageMarker(id.serial, planned));
  try {
    op.progress?.(`cloning holder VM ${h.vmid} at snapshot ${src.snapname} into image template ${id.vmid}`);
    await guardedCreate(
      s,
      {
        post: () =>
          s.send(
            'POST',
            `${vmPath(h.node, h.vmid)}/clone`,
            {
              newid: id.vmid,
              snapname: src.snapname,
              full: 1,
              storage,
              name: imageHolderName(String(planned.name)),
              description,
            },
            op,
            false,
          ),
        vmid: id.vmid,
        kind: 'image',
        serial: id.serial,
        what: `clone of snapshot ${src.id} into image template ${id.vmid}`,
        operation: 'clone',
      },
      op,
    );
    const live = await s.vmConfig(h.node, id.vmid, op);
    const volid = /^([^,=]+)(,|$)/.exec(live?.config.scsi0 ?? '')?.[1];
    if (!volid) throw new ProviderError(`image template ${id.vmid} has no volume after its clone`);
    if (live?.config.template !== '1') {
      await s.task(
        'POST',
        `${vmPath(h.node, id.vmid)}/config`,
        { scsi0: `${volid},serial=${id.serial}` },
        `config of image template ${id.vmid}`,
        'update',
        op,
      );
      op.progress?.(`converting VM ${id.vmid} to a template`);
      await s.task('POST', `${vmPath(h.node, id.vmid)}/template`, undefined, `template conversion of VM ${id.vmid}`, 'update', op);
    }
  } catch (e) {
    let note = 'nothing was left behind';
    try {
      if ('found' in (await lookupHolder(s, id.vmid, 'image', id.serial, op))) {
        await destroyHolder(s, id.vmid, op);
        note = `the partial template VM ${id.vmid} was removed again`;
      }
    } catch (e2) {
      note = `the partial template VM ${id.vmid} could not be removed (${(e2 as Error).message}); remove it by hand`;
    }
    throw new ProviderError(`creating crucible image ${String(planned.name)} failed: ${(e as Error).message}; ${note}`);
  }
  const state = await readImage(s, { vmid: id.vmid, serial: id.serial }, op);
  if (!state) throw new ProviderError(`image template ${id.vmid} vanished right after it was created`);
  return { id: String(state.id), state };
}

function imageRefOf(id: string, prior: Attributes | null): { vmid: number; serial: string } {
  const ref = parseImageId(id);
  if (ref) return ref;
  const serial = prior && typeof prior.id === 'string' ? parseImageId(prior.id)?.serial : undefined;
  if (prior && typeof prior.holder_vmid === 'number' && serial) return { vmid: prior.holder_vmid, serial };
  throw new ProviderError(`"${id}" is not a crucible image id (image/<vmid>/<serial>/<size>)`);
}

export async function readImage(s: PveSession, ref: { vmid: number; serial: string }, op: OperationContext): Promise<Attributes | null> {
  const l = await lookupHolder(s, ref.vmid, 'image', ref.serial, op);
  if (!('found' in l) || isTombstone(l.found) || !l.found.template) return null;
  const h = l.found;
  const volid = h.drive?.volid;
  const bytes = (volid ? await s.volumeSize(h.node, volid, h.vmid, op) : undefined) ?? h.drive?.sizeBytes ?? 0;
  return {
    id: imageId({ vmid: h.vmid, serial: ref.serial, sizeBytes: bytes }),
    name: h.marker.fields.name ?? null,
    description: h.text,
    os: h.marker.fields.os ?? null,
    version: h.marker.fields.version ?? null,
    source: { type: 'snapshot', id: h.marker.fields.source ?? null },
    storage: volid?.split(':')[0] ?? null,
    size: formatDiskSize(bytes),
    block_size: 512,
    volume_id: volid ?? null,
    holder_vmid: h.vmid,
  };
}

export async function updateImage(
  s: PveSession,
  id: string,
  prior: Attributes,
  planned: Attributes,
  op: OperationContext,
): Promise<Attributes> {
  const ref = imageRefOf(id, prior);
  const l = await lookupHolder(s, ref.vmid, 'image', ref.serial, op);
  if (!('found' in l) || isTombstone(l.found)) throw new ProviderError(`image ${id} no longer exists; run "hl plan" to see it as gone`);
  const h = l.found;
  const marker: Marker = {
    kind: 'image',
    fields: { ...h.marker.fields, name: String(planned.name), os: String(planned.os), version: String(planned.version) },
  };
  const description = joinMarker(typeof planned.description === 'string' ? planned.description : '', marker);
  await s.send(
    'PUT',
    `${vmPath(h.node, h.vmid)}/config`,
    { name: imageHolderName(String(planned.name)), description, ...(h.digest ? { digest: h.digest } : {}) },
    op,
    true,
  );
  const state = await readImage(s, ref, op);
  if (!state) throw new ProviderError(`image ${id} vanished during its update`);
  return state;
}

export async function deleteImage(s: PveSession, id: string, prior: Attributes | null, op: OperationContext): Promise<void> {
  const ref = imageRefOf(id, prior);
  const l = await lookupHolder(s, ref.vmid, 'image', ref.serial, op);
  if ('unreachable' in l) throw new ProviderError(`image ${id}: node ${l.unreachable.node} does not answer`, { retryable: true });
  if (!('found' in l) || isTombstone(l.found)) return;
  await destroyOrTombstoneImage(s, l.found, op);
}

export async function recoverImage(s: PveSession, id: ImageIdentity, op: OperationContext): Promise<CreateResponse | null> {
  await waitForCreation(s, id.vmid, 'clone', op);
  const l = await lookupHolder(s, id.vmid, 'image', id.serial, op);
  if (!('found' in l)) return null;
  const state = await readImage(s, { vmid: id.vmid, serial: id.serial }, op);
  if (state) return { id: String(state.id), state };
  op.progress?.(`image template ${id.vmid} of an interrupted create is incomplete; removing it`);
  await destroyHolder(s, id.vmid, op);
  return null;
}

export async function importImage(s: PveSession, id: string, op: OperationContext): Promise<ImportResponse> {
  const state = await readImage(s, imageRefOf(id, null), op);
  return state ? { resource: { id: String(state.id), state } } : { resource: null };
}
