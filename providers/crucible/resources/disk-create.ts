/**
 * Creating a crucible_disk, or nothing: everything that can be checked is checked before the
 * first write (the storage exists and can do what the source needs, the source is there, on
 * the right node, not larger than the disk); then the holder is made —
 *
 * - blank: create the holder VM; allocate its volume (`POST /nodes/{n}/storage/{s}/content`,
 *   `vm-<holder>-disk-0`); set `scsi0=<volid>,serial=<serial>`;
 * - from a snapshot: full clone of the source holder at the snapshot onto the placement storage
 *   (`POST /qemu/{src}/clone {snapname, full: 1, storage}`), the serial set, grown if larger;
 * - from an image: linked clone of the image's template (`full: 0`), the serial set, grown;
 *
 * and its replication jobs are created. When a step fails, the holder is destroyed again with
 * what it owns (a failed clone task is cleaned up by PVE itself), so a failed create leaves
 * nothing behind; the error says so, or names the leftover when even that failed.
 */
import type { Attributes } from '../../../src/core/value.js';
import { ProviderError, type CreateResponse, type OperationContext } from '../../../src/provider/contract.js';
import { PveApiError } from '../../pve/client/pve-error.js';
import { parseSize } from '../../pve/property-string.js';
import { formatDiskSize } from '../model/disk-size.js';
import { diskSpec, sourceText, type DiskSpec } from '../model/disk-spec.js';
import { joinMarker, type Marker } from '../model/holder-marker.js';
import { diskId } from '../model/resource-ids.js';
import { cannot, isFileStorageType, storageCan } from '../model/storage-capabilities.js';
import { type PveSession, type StorageFacts, vmPath } from '../connection/pve-session.js';
import { readDisk } from './disk-state.js';
import { createHolderVm, destroyHolder, guardedCreate, lookupHolder, type Holder } from './holder-guest.js';
import { checkRedundancyFits, convergeReplication } from './replication-jobs.js';
import { holderSnapshots, isTombstone } from './tombstones.js';

export interface DiskIdentity {
  node: string;
  vmid: number;
  serial: string;
}

export function diskMarker(spec: DiskSpec, serial: string): Marker {
  return {
    kind: 'disk',
    fields: {
      serial,
      name: spec.name,
      block_size: String(spec.blockSize),
      read_only: spec.readOnly ? '1' : '0',
      source: sourceText(spec.source),
      storage: spec.storage,
    },
  };
}

export function holderName(name: string): string {
  return `crucible-${name}`.slice(0, 63).replace(/-+$/, '');
}

/** What the source gives the new disk: its size, and how to make the holder. */
interface PreparedSource {
  sizeBytes?: number;
  make(s: PveSession, id: DiskIdentity, description: string, op: OperationContext): Promise<void>;
}

function sizeCheck(spec: DiskSpec, sourceBytes: number, what: string): number {
  const size = spec.sizeBytes ?? sourceBytes;
  if (size < sourceBytes) {
    throw new ProviderError(
      `size ${formatDiskSize(size)} is smaller than ${what} (${formatDiskSize(sourceBytes)}): a disk must be at least as large as its source`,
    );
  }
  if (spec.readOnly && size !== sourceBytes) {
    throw new ProviderError(
      `a read-only disk has its source's size: ${what} is ${formatDiskSize(sourceBytes)}, not ${formatDiskSize(size)}`,
    );
  }
  return size;
}

async function sourceHolder(
  s: PveSession,
  vmid: number,
  kind: 'disk' | 'image',
  serial: string | undefined,
  what: string,
  op: OperationContext,
): Promise<Holder> {
  const l = await lookupHolder(s, vmid, kind, serial, op);
  if ('found' in l) return l.found;
  if ('unreachable' in l) throw new ProviderError(`${what} cannot be read: node ${l.unreachable.node} does not answer`);
  throw new ProviderError(`${what} does not exist (no crucible ${kind} holder VM ${vmid})`);
}

