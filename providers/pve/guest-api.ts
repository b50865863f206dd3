/**
 * One guest API for every PVE-backed provider (proxmox, crucible, coral): a guest's reference
 * (type, node, VMID) and its API path `/nodes/{node}/{qemu|lxc}/{vmid}`, its config as read
 * (every value as text, with the digest it was read at), its pending changes, its power
 * status, and where a VMID lives in the cluster.
 */
import type { OperationContext } from '../../src/provider/contract.js';
import { callOpts } from './client/call-options.js';
import type { PveClient } from './client/pve-client.js';
import { isNotFound } from './client/pve-error.js';
import type { GuestType } from './cluster-inventory.js';

export interface GuestRef {
  type: GuestType;
  node: string;
  vmid: number;
}

export function guestPath(ref: GuestRef): string {
  return `/nodes/${ref.node}/${ref.type}/${ref.vmid}`;
}

export function guestLabel(ref: Pick<GuestRef, 'type' | 'vmid'>): string {
  return `${ref.type === 'qemu' ? 'VM' : 'CT'} ${ref.vmid}`;
}

/** A guest config as read: every value as text. */
export type PveConfig = Record<string, string>;

/** GET config answers numbers for some keys: make everything text. */
function toPveConfig(raw: unknown): PveConfig {
  const out: PveConfig = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    out[k] = typeof v === 'string' ? v : typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  }
  return out;
}

/** A config and the digest it was read at (for a digest-guarded update). */
export interface LiveConfig {
  config: PveConfig;
  digest: string | undefined;
}

/** GET .../config (pending values applied, as PVE answers by default). */
export async function readGuestConfig(client: PveClient, ref: GuestRef, op: OperationContext): Promise<LiveConfig> {
  const raw = await client.call<Record<string, unknown>>('GET', `${guestPath(ref)}/config`, undefined, callOpts(op));
  const config = toPveConfig(raw);
  const digest = config.digest;
  delete config.digest;
  return { config, digest };
}

/** As readGuestConfig; undefined when the guest is not there. */
export async function readGuestConfigIfPresent(client: PveClient, ref: GuestRef, op: OperationContext): Promise<LiveConfig | undefined> {
  try {
    return await readGuestConfig(client, ref, op);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** An entry of GET .../pending: the current `value`, the `pending` one, and `delete`. */
export interface PendingItem {
  key: string;
  value?: unknown;
  pending?: unknown;
  delete?: number;
}

/** GET .../pending as PVE answers it (no list: none). */
export async function readPendingItems(client: PveClient, ref: GuestRef, op: OperationContext): Promise<PendingItem[]> {
  const raw = await client.call<unknown>('GET', `${guestPath(ref)}/pending`, undefined, callOpts(op));
  return Array.isArray(raw) ? (raw as PendingItem[]) : [];
}

/** Whether an entry of GET .../pending waits for the next start (a value or a delete). */
function isPending(e: { pending?: unknown; delete?: unknown }): boolean {
  return e.pending !== undefined || (e.delete !== undefined && Number(e.delete) > 0);
}

/** Keys whose change waits for the next start, sorted. */
export function pendingKeys(items: readonly PendingItem[]): string[] {
  const out: string[] = [];
  for (const e of items) {
    if (!e.key || e.key === 'digest') continue;
    if (isPending(e)) out.push(e.key);
  }
  return out.sort();
}

/**
 * The config GET .../config would answer (pending values applied) and the pending keys, from
 * one GET .../pending: each entry carries the current `value`, the `pending` one and `delete`.
 */
export function configWithPending(items: readonly PendingItem[]): { config: PveConfig; pending: string[] } {
  const merged: Record<string, unknown> = {};
  const pending: string[] = [];
  for (const e of items) {
    if (!e.key || e.key === 'digest') continue;
    const deleted = e.delete !== undefined && Number(e.delete) > 0;
    if (isPending(e)) pending.push(e.key);
    if (deleted) continue;
    const v = e.pending !== undefined ? e.pending : e.value;
    if (v !== undefined) merged[e.key] = v;
  }
  return { config: toPveConfig(merged), pending: pending.sort() };
}

/** The power status now (GET .../status/current); `unknown` when the answer has none. */
export async function readGuestStatus(client: PveClient, ref: GuestRef, op: OperationContext): Promise<string> {
  const r = await client.call<{ status?: unknown }>('GET', `${guestPath(ref)}/status/current`, undefined, callOpts(op));
  return typeof r?.status === 'string' ? r.status : 'unknown';
}

/** Where a VMID lives: node and type, from /cluster/resources (null: no such guest). */
export async function locateGuest(client: PveClient, vmid: number, op: OperationContext): Promise<GuestRef | null> {
  const all = await client.call<{ vmid?: number; node?: string; type?: string }[]>(
    'GET',
    '/cluster/resources',
    { type: 'vm' },
    callOpts(op),
  );
  const r = (Array.isArray(all) ? all : []).find((x) => x.vmid === vmid);
  if (!r || typeof r.node !== 'string') return null;
  return { type: r.type === 'lxc' ? 'lxc' : 'qemu', node: r.node, vmid };
}
