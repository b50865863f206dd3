/**
 * A guest left behind by a create or clone that never finished: its config still holds
 * `lock: create` (or `clone`) but no task that could release it runs anywhere in the cluster.
 * PVE leaves this after the node went down mid-create (or its worker was killed); only root
 * can clear it (`skiplock` is refused to API tokens), so hl names the guest and the commands
 * instead of waiting out the whole create timeout.
 *
 * A create's task carries the new VMID as its id; a clone's carries the source's, and runs on
 * the source's node — so any running create/clone/restore task on an online node counts as
 * possibly holding the lock.
 */
import { ProviderError, type OperationContext } from '../../src/provider/contract.js';
import { callOpts } from './client/call-options.js';
import type { PveClient } from './client/pve-client.js';
import type { GuestType } from './cluster-inventory.js';
import type { GuestRef } from './guest-api.js';

const CREATING_TASKS = /^(qmcreate|qmclone|qmrestore|vzcreate|vzclone|vzrestore)$/;

interface TaskEntry {
  type?: unknown;
  id?: unknown;
}

/** Whether a task that may hold `vmid`'s create/clone lock is running on any online node. */
export async function creatingTaskRunning(client: PveClient, vmid: number, op: OperationContext): Promise<boolean> {
  const nodes = await client.call<{ node?: unknown; status?: unknown }[]>('GET', '/nodes', undefined, callOpts(op, true));
  const online = nodes.filter((n) => n.status === 'online' && typeof n.node === 'string').map((n) => n.node as string);
  for (const node of online) {
    const active = await client.call<TaskEntry[]>('GET', `/nodes/${node}/tasks`, { source: 'active' }, callOpts(op, true));
    const holds = active.some(
      (t) => typeof t.type === 'string' && CREATING_TASKS.test(t.type) && (String(t.id) === String(vmid) || /clone$/.test(t.type)),
    );
    if (holds) return true;
  }
  return false;
}

/** The error for a guest whose create/clone lock no running task holds. */
export function unfinishedCreateError(ref: GuestRef, lock: string): ProviderError {
  const cli = ref.type === 'qemu' ? 'qm' : 'pct';
  const what = ref.type === 'qemu' ? 'VM' : 'CT';
  return new ProviderError(
    `${what} ${ref.vmid} on node ${ref.node} was left by a ${lock} that never finished: its config still holds "lock: ${lock}" ` +
      `and no task that could release it is running. hl cannot clear the lock with an API token. ` +
      `If nothing else is creating it, remove it on ${ref.node} with \`${cli} unlock ${ref.vmid} && ${cli} destroy ${ref.vmid}\`, then run hl apply again.`,
  );
}

/**
 * Tracks a guest seen locked by create/clone across polls: declared stale only when two
 * consecutive looks find the lock held and no task running (PVE writes the locked config a
 * moment before it forks the worker).
 */
export class UnfinishedCreateWatch {
  private idleLooks = 0;

  constructor(
    private readonly client: PveClient,
    private readonly type: GuestType,
    private readonly vmid: number,
  ) {}

  /** Throws when the lock is stale; call after each look that found the lock held. */
  async check(node: string, lock: string, op: OperationContext): Promise<void> {
    if (await creatingTaskRunning(this.client, this.vmid, op)) {
      this.idleLooks = 0;
      return;
    }
    if (++this.idleLooks >= 2) throw unfinishedCreateError({ type: this.type, node, vmid: this.vmid }, lock);
  }
}
