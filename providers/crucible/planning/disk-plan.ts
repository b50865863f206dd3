/**
 * Planning a crucible_disk (pure): Oxide's rules checked on the config, the planned
 * attributes, and the transitions Oxide forbids refused with a reason.
 *
 * Oxide disks cannot be edited. hl changes in place what changes nothing about the data —
 * name, description, redundancy — and, as an extension, grows a disk (Proxmox only grows).
 * A different source, block size, read_only or placement, or a smaller size, is refused at plan
 * time: replacing the disk would destroy its data, so the plan says how to get there instead
 * (a new disk, from a snapshot if the data should come along; or `hl apply --replace`).
 */
import { isUnknown, isValueMap, sameValue, UNKNOWN, type Attributes, type Value } from '../../../src/core/value.js';
import type { AttributeProblem, PlanResourceResponse } from '../../../src/provider/contract.js';
import { diskSizeProblems, formatDiskSize, parseDiskSize } from '../model/disk-size.js';
import { oxideNameProblem } from '../model/oxide-name.js';
import { plannedRedundancy, redundancyProblems } from '../model/redundancy.js';
import { parseImageId, parseSnapshotId } from '../model/resource-ids.js';
import { describe, known } from './plan-values.js';

const COMPUTED = ['id', 'state', 'volume_id', 'device_serial', 'holder_vmid'] as const;

/** The only block size Proxmox can give a guest; see the schema's description of block_size. */
export const SUPPORTED_BLOCK_SIZE = 512;

/** The source's size in bytes when the config names it by a known id. */
function sourceBytes(source: Value | undefined): number | undefined {
  if (!isValueMap(source)) return undefined;
  if (source.type === 'snapshot' && typeof source.snapshot_id === 'string') return parseSnapshotId(source.snapshot_id)?.sizeBytes;
  if (source.type === 'image' && typeof source.image_id === 'string') return parseImageId(source.image_id)?.sizeBytes;
  return undefined;
}

function sourceType(source: Value | undefined): Value {
  if (source === undefined || source === null) return 'blank';
  return isValueMap(source) ? (source.type ?? 'blank') : UNKNOWN;
}

/** Config checks that need no prior state (also run by validateResource). */
export function validateDisk(config: Attributes): AttributeProblem[] {
  const problems: AttributeProblem[] = [];
  const add = (path: (string | number)[], message: string): void => {
    problems.push({ path, message });
  };
  if (typeof config.name === 'string') {
    const p = oxideNameProblem(config.name);
    if (p) add(['name'], p);
  }
  const blockSize =
    typeof config.block_size === 'number' ? config.block_size : isUnknown(config.block_size) ? undefined : SUPPORTED_BLOCK_SIZE;
  if (blockSize !== undefined && blockSize !== SUPPORTED_BLOCK_SIZE) {
    add(
      ['block_size'],
      `block_size ${blockSize} cannot be honoured on Proxmox: it has no per-disk logical block size setting (QEMU's logical_block_size is reachable only through the root-only args option), so the guest would see 512-byte sectors; hl accepts 512 only rather than record a block size the guest does not get`,
    );
  }
  const type = sourceType(config.source);
  const bytes = typeof config.size === 'string' ? parseDiskSize(config.size) : undefined;
  if (typeof config.size === 'string' && bytes === undefined) add(['size'], `size "${config.size}" is not a size (e.g. "20G")`);
  if (bytes !== undefined) for (const m of diskSizeProblems(bytes, blockSize ?? SUPPORTED_BLOCK_SIZE)) add(['size'], m);
  if (type === 'blank' && (config.size === undefined || config.size === null)) add(['size'], 'a blank disk needs a size (e.g. "20G")');
  if (config.read_only === true && type === 'blank')
    add(['read_only'], 'read_only is only for a disk made from a snapshot or an image: a blank read-only disk could never hold data');
  const fromBytes = sourceBytes(config.source);
  if (fromBytes !== undefined && bytes !== undefined) {
    const what = type === 'snapshot' ? 'the source snapshot' : 'the source image';
    if (bytes < fromBytes)
      add(
        ['size'],
        `size ${formatDiskSize(bytes)} is smaller than ${what} (${formatDiskSize(fromBytes)}): a disk must be at least as large as its source`,
      );
    else if (config.read_only === true && bytes !== fromBytes)
      add(['size'], `a read-only disk has its source's size: ${what} is ${formatDiskSize(fromBytes)}, not ${formatDiskSize(bytes)}`);
  }
  if (isValueMap(config.source)) {
    const s = config.source;
    if (s.type === 'snapshot' && typeof s.snapshot_id === 'string' && !parseSnapshotId(s.snapshot_id)) {
      add(['source', 'snapshot_id'], `"${s.snapshot_id}" is not a crucible_snapshot id (snapshot/<vmid>/<snapname>/<size>)`);
    }
    if (s.type === 'image' && typeof s.image_id === 'string' && !parseImageId(s.image_id)) {
      add(['source', 'image_id'], `"${s.image_id}" is not a crucible_image id (image/<vmid>/<serial>/<size>)`);
    }
  }
  const node = isValueMap(config.placement) ? config.placement.node : undefined;
  for (const m of redundancyProblems(config.redundancy, node)) add(['redundancy'], m);
  return problems;
}

