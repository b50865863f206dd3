/**
 * The checks table of the Markdown plan (`hl show --format markdown`, the CI comment): every
 * check block with its result, and the resource conditions left for apply, as the human
 * plan's `Checks:` section has them. Cell escaping is the Markdown plan's own, passed in.
 */
import { aggregateStatus, type ConditionResult, type ConditionStatus } from '../plan/condition-results.js';

const LABEL: Record<ConditionStatus, string> = { pass: '✅ pass', fail: '⚠️ fail', error: '⚠️ error', unknown: '⏳ after apply' };

export function checksTable(
  results: readonly ConditionResult[],
  cell: { code(text: string): string; escape(text: string): string },
): string | undefined {
  const rows: string[] = [];
  const counts = { pass: 0, fail: 0, error: 0, unknown: 0 };
  const objects = new Map<string, ConditionResult[]>();
  // check blocks first, then the resource conditions left for apply (as the human plan)
  const ordered = [...results.filter((r) => r.kind === 'check'), ...results.filter((r) => r.kind !== 'check')];
  for (const r of ordered) {
    if (r.kind !== 'check' && r.status !== 'unknown') continue;
    const key = r.kind === 'check' ? r.address : `${r.address} ${r.kind}`;
    let list = objects.get(key);
    if (!list) objects.set(key, (list = []));
    list.push(r);
  }
  for (const [key, rs] of objects) {
    const status = aggregateStatus(rs);
    counts[status]++;
    const [address, kind] = key.split(' ');
    const message = rs
      .filter((r) => r.status === 'fail')
      .map((r) => r.message ?? '')
      .join('; ');
    rows.push(`| ${LABEL[status]} | ${cell.code(address!)}${kind ? ` ${kind}` : ''} | ${cell.escape(message)} |`);
  }
  if (rows.length === 0) return undefined;
  const said = [
    counts.fail + counts.error > 0 ? `${counts.fail + counts.error} failed` : '',
    counts.pass > 0 ? `${counts.pass} passed` : '',
    counts.unknown > 0 ? `${counts.unknown} known after apply` : '',
  ].filter((s) => s !== '');
  return [`#### Checks: ${said.join(', ')}`, '', '| Result | Check | Message |', '| --- | --- | --- |', ...rows].join('\n');
}
