/**
 * Holder guests: the stopped, never-started VMs that own crucible volumes. A disk's holder owns
 * exactly one volume (its `scsi0`); an image's holder is a PVE template whose `scsi0` is a base
 * volume. Proxmox ties a volume to a VMID through its name and frees it with that guest only,
 * so a holder gives each disk an owner of its own: deleting the VMs a disk was attached to
 * never takes the disk with it.
 *
 * A holder is recognised by hl's marker in its description (holder-marker.ts) with the serial
 * `reserve` drew before the create: a guest at the VMID without that serial is someone else's.
 * Holders get VMIDs from the provider's holder_vmid_range, checked free with
 * `/cluster/nextid?vmid=` and never handed out twice by this process.
 *
 * Creates and clones are never sent twice blindly: when the answer is lost, or PVE says the VMID
 * exists, the guest at the VMID is looked at: ours (our serial) is adopted once its task ends,
 * absent means the request never happened (sent again), anyone else's is an error.
 */
import { ProviderError, type OperationContext } from '../../../src/provider/contract.js';
import { isAlreadyExists, isNodeUnreachable, isNotFound, PveApiError } from '../../pve/client/pve-error.js';
import { backoffDelay, sleep, TRANSIENT_RETRY } from '../../pve/client/retry-policy.js';
import { TaskFailedError } from '../../pve/client/task-waiter.js';
import type { Params } from '../../pve/client/pve-client.js';
import type { GuestEntry } from '../../pve/cluster-inventory.js';
import type { PveConfig } from '../../pve/guest-api.js';
import { parsePropertyString, parseSize, QEMU_SCSI_FORMAT, type PropertyMap } from '../../pve/property-string.js';
import type { TaskOperation } from '../../pve/provider-settings.js';
import { splitMarker, type Marker, type MarkerKind } from '../model/holder-marker.js';
import { UnfinishedCreateWatch } from '../../pve/unfinished-create.js';
import { type PveSession, vmPath } from '../connection/pve-session.js';

/** The tag every holder carries, so that people (and imports) can find them. */
export const HOLDER_TAG = 'crucible';

export interface HolderDrive {
  volid: string;
  /** The `size=` PVE keeps in the config (informational). */
  sizeBytes?: number;
  serial?: string;
  options: PropertyMap;
}

export interface Holder {
  node: string;
  vmid: number;
  /** Cluster status: `stopped`, `running`, `unknown` (node offline). */
  status: string;
  lock?: string;
  template: boolean;
  config: PveConfig;
  digest: string | undefined;
  marker: Marker;
  /** The user's part of the description. */
  text: string;
  /** `scsi0`, when set. */
  drive?: HolderDrive;
}

export function parseDrive(value: string | undefined): HolderDrive | undefined {
  if (!value) return undefined;
  let d: PropertyMap;
  try {
    d = parsePropertyString(value, QEMU_SCSI_FORMAT);
  } catch {
    return undefined;
  }
  if (!d.file || d.media === 'cdrom') return undefined;
  let sizeBytes: number | undefined;
  try {
    sizeBytes = d.size ? parseSize(d.size) : undefined;
  } catch {
    sizeBytes = undefined;
  }
  return { volid: d.file, ...(sizeBytes !== undefined ? { sizeBytes } : {}), ...(d.serial ? { serial: d.serial } : {}), options: d };
}

/** The identity value a marker of `kind` carries (the serial, or a snapshot's name). */
function identityOf(marker: Marker): string | undefined {
  return marker.fields.serial;
}

export type HolderLookup = { found: Holder } | { absent: true } | { foreign: GuestEntry } | { unreachable: GuestEntry };

/** The holder at `vmid` if it is ours (`kind`, and `serial` when given). */
export async function lookupHolder(
  s: PveSession,
  vmid: number,
  kind: MarkerKind,
  serial: string | undefined,
  op: OperationContext,
): Promise<HolderLookup> {
  const entry = await s.guest(vmid, op);
  if (!entry) return { absent: true };
  if (entry.type !== 'qemu') return { foreign: entry };
  let live: Awaited<ReturnType<PveSession['vmConfig']>>;
  try {
    live = await s.vmConfig(entry.node, vmid, op);
  } catch (e) {
    if (isNodeUnreachable(e)) return { unreachable: entry };
    throw e;
  }
  if (!live) return { absent: true };
  const { text, marker } = splitMarker(live.config.description);
  if (!marker || marker.kind !== kind || (serial !== undefined && identityOf(marker) !== serial)) return { foreign: entry };
  const drive = parseDrive(live.config.scsi0);
  return {
    found: {
      node: entry.node,
      vmid,
      status: entry.status,
      ...(live.config.lock ? { lock: live.config.lock } : entry.lock ? { lock: entry.lock } : {}),
      template: live.config.template === '1' || entry.template,
      config: live.config,
      digest: live.digest,
      marker,
      text,
      ...(drive ? { drive } : {}),
    },
  };
}

async function vmidIsFree(s: PveSession, vmid: number, op: OperationContext): Promise<boolean> {
  try {
    await s.get('/cluster/nextid', { vmid }, op);
    return true;
  } catch (e) {
    if (e instanceof PveApiError && e.answered && /already exists|in use/i.test(`${e.reason} ${Object.values(e.paramErrors).join(' ')}`))
      return false;
    throw e;
  }
}

/** Picks a free VMID from the holder range and keeps it from being handed out again here. */
export async function reserveHolderVmid(s: PveSession, op: OperationContext): Promise<number> {
  const { from, to } = s.options.holderVmids;
  const taken = new Set((await s.guests(op)).map((g) => g.vmid));
  for (let vmid = from, tries = 0; vmid <= to && tries < 200; vmid++) {
    if (taken.has(vmid) || s.reserved.has(vmid)) continue;
    tries++;
    if (await vmidIsFree(s, vmid, op)) {
      s.reserved.add(vmid);
      return vmid;
    }
  }
  throw new ProviderError(`no free VMID for a holder guest in holder_vmid_range ${from}-${to}`);
}

