/**
 * `hl state pull`: the selected workspace's current state, its journal replayed, in the
 * state file's format. Takes no lock, writes nothing.
 */
import { encodeStateFile } from '../state/state-file-format.js';
import type { EngineEvents } from './engine-events.js';
import { withWorkspace, type WorkspaceOptions } from './workspace.js';

export interface PulledState {
  /** The state file's text; undefined when the workspace has no state yet. */
  text: string | undefined;
  /** Operations an interrupted run began and no one has reconciled (the next apply does). */
  pendingIntents: number;
  location: string;
}

export async function pullState(opts: WorkspaceOptions, events: EngineEvents): Promise<PulledState | undefined> {
  return withWorkspace(opts, events, { operation: 'state pull', write: false, lock: false }, async (ws) => {
    const s = ws.store.state;
    const empty = s.serial === 0 && s.resources.length === 0 && Object.keys(s.outputs).length === 0;
    return {
      text: empty ? undefined : encodeStateFile(s),
      pendingIntents: ws.store.pendingIntents().length,
      location: ws.statePath,
    };
  });
}
