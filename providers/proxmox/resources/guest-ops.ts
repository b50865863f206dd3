/**
 * Operations on an existing guest, the same for VMs and containers: read its config and
 * pending changes, update its config with the digest, grow a volume, power actions,
 * reboot to apply pending changes, destroy.
 *
 * Config updates send the `digest` of the config they were computed from. When PVE answers
 * that the file changed meanwhile, the config is read again: if the keys someone else changed
 * are not ours, the update is computed anew and sent again (a few times at most); if they
 * are, the update fails and says which keys, instead of overwriting a change nobody planned.
 */
import { ProviderError, type OperationContext } from '../../../src/provider/contract.js';
import { callOpts } from '../../pve/client/call-options.js';
import { isDigestMismatch, isDigestRefusal, isNotFound, lockContentionText, PveApiError } from '../../pve/client/pve-error.js';
import { backoffDelay, LOCK_RETRY, sleep } from '../../pve/client/retry-policy.js';
import { awaitTaskAnswer, retryLockedTask } from '../../pve/client/task-answer.js';
import { TaskFailedError, TaskTimeoutError } from '../../pve/client/task-waiter.js';
import {
  configWithPending,
  guestLabel,
  guestPath,
  pendingKeys,
  readGuestConfig,
  readGuestStatus,
  readPendingItems,
  type GuestRef,
  type LiveConfig,
  type PveConfig,
} from '../../pve/guest-api.js';
import type { TaskOperation } from '../../pve/provider-settings.js';
import { ConfigChanges } from '../mapping/config-changes.js';
import { DISK_SLOT_RE } from '../mapping/vm-config-mapping.js';
import type { GuestContext } from './guest-context.js';

/** GET .../config (pending values applied, as PVE answers by default). */
export function readConfig(ctx: GuestContext, ref: GuestRef, op: OperationContext): Promise<LiveConfig> {
  return readGuestConfig(ctx.client, ref, op);
}

/** Keys whose change waits for the next start (GET .../pending). */
export async function readPending(ctx: GuestContext, ref: GuestRef, op: OperationContext): Promise<string[]> {
  return pendingKeys(await readPendingItems(ctx.client, ref, op));
}

/**
 * A running guest's config (pending values applied, as GET .../config answers) and its
 * pending keys, from one GET .../pending. Halves the requests of a refresh.
 */
export async function readConfigWithPending(
  ctx: GuestContext,
  ref: GuestRef,
  op: OperationContext,
): Promise<{ config: PveConfig; pending: string[] }> {
  return configWithPending(await readPendingItems(ctx.client, ref, op));
}

/** Runs a task-returning request and waits for the task. A null answer (sync call) is done at once. */
export function runTask(ctx: GuestContext, answer: unknown, what: string, operation: TaskOperation, op: OperationContext): Promise<void> {
  return awaitTaskAnswer(ctx.client, answer, what, ctx.settings.timeouts[operation], op);
}

/** Keys whose values differ between two reads of a config. */
function changedKeys(a: PveConfig, b: PveConfig): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => a[k] !== b[k]).sort();
}

const DIGEST_RETRIES = 3;

/**
 * A refusal for a stale digest: answered by the API handler, or the exit status of the async
 * update's task — qemu-server checks the digest again in the worker, under the config lock,
 * so an update re-sent after a lost answer is accepted and its task then fails this way.
 */
function isDigestConflict(e: unknown): boolean {
  return isDigestMismatch(e) || (e instanceof TaskFailedError && isDigestRefusal(e.exitStatus));
}

/**
 * Updates the config: `compute` gives the changes against a live config. Returns the keys
 * changed (empty when nothing had to change).
 */
