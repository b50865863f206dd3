/**
 * A guest moved to another node (pure): a change of `node` on an existing guest is a migration
 * in place, not a replacement. This module says how it is done (for the plan), which storage
 * each volume goes to on the target (PVE's `targetstorage` / `target-storage` map, a list of
 * `source:target` pairs; a source not listed keeps its storage, pve-common
 * PVE/JSONSchema.pm map_id), and what in the config alone keeps PVE from migrating it.
 *
 * - A VM that runs and stays started migrates online (qemu-server PVE/QemuMigrate.pm: its local
 *   disks copied while it runs, `with-local-disks`); a stopped one offline.
 * - A container cannot migrate live (pve-container src/PVE/LXC/Migrate.pm prepare: "lxc live
 *   migration is currently not implemented"): a running one is shut down, moved and started
 *   again on the target (`restart`).
 * - A guest planned to stop is shut down first, then moved offline.
 * - A volume whose storage changes together with the node goes to that storage (its volume id
 *   is unknown until then); a storage change without a node change is still a replacement
 *   (guest-plan-common.ts).
 */
import { isUnknown, isValueMap, UNKNOWN, type Attributes, type Path, type Value } from '../../../src/core/value.js';
import type { AttributeProblem } from '../../../src/provider/contract.js';
import type { PlannedMigration } from '../../../src/provider/placement.js';

export type GuestNoun = 'VM' | 'container';

/** One volume of the guest that exists before and after, with its storage before and after. */
export interface VolumeMove {
  /** Where its storage is in the config (`['disks', 'scsi0', 'storage']`). */
  path: Path;
  from: string;
  to: string;
}

function str(v: Value | undefined): string | undefined {
  return typeof v === 'string' && v !== '' && !isUnknown(v) ? v : undefined;
}

/** The node change of an existing guest, when both nodes are known and differ. */
export function nodeChange(prior: Attributes, planned: Attributes): { from: string; to: string } | undefined {
  const from = str(prior.node);
  const to = str(planned.node);
  return from !== undefined && to !== undefined && from !== to ? { from, to } : undefined;
}

/**
 * The guest's volumes kept by the plan, each with its storage before and after: a VM's disks;
 * a container's rootfs and mount points that are volumes (a bind mount has no storage).
 */
export function volumeMoves(noun: GuestNoun, prior: Attributes, planned: Attributes): VolumeMove[] {
  const out: VolumeMove[] = [];
  const add = (path: Path, before: Value | undefined, after: Value | undefined): void => {
    if (!isValueMap(before) || !isValueMap(after)) return;
    const from = str(before.storage);
    if (from === undefined) return;
    // An unknown planned storage keeps the one it has.
    out.push({ path: [...path, 'storage'], from, to: str(after.storage) ?? from });
  };
  const slots = (name: string): [string, Value][] => (isValueMap(planned[name]) ? Object.entries(planned[name]) : []);
  const priorSlot = (name: string, slot: string): Value | undefined => (isValueMap(prior[name]) ? prior[name][slot] : undefined);
  if (noun === 'VM') {
    for (const [slot, d] of slots('disks')) add(['disks', slot], priorSlot('disks', slot), d);
  } else {
    add(['rootfs'], prior.rootfs, planned.rootfs);
    for (const [slot, m] of slots('mount_points')) add(['mount_points', slot], priorSlot('mount_points', slot), m);
  }
  return out;
}

/**
 * The storage map of a migration: each source storage whose volumes go to another storage,
 * and a problem for a source storage whose volumes would go to two different ones (PVE maps
 * a storage, not a volume: "duplicate mapping for source", pve-common PVE/JSONSchema.pm
 * parse_idmap).
 */
