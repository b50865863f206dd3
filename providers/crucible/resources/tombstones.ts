/**
 * Reference counting in hl, where the storage cannot do it the Oxide way. In Oxide a snapshot
 * outlives its disk and an image may be deleted while disks made from it live on; on Proxmox a
 * snapshot lives in its holder's config and on the holder's volume, and ZFS or directory
 * storage refuses to free a base volume that linked clones use ("base volume ... is still in
 * use by linked cloned"). So:
 *
 * - deleting a disk whose holder still has snapshots hl made keeps the holder as a tombstone
 *   (`state=destroyed` in its marker; the disk reads as gone) until its last snapshot is deleted;
 * - deleting an image whose template PVE refuses to destroy keeps the template as a tombstone
 *   until its last linked clone (a disk) is deleted.
 *
 * A tombstone is collected by the delete that removes its last dependent.
 */
import type { OperationContext } from '../../../src/provider/contract.js';
import { TaskFailedError } from '../../pve/client/task-waiter.js';
import { PveApiError } from '../../pve/client/pve-error.js';
import { joinMarker, splitMarker, type Marker, type MarkerKind } from '../model/holder-marker.js';
import { type PveSession, vmPath } from '../connection/pve-session.js';
import { destroyHolder, lookupHolder, type Holder } from './holder-guest.js';
import { convergeReplication } from './replication-jobs.js';

export interface HolderSnapshot {
  snapname: string;
  text: string;
  marker?: Marker;
  snaptime?: number;
}

/** The holder's PVE snapshots (without `current`). */
export async function holderSnapshots(s: PveSession, node: string, vmid: number, op: OperationContext): Promise<HolderSnapshot[]> {
  const raw = await s.get<{ name?: string; description?: string; snaptime?: number }[]>(`${vmPath(node, vmid)}/snapshot`, undefined, op);
  return (Array.isArray(raw) ? raw : [])
    .filter((e) => typeof e.name === 'string' && e.name !== 'current')
    .map((e) => {
      const { text, marker } = splitMarker(e.description);
      return {
        snapname: e.name!,
        text,
        ...(marker ? { marker } : {}),
        ...(typeof e.snaptime === 'number' ? { snaptime: e.snaptime } : {}),
      };
    });
}

export function isTombstone(h: Holder): boolean {
  return h.marker.fields.state === 'destroyed';
}

/** Marks a holder destroyed: it reads as gone and waits for its last dependent. */
export async function tombstoneHolder(s: PveSession, h: Holder, reason: string, op: OperationContext): Promise<void> {
  op.progress?.(`keeping holder VM ${h.vmid} as a tombstone: ${reason}`);
  await convergeReplication(s, h.vmid, { mode: 'none' }, op);
  const marker: Marker = { kind: h.marker.kind, fields: { ...h.marker.fields, state: 'destroyed' } };
  await s.send(
    'PUT',
    `${vmPath(h.node, h.vmid)}/config`,
    { description: joinMarker(h.text, marker), ...(h.digest ? { digest: h.digest } : {}) },
    op,
    true,
  );
}

function stillInUse(e: unknown): boolean {
  const text = e instanceof TaskFailedError ? e.exitStatus : e instanceof PveApiError ? e.reason : '';
  return /still in use by linked clone/.test(text);
}

/**
 * Destroys an image's template; when the storage refuses because disks still use its base
 * volume, keeps it as a tombstone instead. Answers what happened.
 */
export async function destroyOrTombstoneImage(s: PveSession, h: Holder, op: OperationContext): Promise<'destroyed' | 'tombstone'> {
  try {
    await destroyHolder(s, h.vmid, op);
    return 'destroyed';
  } catch (e) {
    if (!stillInUse(e)) throw e;
    if (!isTombstone(h)) await tombstoneHolder(s, h, 'disks made from the image still use its base volume', op);
    return 'tombstone';
  }
}

/** Collects the tombstone at `vmid` (of `kind`) if its last dependent is gone. */
export async function collectTombstone(s: PveSession, vmid: number, kind: MarkerKind, op: OperationContext): Promise<void> {
  const l = await lookupHolder(s, vmid, kind, undefined, op);
  if (!('found' in l) || !isTombstone(l.found)) return;
  const h = l.found;
  if (kind === 'image') {
    await destroyOrTombstoneImage(s, h, op);
    return;
  }
  const left = (await holderSnapshots(s, h.node, vmid, op)).filter((x) => x.marker?.kind === 'snapshot');
  if (left.length === 0) await destroyHolder(s, vmid, op);
}
