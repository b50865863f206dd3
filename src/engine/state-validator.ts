/** The state as the engine's operations read it: with the build's precompiled validators. */
import type { StateBackend } from '../backend/state-backend.js';
import { newLineage } from '../state/new-lineage.js';
import { defaultStateValidator, type StateValidator } from '../state/state-schema.js';
import { StateStore } from '../state/state-store.js';
import { HL_VERSION } from '../version.js';
import { precompiledValidator } from './precompiled-validators.js';

export function engineStateValidator(): Promise<StateValidator> {
  return defaultStateValidator(precompiledValidator);
}

/** A backend's state, journal replayed, opened read-only (the caller holds the lock it needs). */
export function readStateOf(backend: StateBackend): Promise<StateStore> {
  return StateStore.openOn(backend.persistence(), { hlVersion: HL_VERSION, newLineage, readOnly: true, precompiled: precompiledValidator });
}
