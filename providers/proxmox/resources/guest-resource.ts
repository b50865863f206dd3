/**
 * The CRUD of a guest resource, shared by `proxmox_vm` and `proxmox_lxc`; what differs (how
 * a guest is created, how attributes map to config keys) comes from a GuestKindAdapter
 * (vm-resource.ts, lxc-resource.ts).
 *
 * - read: the guest's node and pool from the cached cluster inventory (one
 *   `/cluster/resources` call per refresh; a guest locked by a migration is waited for, and
 *   read on the node it ends on); its power state from `status/current` (the
 *   listing's lags up to pvestatd's 10 s round) and its config with pending keys from
 *   `.../pending`, both at once, with bounded concurrency. Gone, or now a guest of the other
 *   type: null.
 * - create: VMID from `reserve`, the create/clone guarded against re-sending
 *   (guest-create.ts), then the remaining config, volume growth, pool and power state.
 * - update: a migration first when the node changes (guest-migrate.ts), then config (with
 *   digest), growth, pool, power state and pending changes per the reboot policy.
 * - delete: refuse protected guests, stop, purge (guest-ops.ts).
 * - import: `node/vmid` or just `vmid`.
 * - recover: the guest at the reserved identity, if it carries our marker token.
 */
import { isValueMap, type Attributes, type Value } from '../../../src/core/value.js';
import { ProviderError, type CreateResponse, type ImportResponse, type OperationContext } from '../../../src/provider/contract.js';
import { isNodeUnreachable, isNotFound, PveApiError } from '../../pve/client/pve-error.js';
import type { GuestType } from '../../pve/cluster-inventory.js';
import type { ConfigChanges } from '../mapping/config-changes.js';
import type { GuestReadInput, VolumeResize } from '../mapping/guest-config-mapping.js';
import { formatMarker } from '../mapping/hl-marker.js';
import type { TagStyle } from '../mapping/pve-tags.js';
import type { PveConfig } from '../mapping/pve-values.js';
import { guestLabel, guestPath, type GuestRef } from '../../pve/guest-api.js';
import type { GuestContext } from './guest-context.js';
import { identityOf, probeGuest, reserveVmid, waitUnlocked, type CreateIdentity } from './guest-create.js';
import { migrateGuest, settledEntry } from './guest-migrate.js';
import {
  currentStatus,
  destroyGuest,
  purgeUnused,
  readConfig,
  readConfigWithPending,
  resizeVolume,
  setPool,
  settlePower,
  updateConfig,
  volumeIdOf,
} from './guest-ops.js';

export interface GuestKindAdapter {
  type: GuestType;
  resourceType: string;
  readAttributes(input: GuestReadInput): Attributes;
  /** Config changes from `live` to `planned`; `prior` for write-only values; tags compared under `tagStyle`. */
  changes(
    planned: Attributes,
    live: PveConfig,
    prior: Attributes | null,
    markerLine: string | undefined,
    tagStyle: TagStyle,
  ): ConfigChanges;
  /** Creation-time inputs PVE does not keep, recorded in hl's marker. */
  markerFacts(planned: Attributes): Record<string, string>;
  resizes(planned: Attributes, live: PveConfig): VolumeResize[];
  /** Sends the create (or clone) and waits for it. */
  dispatch(
    ctx: GuestContext,
    planned: Attributes,
    identity: CreateIdentity,
    markerLine: string,
    op: OperationContext,
  ): Promise<'created' | 'adopted'>;
  /** Config keys that hold a volume of the guest (disks, rootfs, mount points). */
  isVolumeKey(key: string): boolean;
  /** Whether the first config pass after a create must resend write-only values (a clone: yes). */
  resendSecretsAfterCreate(planned: Attributes): boolean;
}

function vmidOf(id: string, prior: Attributes | null): number {
  if (prior && typeof prior.vmid === 'number') return prior.vmid;
  const m = /(?:^|\/)(\d+)$/.exec(id.trim());
  if (!m) throw new ProviderError(`"${id}" is not a guest id (expected node/vmid, e.g. pve/101)`);
  return Number(m[1]);
}

