/**
 * Creating a guest without ever blindly re-sending the create.
 *
 * 1. `reserve` picks the VMID (`GET /cluster/nextid`, or the configured one) and checks it is
 *    free (`GET /cluster/nextid?vmid=N`), and draws the marker token; the engine writes both
 *    to its journal before `create` runs. VMIDs reserved in this process are not handed out
 *    twice (nextid answers the same number until a guest exists).
 * 2. The create (or clone) POST is never repeated by the HTTP layer. When it fails:
 *    - refused with lock contention or a transient answer (nothing was done): back off, retry;
 *    - "already exists", or no answer at all: look at the VMID. A guest there with our marker
 *      token is ours (the first attempt went through): wait until its `lock` is gone and
 *      adopt it. A guest without our token is someone else's: fail, naming the VMID. No guest:
 *      the request did not happen; send it again.
 * 3. `recover` (after a crash between journal and answer) does the same look-up.
 */
import { ProviderError, type OperationContext } from '../../../src/provider/contract.js';
import {
  alreadyExistsText,
  isAlreadyExists,
  isLockContention,
  isNotFound,
  isTransientAnswer,
  lockContentionText,
  PveApiError,
} from '../../pve/client/pve-error.js';
import { backoffDelay, sleep, TRANSIENT_RETRY, LOCK_RETRY } from '../../pve/client/retry-policy.js';
import { awaitTaskAnswer } from '../../pve/client/task-answer.js';
import { TaskFailedError } from '../../pve/client/task-waiter.js';
import type { GuestType } from '../../pve/cluster-inventory.js';
import { splitMarker, newCreateToken } from '../mapping/hl-marker.js';
import type { TaskOperation } from '../../pve/provider-settings.js';
import { callOpts } from '../../pve/client/call-options.js';
import { guestLabel, type GuestRef } from '../../pve/guest-api.js';
import type { GuestContext } from './guest-context.js';
import { readConfig } from './guest-ops.js';
import { UnfinishedCreateWatch } from '../../pve/unfinished-create.js';

export interface CreateIdentity {
  node: string;
  vmid: number;
  token: string;
}

export function identityOf(raw: Record<string, unknown> | undefined): CreateIdentity | undefined {
  if (!raw) return undefined;
  const { node, vmid, token } = raw;
  if (typeof node !== 'string' || typeof vmid !== 'number' || typeof token !== 'string') return undefined;
  return { node, vmid, token };
}

async function vmidIsFree(ctx: GuestContext, vmid: number, op: OperationContext): Promise<boolean> {
  try {
    await ctx.client.call('GET', '/cluster/nextid', { vmid }, callOpts(op));
    return true;
  } catch (e) {
    if (e instanceof PveApiError && e.answered && /already exists|in use/i.test(`${e.reason} ${Object.values(e.paramErrors).join(' ')}`)) {
      return false;
    }
    throw e;
  }
}

/** Chooses and checks the VMID of a guest to create. */
export async function reserveVmid(
  ctx: GuestContext,
  node: string,
  wanted: number | undefined,
  op: OperationContext,
): Promise<CreateIdentity> {
  const token = newCreateToken();
  if (wanted !== undefined) {
    if (ctx.reserved.has(wanted)) {
      throw new ProviderError(
        `VMID ${wanted} is already in use in the cluster; choose another vmid (or leave it out to let hl pick a free one)`,
      );
    }
    // claimed before the check awaits, so a parallel reserve cannot take it too
    ctx.reserved.add(wanted);
    if (!(await vmidIsFree(ctx, wanted, op))) {
      ctx.reserved.delete(wanted);
      throw new ProviderError(
        `VMID ${wanted} is already in use in the cluster; choose another vmid (or leave it out to let hl pick a free one)`,
      );
    }
    return { node, vmid: wanted, token };
  }
  const first = Number(await ctx.client.call<unknown>('GET', '/cluster/nextid', undefined, callOpts(op)));
  if (!Number.isInteger(first)) throw new ProviderError(`GET /cluster/nextid answered ${String(first)}, not a VMID`);
  for (let candidate = first, tries = 0; tries < 100; candidate++, tries++) {
    if (ctx.reserved.has(candidate)) continue;
    // claimed before the check awaits, so parallel reserves never get the same VMID
    ctx.reserved.add(candidate);
    if (await vmidIsFree(ctx, candidate, op)) return { node, vmid: candidate, token };
    ctx.reserved.delete(candidate);
  }
  throw new ProviderError(`no free VMID found from ${first} on`);
}

export type Ownership = 'ours' | 'foreign' | 'absent';

/**
 * Who the guest at `identity` belongs to, by its marker token. A guest still being created
 * (`lock: create` or `clone`, its config not written yet) is waited for first: PVE registers
 * the VMID with a bare locked config before the worker writes the real one. A lock no running
 * task holds is reported (see unfinished-create.ts), not waited out.
 */
export async function probeGuest(ctx: GuestContext, type: GuestType, identity: CreateIdentity, op: OperationContext): Promise<Ownership> {
  const deadline = Date.now() + Math.max(ctx.settings.timeouts.create, ctx.settings.timeouts.clone) * 1000;
  const watch = new UnfinishedCreateWatch(ctx.client, type, identity.vmid);
  let interval = 100;
  for (;;) {
    const entry = await ctx.inventory.find(identity.vmid, { fresh: true, ...(op.signal ? { signal: op.signal } : {}) });
    if (!entry) return 'absent';
    if (entry.type !== type) return 'foreign';
    let config: Record<string, string>;
    try {
      config = (await readConfig(ctx, { type, node: entry.node, vmid: identity.vmid }, op)).config;
    } catch (e) {
      // gone between the listing and the read; anything else (a 500 storm) is not an answer
      if (isNotFound(e)) return 'absent';
      throw e;
    }
    if (splitMarker(config.description).marker?.token === identity.token) return 'ours';
    if ((config.lock !== 'create' && config.lock !== 'clone') || Date.now() > deadline) return 'foreign';
    await watch.check(entry.node, config.lock, op);
    op.progress?.(`${guestLabel({ type, vmid: identity.vmid })} is being created (lock: ${config.lock}); waiting to see whose it is`);
    await sleep(interval, op.signal);
    interval = Math.min(2000, interval * 2);
  }
}

