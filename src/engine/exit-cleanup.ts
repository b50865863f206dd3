/**
 * What the engine leaves on disk while it runs and a process that ends must remove: the
 * state locks it holds and the temp files it was writing (see state/state-lock.ts, which
 * registers them in state/exit-release.ts once it holds one). The CLI's exit paths call
 * this synchronously, on every way out.
 */
export { releaseAllOnExit as releaseLocksOnExit } from '../state/exit-release.js';
