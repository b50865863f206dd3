/**
 * The apply-time side of each crucible resource type: thin handlers over the session that
 * turn the contract's requests into each type's operations (resources/): identities from
 * what `reserve` journalled, ids from state. Loaded with the runtime, in `configure`.
 */
import { randomBytes } from 'node:crypto';
import type { Attributes, Value } from '../../src/core/value.js';
import { ProviderError, type ReserveRequest, type ReserveResponse } from '../../src/provider/contract.js';
import type { ResourceOperations } from '../../src/provider/resource-handler.js';
import type { PveSession } from './connection/pve-session.js';
import { parseImageId, parseVmRef } from './model/resource-ids.js';
import type { CrucibleResourceType } from './resource-planning.js';
import {
  createAttachment,
  deleteAttachment,
  readAttachment,
  recoverAttachment,
  updateAttachment,
  vmidOfAttachment,
} from './resources/attachment-resource.js';
import { createDisk, type DiskIdentity } from './resources/disk-create.js';
import { deleteDisk, diskRefOf, importDisk, recoverDisk, updateDisk } from './resources/disk-lifecycle.js';
import { readDisk } from './resources/disk-state.js';
import { reserveHolderVmid } from './resources/holder-guest.js';
import {
  createImage,
  deleteImage,
  type ImageIdentity,
  importImage,
  readImage,
  recoverImage,
  reserveImage,
  updateImage,
} from './resources/image-resource.js';
import {
  createSnapshot,
  deleteSnapshot,
  importSnapshot,
  readSnapshot,
  recoverSnapshot,
  reserveSnapshot,
  type SnapshotIdentity,
  snapshotIdentityOf,
  updateSnapshot,
} from './resources/snapshot-resource.js';

function newSerial(): string {
  return randomBytes(10).toString('hex');
}

function num(v: Value | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function str(v: Value | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function diskIdentity(raw: Record<string, Value> | undefined): DiskIdentity | undefined {
  const node = str(raw?.node);
  const vmid = num(raw?.vmid);
  const serial = str(raw?.serial);
  return node && vmid && serial ? { node, vmid, serial } : undefined;
}

function snapshotIdentity(raw: Record<string, Value> | undefined): SnapshotIdentity | undefined {
  const vmid = num(raw?.vmid);
  const snapname = str(raw?.snapname);
  return vmid && snapname ? { vmid, snapname } : undefined;
}

async function reserveDisk(s: PveSession, req: ReserveRequest): Promise<ReserveResponse> {
  const placement = req.planned.placement as Attributes | null;
  const node = str(placement?.node);
  if (!node) throw new ProviderError('placement.node must be known to reserve a holder VMID');
  return { identity: { node, vmid: await reserveHolderVmid(s, req), serial: newSerial() } };
}

async function reserveSnapshotIdentity(s: PveSession, req: ReserveRequest): Promise<ReserveResponse> {
  const id = await reserveSnapshot(s, req.planned, req);
  return { identity: { vmid: id.vmid, snapname: id.snapname } };
}

async function reserveImageIdentity(s: PveSession, req: ReserveRequest): Promise<ReserveResponse> {
  const id = await reserveImage(s, req.planned, req);
  return { identity: { node: id.node, vmid: id.vmid, serial: id.serial } };
}

export const CRUCIBLE_OPERATIONS: Readonly<Record<CrucibleResourceType, ResourceOperations<PveSession>>> = {
  crucible_disk: {
    read: async (s, req) => ({ state: await readDisk(s, diskRefOf(req.id, req.prior), req.prior, req) }),
    reserve: reserveDisk,
    create: async (s, req) => {
      const id = diskIdentity(req.identity) ?? diskIdentity((await reserveDisk(s, { ...req, type: req.type })).identity);
      return createDisk(s, req.planned, id!, req);
    },
    update: async (s, req) => ({ state: await updateDisk(s, req.id, req.prior, req.planned, req) }),
    delete: (s, req) => deleteDisk(s, req.id, req.prior, req),
    recover: async (s, req) => {
      const id = diskIdentity(req.identity);
      return id ? recoverDisk(s, id, req) : null;
    },
    importResource: (s, req) => importDisk(s, req.id, req),
  },
  crucible_snapshot: {
    read: async (s, req) => ({ state: await readSnapshot(s, snapshotIdentityOf(req.id, req.prior), req.prior, req) }),
    reserve: reserveSnapshotIdentity,
    create: async (s, req) => {
      const id =
        snapshotIdentity(req.identity) ?? snapshotIdentity((await reserveSnapshotIdentity(s, { ...req, type: req.type })).identity);
      return createSnapshot(s, req.planned, id!, req);
    },
    update: async (s, req) => ({ state: await updateSnapshot(s, req.id, req.prior, req.planned, req) }),
    delete: (s, req) => deleteSnapshot(s, req.id, req.prior, req),
    recover: async (s, req) => {
      const id = snapshotIdentity(req.identity);
      return id ? recoverSnapshot(s, id, req) : null;
    },
    importResource: (s, req) => importSnapshot(s, req.id, req),
  },
  crucible_image: {
    read: async (s, req) => {
      const ref = parseImageId(req.id);
      if (!ref) throw new ProviderError(`"${req.id}" is not a crucible image id`);
      return { state: await readImage(s, ref, req) };
    },
    reserve: reserveImageIdentity,
    create: async (s, req) => {
      const id = (diskIdentity(req.identity) ??
        diskIdentity((await reserveImageIdentity(s, { ...req, type: req.type })).identity)) as ImageIdentity;
      return createImage(s, req.planned, id, req);
    },
    update: async (s, req) => ({ state: await updateImage(s, req.id, req.prior, req.planned, req) }),
    delete: (s, req) => deleteImage(s, req.id, req.prior, req),
    recover: async (s, req) => {
      const id = diskIdentity(req.identity);
      return id ? recoverImage(s, id, req) : null;
    },
    importResource: (s, req) => importImage(s, req.id, req),
  },
  crucible_attachment: {
    read: async (s, req) => ({ state: await readAttachment(s, vmidOfAttachment(req.id, req.prior), req.prior, req) }),
    reserve: async (_s, req) => {
      const vm = str(req.planned.vm);
      const ref = vm ? parseVmRef(vm) : undefined;
      if (!ref) throw new ProviderError('vm must be known to attach disks');
      return { identity: { vmid: ref.vmid } };
    },
    create: (s, req) => createAttachment(s, req.planned, req),
    update: async (s, req) => ({ state: await updateAttachment(s, req.id, req.prior, req.planned, req) }),
    delete: (s, req) => deleteAttachment(s, req.id, req.prior, req),
    recover: (s, req) => recoverAttachment(s, req.planned, req),
    importResource: async () => {
      throw new ProviderError(
        'crucible_attachment cannot be imported: declare it, and the first apply adopts the disks already in its slots',
      );
    },
  },
};
