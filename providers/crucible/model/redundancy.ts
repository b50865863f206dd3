/**
 * The redundancy a disk really has, as an attribute value (pure):
 *
 *   {mode: none}                                   one copy, on its node's storage
 *   {mode: async-zfs, schedule, targets: [nodes]}  PVE storage replication of the holder:
 *                                                  ZFS snapshots sent to each target on the
 *                                                  schedule, asynchronously
 *   {mode: ceph, size, min_size}                   a Ceph RBD pool's replication, as the pool
 *                                                  is configured (read, never set by hl)
 *
 * Nothing here ever reads as synchronous 3-way replication: Crucible acknowledges a flush once
 * 2 of 3 downstairs have it; ZFS replication loses what was written since its last run, and
 * a Ceph pool is what its size/min_size say.
 */
import { isUnknown, isValueMap, UNKNOWN, type Value, type ValueMap } from '../../../src/core/value.js';

export const DEFAULT_SCHEDULE = '*/15';

export type Redundancy =
  | { mode: 'none' }
  | { mode: 'async-zfs'; schedule: string; targets: string[] }
  | { mode: 'ceph'; size: number; min_size: number };

export function redundancyValue(r: Redundancy): ValueMap {
  if (r.mode === 'async-zfs') return { mode: r.mode, schedule: r.schedule, targets: [...r.targets] };
  if (r.mode === 'ceph') return { mode: r.mode, size: r.size, min_size: r.min_size };
  return { mode: 'none' };
}

/** A configured redundancy with its defaults filled in; unknown parts stay unknown. */
export function plannedRedundancy(config: Value | undefined, prior: Value | undefined): Value {
  if (config === undefined || config === null) return prior ?? UNKNOWN;
  if (!isValueMap(config)) return config;
  const mode = config.mode;
  if (mode === 'async-zfs') {
    const targets =
      Array.isArray(config.targets) && config.targets.every((t) => typeof t === 'string')
        ? [...new Set(config.targets as string[])].sort()
        : (config.targets ?? UNKNOWN);
    return { mode, schedule: config.schedule ?? DEFAULT_SCHEDULE, targets };
  }
  if (mode === 'ceph') {
    const p = isValueMap(prior) && prior.mode === 'ceph' ? prior : undefined;
    return { mode, size: p?.size ?? UNKNOWN, min_size: p?.min_size ?? UNKNOWN };
  }
  if (mode === 'none') return { mode };
  return config;
}

/** The wanted redundancy of planned attributes, when it is fully known. */
export function wantedRedundancy(v: Value | undefined): Redundancy | undefined {
  if (!isValueMap(v) || isUnknown(v.mode)) return undefined;
  if (v.mode === 'none') return { mode: 'none' };
  if (
    v.mode === 'async-zfs' &&
    Array.isArray(v.targets) &&
    typeof v.schedule === 'string' &&
    v.targets.every((t) => typeof t === 'string')
  ) {
    return { mode: 'async-zfs', schedule: v.schedule, targets: v.targets as string[] };
  }
  if (v.mode === 'ceph')
    return { mode: 'ceph', size: typeof v.size === 'number' ? v.size : 0, min_size: typeof v.min_size === 'number' ? v.min_size : 0 };
  return undefined;
}

/** Plan-time problems of a configured redundancy on `node`. */
export function redundancyProblems(v: Value | undefined, node: Value | undefined): string[] {
  if (!isValueMap(v) || v.mode !== 'async-zfs') return [];
  const out: string[] = [];
  if (Array.isArray(v.targets)) {
    if (v.targets.length === 0) out.push('redundancy async-zfs needs at least one target node');
    if (typeof node === 'string' && v.targets.includes(node)) {
      out.push(
        `redundancy target ${node} is the disk's own node: a replica must go to another node (PVE: "Source and target must not be identical")`,
      );
    }
  }
  return out;
}
