/**
 * crucible_snapshot: a PVE snapshot of the disk's holder VM, named `hl-<12 hex>` by `reserve`
 * (the Oxide name lives in the snapshot's description, with hl's marker).
 *
 * Consistency: the snapshot is taken of the holder, but the volume may be written by the VM
 * it is attached to. When that VM runs and its guest agent answers, its filesystems are frozen
 * (`agent/fsfreeze-freeze`) for the snapshot and thawed right after, whatever happens
 * (consistency fs-frozen); otherwise the snapshot is what the storage holds at that instant
 * (consistency crash). A detached disk is recorded as crash too: hl cannot prove the guest that
 * last wrote it shut down cleanly.
 *
 * state: `ready`; `creating` while the snapshot task holds the holder; `destroyed` while it is
 * being deleted; `faulted` when its volume or node is not there. A deleted snapshot reads as
 * gone. Deleting the last snapshot of a deleted disk collects the disk's tombstone.
 */
import type { Attributes } from '../../../src/core/value.js';
import { randomBytes } from 'node:crypto';
import { ProviderError, type CreateResponse, type ImportResponse, type OperationContext } from '../../../src/provider/contract.js';
import { isNotFound, PveApiError } from '../../pve/client/pve-error.js';
import { parseSize } from '../../pve/property-string.js';
import { formatDiskSize } from '../model/disk-size.js';
import { joinMarker, type Marker } from '../model/holder-marker.js';
import { parseDiskId, parseSnapshotId, snapshotId } from '../model/resource-ids.js';
import { cannot, storageCan } from '../model/storage-capabilities.js';
import { type PveSession, vmPath } from '../connection/pve-session.js';
import { lookupHolder, type Holder } from './holder-guest.js';
import { collectTombstone, holderSnapshots, isTombstone } from './tombstones.js';
import { volumeUsers, type VolumeUser } from './volume-users.js';

export interface SnapshotIdentity {
  vmid: number;
  snapname: string;
}

export function newSnapname(): string {
  return `hl-${randomBytes(6).toString('hex')}`;
}

function snapshotMarker(snapname: string, fields: { name: string; consistency: string; disk: string }): Marker {
  return { kind: 'snapshot', fields: { serial: snapname, name: fields.name, consistency: fields.consistency, disk: fields.disk } };
}

async function diskHolder(s: PveSession, diskIdText: string, op: OperationContext): Promise<Holder> {
  const ref = parseDiskId(diskIdText);
  if (!ref) throw new ProviderError(`"${diskIdText}" is not a crucible disk id`);
  const l = await lookupHolder(s, ref.vmid, 'disk', ref.serial, op);
  if ('unreachable' in l)
    throw new ProviderError(`crucible disk ${diskIdText}: node ${l.unreachable.node} does not answer`, { retryable: true });
  if (!('found' in l) || isTombstone(l.found)) throw new ProviderError(`crucible disk ${diskIdText} does not exist`);
  return l.found;
}

export async function reserveSnapshot(s: PveSession, planned: Attributes, op: OperationContext): Promise<SnapshotIdentity> {
  if (typeof planned.disk_id !== 'string') throw new ProviderError('disk_id must be known to take a snapshot');
  const h = await diskHolder(s, planned.disk_id, op);
  return { vmid: h.vmid, snapname: newSnapname() };
}

async function runningUsers(s: PveSession, h: Holder, op: OperationContext): Promise<VolumeUser[]> {
  if (!h.drive) return [];
  const facts = await s.storage(h.node, h.drive.volid.split(':')[0]!, op);
  return (await volumeUsers(s, h.drive.volid, { node: h.node, shared: facts?.shared ?? false, owner: h.vmid }, op)).users.filter(
    (u) => u.status === 'running',
  );
}

async function thaw(s: PveSession, users: VolumeUser[], op: OperationContext): Promise<void> {
  for (const u of users) {
    try {
      await s.send('POST', `${vmPath(u.node, u.vmid)}/agent/fsfreeze-thaw`, undefined, op, true);
    } catch (e) {
      op.progress?.(`could not thaw the filesystems of VM ${u.vmid}: ${(e as Error).message}`);
    }
  }
}