function canonicalSource(source: Value | undefined): Value {
  if (source === undefined || source === null) return { type: 'blank' };
  return source;
}

function canonicalSize(config: Value | undefined, prior: Value | undefined, source: Value | undefined): Value {
  if (typeof config === 'string') {
    const b = parseDiskSize(config);
    return b === undefined ? config : formatDiskSize(b);
  }
  if (config !== undefined && config !== null) return config;
  if (prior !== undefined && prior !== null) return prior;
  const b = sourceBytes(source);
  return b === undefined ? UNKNOWN : formatDiskSize(b);
}

function unchangeable(problems: AttributeProblem[], prior: Attributes, planned: Attributes, key: string, why: string): void {
  const before = prior[key];
  const after = planned[key];
  if (!known(after) || sameValue(before, after)) return;
  problems.push({ path: [key], message: `${key} cannot change from ${describe(before)} to ${describe(after)}: ${why}` });
}

export function planDisk(prior: Attributes | null, config: Attributes): PlanResourceResponse {
  const notes: string[] = [];
  const problems: AttributeProblem[] = [];
  const source = canonicalSource(config.source);
  const planned: Attributes = {
    name: config.name ?? null,
    description: config.description ?? '',
    size: canonicalSize(config.size, prior?.size, source),
    block_size: config.block_size ?? SUPPORTED_BLOCK_SIZE,
    source,
    read_only: config.read_only ?? false,
    placement: config.placement ?? null,
    redundancy: plannedRedundancy(config.redundancy, prior?.redundancy),
  };
  for (const k of COMPUTED) planned[k] = prior ? (prior[k] ?? null) : UNKNOWN;
  if (!prior) {
    if (sourceType(source) !== 'blank' && config.size === undefined) notes.push('the disk gets the size of its source');
    return { planned, requiresReplace: [], notes, problems };
  }
  if (prior.state === 'faulted')
    notes.push(`the disk is faulted (its volume, node or storage is not there); changes to it are likely to fail`);
  const rebuild =
    'Oxide disks cannot be edited, and replacing this one would destroy its data; declare a new crucible_disk (from a snapshot of this one to keep the data), or run apply with --replace to recreate it empty';
  unchangeable(problems, prior, planned, 'source', `a disk's contents come from its source once, at creation. ${rebuild}`);
  unchangeable(problems, prior, planned, 'block_size', rebuild);
  unchangeable(problems, prior, planned, 'read_only', rebuild);
  unchangeable(
    problems,
    prior,
    planned,
    'placement',
    `moving a disk to another node or storage is not supported (Proxmox's move_disk renames the volume and is refused while snapshots reference it). ${rebuild}`,
  );
  const before = typeof prior.size === 'string' ? parseDiskSize(prior.size) : undefined;
  const after = typeof planned.size === 'string' ? parseDiskSize(planned.size) : undefined;
  if (before !== undefined && after !== undefined && after !== before) {
    if (after < before) {
      problems.push({
        path: ['size'],
        message: `size cannot shrink from ${formatDiskSize(before)} to ${formatDiskSize(after)}: Proxmox only grows disks`,
      });
    } else {
      notes.push(
        `size grows from ${formatDiskSize(before)} to ${formatDiskSize(after)} in place (an hl extension: Oxide disks cannot be resized); a VM using the disk sees the new size at once`,
      );
    }
  }
  if (known(planned.redundancy) && !sameValue(prior.redundancy, planned.redundancy)) {
    notes.push(`redundancy changes from ${describe(prior.redundancy)} to ${describe(planned.redundancy)}`);
  }
  return { planned, requiresReplace: [], notes, problems };
}