async function prepareSource(s: PveSession, spec: DiskSpec, facts: StorageFacts, op: OperationContext): Promise<PreparedSource> {
  const src = spec.source;
  const where = `${spec.node}:${spec.storage}`;
  if (src.type === 'blank') {
    if (spec.sizeBytes === undefined) throw new ProviderError('a blank disk needs a size');
    return {
      sizeBytes: spec.sizeBytes,
      make: async (s2, id, description, op2) => {
        await createHolderVm(
          s2,
          { node: id.node, vmid: id.vmid, name: holderName(spec.name), description, kind: 'disk', serial: id.serial },
          op2,
        );
        const volid = await allocateVolume(s2, id, spec, facts, op2);
        await setDrive(s2, id, volid, op2);
      },
    };
  }
  if (src.type === 'snapshot') {
    const what = `snapshot ${src.id}`;
    const h = await sourceHolder(s, src.ref.vmid, 'disk', undefined, what, op);
    if (h.node !== spec.node) {
      throw new ProviderError(
        `${what} is on node ${h.node}: a disk made from it lives there too (its storage is local to the node), so placement.node must be ${h.node}`,
      );
    }
    const snaps = await holderSnapshots(s, h.node, h.vmid, op);
    if (!snaps.some((x) => x.snapname === src.ref.snapname)) throw new ProviderError(`${what} does not exist on holder VM ${h.vmid}`);
    const srcStorage = h.drive?.volid.split(':')[0];
    const srcFacts = srcStorage ? await s.storage(h.node, srcStorage, op) : undefined;
    if (srcFacts && !storageCan(srcFacts.type, 'copy-snapshot')) {
      throw new ProviderError(`a disk cannot be made from ${what}: ${cannot(srcFacts.type, `${h.node}:${srcStorage}`, 'copy-snapshot')}`);
    }
    const snapConfig = await s.get<Record<string, unknown>>(`${vmPath(h.node, h.vmid)}/snapshot/${src.ref.snapname}/config`, undefined, op);
    const sizeText = /(?:^|,)size=([^,]+)/.exec(String(snapConfig?.scsi0 ?? ''))?.[1];
    const snapBytes = sizeText ? parseSize(sizeText) : src.ref.sizeBytes;
    const size = sizeCheck(spec, snapBytes, what);
    return {
      sizeBytes: size,
      make: async (s2, id, description, op2) => {
        op2.progress?.(`cloning holder VM ${h.vmid} at snapshot ${src.ref.snapname} into holder VM ${id.vmid} on ${where}`);
        await guardedCreate(
          s2,
          {
            post: () =>
              s2.send(
                'POST',
                `${vmPath(h.node, h.vmid)}/clone`,
                {
                  newid: id.vmid,
                  snapname: src.ref.snapname,
                  full: 1,
                  storage: spec.storage,
                  name: holderName(spec.name),
                  description,
                },
                op2,
                false,
              ),
            vmid: id.vmid,
            kind: 'disk',
            serial: id.serial,
            what: `clone of ${what} into holder VM ${id.vmid}`,
            operation: 'clone',
          },
          op2,
        );
        await finishClone(s2, id, size, snapBytes, op2);
      },
    };
  }
  const what = `image ${src.id}`;
  const h = await sourceHolder(s, src.ref.vmid, 'image', src.ref.serial, what, op);
  if (isTombstone(h)) throw new ProviderError(`${what} has been deleted; disks can no longer be made from it`);
  const baseStorage = h.drive?.volid.split(':')[0];
  if (h.node !== spec.node || baseStorage !== spec.storage) {
    throw new ProviderError(
      `a disk from ${what} is a linked clone of the image's base volume on ${h.node}:${baseStorage}, so placement must be {node: ${h.node}, storage: ${baseStorage}}`,
    );
  }
  if (!storageCan(facts.type, 'linked-clone'))
    throw new ProviderError(`a disk cannot be made from ${what}: ${cannot(facts.type, where, 'linked-clone')}`);
  const size = sizeCheck(spec, h.drive?.sizeBytes ?? src.ref.sizeBytes, what);
  return {
    sizeBytes: size,
    make: async (s2, id, description, op2) => {
      op2.progress?.(`linked clone of image template ${h.vmid} into holder VM ${id.vmid}`);
      await guardedCreate(
        s2,
        {
          post: () =>
            s2.send(
              'POST',
              `${vmPath(h.node, h.vmid)}/clone`,
              { newid: id.vmid, full: 0, name: holderName(spec.name), description },
              op2,
              false,
            ),
          vmid: id.vmid,
          kind: 'disk',
          serial: id.serial,
          what: `linked clone of ${what} into holder VM ${id.vmid}`,
          operation: 'clone',
        },
        op2,
      );
      await finishClone(s2, id, size, h.drive?.sizeBytes ?? src.ref.sizeBytes, op2);
    },
  };
}

