/**
 * Reading a crucible_disk: its holder (found by VMID, recognised by the serial in its marker),
 * the volume's real size from the storage, and the redundancy the volume really has.
 *
 * state: `creating` while the holder's create or clone task runs, `maintenance` while a
 * snapshot task holds it, `faulted` when the volume is missing or its node or storage does not
 * answer, `ready` otherwise. Whether the disk is attached is the crucible_attachment's to say:
 * a disk's attributes only change through the disk's own apply, so a later attach never shows
 * as drift on the disk.
 */
import type { Attributes, ValueMap } from '../../../src/core/value.js';
import type { OperationContext } from '../../../src/provider/contract.js';
import { formatDiskSize } from '../model/disk-size.js';
import { diskId, type DiskRef } from '../model/resource-ids.js';
import { isNodeUnreachable } from '../../pve/client/pve-error.js';
import type { PveSession } from '../connection/pve-session.js';
import { lookupHolder, type Holder } from './holder-guest.js';
import { readRedundancy } from './replication-jobs.js';
import { isTombstone } from './tombstones.js';

/** The `source` attribute a marker records. */
export function sourceValue(recorded: string | undefined): ValueMap {
  if (recorded?.startsWith('snapshot/')) return { type: 'snapshot', snapshot_id: recorded };
  if (recorded?.startsWith('image/')) return { type: 'image', image_id: recorded };
  return { type: 'blank' };
}

export function diskStateOf(h: Holder, volumeThere: boolean): string {
  if (h.lock === 'create' || h.lock === 'clone') return 'creating';
  if (h.lock === 'snapshot' || h.lock === 'snapshot-delete' || h.lock === 'rollback') return 'maintenance';
  if (h.status === 'unknown' || !h.drive || !volumeThere) return 'faulted';
  return 'ready';
}

/** The attributes of the disk whose holder is `h`. */
export async function diskAttributes(s: PveSession, h: Holder, op: OperationContext): Promise<Attributes> {
  const serial = h.marker.fields.serial ?? '';
  const drive = h.drive;
  const storageId = drive?.volid.split(':')[0] ?? h.marker.fields.storage ?? null;
  const facts = storageId ? await s.storage(h.node, storageId, op) : undefined;
  const realSize = drive ? await s.volumeSize(h.node, drive.volid, h.vmid, op) : undefined;
  const bytes = realSize ?? drive?.sizeBytes;
  return {
    id: diskId({ vmid: h.vmid, serial }),
    name: h.marker.fields.name ?? null,
    description: h.text,
    size: bytes !== undefined ? formatDiskSize(bytes) : null,
    block_size: Number(h.marker.fields.block_size ?? 512),
    source: sourceValue(h.marker.fields.source),
    read_only: h.marker.fields.read_only === '1',
    placement: { node: h.node, storage: storageId },
    redundancy: await readRedundancy(s, h.node, h.vmid, facts, op),
    state: diskStateOf(h, realSize !== undefined),
    volume_id: drive?.volid ?? null,
    device_serial: serial,
    holder_vmid: h.vmid,
  };
}

/** The disk `ref`, or null when it is gone (its holder is gone, someone else's, or a tombstone). */
export async function readDisk(s: PveSession, ref: DiskRef, prior: Attributes | null, op: OperationContext): Promise<Attributes | null> {
  const l = await lookupHolder(s, ref.vmid, 'disk', ref.serial, op);
  if ('unreachable' in l) {
    // Its node does not answer: the disk is there as far as anyone knows, and unusable.
    if (prior) return { ...prior, state: 'faulted' };
    return null;
  }
  if (!('found' in l) || isTombstone(l.found)) return null;
  try {
    return await diskAttributes(s, l.found, op);
  } catch (e) {
    if (isNodeUnreachable(e) && prior) return { ...prior, state: 'faulted' };
    throw e;
  }
}
