/** The state schema's validator as the engine uses it: with the build's precompiled validators. */
import { defaultStateValidator, type StateValidator } from '../state/state-schema.js';
import { precompiledValidator } from './precompiled-validators.js';

export function engineStateValidator(): Promise<StateValidator> {
  return defaultStateValidator(precompiledValidator);
}
