/**
 * This run's figures against those of bench/results.json: a figure is compared with the one
 * of the same group, same row name and same key. Its key says which way is worse:
 *
 * - lower is better: keys ending in `_ms`, `_us`, `_mb`, `_ratio`, `_share` or `_to_bound`
 *   (see bound-check.ts), and the key `ratio`;
 * - higher is better: keys ending in `_per_s`;
 * - not compared: anything else (counts, bounds (`_bound`, `_bound_ms`), labels, strings).
 *
 * A change is reported when it is more than `threshold` (20 % by default) of the previous
 * value and more than a small absolute amount (1 for ms, µs and MB, 0.02 for ratios and
 * shares), so that rounding noise on tiny figures is not a regression. Groups and rows not in
 * the previous results (a first run, a renamed row) are listed as new, never as changes.
 */

export type Direction = 'lower-is-better' | 'higher-is-better';

export interface ComparedRow {
  name: string;
  figures: Record<string, number | string>;
}

export interface ComparedGroup {
  measured?: string;
  rows: ComparedRow[];
}

export interface FigureChange {
  group: string;
  row: string;
  key: string;
  before: number;
  after: number;
  /** (after - before) / before: +0.5 is 50 % more. */
  change: number;
}

export interface Comparison {
  regressions: FigureChange[];
  improvements: FigureChange[];
  /** Groups of this run that the previous results do not have. */
  newGroups: string[];
  /** Rows of this run (as "group / row") that the previous results do not have. */
  newRows: string[];
}

export const DEFAULT_THRESHOLD = 0.2;

/** Which way a figure is worse, from its key; undefined for a figure not compared. */
export function directionOf(key: string): Direction | undefined {
  if (key === 'ratio' || /_(ratio|share|to_bound)$/.test(key)) return 'lower-is-better';
  if (key.endsWith('_bound') || /_bound_[a-z]+$/.test(key)) return undefined;
  if (/_(ms|us|mb)$/.test(key)) return 'lower-is-better';
  if (key.endsWith('_per_s')) return 'higher-is-better';
  return undefined;
}

/** The least absolute change worth reporting for a key. */
function noiseFloor(key: string): number {
  return /_(ms|us|mb)$/.test(key) ? 1 : 0.02;
}

/** Compares the groups of this run with the previous results' groups of the same names. */
export function compareResults(
  previous: Record<string, ComparedGroup | undefined>,
  current: Record<string, ComparedGroup>,
  threshold = DEFAULT_THRESHOLD,
): Comparison {
  const out: Comparison = { regressions: [], improvements: [], newGroups: [], newRows: [] };
  for (const [group, now] of Object.entries(current)) {
    const before = previous[group];
    if (!before || !Array.isArray(before.rows)) {
      out.newGroups.push(group);
      continue;
    }
    const previousRows = new Map(before.rows.map((r) => [r.name, r]));
    for (const row of now.rows) {
      const old = previousRows.get(row.name);
      if (!old) {
        out.newRows.push(`${group} / ${row.name}`);
        continue;
      }
      for (const [key, after] of Object.entries(row.figures)) {
        const direction = directionOf(key);
        const was = old.figures?.[key];
        if (direction === undefined || typeof after !== 'number' || typeof was !== 'number') continue;
        if (!Number.isFinite(after) || !Number.isFinite(was) || was === 0) continue;
        if (Math.abs(after - was) <= noiseFloor(key)) continue;
        const change = (after - was) / Math.abs(was);
        if (Math.abs(change) <= threshold) continue;
        const worse = direction === 'lower-is-better' ? change > 0 : change < 0;
        (worse ? out.regressions : out.improvements).push({ group, row: row.name, key, before: was, after, change });
      }
    }
  }
  return out;
}

/** The comparison as lines to print: regressions one a line, improvements and new rows compactly. */
export function formatComparison(c: Comparison, threshold = DEFAULT_THRESHOLD): string[] {
  const pct = (x: number): string => `${x > 0 ? '+' : ''}${Math.round(x * 100)} %`;
  const one = (f: FigureChange): string => `${f.group} / ${f.row} / ${f.key}: ${f.before} -> ${f.after} (${pct(f.change)})`;
  const lines = [`== comparison with bench/results.json (changes over ${Math.round(threshold * 100)} %)`];
  if (c.regressions.length === 0) lines.push('no regressions');
  else {
    lines.push(`REGRESSIONS (${c.regressions.length}):`);
    for (const f of c.regressions) lines.push(`  ${one(f)}`);
  }
  if (c.improvements.length > 0) {
    lines.push(
      `improvements (${c.improvements.length}): ${c.improvements.map((f) => `${f.group} / ${f.row} / ${f.key} ${pct(f.change)}`).join('; ')}`,
    );
  }
  if (c.newGroups.length > 0) lines.push(`not compared, new groups: ${c.newGroups.join(', ')}`);
  if (c.newRows.length > 0) lines.push(`not compared, new or renamed rows: ${c.newRows.join('; ')}`);
  return lines;
}
