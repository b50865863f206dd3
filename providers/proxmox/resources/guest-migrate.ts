/**
 * Moving a guest to another node of the cluster (the first step of an update whose `node`
 * changes, planning/migration-plan.ts), never twice:
 *
 * - the guest is found by VMID (`/cluster/resources`); one locked `migrate` (a migration under
 *   way, maybe started by an hl that was killed) is waited for, and one already on the target
 *   is not moved again;
 * - `POST /nodes/{from}/{qemu|lxc}/{vmid}/migrate` (qemu-server PVE/API2/Qemu.pm migrate_vm,
 *   pve-container src/PVE/API2/LXC.pm migrate_vm): a running VM with `online=1` and, when it
 *   has disks, `with-local-disks=1`; a running container with `restart=1` and the shutdown
 *   `timeout`; the storage map as `targetstorage` / `target-storage`. A guest planned to stop
 *   is shut down first and moved offline;
 * - an answer lost on the way is not re-sent blindly: the migration tasks of the guest listed
 *   on the source before the request are compared with those after it; a new one is ours and
 *   is waited for, none means the request never arrived;
 * - the task is followed line by line as progress (`migrating pve/100 to pumped-piglet: ...`);
 *   a refusal (by the API, or the task's `ERROR:` lines: PVE ends a failed migration with
 *   "migration aborted", pve-guest-common src/PVE/AbstractMigrate.pm) becomes an error that
 *   says why.
 *
 * A migration copies disks as a full clone does, so it is waited for with the clone timeout.
 */
import type { Attributes } from '../../../src/core/value.js';
import { ProviderError, type OperationContext } from '../../../src/provider/contract.js';
import { callOpts } from '../../pve/client/call-options.js';
import { PveApiError } from '../../pve/client/pve-error.js';
import { sleep } from '../../pve/client/retry-policy.js';
import { isUpid, TaskFailedError, waitForTask } from '../../pve/client/task-waiter.js';
import type { GuestEntry, GuestType } from '../../pve/cluster-inventory.js';
import { guestLabel, guestPath, type GuestRef } from '../../pve/guest-api.js';
import { storageMap, targetStorageParam, volumeMoves } from '../planning/migration-plan.js';
import type { GuestContext } from './guest-context.js';
import { currentStatus, power } from './guest-ops.js';

/** The task type of a migration (PVE's worker names). */
function migrationTaskType(type: GuestType): string {
  return type === 'qemu' ? 'qmigrate' : 'vzmigrate';
}

/** The seconds a migration may take: a full clone's (it copies the disks too). */
function migrationTimeout(ctx: GuestContext): number {
  return ctx.settings.timeouts.clone;
}

/**
 * Where the guest is once no migration holds it: a guest locked `migrate` is waited for
 * (bounded by the migration timeout, with progress). Undefined: no such guest. `fresh: false`
 * takes the first look from the refresh cache.
 */
export async function settledEntry(
  ctx: GuestContext,
  type: GuestType,
  vmid: number,
  op: OperationContext,
  fresh = true,
): Promise<GuestEntry | undefined> {
  const deadline = Date.now() + migrationTimeout(ctx) * 1000;
  let interval = 200;
  let told = false;
  for (;;) {
    const entry = await ctx.inventory.find(vmid, { fresh: fresh || told, ...(op.signal ? { signal: op.signal } : {}) });
    if (!entry || entry.type !== type || entry.lock !== 'migrate') return entry;
    if (Date.now() > deadline) {
      throw new ProviderError(
        `${guestLabel({ type, vmid })} is still locked by a migration (lock: migrate, on ${entry.node}) after ${migrationTimeout(ctx)} s; see its task on the node, or unlock it (\`${type === 'qemu' ? 'qm' : 'pct'} unlock ${vmid}\`) if the migration is dead`,
        { retryable: true },
      );
    }
    if (!told)
      op.progress?.(`${guestLabel({ type, vmid })} is being migrated (lock: migrate, on ${entry.node}); waiting for the migration to end`);
    told = true;
    await sleep(interval, op.signal);
    interval = Math.min(2000, interval * 2);
  }
}

/** The UPIDs of the guest's migration tasks on `node`, running or ended (newest first). */
async function migrationTasks(ctx: GuestContext, ref: GuestRef, op: OperationContext): Promise<string[]> {
  const list = await ctx.client.call<{ upid?: unknown }[]>(
    'GET',
    `/nodes/${ref.node}/tasks`,
    { vmid: ref.vmid, typefilter: migrationTaskType(ref.type), source: 'all', limit: 50 },
    callOpts(op),
  );
  return (Array.isArray(list) ? list : []).map((t) => t.upid).filter((u): u is string => typeof u === 'string');
}

/** The text after a log line's timestamp (`2026-12-07 08:30:00 `). */
function logText(line: string): string {
  return line.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /, '');
}

/** Why a migration task failed, from its `ERROR:` lines (the last `migration aborted (...): why`, else all of them). */
export function migrationFailure(exitStatus: string, lines: readonly string[]): string {
  const errors = lines
    .map(logText)
    .filter((l) => l.startsWith('ERROR: '))
    .map((l) => l.slice(7));
  const aborted = errors.map((l) => /^migration aborted \(duration [^)]*\): (.+)$/.exec(l)?.[1]).filter((x): x is string => !!x);
  if (aborted.length > 0) return aborted[aborted.length - 1]!;
  return errors.length > 0 ? errors.join('; ') : exitStatus;
}