/** The live attributes of guest `vmid`, or null when there is no such guest of this type. */
export async function readGuest(
  ctx: GuestContext,
  kind: GuestKindAdapter,
  vmid: number,
  prior: Attributes | null,
  op: OperationContext,
  fresh = false,
): Promise<Attributes | null> {
  // A guest being migrated is read where the migration leaves it (a refresh after a killed hl).
  const entry = await settledEntry(ctx, kind.type, vmid, op, fresh);
  if (!entry) {
    await refuseHiddenGuest(ctx, kind, vmid, prior, op);
    return null;
  }
  if (entry.type !== kind.type) return null;
  const ref: GuestRef = { type: kind.type, node: entry.node, vmid };
  try {
    const tagStyle = await ctx.clusterOptions.tagStyle(op);
    return await ctx.readLimit(async () => {
      // The power state is read live: the listing's is pvestatd's, up to a round old (or
      // `unknown` for a guest created since), and hl reads right after its own changes.
      const [status, { config, pending }] = await Promise.all([currentStatus(ctx, ref, op), readConfigWithPending(ctx, ref, op)]);
      return kind.readAttributes({
        node: entry.node,
        vmid,
        config,
        status,
        pool: entry.pool ?? null,
        pending: status === 'running' ? pending : [],
        prior,
        tagStyle,
      });
    });
  } catch (e) {
    if (isNotFound(e)) return null;
    if (isNodeUnreachable(e)) {
      throw new ProviderError(`cannot read ${guestLabel(ref)}: its node ${entry.node} is unreachable (${e.reason})`, {
        retryable: true,
        status: e.status,
      });
    }
    throw e;
  }
}

/**
 * PVE leaves a guest the API user may not audit out of `/cluster/resources` (pve-manager
 * PVE/API2/Cluster.pm resources: VM.Audit on /vms/N), so "not listed" is not "gone": a guest hl
 * knows (prior state with its node) is asked for directly, and a 403 there stops the read with
 * the privilege to grant, instead of planning to create what still exists.
 */
async function refuseHiddenGuest(
  ctx: GuestContext,
  kind: GuestKindAdapter,
  vmid: number,
  prior: Attributes | null,
  op: OperationContext,
): Promise<void> {
  const node = prior && typeof prior.node === 'string' ? prior.node : undefined;
  if (node === undefined) return;
  try {
    await ctx.client.call(
      'GET',
      `${guestPath({ type: kind.type, node, vmid })}/status/current`,
      undefined,
      op.signal ? { signal: op.signal } : {},
    );
  } catch (e) {
    if (e instanceof PveApiError && e.answered && e.status === 403) {
      throw new ProviderError(
        `cannot read ${guestLabel({ type: kind.type, vmid })} on ${node}: the API user may not see it (PVE hides guests without VM.Audit on /vms/${vmid} from its listings); grant VM.Audit there, or remove the resource from hl's state if it is no longer hl's to manage`,
        { status: 403 },
      );
    }
  }
}

async function growVolumes(
  ctx: GuestContext,
  kind: GuestKindAdapter,
  ref: GuestRef,
  planned: Attributes,
  op: OperationContext,
  afterCreate: boolean,
): Promise<void> {
  const live = await readConfig(ctx, ref, op);
  for (const r of kind.resizes(planned, live.config)) {
    if (r.shrink) {
      throw new ProviderError(
        afterCreate
          ? `${r.slot} of ${guestLabel(ref)} is ${r.from} as cloned, larger than the planned ${r.to}: Proxmox only grows disks; plan a size of at least ${r.from}`
          : `${r.slot} of ${guestLabel(ref)} cannot shrink from ${r.from} to ${r.to}: Proxmox only grows disks`,
      );
    }
    await resizeVolume(ctx, ref, r.slot, r.to, op);
  }
}