/** Freezes the filesystems of the VMs using the disk; the frozen ones, or the reason it failed. */
async function freeze(s: PveSession, users: VolumeUser[], op: OperationContext): Promise<{ frozen: VolumeUser[]; failed?: string }> {
  const frozen: VolumeUser[] = [];
  for (const u of users) {
    try {
      await s.send('POST', `${vmPath(u.node, u.vmid)}/agent/fsfreeze-freeze`, undefined, op, false);
      frozen.push(u);
    } catch (e) {
      // u too: a freeze whose answer was lost may have happened (thawing a thawed guest is harmless).
      await thaw(s, [...frozen, u], op);
      return { frozen: [], failed: `VM ${u.vmid}: ${e instanceof PveApiError ? e.reason : (e as Error).message}` };
    }
  }
  return { frozen };
}

export async function createSnapshot(
  s: PveSession,
  planned: Attributes,
  id: SnapshotIdentity,
  op: OperationContext,
): Promise<CreateResponse> {
  const diskIdText = String(planned.disk_id);
  const name = String(planned.name);
  const h = await diskHolder(s, diskIdText, op);
  if (h.vmid !== id.vmid) throw new ProviderError(`crucible disk ${diskIdText} is held by VM ${h.vmid}, not the reserved ${id.vmid}`);
  const storage = h.drive?.volid.split(':')[0];
  const facts = storage ? await s.storage(h.node, storage, op) : undefined;
  if (facts && !storageCan(facts.type, 'snapshot'))
    throw new ProviderError(`crucible disk ${diskIdText} cannot be snapshotted: ${cannot(facts.type, `${h.node}:${storage}`, 'snapshot')}`);
  const wanted = typeof planned.consistency === 'string' ? planned.consistency : undefined;
  let consistency = 'crash';
  let frozen: VolumeUser[] = [];
  if (wanted !== 'crash') {
    const users = await runningUsers(s, h, op);
    if (users.length === 0) {
      if (wanted === 'fs-frozen') {
        throw new ProviderError(
          `consistency fs-frozen needs a running VM with the QEMU guest agent using crucible disk ${diskIdText}, and none runs with it; a snapshot now would be crash-consistent (write consistency: crash to take it anyway)`,
        );
      }
    } else {
      const f = await freeze(s, users, op);
      if (f.failed !== undefined) {
        if (wanted === 'fs-frozen')
          throw new ProviderError(`consistency fs-frozen: the filesystems could not be frozen (${f.failed}); no snapshot was taken`);
        op.progress?.(`filesystems not frozen (${f.failed}); the snapshot is crash-consistent`);
      } else {
        frozen = f.frozen;
        consistency = 'fs-frozen';
      }
    }
  }
  const description = joinMarker(
    typeof planned.description === 'string' ? planned.description : '',
    snapshotMarker(id.snapname, { name, consistency, disk: diskIdText }),
  );
  try {
    const path = `${vmPath(h.node, h.vmid)}/snapshot`;
    op.progress?.(`taking snapshot ${id.snapname} of holder VM ${h.vmid} (${consistency})`);
    let answer: unknown;
    try {
      answer = await s.send('POST', path, { snapname: id.snapname, description }, op, false);
    } catch (e) {
      const lost = e instanceof PveApiError && !e.answered && e.kind !== 'tls';
      if (!lost || !(await holderSnapshots(s, h.node, h.vmid, op)).some((x) => x.snapname === id.snapname)) throw e;
    }
    await s.wait(answer, `snapshot ${id.snapname} of holder VM ${h.vmid}`, 'update', op);
  } finally {
    await thaw(s, frozen, op);
  }
  const state = await readSnapshot(s, id, null, op);
  if (!state) throw new ProviderError(`snapshot ${id.snapname} of holder VM ${h.vmid} is not there after its task ended`);
  return { id: String(state.id), state };
}

export async function readSnapshot(
  s: PveSession,
  id: SnapshotIdentity,
  prior: Attributes | null,
  op: OperationContext,
): Promise<Attributes | null> {
  const l = await lookupHolder(s, id.vmid, 'disk', undefined, op);
  if ('unreachable' in l) return prior ? { ...prior, state: 'faulted' } : null;
  if (!('found' in l)) return null;
  const h = l.found;
  const snap = (await holderSnapshots(s, h.node, h.vmid, op)).find((x) => x.snapname === id.snapname);
  if (snap?.marker?.kind !== 'snapshot') return null;
  const cfg = await s.get<Record<string, unknown>>(`${vmPath(h.node, h.vmid)}/snapshot/${id.snapname}/config`, undefined, op);
  const sizeText = /(?:^|,)size=([^,]+)/.exec(String(cfg?.scsi0 ?? ''))?.[1];
  const bytes = sizeText ? parseSize(sizeText) : undefined;
  const volumeThere = h.drive ? (await s.volumeSize(h.node, h.drive.volid, h.vmid, op)) !== undefined : false;
  const state = h.lock === 'snapshot-delete' ? 'destroyed' : h.status === 'unknown' || !volumeThere ? 'faulted' : 'ready';
  return {
    id: snapshotId({ vmid: h.vmid, snapname: id.snapname, sizeBytes: bytes ?? 0 }),
    name: snap.marker.fields.name ?? null,
    description: snap.text,
    disk_id: snap.marker.fields.disk ?? null,
    consistency: snap.marker.fields.consistency ?? 'crash',
    state,
    size: bytes !== undefined ? formatDiskSize(bytes) : null,
    snapname: id.snapname,
    holder_vmid: h.vmid,
  };
}

