/** bench/bound-check.ts: goals as figures, and every ratio to a bound of 1 or more reported as missed (issue #24). */
import { describe, expect, it } from 'vitest';
import { boundFigures, boundMisses, formatBoundMisses } from '../../bench/bound-check.js';

describe('boundFigures', () => {
  it('gives the measure, its bound and their ratio under keys that say so', () => {
    expect(boundFigures('wall_ms', 4321.4, 5000)).toEqual({ wall_ms: 4321, wall_ms_bound: 5000, wall_ms_to_bound: 0.86 });
    expect(boundFigures('share', 0.012345, 0.02)).toEqual({ share: 0.0123, share_bound: 0.02, share_to_bound: 0.62 });
  });

  it('keeps a ratio just under 1 a pass when rounding would make it 1', () => {
    expect(boundFigures('x_ms', 4999, 5000)['x_ms_to_bound']).toBe(0.99);
    expect(boundFigures('x_ms', 5000, 5000)['x_ms_to_bound']).toBe(1);
  });

  it('refuses a bound that is not a positive number', () => {
    expect(() => boundFigures('x_ms', 1, 0)).toThrow(/positive/);
  });
});

describe('boundMisses', () => {
  const rows = (figures: Record<string, number | string>) => ({ rows: [{ name: 'r', figures }] });

  it('passes ratios below 1 and reports those of 1 or more, not numbers and NaN, with measure and bound', () => {
    const misses = boundMisses({
      ok: rows({ ...boundFigures('a_ms', 10, 20) }),
      over: rows({ ...boundFigures('a_ms', 30, 20), ...boundFigures('b_mb', 20, 20) }),
      broken: rows({ c_to_bound: Number.NaN, d_to_bound: 'n/a' }),
    });
    expect(misses.map((m) => [m.group, m.key, m.ratio])).toEqual([
      ['over', 'a_ms_to_bound', 1.5],
      ['over', 'b_mb_to_bound', 1],
      ['broken', 'c_to_bound', Number.NaN],
      ['broken', 'd_to_bound', Number.NaN],
    ]);
    expect(misses[0]).toMatchObject({ row: 'r', measured: 30, bound: 20 });
  });

  it('ignores figures that are not ratios to a bound, however large', () => {
    expect(boundMisses({ g: rows({ wall_ms: 1e9, ratio: 3, wall_ms_bound: 5 }) })).toEqual([]);
  });

  it('announces the misses loudly, and nothing when there are none', () => {
    expect(formatBoundMisses([])).toEqual([]);
    const lines = formatBoundMisses(boundMisses({ g: rows(boundFigures('wall_ms', 7000, 5000)) }));
    expect(lines).toEqual(['!! 1 GOAL MISSED (a figure at or over its bound):', '!!   g / r: wall_ms 7000 against a bound of 5000, wall_ms_to_bound 1.4']);
  });
});
