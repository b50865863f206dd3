/**
 * `output [NAME]`: the outputs recorded in state, read without the lock; with a name, that
 * one output (an unknown name is an error, with a did-you-mean).
 */
import { DiagnosticsError, error } from '../core/diagnostic.js';
import { didYouMean } from '../core/suggest.js';
import type { OutputState } from '../state/state-types.js';
import type { EngineEvents } from './engine-events.js';
import { withWorkspace, type WorkspaceOptions } from './workspace.js';

export type OutputsRead = { kind: 'one'; output: OutputState } | { kind: 'all'; outputs: Record<string, OutputState> };

/** The outputs (or the one named); undefined when it stopped at an error (reported). */
export async function readOutputs(
  opts: WorkspaceOptions,
  events: EngineEvents,
  name: string | undefined,
): Promise<OutputsRead | undefined> {
  return withWorkspace(opts, events, { operation: 'output', write: false, lock: false }, async (ws): Promise<OutputsRead> => {
    const outputs = ws.store.outputs;
    if (name === undefined) return { kind: 'all', outputs };
    const output = outputs[name];
    if (!output) {
      const s = didYouMean(name, Object.keys(outputs));
      throw new DiagnosticsError([
        error(`No output "${name}" in state`, undefined, s ? `Did you mean "${s}"?` : 'Outputs are recorded by "hl apply".'),
      ]);
    }
    return { kind: 'one', output };
  });
}
