/** What the executor needs from the state store (implemented by src/state/state-store.ts). */
import type { IntentInput, IntentOutcome } from '../state/intent-types.js';
import type { OutputState, ResourceState } from '../state/state-types.js';

export interface ApplyStore {
  getResource(address: string): ResourceState | undefined;
  listResources(): ResourceState[];
  beginIntent(intent: IntentInput): Promise<string>;
  completeIntent(intentId: string, outcome: IntentOutcome, opts?: { waitForDisk?: boolean }): Promise<void>;
  setResource(resource: ResourceState): Promise<void>;
  removeResource(address: string): Promise<unknown>;
  /** Renames an entry (a moved block), as `hl state mv` does. */
  moveResource(from: string, to: string): Promise<unknown>;
  setOutputs(outputs: Record<string, OutputState>): Promise<void>;
}
