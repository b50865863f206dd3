/**
 * Storage replication jobs, `/cluster/replication[/{id}]`, after pve-manager's
 * PVE::API2::ReplicationConfig and pve-guest-common's PVE::ReplicationConfig:
 *
 * - create checks, in PVE's order and words: the guest exists, the target is a cluster node,
 *   `source` (if given) is the guest's node, source and target differ, the guest has volumes
 *   that can be replicated (its own, on non-shared storage with the `replicate` feature: ZFS;
 *   `missing replicate feature on volume '...'` otherwise), the id is new, and there is one job
 *   per guest and target;
 * - update with `digest` and `delete`;
 * - delete only marks the job (`remove_job: full`, or `local` with `keep`); the replication
 *   runner removes it a moment later (after the task duration here). `force` removes at once.
 *
 * Not emulated: the runner itself (no data is copied, no `last_sync`), `/nodes/{node}/replication`.
 */
import { createHash } from 'node:crypto';
import { fail, paramFail } from '../api-error.js';
import type { EmulatorCore } from '../emulator-core.js';
import { guestKind } from '../guest-kind.js';
import { bool, NODE, num, opt, str, type ParamSchema } from '../param-schema.js';
import type { ApiRequest, RouteDef } from '../router.js';
import { findVolume, volumeOwner } from '../storage-ops.js';
import { volumeHasFeature } from '../storage-features.js';
import { splitList } from '../string-formats.js';
import { findGuest, findNode, guestConfig, type ReplicationJobState, type World } from '../world.js';

const JOB_ID = str({ pattern: /[1-9][0-9]{2,8}-\d{1,9}/, format: 'pve-replication-job-id' });
const SCHEDULE = opt(str({ maxLength: 128, format: 'pve-calendar-event' }));
const REMOVE_JOB = opt(str({ enum: ['local', 'full'] }));

function jobs(world: World): Record<string, ReplicationJobState> {
  world.replication ??= {};
  return world.replication;
}

/** Drops jobs whose removal the (emulated) runner has finished. */
function runRemovals(emu: EmulatorCore): void {
  const all = jobs(emu.world);
  for (const [id, job] of Object.entries(all)) {
    if (job.remove_job && job.removeAfterMs !== undefined && job.removeAfterMs <= emu.now()) delete all[id];
  }
}

function jobAnswer(job: ReplicationJobState): Record<string, unknown> {
  const { removeAfterMs: _internal, ...rest } = job;
  const out: Record<string, unknown> = { ...rest };
  if (job.disable !== undefined) out.disable = job.disable ? 1 : 0;
  return out;
}