async function settlePool(ctx: GuestContext, ref: GuestRef, planned: Attributes, op: OperationContext): Promise<void> {
  const pool = planned.pool;
  if (pool !== null && typeof pool !== 'string') return;
  const entry = await ctx.inventory.find(ref.vmid, { fresh: true });
  await setPool(ctx, ref.vmid, entry?.pool, pool, op);
}

function startedOf(planned: Attributes): boolean | undefined {
  return typeof planned.started === 'boolean' ? planned.started : undefined;
}

/** Brings an existing guest to `planned` (config, volumes, pool, power). */
async function converge(
  ctx: GuestContext,
  kind: GuestKindAdapter,
  ref: GuestRef,
  planned: Attributes,
  prior: Attributes | null,
  markerLine: string | undefined,
  op: OperationContext,
  afterCreate: boolean,
): Promise<void> {
  const live = await readConfig(ctx, ref, op);
  const tagStyle = await ctx.clusterOptions.tagStyle(op);
  // Volumes of disks/mount points the plan removes: destroyed, not left behind as unusedN.
  const detached = [...kind.changes(planned, live.config, prior, markerLine, tagStyle).delete]
    .filter((k) => kind.isVolumeKey(k))
    .map((k) => volumeIdOf(live.config[k]))
    .filter((v): v is string => v !== undefined);
  await updateConfig(ctx, ref, (cfg) => kind.changes(planned, cfg, prior, markerLine, tagStyle), op, live);
  await purgeUnused(ctx, ref, detached, op);
  await growVolumes(ctx, kind, ref, planned, op, afterCreate);
  await settlePool(ctx, ref, planned, op);
  await settlePower(ctx, ref, startedOf(planned), op);
}

/**
 * The error of a create whose guest exists but whose later step (config, growth, pool, start)
 * failed: a ProviderError carrying the guest as it really is (`partial`), which the engine
 * records so the next plan finishes the work instead of creating it again. When the guest
 * cannot be read, or the failure is not a provider failure (a bug, an abort), the original
 * error goes up unchanged (the journal's reservation lets `recover` find the guest).
 */
async function createdButFailed(
  ctx: GuestContext,
  kind: GuestKindAdapter,
  ref: GuestRef,
  planned: Attributes,
  e: unknown,
): Promise<unknown> {
  if (!(e instanceof ProviderError)) return e;
  let state: Attributes | null;
  try {
    state = await readGuest(ctx, kind, ref.vmid, planned, {}, true);
  } catch {
    return e;
  }
  if (!state) return e;
  return new ProviderError(`${guestLabel(ref)} was created on ${ref.node}, but a later step failed: ${e.message}`, {
    ...(e.options.status !== undefined ? { status: e.options.status } : {}),
    ...(e.options.detail !== undefined ? { detail: e.options.detail } : {}),
    partial: { id: String(state.id), state },
  });
}

export async function createGuest(
  ctx: GuestContext,
  kind: GuestKindAdapter,
  planned: Attributes,
  identityRaw: Record<string, Value> | undefined,
  op: OperationContext,
): Promise<CreateResponse> {
  const node = planned.node;
  if (typeof node !== 'string') throw new ProviderError('node must be known to create a guest');
  const identity =
    identityOf(identityRaw) ?? (await reserveVmid(ctx, node, typeof planned.vmid === 'number' ? planned.vmid : undefined, op));
  ctx.reserved.add(identity.vmid);
  try {
    const ref: GuestRef = { type: kind.type, node: identity.node, vmid: identity.vmid };
    const line = formatMarker({ token: identity.token, facts: kind.markerFacts(planned) });
    const outcome = await kind.dispatch(ctx, planned, identity, line, op);
    if (outcome === 'adopted') op.progress?.(`${guestLabel(ref)} had been created by an earlier attempt; adopting it`);
    const prior = kind.resendSecretsAfterCreate(planned) ? null : planned;
    try {
      await converge(ctx, kind, ref, planned, prior, line, op, true);
    } catch (e) {
      throw await createdButFailed(ctx, kind, ref, planned, e);
    }
    const state = await readGuest(ctx, kind, identity.vmid, planned, op, true);
    if (!state) throw new ProviderError(`${guestLabel(ref)} vanished right after it was created`);
    return { id: String(state.id), state };
  } finally {
    ctx.reserved.delete(identity.vmid);
  }
}

