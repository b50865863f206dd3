/**
 * One resource instance's change in the human plan: a header (`# addr will be ...`), the
 * reason, provider notes and what `node: auto` chose, then a `resource "type" "name" { ... }` block with only the
 * changed attributes. Creates and reads show every non-null attribute; destroys show only
 * what identifies the instance (`id`, `name`) and count the rest. Used for planned changes and
 * for changes detected outside hl (drift).
 */
import { pathToString, type Value } from '../core/value.js';
import type { ResourceChange } from '../plan/plan-types.js';
import { attributeHead, AttributeDiffWriter } from './attribute-diff-writer.js';
import { actionSign, driftPhrase, plannedHeader, reasonText } from './change-labels.js';
import type { Palette } from './palette.js';
import { autoChoiceLines } from './placement-human.js';
import { ReplaceCursor, SensitiveCursor } from './path-cursor.js';

export type ChangeKind = 'planned' | 'drift';

/** Attributes that say which object a destroy is about. */
const IDENTIFYING = ['id', 'name'] as const;

function verbColor(p: Palette, change: ResourceChange, kind: ChangeKind): (s: string) => string {
  if (kind === 'drift') return change.action === 'delete' ? p.red : p.yellow;
  switch (change.action) {
    case 'create':
      return p.green;
    case 'update':
      return p.yellow;
    case 'delete':
      return p.red;
    case 'read':
      return p.cyan;
    case 'delete-create':
    case 'create-delete':
      return p.magenta;
    case 'forget':
      return p.magenta;
    case 'no-op':
      return change.importing ? p.green : (s) => s;
  }
}

/**
 * The lines for one change, without a trailing blank line. `diffStyle` puts the `+`/`-`/`~`
 * signs in the first column, for a Markdown ```diff block.
 */
export function renderResourceChange(change: ResourceChange, p: Palette, kind: ChangeKind = 'planned', diffStyle = false): string[] {
  const w = new AttributeDiffWriter(p, diffStyle);
  const header = kind === 'drift' ? { subject: change.address, phrase: driftPhrase(change.action) } : plannedHeader(change);
  w.lines.push(`  ${p.bold(`# ${header.subject}`)} ${p.bold(verbColor(p, change, kind)(header.phrase))}`);
  if (header.origin !== undefined) w.lines.push(`  # (${header.origin})`);
  const reason = kind === 'planned' && change.action !== 'forget' ? reasonText(change) : undefined;
  if (reason !== undefined) w.lines.push(`  # (${reason})`);
  for (const note of change.notes) w.lines.push(`  ${p.yellow(`# note: ${note}`)}`);
  if (change.placement && kind === 'planned')
    for (const line of autoChoiceLines(change.placement)) w.lines.push(`  ${p.cyan(`# ${line}`)}`);

  const keyword = change.mode === 'data' ? 'data' : 'resource';
  w.line(0, actionSign(change.action), `${keyword} ${JSON.stringify(change.type)} ${JSON.stringify(change.name)} {`);
  const bs = SensitiveCursor.of(change.beforeSensitive);
  const as = SensitiveCursor.of(change.afterSensitive);
  const rp = ReplaceCursor.of(change.replacePaths, change.migration ? [{ path: change.migration.path, note: change.migration.how }] : []);
  if (change.action === 'delete' || change.action === 'forget' || change.after === null) {
    destroyBody(w, change, bs, change.action === 'forget' ? ' ' : '-');
  } else if (change.action === 'create' || change.action === 'read' || change.before === null) {
    w.mapBody(1, null, change.after, SensitiveCursor.NONE, as, rp);
  } else {
    w.mapBody(1, change.before, change.after, bs, as, rp);
  }
  for (const { path, reason: why } of rp.unshown(change.replacePaths)) {
    const where = path.length > 0 ? `${pathToString(path)}: ` : '';
    w.comment(1, p.red(`forces replacement: ${where}${why}`));
  }
  w.close(0, '}');
  return w.lines;
}

/** A destroy: the identifying attributes going to null, the rest counted. */
function destroyBody(w: AttributeDiffWriter, change: ResourceChange, bs: SensitiveCursor, sign: '-' | ' '): void {
  const before = change.before ?? {};
  const shown: [string, Value][] = [];
  for (const key of IDENTIFYING) {
    const v = before[key];
    if (v !== undefined && v !== null) shown.push([key, v]);
    else if (key === 'id' && change.id !== null) shown.push(['id', change.id]);
  }
  const width = Math.max(0, ...shown.map(([k]) => k.length));
  for (const [key, v] of shown) w.whole(1, sign, attributeHead(key, width), v, bs.step(key), ReplaceCursor.NONE, true);
  let hidden = 0;
  for (const key in before) {
    if (before[key] !== null && !shown.some(([k]) => k === key)) hidden++;
  }
  if (hidden > 0) w.comment(1, `(${hidden} attribute${hidden === 1 ? '' : 's'} hidden)`);
}
