import { describe, expect, it } from 'vitest';
import { MAX_FIRST_POLL_MS, TaskDurations } from '../../providers/pve/client/task-durations.js';

describe('TaskDurations: when to poll a task first', () => {
  it('waits the first interval for a type never seen, then the median of what its tasks took, within bounds', () => {
    const d = new TaskDurations();
    expect(d.firstPollMs('vzcreate', 100)).toBe(100);
    for (const ms of [260, 240, 900, 250]) d.record('vzcreate', ms);
    expect(d.firstPollMs('vzcreate', 100)).toBe(250);
    expect(d.firstPollMs('qmstart', 100), 'another type learns nothing from vzcreate').toBe(100);
    d.record('vzdump', 60_000);
    expect(d.firstPollMs('vzdump', 100)).toBe(MAX_FIRST_POLL_MS);
    d.record('vzstart', 20);
    expect(d.firstPollMs('vzstart', 100), 'never sooner than the first interval').toBe(100);
  });

  it('forgets old tasks: the last 16 count', () => {
    const d = new TaskDurations();
    for (let i = 0; i < 16; i++) d.record('vzcreate', 1500);
    for (let i = 0; i < 16; i++) d.record('vzcreate', 300);
    expect(d.firstPollMs('vzcreate', 100)).toBe(300);
  });
});