/**
 * Brings an existing guest to `planned`: first a migration when its node changes (never sent
 * twice: a guest already on the target, or being migrated there, is not moved again), then
 * the rest on the node it is on. The state's `id` is the new `node/vmid` after a migration.
 */
export async function updateGuest(
  ctx: GuestContext,
  kind: GuestKindAdapter,
  id: string,
  prior: Attributes,
  planned: Attributes,
  op: OperationContext,
): Promise<Attributes> {
  const vmid = vmidOf(id, prior);
  const entry = await settledEntry(ctx, kind.type, vmid, op);
  if (!entry || entry.type !== kind.type) {
    throw new ProviderError(`${guestLabel({ type: kind.type, vmid })} no longer exists; run "hl plan" to see it as gone`);
  }
  const to = typeof planned.node === 'string' ? planned.node : entry.node;
  const ref: GuestRef =
    entry.node === to
      ? { type: kind.type, node: entry.node, vmid }
      : await migrateGuest(ctx, { type: kind.type, vmid, to, prior, planned }, op);
  await converge(ctx, kind, ref, planned, prior, undefined, op, false);
  const state = await readGuest(ctx, kind, vmid, { ...prior, ...planned }, op, true);
  if (!state) throw new ProviderError(`${guestLabel(ref)} vanished during its update`);
  return state;
}

export async function deleteGuest(
  ctx: GuestContext,
  kind: GuestKindAdapter,
  id: string,
  prior: Attributes | null,
  op: OperationContext,
): Promise<void> {
  await destroyGuest(ctx, kind.type, vmidOf(id, prior), op);
}

export async function importGuest(ctx: GuestContext, kind: GuestKindAdapter, id: string, op: OperationContext): Promise<ImportResponse> {
  const m = /^\s*(?:([A-Za-z0-9][A-Za-z0-9.-]*)\/)?(\d+)\s*$/.exec(id);
  if (!m) throw new ProviderError(`"${id}" is not a guest id: write node/vmid (e.g. pve/101) or just the vmid`);
  const vmid = Number(m[2]);
  const entry = await ctx.inventory.find(vmid, { fresh: true });
  if (!entry || entry.type !== kind.type) return { resource: null };
  if (m[1] && m[1] !== entry.node) {
    throw new ProviderError(
      `${guestLabel({ type: kind.type, vmid })} is on node ${entry.node}, not ${m[1]}; import it as ${entry.node}/${vmid}`,
    );
  }
  const state = await readGuest(ctx, kind, vmid, null, op, true);
  return state ? { resource: { id: String(state.id), state } } : { resource: null };
}

export async function recoverGuest(
  ctx: GuestContext,
  kind: GuestKindAdapter,
  identityRaw: Record<string, Value>,
  planned: Attributes,
  op: OperationContext,
): Promise<CreateResponse | null> {
  const identity = identityOf(identityRaw);
  if (!identity) return null;
  const who = await probeGuest(ctx, kind.type, identity, op);
  if (who !== 'ours') return null;
  await waitUnlocked(
    ctx,
    { type: kind.type, node: identity.node, vmid: identity.vmid },
    isValueMap(planned.clone) ? 'clone' : 'create',
    op,
  );
  const state = await readGuest(ctx, kind, identity.vmid, planned, op, true);
  return state ? { id: String(state.id), state } : null;
}

export async function reserveGuest(ctx: GuestContext, planned: Attributes, op: OperationContext): Promise<Record<string, Value>> {
  const node = planned.node;
  if (typeof node !== 'string') throw new ProviderError('node must be known to reserve a VMID');
  const identity = await reserveVmid(ctx, node, typeof planned.vmid === 'number' ? planned.vmid : undefined, op);
  return { node: identity.node, vmid: identity.vmid, token: identity.token };
}