export async function updateConfig(
  ctx: GuestContext,
  ref: GuestRef,
  compute: (live: PveConfig) => ConfigChanges,
  op: OperationContext,
  initial?: LiveConfig,
): Promise<string[]> {
  let live = initial ?? (await readConfig(ctx, ref, op));
  for (let attempt = 0; ; attempt++) {
    const changes = compute(live.config);
    if (changes.empty) return [];
    const deleted = [...changes.delete];
    const params: Record<string, string | number | undefined> = {
      ...changes.set,
      ...(deleted.length > 0 ? { delete: deleted.join(',') } : {}),
      ...(live.digest ? { digest: live.digest } : {}),
    };
    // Removing a disk hl manages destroys its volume rather than leaving an `unusedN` behind.
    if (ref.type === 'qemu' && deleted.some((k) => DISK_SLOT_RE.test(k))) params.force = 1;
    const what = `config update of ${guestLabel(ref)} (${changes.keys().join(', ')})`;
    op.progress?.(`updating ${guestLabel(ref)}: ${changes.keys().join(', ')}`);
    try {
      // VMs: the async POST (a worker that can allocate disks); containers only have PUT.
      const method = ref.type === 'qemu' ? 'POST' : 'PUT';
      await retryLockedTask(op, what, async () => {
        const answer = await ctx.client.call<unknown>(method, `${guestPath(ref)}/config`, params, callOpts(op, true));
        ctx.inventory.invalidate();
        await runTask(ctx, answer, what, 'update', op);
      });
      return changes.keys();
    } catch (e) {
      ctx.inventory.invalidate();
      const lost = e instanceof PveApiError && !e.answered && e.kind !== 'tls';
      if (!isDigestConflict(e) && !lost) throw e;
      const fresh = await readConfig(ctx, ref, op);
      // Our own update may have gone through (an answer lost, then a resend refused by the digest).
      if (compute(fresh.config).empty) return changes.keys();
      const theirs = changedKeys(live.config, fresh.config);
      const ours = new Set(changes.keys());
      const clash = theirs.filter((k) => ours.has(k));
      if (clash.length > 0 || attempt + 1 >= DIGEST_RETRIES) {
        throw new ProviderError(
          `the configuration of ${guestLabel(ref)} was changed by someone else while hl was updating it` +
            (clash.length > 0 ? ` (keys hl also changes: ${clash.join(', ')})` : ` (${theirs.join(', ') || 'repeatedly'})`) +
            '; nothing was overwritten — run "hl plan" again to see the current state',
        );
      }
      op.progress?.(`${guestLabel(ref)} changed meanwhile (${theirs.join(', ')}); recomputing the update`);
      live = fresh;
    }
  }
}

/** The volume id in a volume key's value (`local-lvm:vm-100-disk-1,mp=/srv`), if it is one. */
export function volumeIdOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const first = value.split(',').map((p) => p.replace(/^(?:volume|file)=/, ''))[0] ?? '';
  return /^[a-z][a-z0-9\-_.]*[a-z0-9]:[^,]+$/i.test(first) && !first.includes('=') ? first : undefined;
}

/**
 * Destroys volumes a config update detached (PVE keeps them as `unusedN`): deleting an
 * `unusedN` key frees its volume. Volumes still pending removal (a running guest) are left.
 */
export async function purgeUnused(ctx: GuestContext, ref: GuestRef, volumes: string[], op: OperationContext): Promise<void> {
  if (volumes.length === 0) return;
  const wanted = new Set(volumes);
  await updateConfig(
    ctx,
    ref,
    (live) => {
      const c = new ConfigChanges();
      for (const [k, v] of Object.entries(live)) {
        const vol = volumeIdOf(v);
        if (/^unused\d+$/.test(k) && vol && wanted.has(vol)) c.delete.add(k);
      }
      return c;
    },
    op,
  );
}

/** Grows a volume (`PUT .../resize`, absolute size). */
export async function resizeVolume(ctx: GuestContext, ref: GuestRef, slot: string, size: string, op: OperationContext): Promise<void> {
  op.progress?.(`growing ${slot} of ${guestLabel(ref)} to ${size}`);
  const what = `resize of ${slot} of ${guestLabel(ref)} to ${size}`;
  await retryLockedTask(op, what, async () => {
    const answer = await ctx.client.call<unknown>('PUT', `${guestPath(ref)}/resize`, { disk: slot, size }, callOpts(op, true));
    ctx.inventory.invalidate();
    await runTask(ctx, answer, what, 'resize', op);
  });
}

/** The current power status, read fresh (GET .../status/current). */
export function currentStatus(ctx: GuestContext, ref: GuestRef, op: OperationContext): Promise<string> {
  return readGuestStatus(ctx.client, ref, op);
}

type PowerAction = 'start' | 'shutdown' | 'stop';

/** The `timeout` of a shutdown, in seconds: the shutdown timeout with room for the task's end. */
function shutdownTimeout(ctx: GuestContext): number {
  return Math.max(10, Math.min(180, ctx.settings.timeouts.shutdown - 30));
}

/**
 * A power action, waited for. A lost answer is not blindly re-sent: the status is checked and
 * the action repeated only when the guest is not in the wanted state yet.
 */
