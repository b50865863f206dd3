/**
 * The guest endpoints a passthrough reads and writes, through the proxmox provider's client
 * (retries, lock contention, error mapping): config with its digest, pending changes, power
 * status, a synchronous config update, and cluster resource mappings.
 */
import type { OperationContext } from '../../../src/provider/contract.js';
import type { PveClient } from '../../pve/client/pve-client.js';
import { isNotFound } from '../../pve/client/pve-error.js';
import type { GuestType } from './passthrough-config.js';

export interface GuestRef {
  node: string;
  vmid: number;
  guestType: GuestType;
}

export type GuestConfig = Record<string, unknown> & { digest?: string; lxc?: [string, string][] };

export interface PendingItem {
  key: string;
  value?: unknown;
  pending?: unknown;
  delete?: number;
}

export interface MappingAnswer {
  map?: string[];
  description?: string;
  digest?: string;
}

export function guestPath(g: GuestRef): string {
  return `/nodes/${encodeURIComponent(g.node)}/${g.guestType === 'vm' ? 'qemu' : 'lxc'}/${g.vmid}`;
}

function opts(op: OperationContext, idempotent?: boolean): { signal?: AbortSignal; onRetry?: (m: string) => void; idempotent?: boolean } {
  return {
    ...(op.signal ? { signal: op.signal } : {}),
    ...(op.progress ? { onRetry: op.progress } : {}),
    ...(idempotent !== undefined ? { idempotent } : {}),
  };
}

/** The guest's config (pending values applied), or null when the guest does not exist there. */
export async function readGuestConfig(client: PveClient, g: GuestRef, op: OperationContext = {}): Promise<GuestConfig | null> {
  try {
    return await client.call<GuestConfig>('GET', `${guestPath(g)}/config`, undefined, opts(op));
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

export async function readPending(client: PveClient, g: GuestRef, op: OperationContext = {}): Promise<PendingItem[]> {
  const r = await client.call<PendingItem[]>('GET', `${guestPath(g)}/pending`, undefined, opts(op));
  return Array.isArray(r) ? r : [];
}

export async function readGuestStatus(client: PveClient, g: GuestRef, op: OperationContext = {}): Promise<string> {
  const r = await client.call<{ status?: string }>('GET', `${guestPath(g)}/status/current`, undefined, opts(op));
  return typeof r?.status === 'string' ? r.status : 'unknown';
}

/** `PUT .../config` (synchronous for VMs and containers); a config update is safe to repeat. */
export async function writeGuestConfig(client: PveClient, g: GuestRef, params: Record<string, string>, op: OperationContext = {}): Promise<void> {
  await client.call('PUT', `${guestPath(g)}/config`, params, opts(op, true));
}

/** A cluster resource mapping, or null when there is none with that id. */
export async function readMapping(client: PveClient, kind: 'usb' | 'pci', id: string, op: OperationContext = {}): Promise<MappingAnswer | null> {
  try {
    return await client.call<MappingAnswer>('GET', `/cluster/mapping/${kind}/${encodeURIComponent(id)}`, undefined, opts(op));
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

/** Where a VMID lives: node and type, from /cluster/resources (null: no such guest). */
export async function locateGuest(client: PveClient, vmid: number, op: OperationContext = {}): Promise<GuestRef | null> {
  const all = await client.call<{ vmid?: number; node?: string; type?: string }[]>('GET', '/cluster/resources', { type: 'vm' }, opts(op));
  const r = (Array.isArray(all) ? all : []).find((x) => x.vmid === vmid);
  if (!r || typeof r.node !== 'string') return null;
  return { node: r.node, vmid, guestType: r.type === 'lxc' ? 'lxc' : 'vm' };
}
