/**
 * `hl placement`, for people: per cluster a table of its nodes (CPU load of its cores, memory
 * committed and in use against its memory, vCPUs, guests), then each overloaded node with the
 * config changes that would relieve it (`file:line:col  address: node: a -> node: b` with the
 * estimated effect) and the guests that stay, with why.
 */
import { formatLocation } from '../core/diagnostic.js';
import type { ClusterPlacement, NodeBalance, NodeRelief, OverloadThresholds, ReliefMove } from '../plan/placement/relief-moves.js';
import { formatBytes, formatPercent } from '../plan/placement/byte-size.js';
import { palette, type Palette } from './palette.js';
import type { TextOutput } from './text-output.js';

/** A threshold as given: `60 %`, `62.5 %`. */
function thresholdPercent(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}

function thresholdText(t: OverloadThresholds): string {
  return `CPU load above ${thresholdPercent(t.cpu)}, memory committed above ${thresholdPercent(t.memory)}`;
}

function share(part: number, whole: number): string {
  return whole > 0 ? formatPercent(part / whole) : '-';
}

function nodeRow(n: NodeBalance): string[] {
  if (!n.online) return [n.node, 'offline', '', '', '', ''];
  return [
    n.node,
    `${formatPercent(n.cpuLoad)} of ${n.cores} cores`,
    `${formatBytes(n.memoryCommittedBytes)} of ${formatBytes(n.memoryBytes)} (${share(n.memoryCommittedBytes, n.memoryBytes)})`,
    `${formatBytes(n.memoryUsedBytes)} (${share(n.memoryUsedBytes, n.memoryBytes)})`,
    `${n.vcpusCommitted} / ${n.cores}`,
    String(n.guests),
  ];
}

function table(nodes: readonly NodeBalance[], c: Palette): string {
  const rows = [['NODE', 'CPU LOAD', 'MEMORY COMMITTED', 'MEMORY USED', 'vCPUs', 'GUESTS'], ...nodes.map(nodeRow)];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r, i) => {
      const line = `  ${r.map((cell, j) => (j === r.length - 1 ? cell : cell.padEnd(widths[j]!))).join('  ')}`.trimEnd();
      if (i === 0) return c.bold(line);
      const n = nodes[i - 1]!;
      return n.overloaded.length > 0 ? c.red(line) : n.online ? line : c.dim(line);
    })
    .join('\n');
}

/** `fun-bedbug CPU 61.7 % -> ~55.2 %; pumped-piglet 9.8 % -> ~10.9 %`, with memory when that is what is over. */
function estimate(m: ReliefMove, relief: NodeRelief): string {
  const cpu = `${m.from.before.node} CPU ${formatPercent(m.from.before.cpuLoad)} -> ~${formatPercent(m.from.after.cpuLoad)}; ${m.to.before.node} ${formatPercent(m.to.before.cpuLoad)} -> ~${formatPercent(m.to.after.cpuLoad)}`;
  if (!relief.overloaded.some((r) => r.startsWith('memory'))) return cpu;
  const mem = `${m.from.before.node} memory committed ${formatBytes(m.from.before.memoryCommittedBytes)} -> ${formatBytes(m.from.after.memoryCommittedBytes)}; ${m.to.before.node} ${formatBytes(m.to.before.memoryCommittedBytes)} -> ${formatBytes(m.to.after.memoryCommittedBytes)}`;
  return `${cpu}; ${mem}`;
}

function moveLine(m: ReliefMove, relief: NodeRelief, c: Palette): string {
  const to = m.to.before.node;
  const change = m.nodeInConfig.literal
    ? `node: ${m.nodeInConfig.written} -> node: ${to}`
    : `node: ${m.nodeInConfig.written} -> ${to} (an expression there: make it give ${to})`;
  return `    ${c.dim(formatLocation(m.nodeInConfig.loc))}  ${c.bold(m.address)}: ${c.yellow(change)} (${estimate(m, relief)})`;
}

function reliefText(r: NodeRelief, c: Palette): string {
  const lines = [`${c.redBold(r.node)} is overloaded: ${r.overloaded.join('; ')}`];
  if (r.moves.length > 0) {
    lines.push('  Moves that would relieve it (change the config, then hl plan migrates the guest):');
    for (const m of r.moves) lines.push(moveLine(m, r, c));
  } else {
    lines.push('  No guest hl manages there can move.');
  }
  for (const s of r.stays) lines.push(`  ${s.address} stays: ${s.why}`);
  if (r.moves.length > 0 && !r.relieved) {
    lines.push(
      `  After these moves ${r.node} would still be over a threshold (CPU ~${formatPercent(r.after.cpuLoad)}, memory committed ${formatBytes(r.after.memoryCommittedBytes)}).`,
    );
  }
  return lines.join('\n');
}

export function printPlacementReport(term: TextOutput, clusters: readonly ClusterPlacement[]): void {
  const c = palette(term.color);
  if (clusters.length === 0) {
    term.out('No provider of the config reports nodes to place guests on.\n');
    return;
  }
  const parts: string[] = [];
  for (const { provider, report } of clusters) {
    parts.push(
      `${c.bold(`Cluster of provider "${provider}"`)} (overloaded: ${thresholdText(report.thresholds)})\n\n${table(report.nodes, c)}`,
    );
    if (report.relief.length === 0) parts.push(c.green('No node is overloaded.'));
    for (const r of report.relief) parts.push(reliefText(r, c));
  }
  parts.push(c.dim('This report changes nothing. Figures are as PVE last sampled them (up to 10 s old); moves are estimates.'));
  term.out(`${parts.join('\n\n')}\n`);
}
