/**
 * Placement in the human plan: the line under a resource saying what `node: auto` chose and
 * why, and the capacity table after the changes (per provider instance, each node's memory
 * and vCPUs committed before -> after against what it has, its CPU load, and the thresholds
 * it is past, in yellow).
 */
import type { NodeEffect, PlacementChoice, PlacementLimit, PlanPlacement } from '../plan/plan-types.js';
import { formatBytes, formatPercent } from '../plan/placement/byte-size.js';
import type { Palette } from './palette.js';

/** `node: auto chose pumped-piglet: <why>; chief-horse: too little memory (...), pve: ...`. */
export function autoChoiceText(choice: PlacementChoice): string {
  const others = otherVerdicts(choice);
  return `node: auto chose ${choice.node}: ${choice.reason}${others.length > 0 ? `; ${others.join(', ')}` : ''}`;
}

/** The same, one line for the choice and one for each other node, for the terminal. */
export function autoChoiceLines(choice: PlacementChoice): string[] {
  return [`node: auto chose ${choice.node}: ${choice.reason}`, ...otherVerdicts(choice).map((v) => `  ${v}`)];
}

function otherVerdicts(choice: PlacementChoice): string[] {
  return choice.considered.filter((c) => c.node !== choice.node).map((c) => `${c.node}: ${c.verdict}`);
}

const LIMIT_LABEL: Record<PlacementLimit, string> = { memory: 'memory', vcpus: 'vCPUs', 'cpu-load': 'CPU load' };

/** The columns of one node's row, as plain text. */
export interface NodeEffectCells {
  node: string;
  memory: string;
  vcpus: string;
  cpu: string;
  past: string;
}

export function nodeEffectCells(e: NodeEffect): NodeEffectCells {
  if (!e.online) return { node: e.node, memory: 'offline', vcpus: '', cpu: '', past: '' };
  const memShare = e.memoryBytes > 0 ? e.memoryAfter / e.memoryBytes : 0;
  const cpu = e.cpuLoadAfter === e.cpuLoad ? formatPercent(e.cpuLoad) : `${formatPercent(e.cpuLoad)} -> ${formatPercent(e.cpuLoadAfter)}`;
  return {
    node: e.node,
    memory: `${change(formatBytes(e.memoryBefore), formatBytes(e.memoryAfter))} of ${formatBytes(e.memoryBytes)} (${formatPercent(memShare)})`,
    vcpus: `${change(String(e.vcpusBefore), String(e.vcpusAfter))} on ${e.cores} cores`,
    cpu,
    past: e.over.length > 0 ? `past ${e.over.map((l) => LIMIT_LABEL[l]).join(', ')}` : '',
  };
}

function change(before: string, after: string): string {
  return before === after ? after : `${before} -> ${after}`;
}

export function renderPlacementHuman(placement: PlanPlacement, p: Palette): string[] {
  const t = placement.thresholds;
  const lines: string[] = [
    p.bold('Placement:') +
      ` memory and vCPUs committed on each node, before -> after this plan (thresholds: memory ${t.memoryPercent} %, ${t.vcpusPerCore} vCPUs per core, CPU ${t.cpuLoadPercent} %)`,
  ];
  for (const { provider, nodes } of placement.providers) {
    const rows = nodes.map(nodeEffectCells);
    const head: NodeEffectCells = { node: 'node', memory: 'memory committed', vcpus: 'vCPUs', cpu: 'CPU load', past: '' };
    const width = (k: keyof NodeEffectCells) => Math.max(...[head, ...rows].map((r) => r[k].length));
    const fmt = (r: NodeEffectCells): string =>
      `    ${r.node.padEnd(width('node'))}  ${r.memory.padEnd(width('memory'))}  ${r.vcpus.padEnd(width('vcpus'))}  ${r.cpu.padEnd(width('cpu'))}`;
    lines.push('', `  ${provider}:`, p.dim(fmt(head).trimEnd()));
    for (const r of rows) {
      if (r.past !== '') lines.push(p.yellow(`${fmt(r)}  ! ${r.past}`));
      else lines.push(r.memory === 'offline' ? p.dim(fmt(r).trimEnd()) : fmt(r).trimEnd());
    }
  }
  return lines;
}
