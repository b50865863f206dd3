/** bench/compare-results.ts: this run's figures against bench/results.json's, direction by key (issue #24). */
import { describe, expect, it } from 'vitest';
import { compareResults, directionOf, formatComparison, type ComparedGroup } from '../../bench/compare-results.js';

const group = (rows: Record<string, Record<string, number | string>>): ComparedGroup => ({
  rows: Object.entries(rows).map(([name, figures]) => ({ name, figures })),
});

describe('directionOf', () => {
  it.each([
    { key: 'wall_ms', want: 'lower-is-better', reason: 'a time' },
    { key: 'per_op_persist_us', want: 'lower-is-better', reason: 'a time in microseconds' },
    { key: 'peak_rss_mb', want: 'lower-is-better', reason: 'memory' },
    { key: 'wall_ratio', want: 'lower-is-better', reason: 'a growth ratio' },
    { key: 'ratio', want: 'lower-is-better', reason: 'wall time over a critical-path bound (emulator-apply, apply)' },
    { key: 'checkpoint_share', want: 'lower-is-better', reason: 'a share of a run' },
    { key: 'wall_ms_to_bound', want: 'lower-is-better', reason: 'a ratio to a bound' },
    { key: 'ops_per_s', want: 'higher-is-better', reason: 'a throughput' },
    { key: 'wall_ms_bound', want: undefined, reason: 'a bound is a constant, not a measure' },
    { key: 'critical_path_bound_ms', want: undefined, reason: 'a bound computed from the scenario' },
    { key: 'persist_calls', want: undefined, reason: 'a count' },
    { key: 'method', want: undefined, reason: 'a label' },
  ])('$key: $reason', ({ key, want }) => {
    expect(directionOf(key)).toBe(want);
  });
});

describe('compareResults', () => {
  it('reports a figure over 20 % worse as a regression and one over 20 % better as an improvement, by direction', () => {
    const before = { g: group({ row: { wall_ms: 100, peak_rss_mb: 200, ops_per_s: 50, ratio: 1 } }) };
    const now = { g: group({ row: { wall_ms: 130, peak_rss_mb: 150, ops_per_s: 30, ratio: 1.1 } }) };
    const c = compareResults(before, now);
    expect(c.regressions.map((f) => [f.key, f.before, f.after, Math.round(f.change * 100)])).toEqual([
      ['wall_ms', 100, 130, 30],
      ['ops_per_s', 50, 30, -40],
    ]);
    expect(c.improvements.map((f) => [f.key, Math.round(f.change * 100)])).toEqual([['peak_rss_mb', -25]]);
    expect(c.regressions[0]).toMatchObject({ group: 'g', row: 'row' });
  });

  it('does not report changes of exactly the threshold or within the noise floor of tiny figures', () => {
    const before = { g: group({ row: { a_ms: 100, b_ms: 0.5, c_share: 0.01, d_us: 2 } }) };
    const now = { g: group({ row: { a_ms: 120, b_ms: 1.4, c_share: 0.02, d_us: 2.9 } }) };
    expect(compareResults(before, now)).toEqual({ regressions: [], improvements: [], newGroups: [], newRows: [] });
  });

  it('lists a group the previous results lack (a first run) and a renamed row as new, never as changes', () => {
    const before = { g: group({ 'old name': { wall_ms: 10 } }) };
    const now = { g: group({ 'new name': { wall_ms: 1000 } }), fresh: group({ r: { wall_ms: 1 } }) };
    const c = compareResults(before, now);
    expect(c).toEqual({ regressions: [], improvements: [], newGroups: ['fresh'], newRows: ['g / new name'] });
    expect(formatComparison(c).join('\n')).toMatch(/no regressions[\s\S]*new groups: fresh[\s\S]*renamed rows: g \/ new name/);
  });

  it('compares only the groups of this run, and skips figures that are missing, zero, strings or not finite', () => {
    const before = { g: group({ row: { a_ms: 0, b_ms: '12 ms', c_ms: 10, e_ms: 10 } }), other: group({ row: { wall_ms: 1 } }) };
    const now = { g: group({ row: { a_ms: 50, b_ms: 99, d_ms: 10, e_ms: Number.NaN } }) };
    expect(compareResults(before, now)).toEqual({ regressions: [], improvements: [], newGroups: [], newRows: [] });
  });

  it('prints each regression on a line of its own with its change', () => {
    const c = compareResults({ g: group({ row: { wall_ms: 100 } }) }, { g: group({ row: { wall_ms: 150 } }) });
    expect(formatComparison(c)).toContain('  g / row / wall_ms: 100 -> 150 (+50 %)');
  });
});
