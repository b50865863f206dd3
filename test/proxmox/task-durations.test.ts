import { describe, expect, it } from 'vitest';
import { MAX_FIRST_POLL_MS, TaskDurations } from '../../providers/pve/client/task-durations.js';

describe('TaskDurations: when to poll a task first', () => {
  it('waits the first interval for a type never seen; longer after a first poll found the task running, a little shorter after one found it done', () => {
    const d = new TaskDurations();
    expect(d.firstPollMs('vzcreate', 100)).toBe(100);
    d.firstPollFound('vzcreate', 100, true);
    expect(d.firstPollMs('vzcreate', 100)).toBe(150);
    d.firstPollFound('vzcreate', 150, true);
    d.firstPollFound('vzcreate', 225, false);
    expect(d.firstPollMs('vzcreate', 100)).toBe(203);
    expect(d.firstPollMs('qmstart', 100), 'another type learns nothing from vzcreate').toBe(100);
  });

  it('stays between the first interval and its cap', () => {
    const d = new TaskDurations();
    for (let ms = 100; ms < 10_000; ms *= 1.5) d.firstPollFound('vzdump', ms, true);
    expect(d.firstPollMs('vzdump', 100)).toBe(MAX_FIRST_POLL_MS);
    d.firstPollFound('vzstart', 100, false);
    expect(d.firstPollMs('vzstart', 100), 'never sooner than the first interval').toBe(100);
  });
});