function configDigest(world: World): string {
  const text = Object.keys(jobs(world))
    .sort()
    .map((id) => JSON.stringify(jobAnswer(jobs(world)[id] as ReplicationJobState)))
    .join('\n');
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

function requireJob(emu: EmulatorCore, id: string, message: string): ReplicationJobState {
  runRemovals(emu);
  const job = jobs(emu.world)[id];
  if (!job) fail(message);
  return job;
}

/** Volumes of `vmid` a job would replicate (pve-guest-common get_replicatable_volumes). */
function replicatableVolumes(emu: EmulatorCore, vmid: number): string[] {
  const g = findGuest(emu.world, vmid);
  const node = g ? findNode(emu.world, g.node) : undefined;
  if (!g || !node) return [];
  const kind = guestKind(g.type);
  const cfg = guestConfig(g);
  const out = new Set<string>();
  for (const section of [cfg.main, ...Object.values(cfg.snapshots)]) {
    for (const [key, value] of Object.entries(section)) {
      const volid = kind.volumeOf(key, value);
      if (!volid || /(^|,)media=cdrom(,|$)/.test(value) || /(^|,)replicate=(0|off|no|false)(,|$)/.test(value)) continue;
      const found = findVolume(node, volid);
      if (!found || found.storage.shared) continue;
      if (volumeOwner(volid.split(':')[1] ?? '') !== vmid) continue;
      if (!volumeHasFeature(found.storage, found.volume, 'replicate', false)) fail(`missing replicate feature on volume '${volid}'`);
      out.add(volid);
    }
  }
  return [...out];
}

function createJob(emu: EmulatorCore, req: ApiRequest): null {
  runRemovals(emu);
  const p = req.params;
  const id = p.id as string;
  const [guestText, jobnumText] = id.split('-') as [string, string];
  const guest = Number(guestText);
  const target = p.target as string;
  const g = findGuest(emu.world, guest);
  if (!g) fail(`Guest '${guest}' does not exist.`);
  if (!findNode(emu.world, target)) fail(`Target '${target}' does not exist.`);
  const source = g.node;
  if (p.source !== undefined && p.source !== source) {
    fail(`Source '${p.source}' does not match current node of guest '${guest}' (${source})`);
  }
  if (target === source) fail('Source and target must not be identical');
  if (replicatableVolumes(emu, guest).length === 0) fail('No replicatable volumes found');
  const all = jobs(emu.world);
  if (all[id]) fail(`replication job '${id}' already exists`);
  if (Object.values(all).some((j) => j.guest === guest && j.target === target)) {
    fail(`replication job for guest '${guest}' to target 'local/${target}' already exists`);
  }
  const job: ReplicationJobState = { id, type: 'local', guest, jobnum: Number(jobnumText), target, source };
  if (p.schedule !== undefined) job.schedule = String(p.schedule);
  if (p.rate !== undefined) job.rate = Number(p.rate);
  if (p.comment !== undefined) job.comment = String(p.comment);
  if (p.disable !== undefined) job.disable = p.disable === true;
  if (p.remove_job !== undefined) job.remove_job = p.remove_job as 'local' | 'full';
  all[id] = job;
  return null;
}

const OPTIONAL_KEYS = new Set(['schedule', 'rate', 'comment', 'disable', 'remove_job', 'source']);

function updateJob(emu: EmulatorCore, req: ApiRequest): null {
  const p = req.params;
  const id = p.id as string;
  if (p.digest !== undefined && p.digest !== configDigest(emu.world))
    fail('detected modified configuration - file changed by other user? Try again.');
  const job = requireJob(emu, id, `no such job '${id}'`);
  if (p.schedule !== undefined) job.schedule = String(p.schedule);
  if (p.rate !== undefined) job.rate = Number(p.rate);
  if (p.comment !== undefined) job.comment = String(p.comment);
  if (p.disable !== undefined) job.disable = p.disable === true;
  if (p.remove_job !== undefined) job.remove_job = p.remove_job as 'local' | 'full';
  if (p.source !== undefined) job.source = String(p.source);
  for (const key of splitList(String(p.delete ?? ''))) {
    if (key === 'target' || key === 'type' || key === 'guest' || key === 'jobnum') fail(`unable to delete required option '${key}'`);
    if (!OPTIONAL_KEYS.has(key)) fail(`no such option '${key}'`);
    delete (job as unknown as Record<string, unknown>)[key];
  }
  return null;
}

function deleteJob(emu: EmulatorCore, req: ApiRequest): null {
  const p = req.params;
  const id = p.id as string;
  runRemovals(emu);
  const all = jobs(emu.world);
  if (p.force === true) {
    if (p.keep === true) paramFail({ keep: "conflicts with parameter 'force'" });
    delete all[id];
    return null;
  }
  const job = all[id];
  if (!job) fail(`no such job '${id}'`);
  job.remove_job = p.keep === true ? 'local' : 'full';
  job.removeAfterMs = emu.now() + emu.faults.taskDurationMs('replicate');
  return null;
}

/** Removes a guest's jobs (`DELETE /qemu/{vmid}?purge=1` does this). */
export function removeGuestReplicationJobs(world: World, vmid: number): void {
  const all = jobs(world);
  for (const [id, job] of Object.entries(all)) if (job.guest === vmid) delete all[id];
}

const UPDATE: ParamSchema = {
  id: JOB_ID,
  comment: opt(str({ maxLength: 4096 })),
  delete: opt(str({ format: 'pve-configid-list', maxLength: 4096 })),
  digest: opt(str({ maxLength: 64 })),
  disable: opt(bool()),
  rate: opt(num({ minimum: 1 })),
  remove_job: REMOVE_JOB,
  schedule: SCHEDULE,
  source: opt(NODE),
};

export const REPLICATION_ROUTES: RouteDef[] = [
  {
    method: 'GET',
    path: '/cluster/replication',
    params: {},
    handler: (emu) => {
      runRemovals(emu);
      return Object.keys(jobs(emu.world))
        .sort()
        .map((id) => jobAnswer(jobs(emu.world)[id] as ReplicationJobState));
    },
  },
  {
    method: 'POST',
    path: '/cluster/replication',
    params: {
      id: JOB_ID,
      type: str({ enum: ['local'] }),
      target: NODE,
      comment: opt(str({ maxLength: 4096 })),
      disable: opt(bool()),
      rate: opt(num({ minimum: 1 })),
      remove_job: REMOVE_JOB,
      schedule: SCHEDULE,
      source: opt(NODE),
    },
    handler: createJob,
  },
  {
    method: 'GET',
    path: '/cluster/replication/{id}',
    params: { id: JOB_ID },
    handler: (emu, req) => {
      const id = req.params.id as string;
      const job = requireJob(emu, id, `no such replication job '${id}'`);
      return { ...jobAnswer(job), digest: configDigest(emu.world) };
    },
  },
  { method: 'PUT', path: '/cluster/replication/{id}', params: UPDATE, handler: updateJob },
  {
    method: 'DELETE',
    path: '/cluster/replication/{id}',
    params: { id: JOB_ID, keep: opt(bool()), force: opt(bool()) },
    handler: deleteJob,
  },
];