export async function power(
  ctx: GuestContext,
  ref: GuestRef,
  action: PowerAction,
  op: OperationContext,
  opts: { forceStop?: boolean } = {},
): Promise<void> {
  const want = action === 'start' ? 'running' : 'stopped';
  const params: Record<string, string | number> = {};
  if (action === 'shutdown') {
    params.forceStop = opts.forceStop === false ? 0 : 1;
    params.timeout = shutdownTimeout(ctx);
  }
  op.progress?.(`${action === 'start' ? 'starting' : action === 'stop' ? 'stopping' : 'shutting down'} ${guestLabel(ref)}`);
  for (let attempt = 0; attempt < 6; attempt++) {
    try {
      const answer = await ctx.client.call<unknown>('POST', `${guestPath(ref)}/status/${action}`, params, callOpts(op, false));
      ctx.inventory.invalidate();
      await runTask(ctx, answer, `${action} of ${guestLabel(ref)}`, action, op);
      return;
    } catch (e) {
      ctx.inventory.invalidate();
      const lockedTask = e instanceof TaskFailedError && lockContentionText(e.exitStatus);
      if (!(e instanceof PveApiError) && !lockedTask) throw e;
      const status = await currentStatus(ctx, ref, op).catch(() => 'unknown');
      if (status === want) return;
      if (e instanceof PveApiError && e.answered) throw e;
      await sleep(lockedTask ? backoffDelay(LOCK_RETRY, attempt) : 500, op.signal);
    }
  }
  throw new ProviderError(`${guestLabel(ref)} did not reach status ${want}`);
}

/** Shuts the guest down and starts it again, so that it takes its pending changes. */
export async function restart(ctx: GuestContext, ref: GuestRef, pending: string[], op: OperationContext): Promise<void> {
  op.progress?.(`restarting ${guestLabel(ref)} to apply ${pending.join(', ')} (reboot policy "if-needed")`);
  await power(ctx, ref, 'shutdown', op);
  await power(ctx, ref, 'start', op);
}

/**
 * Applies the power part of a plan: the wanted `started` state, and pending changes by a
 * restart when the reboot policy allows. Returns the keys left pending.
 */
export async function settlePower(ctx: GuestContext, ref: GuestRef, started: boolean | undefined, op: OperationContext): Promise<string[]> {
  const status = await currentStatus(ctx, ref, op);
  if (started === false) {
    if (status !== 'stopped') await power(ctx, ref, 'shutdown', op);
    return [];
  }
  if (status !== 'running') {
    if (started === true) await power(ctx, ref, 'start', op);
    return [];
  }
  const pending = await readPending(ctx, ref, op);
  if (pending.length === 0) return [];
  if (ctx.settings.reboot === 'if-needed') {
    await restart(ctx, ref, pending, op);
    return [];
  }
  op.progress?.(`${guestLabel(ref)} keeps ${pending.join(', ')} pending until its next restart (reboot policy "never")`);
  return pending;
}

/**
 * Moves a guest between pools. From PVE 8.1 on `PUT /pools` with `poolid` (pve-manager
 * `PVE/API2/Pool.pm` update_pool, added with nested pools); before, only
 * `PUT /pools/{poolid}` (update_pool_deprecated, still there in 9.x), which cannot name a
 * nested pool, and whose `allow-move` came only in 8.0.6: there the guest leaves its old pool
 * first.
 */
export async function setPool(
  ctx: GuestContext,
  vmid: number,
  from: string | undefined,
  to: string | null,
  op: OperationContext,
): Promise<void> {
  if ((from ?? null) === to) return;
  const release = await ctx.client.release(op.signal ? { signal: op.signal } : {});
  const paramApi = !release || release.major > 8 || (release.major === 8 && release.minor >= 1);
  if (paramApi) {
    if (to !== null) {
      await ctx.client.call('PUT', '/pools', { poolid: to, vms: String(vmid), 'allow-move': 1 }, callOpts(op, true));
    } else if (from) {
      await ctx.client.call('PUT', '/pools', { poolid: from, vms: String(vmid), delete: 1 }, callOpts(op, true));
    }
    ctx.inventory.invalidate();
    return;
  }
  const nested = [from, to].find((p) => typeof p === 'string' && p.includes('/'));
  if (nested) {
    throw new ProviderError(
      `pool "${nested}" is a nested pool, which needs Proxmox VE 8.1 or later; this server runs ${release.version}: upgrade it, or use a top-level pool`,
    );
  }
  try {
    if (from) await ctx.client.call('PUT', `/pools/${from}`, { vms: String(vmid), delete: 1 }, callOpts(op, true));
    if (to !== null) await ctx.client.call('PUT', `/pools/${to}`, { vms: String(vmid) }, callOpts(op, true));
  } finally {
    ctx.inventory.invalidate();
  }
}

