/** When hl watch runs its next cycle: the interval with ±10 % jitter, doubled per failed cycle in a row, capped. */
import { describe, expect, it } from 'vitest';
import { defaultMaxBackoffMs, nextWaitMs } from '../../src/engine/watch/watch-schedule.js';

const schedule = (r: number) => ({ intervalMs: 10_000, maxBackoffMs: 80_000, random: () => r });

describe('nextWaitMs', () => {
  const cases: { reason: string; random: number; failures: number; expected: number }[] = [
    { reason: 'after a good cycle, the interval (random 0.5: no jitter)', random: 0.5, failures: 0, expected: 10_000 },
    { reason: 'jitter at its lowest: 10 % less', random: 0, failures: 0, expected: 9_000 },
    { reason: 'jitter at its highest: almost 10 % more', random: 0.999999, failures: 0, expected: 11_000 },
    { reason: 'one failure: twice the interval', random: 0.5, failures: 1, expected: 20_000 },
    { reason: 'three failures: eight times', random: 0.5, failures: 3, expected: 80_000 },
    { reason: 'more failures stay at the cap', random: 0.5, failures: 12, expected: 80_000 },
    { reason: 'the cap is jittered too', random: 0, failures: 50, expected: 72_000 },
  ];
  for (const c of cases) it(c.reason, () => expect(nextWaitMs(schedule(c.random), c.failures)).toBe(c.expected));

  it('the default cap: eight intervals, at most an hour, never below one interval', () => {
    expect(defaultMaxBackoffMs(300_000)).toBe(2_400_000);
    expect(defaultMaxBackoffMs(1_800_000)).toBe(3_600_000);
    expect(defaultMaxBackoffMs(7_200_000)).toBe(7_200_000);
  });
});