async function allocateVolume(s: PveSession, id: DiskIdentity, spec: DiskSpec, facts: StorageFacts, op: OperationContext): Promise<string> {
  const file = isFileStorageType(facts.type);
  const filename = `vm-${id.vmid}-disk-0${file ? '.qcow2' : ''}`;
  const gib = Math.ceil((spec.sizeBytes ?? 0) / 1024 ** 3);
  const path = `/nodes/${id.node}/storage/${spec.storage}/content`;
  const existing = async (): Promise<string | undefined> => {
    const list = await s.get<{ volid?: string }[]>(path, { content: 'images', vmid: id.vmid }, op);
    return (Array.isArray(list) ? list : [])
      .map((v) => v.volid)
      .find((v): v is string => !!v && v.endsWith(`:${file ? `${id.vmid}/` : ''}${filename}`));
  };
  const already = await existing();
  if (already) return already;
  op.progress?.(`allocating ${gib}G for holder VM ${id.vmid} on ${id.node}:${spec.storage}`);
  try {
    const volid = await s.send<string>(
      'POST',
      path,
      { vmid: id.vmid, filename, size: `${gib}G`, ...(file ? { format: 'qcow2' } : {}) },
      op,
      false,
    );
    return String(volid);
  } catch (e) {
    // The answer may have been lost after the volume was made: look before failing.
    if (e instanceof PveApiError && !e.answered) {
      const made = await existing();
      if (made) return made;
    }
    throw e;
  }
}

async function setDrive(s: PveSession, id: DiskIdentity, volid: string, op: OperationContext): Promise<void> {
  await s.task(
    'POST',
    `${vmPath(id.node, id.vmid)}/config`,
    { scsi0: `${volid},serial=${id.serial}` },
    `config of holder VM ${id.vmid}`,
    'update',
    op,
  );
}

/** After a clone: the disk's own serial on the drive, and the size it was planned with. */
async function finishClone(s: PveSession, id: DiskIdentity, size: number, sourceBytes: number, op: OperationContext): Promise<void> {
  const live = await s.vmConfig(id.node, id.vmid, op);
  const volid = /^([^,]+)/.exec(live?.config.scsi0 ?? '')?.[1];
  if (!volid || volid.includes('=')) throw new ProviderError(`holder VM ${id.vmid} has no volume after its clone`);
  await setDrive(s, id, volid, op);
  if (size > sourceBytes) {
    op.progress?.(`growing holder VM ${id.vmid}'s volume to ${formatDiskSize(size)}`);
    await s.task(
      'PUT',
      `${vmPath(id.node, id.vmid)}/resize`,
      { disk: 'scsi0', size: formatDiskSize(size) },
      `resize of holder VM ${id.vmid}`,
      'resize',
      op,
    );
  }
}

/** Removes what a failed create made; a note for the error message. */
async function undo(s: PveSession, id: DiskIdentity, op: OperationContext): Promise<string> {
  try {
    const l = await lookupHolder(s, id.vmid, 'disk', id.serial, op);
    if (!('found' in l)) return 'nothing was left behind';
    await destroyHolder(s, id.vmid, op);
    return `the partial holder VM ${id.vmid} was removed again`;
  } catch (e) {
    return `the partial holder VM ${id.vmid} could not be removed (${(e as Error).message}); remove it by hand (qm destroy ${id.vmid} --purge --destroy-unreferenced-disks)`;
  }
}

export async function createDisk(s: PveSession, planned: Attributes, id: DiskIdentity, op: OperationContext): Promise<CreateResponse> {
  s.reserved.add(id.vmid);
  try {
    const spec = diskSpec(planned);
    const where = `${spec.node}:${spec.storage}`;
    const facts = await s.storage(spec.node, spec.storage, op, true);
    if (!facts) throw new ProviderError(`node ${spec.node} has no storage "${spec.storage}"`);
    if (!facts.content.includes('images'))
      throw new ProviderError(`storage ${where} does not hold VM images (content: ${facts.content.join(', ') || 'none'})`);
    checkRedundancyFits(spec.redundancy, facts, where);
    const source = await prepareSource(s, spec, facts, op);
    const description = joinMarker(spec.description, diskMarker(spec, id.serial));
    try {
      await source.make(s, id, description, op);
      await convergeReplication(s, id.vmid, spec.redundancy, op);
    } catch (e) {
      const note = await undo(s, id, op);
      throw new ProviderError(`creating crucible disk ${spec.name} failed: ${(e as Error).message}; ${note}`);
    }
    const state = await readDisk(s, { vmid: id.vmid, serial: id.serial }, null, op);
    if (!state) throw new ProviderError(`crucible disk ${spec.name} (holder VM ${id.vmid}) vanished right after it was created`);
    return { id: diskId({ vmid: id.vmid, serial: id.serial }), state };
  } finally {
    // Created or not, the VMID is no longer only reserved.
    s.reserved.delete(id.vmid);
  }
}
