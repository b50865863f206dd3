/**
 * A crucible_disk's planned attributes as a typed specification for the create and update
 * code (pure). The planner has already validated them; what is still unknown here is a bug.
 */
import { isValueMap, type Attributes, type Value } from '../../../src/core/value.js';
import { ProviderError } from '../../../src/provider/contract.js';
import { parseDiskSize } from './disk-size.js';
import { wantedRedundancy, type Redundancy } from './redundancy.js';
import { parseImageId, parseSnapshotId, type ImageRef, type SnapshotRef } from './resource-ids.js';

export type DiskSource =
  | { type: 'blank' }
  | { type: 'snapshot'; id: string; ref: SnapshotRef }
  | { type: 'image'; id: string; ref: ImageRef };

export interface DiskSpec {
  name: string;
  description: string;
  /** Undefined: the source's size. */
  sizeBytes?: number;
  blockSize: number;
  readOnly: boolean;
  source: DiskSource;
  node: string;
  storage: string;
  redundancy?: Redundancy;
}

function fail(what: string): never {
  throw new ProviderError(`crucible_disk: ${what} must be known to create the disk`);
}

export function parseSource(src: Value | undefined): DiskSource {
  if (!isValueMap(src) || src.type === 'blank' || src.type === undefined || src.type === null) return { type: 'blank' };
  if (src.type === 'snapshot') {
    const id = typeof src.snapshot_id === 'string' ? src.snapshot_id : fail('source.snapshot_id');
    const ref = parseSnapshotId(id);
    if (!ref) throw new ProviderError(`source.snapshot_id "${id}" is not a crucible_snapshot id (snapshot/<vmid>/<snapname>/<size>)`);
    return { type: 'snapshot', id, ref };
  }
  if (src.type === 'image') {
    const id = typeof src.image_id === 'string' ? src.image_id : fail('source.image_id');
    const ref = parseImageId(id);
    if (!ref) throw new ProviderError(`source.image_id "${id}" is not a crucible_image id (image/<vmid>/<serial>/<size>)`);
    return { type: 'image', id, ref };
  }
  throw new ProviderError(`source.type "${String(src.type)}" is not blank, snapshot or image`);
}

export function diskSpec(planned: Attributes): DiskSpec {
  const name = typeof planned.name === 'string' ? planned.name : fail('name');
  const placement = isValueMap(planned.placement) ? planned.placement : fail('placement');
  const node = typeof placement.node === 'string' ? placement.node : fail('placement.node');
  const storage = typeof placement.storage === 'string' ? placement.storage : fail('placement.storage');
  const sizeBytes = typeof planned.size === 'string' ? parseDiskSize(planned.size) : undefined;
  const redundancy = wantedRedundancy(planned.redundancy);
  return {
    name,
    description: typeof planned.description === 'string' ? planned.description : '',
    ...(sizeBytes !== undefined ? { sizeBytes } : {}),
    blockSize: typeof planned.block_size === 'number' ? planned.block_size : 512,
    readOnly: planned.read_only === true,
    source: parseSource(planned.source),
    node,
    storage,
    ...(redundancy ? { redundancy } : {}),
  };
}

/** What a marker records of the source. */
export function sourceText(source: DiskSource): string {
  return source.type === 'blank' ? 'blank' : source.id;
}