/** Waits until the guest's create/clone lock is gone (its task ended). */
export async function waitUnlocked(ctx: GuestContext, ref: GuestRef, operation: TaskOperation, op: OperationContext): Promise<void> {
  const deadline = Date.now() + ctx.settings.timeouts[operation] * 1000;
  const watch = new UnfinishedCreateWatch(ctx.client, ref.type, ref.vmid);
  let interval = 200;
  for (;;) {
    const entry = await ctx.inventory.find(ref.vmid, { fresh: true });
    if (!entry)
      throw new ProviderError(`${guestLabel(ref)} disappeared while its ${operation} was finishing (the ${operation} task failed)`);
    let lock: string | undefined;
    try {
      lock = (await readConfig(ctx, { ...ref, node: entry.node }, op)).config.lock;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (lock !== 'create' && lock !== 'clone') return;
    if (Date.now() > deadline)
      throw new ProviderError(`${guestLabel(ref)} is still locked (${lock}) after ${ctx.settings.timeouts[operation]} s`);
    await watch.check(entry.node, lock, op);
    op.progress?.(`${guestLabel(ref)} is locked (${lock}); waiting for its task to end`);
    await sleep(interval, op.signal);
    interval = Math.min(2000, interval * 2);
  }
}

export interface DispatchOptions {
  type: GuestType;
  identity: CreateIdentity;
  /** Sends the create/clone request; answers the UPID. */
  post: () => Promise<unknown>;
  what: string;
  operation: 'create' | 'clone';
}

/** Sends the create or clone and waits for it; 'adopted' when a first attempt had gone through. */
export async function dispatchCreate(ctx: GuestContext, d: DispatchOptions, op: OperationContext): Promise<'created' | 'adopted'> {
  const ref: GuestRef = { type: d.type, node: d.identity.node, vmid: d.identity.vmid };
  const takeOver = async (): Promise<'adopted'> => {
    const who = await probeGuest(ctx, d.type, d.identity, op);
    if (who === 'ours') {
      await waitUnlocked(ctx, ref, d.operation, op);
      return 'adopted';
    }
    throw new ProviderError(
      `VMID ${d.identity.vmid} is taken by a guest hl did not create in this run (no matching "Managed by hl" marker); choose another vmid or leave vmid out`,
    );
  };
  let lockTries = 0;
  let transientTries = 0;
  let absentProbes = 0;
  for (;;) {
    let answer: unknown;
    try {
      answer = await d.post();
    } catch (e) {
      ctx.inventory.invalidate();
      if (isAlreadyExists(e)) return takeOver();
      if (!(e instanceof PveApiError)) throw e;
      if (e.answered) {
        if (isLockContention(e.reason) && ++lockTries < LOCK_RETRY.attempts) {
          await sleep(backoffDelay(LOCK_RETRY, lockTries - 1), op.signal);
          continue;
        }
        if (isTransientAnswer(e.status, e.reason) && ++transientTries < TRANSIENT_RETRY.attempts) {
          op.progress?.(`${d.what}: ${e.reason}; retrying`);
          await sleep(backoffDelay(TRANSIENT_RETRY, transientTries - 1), op.signal);
          continue;
        }
        throw e;
      }
      if (e.kind === 'tls') throw e;
      // No answer: find out what happened before doing anything else.
      op.progress?.(`${d.what}: the answer was lost (${e.reason}); checking whether ${guestLabel(ref)} exists`);
      const who = await probeGuest(ctx, d.type, d.identity, op);
      if (who === 'ours') {
        await waitUnlocked(ctx, ref, d.operation, op);
        return 'adopted';
      }
      if (who === 'foreign') return takeOver();
      if (++absentProbes >= TRANSIENT_RETRY.attempts) throw e;
      // The worker may not have written the config yet: look once more before sending again.
      await sleep(backoffDelay(TRANSIENT_RETRY, absentProbes - 1), op.signal);
      const again = await probeGuest(ctx, d.type, d.identity, op);
      if (again === 'ours') {
        await waitUnlocked(ctx, ref, d.operation, op);
        return 'adopted';
      }
      if (again === 'foreign') return takeOver();
      op.progress?.(`${guestLabel(ref)} does not exist: sending the ${d.operation} again`);
      continue;
    }
    ctx.inventory.invalidate();
    try {
      await awaitTaskAnswer(ctx.client, answer, d.what, ctx.settings.timeouts[d.operation], op);
      return 'created';
    } catch (e) {
      ctx.inventory.invalidate();
      // A second worker raced a first one that had gone through.
      if (e instanceof TaskFailedError && alreadyExistsText(e.exitStatus)) return takeOver();
      // The worker could not get the config lock: nothing was made unless the guest is there.
      if (e instanceof TaskFailedError && lockContentionText(e.exitStatus) && ++lockTries < LOCK_RETRY.attempts) {
        const who = await probeGuest(ctx, d.type, d.identity, op);
        if (who === 'ours') {
          await waitUnlocked(ctx, ref, d.operation, op);
          return 'adopted';
        }
        if (who === 'foreign') return takeOver();
        await sleep(backoffDelay(LOCK_RETRY, lockTries - 1), op.signal);
        continue;
      }
      throw e;
    }
  }
}
