/**
 * `show [PLANFILE]`: a saved plan as decoded from its file, or the state (its resources with
 * sensitive values masked, read without the lock).
 */
import type { Plan } from '../plan/plan-types.js';
import { maskedResource } from '../state/masked-resource.js';
import type { OutputState, ResourceState } from '../state/state-types.js';
import type { EngineEvents } from './engine-events.js';
import { readPlanFile } from './plan-file.js';
import { withWorkspace, type WorkspaceOptions } from './workspace.js';

export interface StateView {
  lineage: string;
  serial: number;
  /** Every resource, its sensitive values masked. */
  resources: ResourceState[];
  outputs: Record<string, OutputState>;
}

/** The plan saved in `file`; a missing or undecodable file throws its diagnostics. */
export function showPlanFile(file: string): Plan {
  return readPlanFile(file).plan;
}

/** The state to show; undefined when it stopped at an error (reported). */
export async function showState(opts: WorkspaceOptions, events: EngineEvents): Promise<StateView | undefined> {
  return withWorkspace(opts, events, { operation: 'show', write: false, lock: false }, async (ws) => ({
    lineage: ws.store.lineage,
    serial: ws.store.serial,
    resources: ws.store.listResources().map(maskedResource),
    outputs: ws.store.outputs,
  }));
}
