/**
 * One crash trial (SIGKILL during `hl apply`, then recovery checks). The logic lives in
 * bench/torture/crash-trial.ts, shared with `npm run torture`; re-exported here for tests.
 */
export { crashConfig, crashTrial, crashTrialOn, type CrashTrialOptions, type TrialResult } from '../../bench/torture/crash-trial.js';
