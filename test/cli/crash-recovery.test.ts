/**
 * Kills a real `hl apply` with SIGKILL at many different moments; the next apply must
 * recover from the journal so that every object created is in state exactly once.
 * HL_CRASH_TRIALS sets the number of trials (10 here; `npm run torture` runs 200).
 */
import { describe, expect, it } from 'vitest';
import { crashTrial } from '../support/crash-trial.js';

const TRIALS = Number(process.env['HL_CRASH_TRIALS'] ?? 10);

describe('crash recovery (SIGKILL during apply)', () => {
  it(`loses and duplicates nothing over ${TRIALS} kills at spread-out moments`, async () => {
    const failures: string[] = [];
    for (let i = 0; i < TRIALS; i++) {
      // spread the kill over start-up, the middle of the walk and its end
      const killAfterMs = 150 + Math.round((i / Math.max(1, TRIALS - 1)) * 1500);
      const r = await crashTrial({ chains: 10, depth: 5, latencyMs: 15, killAfterMs });
      if (r.problems.length > 0) failures.push(`kill after ${killAfterMs} ms: ${r.problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
