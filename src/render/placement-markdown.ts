/**
 * Placement in the Markdown plan: the migrations the plan makes (from, to, how) and the
 * capacity table (per provider instance, each node's memory and vCPUs committed before →
 * after, its CPU load, ⚠️ on a node past a threshold). Cell escaping is the Markdown plan's
 * own, passed in.
 */
import { compareStrings } from '../core/value.js';
import type { PlanPlacement, ResourceChange } from '../plan/plan-types.js';
import { autoChoiceText, nodeEffectCells } from './placement-human.js';

interface Cells {
  code(text: string): string;
  escape(text: string): string;
}

/** `#### Migrations` and what `node: auto` chose; undefined when the plan has neither. */
export function placementChangesList(changes: readonly ResourceChange[], cell: Cells): string | undefined {
  const sorted = [...changes].sort((a, b) => compareStrings(a.address, b.address));
  const lines: string[] = [];
  const migrations = sorted.filter((c) => c.migration !== undefined);
  if (migrations.length > 0) {
    lines.push('#### Migrations', '');
    for (const c of migrations) {
      const m = c.migration!;
      lines.push(`- ${cell.code(c.address)}: ${cell.code(m.from)} → ${cell.code(m.to)} (${cell.escape(m.how)})`);
    }
  }
  const chosen = sorted.filter((c) => c.placement !== undefined);
  if (chosen.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push('#### Nodes chosen by `node: auto`', '');
    for (const c of chosen)
      lines.push(`- ${cell.code(c.address)}: ${cell.escape(autoChoiceText(c.placement!).replace(/^node: auto /, ''))}`);
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}

export function placementTable(placement: PlanPlacement, cell: Cells): string {
  const t = placement.thresholds;
  const out = [
    '#### Placement',
    '',
    `Memory and vCPUs committed on each node, before → after this plan; ⚠️ past a threshold (memory ${t.memoryPercent} %, ${t.vcpusPerCore} vCPUs per core, CPU ${t.cpuLoadPercent} %).`,
  ];
  for (const { provider, nodes } of placement.providers) {
    if (placement.providers.length > 1) out.push('', `${cell.code(provider)}:`);
    out.push('', '| Node | Memory committed | vCPUs | CPU load | |', '| --- | --- | --- | --- | --- |');
    for (const n of nodes) {
      const c = nodeEffectCells(n);
      const arrow = (s: string) => cell.escape(s.replace(/ -> /g, ' → '));
      out.push(
        `| ${cell.code(c.node)} | ${arrow(c.memory)} | ${arrow(c.vcpus)} | ${arrow(c.cpu)} | ${c.past !== '' ? `⚠️ ${c.past}` : ''} |`,
      );
    }
  }
  return out.join('\n');
}