/** Waits while the guest at `vmid` is being created or cloned (its config carries the lock). */
export async function waitForCreation(s: PveSession, vmid: number, operation: TaskOperation, op: OperationContext): Promise<void> {
  const deadline = Date.now() + s.options.timeouts[operation] * 1000;
  const watch = new UnfinishedCreateWatch(s.client, 'qemu', vmid);
  let interval = 100;
  for (;;) {
    const entry = await s.guest(vmid, op);
    if (!entry) return;
    const live = await s.vmConfig(entry.node, vmid, op).catch((e: unknown) => {
      if (isNotFound(e)) return undefined;
      throw e;
    });
    const lock = live?.config.lock;
    if (lock !== 'create' && lock !== 'clone') return;
    if (Date.now() > deadline) throw new ProviderError(`VM ${vmid} is still locked (${lock}) after ${s.options.timeouts[operation]} s`);
    await watch.check(entry.node, lock, op);
    op.progress?.(`VM ${vmid} is locked (${lock}); waiting for its task to end`);
    await sleep(interval, op.signal);
    interval = Math.min(2000, interval * 2);
  }
}

export interface GuardedCreate {
  /** Sends the create or clone; answers the UPID. */
  post: () => Promise<unknown>;
  vmid: number;
  kind: MarkerKind;
  serial: string;
  what: string;
  operation: 'create' | 'clone';
}

/**
 * Sends a create or clone of a holder and waits for it; never re-sends one that may have gone
 * through. Answers 'adopted' when an earlier attempt had made the holder.
 */
export async function guardedCreate(s: PveSession, g: GuardedCreate, op: OperationContext): Promise<'created' | 'adopted'> {
  const whose = async (): Promise<'ours' | 'absent' | 'foreign'> => {
    await waitForCreation(s, g.vmid, g.operation, op);
    const l = await lookupHolder(s, g.vmid, g.kind, g.serial, op);
    return 'found' in l ? 'ours' : 'absent' in l ? 'absent' : 'foreign';
  };
  const foreign = (): ProviderError =>
    new ProviderError(
      `VMID ${g.vmid} was taken by a guest hl did not create (no crucible marker with serial ${g.serial}); ${g.what} was not done`,
    );
  for (let attempt = 0; ; attempt++) {
    let answer: unknown;
    try {
      answer = await g.post();
    } catch (e) {
      if (isAlreadyExists(e)) {
        if ((await whose()) === 'ours') return 'adopted';
        throw foreign();
      }
      if (!(e instanceof PveApiError) || e.answered || e.kind === 'tls') throw e;
      op.progress?.(`${g.what}: the answer was lost (${e.reason}); checking VM ${g.vmid}`);
      const who = await whose();
      if (who === 'ours') return 'adopted';
      if (who === 'foreign') throw foreign();
      if (attempt + 1 >= TRANSIENT_RETRY.attempts) throw e;
      await sleep(backoffDelay(TRANSIENT_RETRY, attempt), op.signal);
      continue;
    }
    try {
      await s.wait(answer, g.what, g.operation, op);
      return 'created';
    } catch (e) {
      if (e instanceof TaskFailedError && /already exists/.test(e.exitStatus) && (await whose()) === 'ours') return 'adopted';
      throw e;
    }
  }
}

/** Creates an empty holder VM (no disks yet). */
export async function createHolderVm(
  s: PveSession,
  h: { node: string; vmid: number; name: string; description: string; kind: MarkerKind; serial: string },
  op: OperationContext,
): Promise<'created' | 'adopted'> {
  const params: Params = {
    vmid: h.vmid,
    name: h.name,
    description: h.description,
    tags: HOLDER_TAG,
    onboot: 0,
    ostype: 'other',
    memory: '64',
    cores: 1,
  };
  op.progress?.(`creating holder VM ${h.vmid} (${h.name}) on ${h.node}`);
  return guardedCreate(
    s,
    {
      post: () => s.send('POST', `/nodes/${h.node}/qemu`, params, op, false),
      vmid: h.vmid,
      kind: h.kind,
      serial: h.serial,
      what: `create of holder VM ${h.vmid}`,
      operation: 'create',
    },
    op,
  );
}

/** Destroys a holder and the volumes it owns; one already gone is fine. */
export async function destroyHolder(s: PveSession, vmid: number, op: OperationContext): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const entry = await s.guest(vmid, op);
    if (entry?.type !== 'qemu') return;
    const path = vmPath(entry.node, vmid);
    try {
      // the power state read live: the listing's may be a pvestatd round old
      if ((await s.liveStatus(entry.node, vmid, op)) === 'running') {
        // A holder is never started by hl; someone did. It must be off to be destroyed.
        await s.task('POST', `${path}/status/stop`, undefined, `stop of holder VM ${vmid}`, 'stop', op);
      }
      op.progress?.(`destroying holder VM ${vmid} on ${entry.node}`);
      const answer = await s.send('DELETE', path, { purge: 1, 'destroy-unreferenced-disks': 1 }, op, false);
      await s.wait(answer, `destroy of holder VM ${vmid}`, 'delete', op);
      return;
    } catch (e) {
      if (isNotFound(e)) return;
      if (e instanceof PveApiError && !e.answered && e.kind !== 'tls') {
        await sleep(500, op.signal);
        continue;
      }
      throw e;
    }
  }
  throw new ProviderError(`holder VM ${vmid} could not be destroyed`);
}
