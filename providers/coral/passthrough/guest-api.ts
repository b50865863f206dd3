/**
 * The guest endpoints a passthrough reads and writes, over the PVE platform's guest API
 * (providers/pve/guest-api.ts) and client (retries, lock contention, error mapping): config
 * with its digest (as PVE answers it: a container's raw `lxc` lines are pairs), pending
 * changes, power status, a synchronous config update, and cluster resource mappings. The guest
 * is named as a passthrough names it: `guestType` is the `guest_type` attribute (`vm`, `lxc`).
 */
import type { OperationContext } from '../../../src/provider/contract.js';
import { callOpts } from '../../pve/client/call-options.js';
import type { PveClient } from '../../pve/client/pve-client.js';
import { isNotFound } from '../../pve/client/pve-error.js';
import * as pve from '../../pve/guest-api.js';
import type { GuestType } from './passthrough-config.js';

export type { PendingItem } from '../../pve/guest-api.js';

export interface PassthroughGuest {
  node: string;
  vmid: number;
  guestType: GuestType;
}

export type GuestConfig = Record<string, unknown> & { digest?: string; lxc?: [string, string][] };

export interface MappingAnswer {
  map?: string[];
  description?: string;
  digest?: string;
}

/** The platform's reference of a passthrough's guest. */
function refOf(g: PassthroughGuest): pve.GuestRef {
  return { type: g.guestType === 'vm' ? 'qemu' : 'lxc', node: g.node, vmid: g.vmid };
}

/** The guest's config (pending values applied), or null when the guest does not exist there. */
export async function readGuestConfig(client: PveClient, g: PassthroughGuest, op: OperationContext = {}): Promise<GuestConfig | null> {
  try {
    return await client.call<GuestConfig>('GET', `${pve.guestPath(refOf(g))}/config`, undefined, callOpts(op));
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

export function readPending(client: PveClient, g: PassthroughGuest, op: OperationContext = {}): Promise<pve.PendingItem[]> {
  return pve.readPendingItems(client, refOf(g), op);
}

export function readGuestStatus(client: PveClient, g: PassthroughGuest, op: OperationContext = {}): Promise<string> {
  return pve.readGuestStatus(client, refOf(g), op);
}

/** `PUT .../config` (synchronous for VMs and containers); a config update is safe to repeat. */
export async function writeGuestConfig(
  client: PveClient,
  g: PassthroughGuest,
  params: Record<string, string>,
  op: OperationContext = {},
): Promise<void> {
  await client.call('PUT', `${pve.guestPath(refOf(g))}/config`, params, callOpts(op, true));
}

/** A cluster resource mapping, or null when there is none with that id. */
export async function readMapping(
  client: PveClient,
  kind: 'usb' | 'pci',
  id: string,
  op: OperationContext = {},
): Promise<MappingAnswer | null> {
  try {
    return await client.call<MappingAnswer>('GET', `/cluster/mapping/${kind}/${encodeURIComponent(id)}`, undefined, callOpts(op));
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

/** Where a VMID lives: node and type, from /cluster/resources (null: no such guest). */
export async function locateGuest(client: PveClient, vmid: number, op: OperationContext = {}): Promise<PassthroughGuest | null> {
  const ref = await pve.locateGuest(client, vmid, op);
  return ref === null ? null : { node: ref.node, vmid, guestType: ref.type === 'lxc' ? 'lxc' : 'vm' };
}