export interface MigrationPlan {
  type: GuestType;
  vmid: number;
  to: string;
  /** The prior and planned attributes: the storage map and whether the guest stays started. */
  prior: Attributes;
  planned: Attributes;
}

/**
 * Moves the guest to `m.to` unless it is there already; answers its reference there. Throws a
 * ProviderError with PVE's reason when the migration is refused or fails.
 */
export async function migrateGuest(ctx: GuestContext, m: MigrationPlan, op: OperationContext): Promise<GuestRef> {
  const label = guestLabel(m);
  const entry = await settledEntry(ctx, m.type, m.vmid, op);
  if (!entry || entry.type !== m.type) throw new ProviderError(`${label} no longer exists; run "hl plan" to see it as gone`);
  const target: GuestRef = { type: m.type, node: m.to, vmid: m.vmid };
  if (entry.node === m.to) return target;
  const from: GuestRef = { type: m.type, node: entry.node, vmid: m.vmid };
  let running = (await currentStatus(ctx, from, op)) === 'running';
  if (running && m.planned.started === false) {
    await power(ctx, from, 'shutdown', op);
    running = false;
  }
  const noun = m.type === 'qemu' ? 'VM' : 'container';
  const moves = volumeMoves(noun, m.prior, m.planned);
  const storages = targetStorageParam(storageMap(moves).map);
  const params: Record<string, string | number> = { target: m.to };
  if (m.type === 'qemu') {
    if (running) params.online = 1;
    if (running && moves.length > 0) params['with-local-disks'] = 1;
    if (storages) params.targetstorage = storages;
  } else {
    if (running) {
      params.restart = 1;
      params.timeout = Math.max(10, Math.min(180, ctx.settings.timeouts.shutdown - 30));
    }
    if (storages) params['target-storage'] = storages;
  }
  const how = m.type === 'qemu' ? (running ? 'online' : 'offline') : running ? 'restart' : 'offline';
  const where = `${entry.node}/${m.vmid}`;
  op.progress?.(`migrating ${label} from ${entry.node} to ${m.to} (${how}${storages ? `, storage ${storages}` : ''})`);
  const before = await migrationTasks(ctx, from, op);
  let upid: string | undefined;
  try {
    const answer = await ctx.client.call<unknown>('POST', `${guestPath(from)}/migrate`, params, callOpts(op, false));
    upid = isUpid(answer) ? answer : undefined;
  } catch (e) {
    ctx.inventory.invalidate();
    if (!(e instanceof PveApiError)) throw e;
    if (e.answered) {
      const params = Object.entries(e.paramErrors).map(([k, v]) => `${k}: ${v.trim()}`);
      throw refusal(label, entry.node, m.to, params.length > 0 ? `${e.reason} (${params.join('; ')})` : e.reason);
    }
    // The answer was lost: did PVE start a migration? A new task is ours; none, it never arrived.
    const after = await migrationTasks(ctx, from, op);
    upid = after.find((u) => !before.includes(u));
    if (!upid) {
      const now = await settledEntry(ctx, m.type, m.vmid, op);
      if (now?.node === m.to) return target;
      throw new ProviderError(
        `the migration request of ${label} to ${m.to} got no answer (${e.reason}) and PVE started no migration; nothing moved — run "hl apply" again`,
        { retryable: true },
      );
    }
    op.progress?.(`the answer to the migration request of ${label} was lost; following its task ${upid}`);
  }
  ctx.inventory.invalidate();
  if (upid) await followMigration(ctx, upid, label, where, m.to, op);
  const now = await settledEntry(ctx, m.type, m.vmid, op);
  ctx.inventory.invalidate();
  if (!now) throw new ProviderError(`${label} vanished during its migration to ${m.to}`);
  if (now.node !== m.to) throw new ProviderError(`the migration of ${label} to ${m.to} ended, but the guest is still on ${now.node}`);
  return target;
}

function refusal(label: string, from: string, to: string, why: string): ProviderError {
  return new ProviderError(`${label} cannot be migrated from ${from} to ${to}: ${why.trim()}`);
}

/** Waits for the migration task, each log line a progress line; a failure says PVE's reason. */
async function followMigration(
  ctx: GuestContext,
  upid: string,
  label: string,
  where: string,
  to: string,
  op: OperationContext,
): Promise<void> {
  const lines: string[] = [];
  try {
    await waitForTask(ctx.client, upid, {
      what: `migration of ${label} to ${to}`,
      timeoutSeconds: migrationTimeout(ctx),
      ...(op.signal ? { signal: op.signal } : {}),
      ...(op.progress ? { progress: op.progress } : {}),
      onLog: (line) => {
        lines.push(line);
        op.progress?.(`migrating ${where} to ${to}: ${logText(line)}`);
      },
    });
  } catch (e) {
    ctx.inventory.invalidate();
    if (e instanceof TaskFailedError) throw refusal(label, where.split('/')[0]!, to, migrationFailure(e.exitStatus, lines));
    throw e;
  }
}
