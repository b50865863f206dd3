/** Runs the built `hl` executable as a real child process, as a user would (shared with the torture harness). */
export { assertBuilt, hlBin, runHl, startHl, uncleanFailure, type HlResult } from '../../bench/torture/hl-process.js';
