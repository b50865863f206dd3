/**
 * What the engine leaves on disk while it runs and a process that ends must remove: the
 * state locks it holds and the temp files it was writing (see state/state-lock.ts). The
 * CLI's exit paths call this synchronously, on every way out.
 */
export { releaseLocksOnExit } from '../state/state-lock.js';