export function storageMap(moves: readonly VolumeMove[]): { map: Map<string, string>; problems: AttributeProblem[] } {
  const target = new Map<string, { to: string; path: Path }>();
  const problems: AttributeProblem[] = [];
  for (const m of moves) {
    const seen = target.get(m.from);
    if (!seen) {
      target.set(m.from, { to: m.to, path: m.path });
      continue;
    }
    if (seen.to === m.to) continue;
    problems.push({
      path: m.path,
      message: `${m.path.join('.')} goes to storage "${m.to}", but ${seen.path.join('.')} on the same storage "${m.from}" goes to "${seen.to}": a migration moves all volumes of one storage to one storage`,
    });
  }
  const map = new Map<string, string>();
  for (const [from, { to }] of [...target].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (from !== to) map.set(from, to);
  return { map, problems };
}

/** PVE's `targetstorage` / `target-storage` value: `src:dst` pairs; undefined when every storage stays. */
export function targetStorageParam(map: ReadonlyMap<string, string>): string | undefined {
  return map.size > 0 ? [...map].map(([from, to]) => `${from}:${to}`).join(',') : undefined;
}

/** The storages the guest's volumes end up on, sorted, for the plan's text. */
function targetStorages(moves: readonly VolumeMove[]): string[] {
  return [...new Set(moves.map((m) => m.to))].sort();
}

/** How the migration is done, for the plan: `online migration, local disks copied to local-zfs`. */
export function migrationHow(noun: GuestNoun, prior: Attributes, planned: Attributes, to: string): string {
  const storages = targetStorages(volumeMoves(noun, prior, planned));
  const running = prior.status === 'running';
  const stays = planned.started !== false;
  const copied = storages.length === 0 ? '' : `, ${noun === 'VM' ? 'local disks' : 'volumes'} copied to ${storages.join(', ')}`;
  if (running && !stays) return `offline migration after the ${noun} is shut down${copied}`;
  if (!running) return `offline migration${copied}`;
  if (noun === 'VM') return `online migration${copied}`;
  return `restart migration (the container is stopped, moved and started again on ${to})${copied}`;
}

/**
 * What in the planned config alone keeps PVE from migrating the guest off its node, at `node`:
 * a VM's USB device by host port or id (not `spice`, not a resource mapping) and a PCI device
 * without a mapping (qemu-server PVE/QemuMigrate/Helpers.pm check_local_resources, refused in
 * PVE/QemuMigrate.pm prepare "can't migrate VM which uses local devices"); a container's bind
 * mount ("cannot migrate local bind mount point", pve-container src/PVE/LXC/Migrate.pm prepare)
 * and its device nodes, which PVE moves without the device they name.
 */
export function configMigrationProblems(noun: GuestNoun, planned: Attributes, from: string): AttributeProblem[] {
  const reasons: string[] = [];
  const slots = (name: string): [string, Record<string, Value>][] =>
    isValueMap(planned[name]) ? Object.entries(planned[name]).filter((e): e is [string, Record<string, Value>] => isValueMap(e[1])) : [];
  if (noun === 'VM') {
    for (const [slot, u] of slots('usb')) {
      const host = str(u.host);
      if (host !== undefined && !/^spice$/i.test(host) && str(u.mapping) === undefined)
        reasons.push(`usb.${slot} is the host USB device ${host} of ${from} (use a resource mapping with an entry for each node)`);
    }
    for (const [slot, p] of slots('hostpci')) {
      const host = str(p.host);
      if (host !== undefined && str(p.mapping) === undefined)
        reasons.push(`hostpci.${slot} is the PCI device ${host} of ${from} (use a resource mapping with an entry for each node)`);
    }
  } else {
    for (const [slot, m] of slots('mount_points')) {
      const hostPath = str(m.host_path);
      if (hostPath !== undefined)
        reasons.push(`mount_points.${slot} binds ${hostPath} of ${from} (PVE cannot migrate a local bind mount point)`);
    }
    for (const [slot, d] of slots('dev')) {
      const path = str(d.path);
      if (path !== undefined) reasons.push(`dev.${slot} passes ${path} of ${from} through (the device stays on ${from})`);
    }
  }
  return reasons.map((r) => ({ path: ['node'], message: `the ${noun} cannot be migrated from ${from}: ${r}` }));
}

/**
 * The volumes a migration copies to another storage get a new volume id there (a container's
 * on ZFS even a new name, `subvol-100-disk-0`): unknown until the move is done.
 */
function forgetMovedVolumeIds(noun: GuestNoun, prior: Attributes, planned: Attributes): void {
  for (const m of volumeMoves(noun, prior, planned)) {
    if (m.from === m.to) continue;
    let holder: Value | undefined = planned;
    for (const key of m.path.slice(0, -1)) holder = isValueMap(holder) ? holder[String(key)] : undefined;
    if (isValueMap(holder) && 'volume' in holder) holder.volume = UNKNOWN;
  }
}

/**
 * The migration of an existing guest whose node changes, and what in the config refuses it;
 * the ids of volumes it copies to another storage become unknown in `planned`.
 */
export function planMigration(
  noun: GuestNoun,
  prior: Attributes,
  planned: Attributes,
): { migration: PlannedMigration; problems: AttributeProblem[] } | undefined {
  const change = nodeChange(prior, planned);
  if (!change) return undefined;
  const { problems } = storageMap(volumeMoves(noun, prior, planned));
  forgetMovedVolumeIds(noun, prior, planned);
  return {
    migration: { path: ['node'], from: change.from, to: change.to, how: migrationHow(noun, prior, planned, change.to) },
    problems: [...configMigrationProblems(noun, planned, change.from), ...problems],
  };
}
