/**
 * Goals as figures: a figure measured against an upper bound is recorded with the bound and
 * the ratio of the two, under keys that say so (`boundFigures`), and a run checks every such
 * ratio at the end (`boundMisses`): a ratio of 1 or more (or not a number) is a missed goal,
 * which `reportBoundMisses` prints loudly and turns into a failing exit code.
 *
 * Any group can use it: name the figure as usual (`wall_ms`) and spread
 * `boundFigures('wall_ms', measured, 5000)` into the row's figures.
 */

/** The suffix of a figure that is a measured value divided by its upper bound (goal: below 1). */
export const TO_BOUND_SUFFIX = '_to_bound';
/** The suffix of the figure holding a bound itself. */
export const BOUND_SUFFIX = '_bound';

/**
 * `{ key: measured, key_bound: bound, key_to_bound: measured / bound }`, rounded for reading
 * (a value of 100 or more to a whole number, below that to 3 significant digits; the ratio to
 * 2 decimals, computed from the unrounded value).
 */
export function boundFigures(key: string, measured: number, bound: number): Record<string, number> {
  if (!(bound > 0)) throw new Error(`bug: the bound of ${key} must be a positive number, got ${bound}`);
  return {
    [key]: Math.abs(measured) >= 100 ? Math.round(measured) : Number(measured.toPrecision(3)),
    [`${key}${BOUND_SUFFIX}`]: bound,
    [`${key}${TO_BOUND_SUFFIX}`]: ratioToBound(measured, bound),
  };
}

/** measured / bound to 2 decimals; a ratio just under 1 that would round to 1 is kept at 0.99, so it still reads as a pass. */
function ratioToBound(measured: number, bound: number): number {
  const r = measured / bound;
  const rounded = round2(r);
  return r < 1 && rounded >= 1 ? 0.99 : rounded;
}

export interface BoundMiss {
  group: string;
  row: string;
  /** The `_to_bound` key. */
  key: string;
  ratio: number;
  measured?: number | string;
  bound?: number | string;
}

interface RowLike {
  name: string;
  figures: Record<string, number | string>;
}

/** Every `_to_bound` figure of the groups that is not below 1 (NaN and non-numbers included). */
export function boundMisses(groups: Record<string, { rows: RowLike[] }>): BoundMiss[] {
  const misses: BoundMiss[] = [];
  for (const [group, { rows }] of Object.entries(groups)) {
    for (const row of rows) {
      for (const [key, value] of Object.entries(row.figures)) {
        if (!key.endsWith(TO_BOUND_SUFFIX)) continue;
        if (typeof value === 'number' && value < 1) continue;
        const base = key.slice(0, -TO_BOUND_SUFFIX.length);
        const miss: BoundMiss = { group, row: row.name, key, ratio: typeof value === 'number' ? value : Number.NaN };
        if (row.figures[base] !== undefined) miss.measured = row.figures[base];
        if (row.figures[`${base}${BOUND_SUFFIX}`] !== undefined) miss.bound = row.figures[`${base}${BOUND_SUFFIX}`];
        misses.push(miss);
      }
    }
  }
  return misses;
}

/** The lines that announce missed goals (none when there are none). */
export function formatBoundMisses(misses: BoundMiss[]): string[] {
  if (misses.length === 0) return [];
  const lines = [`!! ${misses.length} GOAL${misses.length === 1 ? '' : 'S'} MISSED (a figure at or over its bound):`];
  for (const m of misses) {
    const base = m.key.slice(0, -TO_BOUND_SUFFIX.length);
    const what = m.measured !== undefined && m.bound !== undefined ? `${base} ${m.measured} against a bound of ${m.bound}, ` : '';
    lines.push(`!!   ${m.group} / ${m.row}: ${what}${m.key} ${Number.isNaN(m.ratio) ? 'not a number' : m.ratio}`);
  }
  return lines;
}

/** Prints missed goals to stderr and sets a failing exit code (the run itself goes on to its end). */
export function reportBoundMisses(misses: BoundMiss[]): void {
  const lines = formatBoundMisses(misses);
  if (lines.length === 0) return;
  console.error(`\n${lines.join('\n')}`);
  process.exitCode = 1;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
