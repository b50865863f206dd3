/**
 * The state edits and reads of `hl state`: list, show ADDRESS, rm ADDRESS and mv FROM TO.
 * Reads (list, show) take no lock; rm and mv lock the state and write it. Each returns what
 * it found or did, printing nothing; undefined when it stopped at an error (reported).
 */
import { DiagnosticsError, error } from '../core/diagnostic.js';
import { didYouMean } from '../core/suggest.js';
import { maskedResource } from '../state/masked-resource.js';
import type { ResourceState } from '../state/state-types.js';
import type { EngineEvents } from './engine-events.js';
import { withWorkspace, type Workspace, type WorkspaceOptions } from './workspace.js';

/** One resource of `hl state list`: its address and what `--json` says of it (never an attribute). */
export interface StateListEntry {
  address: string;
  mode: ResourceState['mode'];
  type: string;
  name: string;
  /** The module instance path; absent in the root module. */
  module?: string;
  index: ResourceState['index'];
  provider: string;
  id: string;
  status: ResourceState['status'];
}

/** The resources in state, in state order, those whose address starts with `filter` when given. */
export async function listStateAddresses(
  opts: WorkspaceOptions,
  events: EngineEvents,
  filter: string | undefined,
): Promise<StateListEntry[] | undefined> {
  return withWorkspace(opts, events, { operation: 'state list', write: false, lock: false }, async (ws) =>
    ws.store.listResources().flatMap((r): StateListEntry[] =>
      !filter || r.address.startsWith(filter)
        ? [
            {
              address: r.address,
              mode: r.mode,
              type: r.type,
              name: r.name,
              ...(r.module !== undefined ? { module: r.module } : {}),
              index: r.index,
              provider: r.provider,
              id: r.id,
              status: r.status,
            },
          ]
        : [],
    ),
  );
}

/** One resource of the state, its sensitive values (and its deposed objects') masked for showing. */
export async function showStateResource(opts: WorkspaceOptions, events: EngineEvents, address: string): Promise<ResourceState | undefined> {
  return withWorkspace(opts, events, { operation: 'state show', write: false, lock: false }, async (ws) =>
    maskedResource(find(ws, address)),
  );
}

/** Forgets a resource (the object itself is not touched). */
export async function removeStateResource(opts: WorkspaceOptions, events: EngineEvents, address: string): Promise<true | undefined> {
  return withWorkspace(opts, events, { operation: 'state rm', write: true }, async (ws) => {
    find(ws, address);
    await ws.store.removeResource(address);
    await ws.store.checkpoint();
    return true as const;
  });
}

/** Moves a resource to another address in state. */
export async function moveStateResource(opts: WorkspaceOptions, events: EngineEvents, from: string, to: string): Promise<true | undefined> {
  return withWorkspace(opts, events, { operation: 'state mv', write: true }, async (ws) => {
    find(ws, from);
    await ws.store.moveResource(from, to);
    await ws.store.checkpoint();
    return true as const;
  });
}

function find(ws: Workspace, address: string): ResourceState {
  const r = ws.store.getResource(address);
  if (!r) {
    const s = didYouMean(
      address,
      ws.store.listResources().map((x) => x.address),
    );
    throw new DiagnosticsError([error(`No resource ${address} in state`, undefined, s ? `Did you mean "${s}"?` : 'See "hl state list".')]);
  }
  return r;
}
