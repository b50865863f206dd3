/**
 * The state entry of a managed object: what the executor records for a create or update and
 * what `hl import` records for an imported object, built in this one place.
 */
import type { Attributes, Path } from '../core/value.js';
import type { ResourceState } from '../state/state-types.js';

/** Where an object sits in the config: its address, block and provider, and its lifecycle. */
export interface StateEntryOrigin {
  address: string;
  /** The module instance path; absent or '' in the root module. */
  module?: string | undefined;
  mode: ResourceState['mode'];
  type: string;
  name: string;
  index: ResourceState['index'];
  provider: string;
  dependencies: string[];
  preventDestroy?: boolean;
  createBeforeDestroy?: boolean;
}

/** A ready entry for the object `id` with `attributes`, its sensitive paths and its lifecycle flags. */
export function resourceStateEntry(origin: StateEntryOrigin, id: string, attributes: Attributes, sensitivePaths: Path[]): ResourceState {
  const r: ResourceState = {
    address: origin.address,
    ...(origin.module ? { module: origin.module } : {}),
    mode: origin.mode,
    type: origin.type,
    name: origin.name,
    index: origin.index,
    provider: origin.provider,
    id,
    attributes,
    sensitivePaths,
    dependencies: origin.dependencies,
    status: 'ready',
  };
  if (origin.preventDestroy) r.preventDestroy = true;
  if (origin.createBeforeDestroy) r.createBeforeDestroy = true;
  return r;
}
