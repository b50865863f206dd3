/**
 * Which VMs use a volume: Proxmox does not say, so the configs of the VMs that could reach it
 * (on its node, or every node for shared storage) are read and their drives compared. Holders
 * (tagged `crucible`) are skipped: a holder only ever uses its own volume. A node that does
 * not answer is reported, since a VM there might use the volume.
 */
import type { OperationContext } from '../../../src/provider/contract.js';
import { isNodeUnreachable } from '../../pve/client/pve-error.js';
import type { PveSession } from '../connection/pve-session.js';
import { HOLDER_TAG } from './holder-guest.js';

export const DRIVE_KEY_RE = /^(scsi|virtio|sata|ide)\d+$/;

/** The volume and serial of any drive value (`local-lvm:vm-1-disk-0,serial=x`), leniently. */
export function driveFacts(value: string): { volid?: string; serial?: string; cdrom: boolean } {
  const parts = value.split(',');
  let volid: string | undefined;
  let serial: string | undefined;
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq < 0) volid ??= p;
    else if (p.startsWith('file=') || p.startsWith('volume=')) volid = p.slice(eq + 1);
    else if (p.startsWith('serial=')) serial = p.slice(eq + 1);
  }
  return { ...(volid ? { volid } : {}), ...(serial ? { serial } : {}), cdrom: parts.includes('media=cdrom') };
}

export interface VolumeUser {
  node: string;
  vmid: number;
  name?: string;
  /** `scsi1`, ... */
  slot: string;
  status: string;
  /** The drive's serial, if any. */
  serial?: string;
}

export interface VolumeUsers {
  users: VolumeUser[];
  /** Nodes whose VMs could not be read. */
  unreachable: string[];
}

export async function volumeUsers(
  s: PveSession,
  volid: string,
  where: { node: string; shared: boolean; owner: number },
  op: OperationContext,
): Promise<VolumeUsers> {
  const out: VolumeUsers = { users: [], unreachable: [] };
  const guests = (await s.guests(op)).filter(
    (g) => g.type === 'qemu' && g.vmid !== where.owner && !g.tags.includes(HOLDER_TAG) && (where.shared || g.node === where.node),
  );
  for (const g of guests) {
    if (g.status === 'unknown') {
      if (!out.unreachable.includes(g.node)) out.unreachable.push(g.node);
      continue;
    }
    let live: Awaited<ReturnType<PveSession['vmConfig']>>;
    try {
      live = await s.vmConfig(g.node, g.vmid, op);
    } catch (e) {
      if (isNodeUnreachable(e)) {
        if (!out.unreachable.includes(g.node)) out.unreachable.push(g.node);
        continue;
      }
      throw e;
    }
    if (!live) continue;
    for (const [key, value] of Object.entries(live.config)) {
      if (!DRIVE_KEY_RE.test(key)) continue;
      const d = driveFacts(value);
      if (d.cdrom || d.volid !== volid) continue;
      out.users.push({
        node: g.node,
        vmid: g.vmid,
        ...(g.name ? { name: g.name } : {}),
        slot: key,
        // decisions (freeze, stop) need the power state now, not the listing's
        status: await s.liveStatus(g.node, g.vmid, op),
        ...(d.serial ? { serial: d.serial } : {}),
      });
    }
  }
  return out;
}

export function describeUser(u: VolumeUser): string {
  return `VM ${u.vmid}${u.name ? ` (${u.name})` : ''} on ${u.node} as ${u.slot}`;
}