/**
 * Brings a guest down before it is destroyed (PVE refuses to destroy a running one: "VM N is
 * running - destroy failed", qemu-server PVE/API2/Qemu.pm destroy_vm; pve-container
 * src/PVE/API2/LXC.pm "container is running"): a graceful shutdown with the shutdown timeout,
 * then, if the guest is still running (it ignored the request, or the shutdown task failed),
 * a hard stop.
 */
async function stopForDestroy(ctx: GuestContext, ref: GuestRef, op: OperationContext): Promise<void> {
  op.progress?.(`${guestLabel(ref)} is running: shutting it down (up to ${shutdownTimeout(ctx)} s) before destroying it`);
  try {
    await power(ctx, ref, 'shutdown', op, { forceStop: false });
  } catch (e) {
    if (!(e instanceof TaskFailedError || e instanceof TaskTimeoutError)) throw e;
    op.progress?.(`${guestLabel(ref)} did not shut down (${e instanceof TaskFailedError ? e.exitStatus : 'timeout'})`);
  }
  if ((await currentStatus(ctx, ref, op)) === 'stopped') return;
  op.progress?.(`${guestLabel(ref)} is still running: stopping it`);
  await power(ctx, ref, 'stop', op);
}

/**
 * Destroys a guest: refuses when `protection` is set, brings it down when it runs (its power
 * state read fresh from `status/current`: the `/cluster/resources` status lags behind), then
 * `DELETE ...?purge=1&destroy-unreferenced-disks=1`. A guest already gone is success.
 */
export async function destroyGuest(ctx: GuestContext, type: GuestRef['type'], vmid: number, op: OperationContext): Promise<void> {
  const entry = await ctx.inventory.find(vmid, { fresh: true, ...(op.signal ? { signal: op.signal } : {}) });
  if (!entry || entry.type !== type) return;
  const ref: GuestRef = { type, node: entry.node, vmid };
  let live: LiveConfig;
  let status: string;
  try {
    live = await readConfig(ctx, ref, op);
    status = await currentStatus(ctx, ref, op);
  } catch (e) {
    if (isNotFound(e)) return;
    throw e;
  }
  if (live.config.protection === '1') {
    throw new ProviderError(
      `${guestLabel(ref)} on ${ref.node} has protection enabled, so hl does not destroy it; set protection = false and apply first (or remove the protection in PVE) if it really should go`,
    );
  }
  if (status !== 'stopped') await stopForDestroy(ctx, ref, op);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      op.progress?.(`destroying ${guestLabel(ref)} on ${ref.node}`);
      const what = `destroy of ${guestLabel(ref)}`;
      await retryLockedTask(op, what, async () => {
        const answer = await ctx.client.call<unknown>(
          'DELETE',
          guestPath(ref),
          { purge: 1, 'destroy-unreferenced-disks': 1 },
          callOpts(op, false),
        );
        ctx.inventory.invalidate();
        await runTask(ctx, answer, what, 'delete', op);
      });
      return;
    } catch (e) {
      ctx.inventory.invalidate();
      if (isNotFound(e)) return;
      // Started again between the stop and the destroy (by someone else, or HA): down again, once more.
      if (isRunningRefusal(e) && attempt + 1 < 3) {
        await stopForDestroy(ctx, ref, op);
        continue;
      }
      if (!(e instanceof PveApiError) || e.answered) throw e;
      // Answer lost: is it gone?
      const still = await ctx.inventory.find(vmid, { fresh: true });
      if (!still || still.type !== type) return;
      await sleep(500, op.signal);
    }
  }
  throw new ProviderError(`${guestLabel(ref)} could not be destroyed`);
}

/** PVE's refusal to destroy a running guest (qemu-server, pve-container), from the API or its task. */
function isRunningRefusal(e: unknown): boolean {
  const text = e instanceof PveApiError ? e.reason : e instanceof TaskFailedError ? e.exitStatus : '';
  return /is running - destroy failed|container is running/.test(text);
}