export function snapshotIdentityOf(id: string, prior: Attributes | null): SnapshotIdentity {
  const ref = parseSnapshotId(id);
  if (ref) return { vmid: ref.vmid, snapname: ref.snapname };
  if (prior && typeof prior.holder_vmid === 'number' && typeof prior.snapname === 'string')
    return { vmid: prior.holder_vmid, snapname: prior.snapname };
  throw new ProviderError(`"${id}" is not a crucible snapshot id (snapshot/<vmid>/<snapname>/<size>)`);
}

export async function updateSnapshot(
  s: PveSession,
  id: string,
  prior: Attributes,
  planned: Attributes,
  op: OperationContext,
): Promise<Attributes> {
  const ident = snapshotIdentityOf(id, prior);
  const l = await lookupHolder(s, ident.vmid, 'disk', undefined, op);
  if (!('found' in l)) throw new ProviderError(`snapshot ${id} no longer exists; run "hl plan" to see it as gone`);
  const h = l.found;
  const snap = (await holderSnapshots(s, h.node, h.vmid, op)).find((x) => x.snapname === ident.snapname);
  if (!snap?.marker) throw new ProviderError(`snapshot ${id} no longer exists; run "hl plan" to see it as gone`);
  const marker: Marker = { kind: 'snapshot', fields: { ...snap.marker.fields, name: String(planned.name) } };
  const description = joinMarker(typeof planned.description === 'string' ? planned.description : '', marker);
  await s.send('PUT', `${vmPath(h.node, h.vmid)}/snapshot/${ident.snapname}/config`, { description }, op, true);
  const state = await readSnapshot(s, ident, planned, op);
  if (!state) throw new ProviderError(`snapshot ${id} vanished during its update`);
  return state;
}

export async function deleteSnapshot(s: PveSession, id: string, prior: Attributes | null, op: OperationContext): Promise<void> {
  const ident = snapshotIdentityOf(id, prior);
  const l = await lookupHolder(s, ident.vmid, 'disk', undefined, op);
  if ('unreachable' in l) throw new ProviderError(`snapshot ${id}: node ${l.unreachable.node} does not answer`, { retryable: true });
  if (!('found' in l)) return;
  const h = l.found;
  if ((await holderSnapshots(s, h.node, h.vmid, op)).some((x) => x.snapname === ident.snapname)) {
    op.progress?.(`deleting snapshot ${ident.snapname} of holder VM ${h.vmid}`);
    try {
      await s.task(
        'DELETE',
        `${vmPath(h.node, h.vmid)}/snapshot/${ident.snapname}`,
        undefined,
        `delete of snapshot ${ident.snapname}`,
        'delete',
        op,
      );
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  await collectTombstone(s, h.vmid, 'disk', op);
}

/**
 * After a crash during a create: the snapshot if it was taken. Filesystems a crash may have
 * left frozen are thawed either way.
 */
export async function recoverSnapshot(s: PveSession, id: SnapshotIdentity, op: OperationContext): Promise<CreateResponse | null> {
  const l = await lookupHolder(s, id.vmid, 'disk', undefined, op);
  if (!('found' in l)) return null;
  const users = await runningUsers(s, l.found, op);
  for (const u of users) {
    const st = await s
      .send<{ result?: string }>('POST', `${vmPath(u.node, u.vmid)}/agent/fsfreeze-status`, undefined, op, true)
      .catch(() => undefined);
    if (st?.result === 'frozen') await thaw(s, [u], op);
  }
  const state = await readSnapshot(s, id, null, op);
  return state ? { id: String(state.id), state } : null;
}

export async function importSnapshot(s: PveSession, id: string, op: OperationContext): Promise<ImportResponse> {
  const ident = snapshotIdentityOf(id, null);
  const state = await readSnapshot(s, ident, null, op);
  return state ? { resource: { id: String(state.id), state } } : { resource: null };
}
