/**
 * The crucible provider's way to the cluster: the PVE platform's client (TLS fetch, retries,
 * no blind re-send of a create), task waiting and guest API (providers/pve), wrapped in the
 * few calls every crucible resource makes: guests from `/cluster/resources`, a VM's config
 * with its digest, storage facts (cached: a storage's type does not change), requests whose
 * answer is a task (waited for, and tried again when the worker lost a race for the config
 * lock), and the VMIDs reserved in this process.
 */
import { ProviderError, type OperationContext } from '../../../src/provider/contract.js';
import { callOpts } from '../../pve/client/call-options.js';
import type { HttpMethod, Params, PveClient } from '../../pve/client/pve-client.js';
import { isNodeUnreachable } from '../../pve/client/pve-error.js';
import { awaitTaskAnswer, retryLockedTask } from '../../pve/client/task-answer.js';
import { parseResources, settleUnknown, type GuestEntry } from '../../pve/cluster-inventory.js';
import { guestPath, readGuestConfigIfPresent, readGuestStatus, type LiveConfig } from '../../pve/guest-api.js';
import type { TaskOperation } from '../../pve/provider-settings.js';
import type { VmidRange } from '../provider-settings.js';

export type { LiveConfig };

export interface StorageFacts {
  id: string;
  /** `lvmthin`, `zfspool`, `dir`, `nfs`, `lvm`, `rbd`, ... */
  type: string;
  shared: boolean;
  content: string[];
}

/** The API path of a VM (`/nodes/{node}/qemu/{vmid}`): crucible's guests, holders and the VMs disks attach to, are all VMs. */
export function vmPath(node: string, vmid: number): string {
  return guestPath({ type: 'qemu', node, vmid });
}

export interface SessionOptions {
  timeouts: Record<TaskOperation, number>;
  holderVmids: VmidRange;
}

export class PveSession {
  /** VMIDs handed out by reserve and not created yet (never handed out twice). */
  readonly reserved = new Set<number>();
  private readonly storages = new Map<string, StorageFacts>();

  constructor(
    readonly client: PveClient,
    readonly options: SessionOptions,
  ) {}

  get<T>(path: string, params: Params | undefined, op: OperationContext): Promise<T> {
    return this.client.call<T>('GET', path, params, callOpts(op));
  }

  /** A write; `idempotent` lets a lost answer be re-sent (digest-guarded updates, absolute resizes). */
  send<T>(method: HttpMethod, path: string, params: Params | undefined, op: OperationContext, idempotent: boolean): Promise<T> {
    return this.client.call<T>(method, path, params, callOpts(op, idempotent));
  }

  /** Waits for the task a write answered (a null answer: the write was synchronous). */
  wait(answer: unknown, what: string, operation: TaskOperation, op: OperationContext): Promise<void> {
    return awaitTaskAnswer(this.client, answer, what, this.options.timeouts[operation], op);
  }

  /**
   * A write whose task is waited for; a task that failed on the guest's config lock changed
   * nothing and is tried again with backoff. Only for steps that are safe to repeat.
   */
  task(
    method: HttpMethod,
    path: string,
    params: Params | undefined,
    what: string,
    operation: TaskOperation,
    op: OperationContext,
  ): Promise<void> {
    return retryLockedTask(op, what, async () => {
      const answer = await this.send<unknown>(method, path, params, op, true);
      await this.wait(answer, what, operation, op);
    });
  }

  /**
   * Every guest of the cluster. Their status is pvestatd's, up to a 10 s round old; those PVE
   * lists as `unknown` (created since that round) are read again, so `unknown` means that
   * the guest's node does not answer (see cluster-inventory.ts settleUnknown). Decisions on
   * power read liveStatus.
   */
  async guests(op: OperationContext): Promise<GuestEntry[]> {
    return settleUnknown(this.client, parseResources(await this.get<unknown>('/cluster/resources', { type: 'vm' }, op)), op.signal);
  }

  async guest(vmid: number, op: OperationContext): Promise<GuestEntry | undefined> {
    const hit = parseResources(await this.get<unknown>('/cluster/resources', { type: 'vm' }, op)).find((g) => g.vmid === vmid);
    return hit ? (await settleUnknown(this.client, [hit], op.signal))[0] : undefined;
  }

  /** A VM's power state now (`GET .../status/current`); `unknown` when its node does not answer. */
  async liveStatus(node: string, vmid: number, op: OperationContext): Promise<string> {
    try {
      return await readGuestStatus(this.client, { type: 'qemu', node, vmid }, op);
    } catch (e) {
      if (isNodeUnreachable(e)) return 'unknown';
      throw e;
    }
  }

  /** A VM's config (pending values applied, as PVE answers by default); undefined when gone. */
  vmConfig(node: string, vmid: number, op: OperationContext): Promise<LiveConfig | undefined> {
    return readGuestConfigIfPresent(this.client, { type: 'qemu', node, vmid }, op);
  }

  /**
   * Type, sharing and content of a storage as the node sees it; undefined when it has none
   * such. Cached (a storage's type never changes); `fresh` reads the content list again.
   */
  async storage(node: string, storage: string, op: OperationContext, fresh = false): Promise<StorageFacts | undefined> {
    const key = `${node}/${storage}`;
    const cached = this.storages.get(key);
    if (cached && !fresh) return cached;
    const list = await this.get<{ storage?: string; type?: string; shared?: number | boolean; content?: string }[]>(
      `/nodes/${node}/storage`,
      undefined,
      op,
    );
    for (const s of Array.isArray(list) ? list : []) {
      if (!s.storage || !s.type) continue;
      this.storages.set(`${node}/${s.storage}`, {
        id: s.storage,
        type: s.type,
        shared: s.shared === 1 || s.shared === true,
        content: String(s.content ?? '')
          .split(',')
          .filter((c) => c !== ''),
      });
    }
    return this.storages.get(key);
  }

  /** The size in bytes of a volume as its storage reports it; undefined when it is not there. */
  async volumeSize(node: string, volid: string, owner: number, op: OperationContext): Promise<number | undefined> {
    const storage = volid.split(':')[0]!;
    const list = await this.get<{ volid?: string; size?: number }[]>(
      `/nodes/${node}/storage/${storage}/content`,
      { content: 'images', vmid: owner },
      op,
    );
    const hit = (Array.isArray(list) ? list : []).find((v) => v.volid === volid);
    return typeof hit?.size === 'number' ? hit.size : undefined;
  }
}

/** A ProviderError naming the resource and what went wrong. */
export function failure(message: string, cause?: unknown): ProviderError {
  const detail = cause instanceof Error ? cause.message : cause !== undefined ? String(cause) : undefined;
  return new ProviderError(detail ? `${message}: ${detail}` : message);
}
