/**
 * A disk's redundancy on PVE: its holder's storage replication jobs (`/cluster/replication`,
 * ids `<holder vmid>-<jobnum>`, one per target node), or the Ceph pool under an RBD storage.
 *
 * - read: the holder's jobs that are not marked for removal → {mode: async-zfs, schedule,
 *   targets}; none → {mode: none}; an RBD storage → {mode: ceph, size, min_size} from
 *   `/nodes/{node}/ceph/pool/{pool}/status`.
 * - converge: jobs for targets no longer wanted are deleted (PVE marks them, its runner removes
 *   them and the replicas), new targets get a job, a changed schedule is updated. A job PVE is
 *   still removing for a target that is wanted again is kept instead (`delete=remove_job`).
 *
 * Checked before anything is written, with PVE's reasons: replication needs storage with the
 * `replicate` feature (ZFS); Ceph redundancy needs an RBD storage.
 */
import { ProviderError, type OperationContext } from '../../../src/provider/contract.js';
import type { ValueMap } from '../../../src/core/value.js';
import { PveApiError } from '../../pve/client/pve-error.js';
import { DEFAULT_SCHEDULE, redundancyValue, type Redundancy } from '../model/redundancy.js';
import type { PveSession, StorageFacts } from '../connection/pve-session.js';

interface Job {
  id: string;
  guest: number;
  jobnum: number;
  target: string;
  schedule?: string;
  remove_job?: string;
}

async function jobsOf(s: PveSession, vmid: number, op: OperationContext): Promise<Job[]> {
  const raw = await s.get<unknown>('/cluster/replication', undefined, op);
  return (Array.isArray(raw) ? (raw as Partial<Job>[]) : [])
    .filter((j): j is Job => typeof j.id === 'string' && Number(j.guest) === vmid && typeof j.target === 'string')
    .map((j) => ({ ...j, guest: Number(j.guest), jobnum: Number(j.jobnum ?? j.id.split('-')[1]) }));
}

async function cephPool(s: PveSession, node: string, storage: string, op: OperationContext): Promise<{ size: number; min_size: number }> {
  const cfg = await s.get<{ pool?: string }>(`/storage/${storage}`, undefined, op);
  const pool = cfg?.pool ?? 'rbd';
  const st = await s.get<{ size?: number; min_size?: number }>(`/nodes/${node}/ceph/pool/${pool}/status`, undefined, op);
  return { size: Number(st?.size ?? 0), min_size: Number(st?.min_size ?? 0) };
}

/** The redundancy the holder's volume really has. */
export async function readRedundancy(
  s: PveSession,
  node: string,
  vmid: number,
  storage: StorageFacts | undefined,
  op: OperationContext,
): Promise<ValueMap> {
  if (storage?.type === 'rbd') return redundancyValue({ mode: 'ceph', ...(await cephPool(s, node, storage.id, op)) });
  const jobs = (await jobsOf(s, vmid, op)).filter((j) => !j.remove_job);
  if (jobs.length === 0) return redundancyValue({ mode: 'none' });
  const schedules = [...new Set(jobs.map((j) => j.schedule ?? DEFAULT_SCHEDULE))];
  return redundancyValue({ mode: 'async-zfs', schedule: schedules.join(' | '), targets: jobs.map((j) => j.target).sort() });
}

/** Refuses, before anything is created, a redundancy the storage cannot give. */
export function checkRedundancyFits(wanted: Redundancy | undefined, storage: StorageFacts, where: string): void {
  if (!wanted) return;
  if (wanted.mode === 'async-zfs' && storage.type !== 'zfspool') {
    throw new ProviderError(
      `redundancy async-zfs needs a ZFS storage: ${where} is ${storage.type}${storage.shared ? ' (shared)' : ''}, and PVE replicates only volumes with the replicate feature ("missing replicate feature on volume")`,
    );
  }
  if (wanted.mode === 'ceph' && storage.type !== 'rbd') {
    throw new ProviderError(`redundancy ceph needs a Ceph RBD storage: ${where} is ${storage.type}; place the disk on an RBD storage`);
  }
  if (wanted.mode === 'none' && storage.type === 'rbd') {
    throw new ProviderError(
      `${where} is a Ceph RBD storage: its pool replicates every volume, so redundancy cannot be none there; write {mode: ceph}`,
    );
  }
}

/** Brings the holder's replication jobs to `wanted`. */
export async function convergeReplication(
  s: PveSession,
  vmid: number,
  wanted: Redundancy | undefined,
  op: OperationContext,
): Promise<void> {
  if (!wanted || wanted.mode === 'ceph') return;
  const targets = wanted.mode === 'async-zfs' ? new Set(wanted.targets) : new Set<string>();
  const schedule = wanted.mode === 'async-zfs' ? wanted.schedule : DEFAULT_SCHEDULE;
  const jobs = await jobsOf(s, vmid, op);
  for (const job of jobs) {
    if (targets.has(job.target)) {
      const params: Record<string, string> = {};
      if (job.remove_job) params.delete = 'remove_job';
      if ((job.schedule ?? DEFAULT_SCHEDULE) !== schedule) params.schedule = schedule;
      if (Object.keys(params).length > 0) {
        op.progress?.(`updating replication job ${job.id} of holder VM ${vmid} to ${job.target}`);
        await s.send('PUT', `/cluster/replication/${job.id}`, params, op, true);
      }
      targets.delete(job.target);
    } else if (!job.remove_job) {
      op.progress?.(`removing replication job ${job.id} of holder VM ${vmid} to ${job.target}`);
      await s.send('DELETE', `/cluster/replication/${job.id}`, undefined, op, true);
    }
  }
  const used = new Set(jobs.map((j) => j.jobnum));
  for (const target of [...targets].sort()) {
    let jobnum = 0;
    while (used.has(jobnum)) jobnum++;
    used.add(jobnum);
    const id = `${vmid}-${jobnum}`;
    op.progress?.(`creating replication job ${id}: holder VM ${vmid} to ${target}, schedule ${schedule}`);
    try {
      await s.send('POST', '/cluster/replication', { id, type: 'local', target, schedule }, op, false);
    } catch (e) {
      // A lost answer: the job may exist; look instead of sending the create again.
      if (!(e instanceof PveApiError) || e.answered || !(await jobsOf(s, vmid, op)).some((j) => j.id === id && j.target === target))
        throw e;
    }
  }
}
