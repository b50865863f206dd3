/**
 * `node: auto`: the node a new object goes on, chosen from the loads of the cluster,
 * deterministically, with the verdict on every node for the plan.
 *
 * A node is out when it is offline, lacks a storage the object needs, or has no room for
 * its memory (free = memory − committed; a stopped object needs only to fit the node).
 * Of the nodes that fit, `avoid` ones are used only when no other fits; then the ones in
 * `prefer` come first; with `spread`, the node holding fewest instances of the same block;
 * then the order of `prefer`; then most free memory after the object, lowest CPU load, name.
 */
import type { PlacementDemand } from '../../provider/placement.js';
import { formatBytes, formatPercent } from './byte-size.js';
import { compareText, freeMemory, type NodeLoad } from './node-loads.js';

export interface NodeChoice {
  /** The chosen node; undefined when none fits. */
  node?: string;
  /** Why this node (or why none), for the plan. */
  reason: string;
  /** Every node of the cluster, by name, with its verdict (the chosen one's is the reason). */
  considered: { node: string; verdict: string }[];
}

interface Candidate {
  load: NodeLoad;
  freeAfter: number;
  avoided: boolean;
  preferIndex: number;
  instances: number;
  fit: string;
}

export function chooseNode(demand: PlacementDemand, loads: ReadonlyMap<string, NodeLoad>, block: string): NodeChoice {
  const verdicts = new Map<string, string>();
  const candidates: Candidate[] = [];
  for (const load of [...loads.values()].sort((a, b) => compareText(a.capacity.name, b.capacity.name))) {
    const out = ruledOut(demand, load);
    if (out !== undefined) {
      verdicts.set(load.capacity.name, out);
      continue;
    }
    const c = candidate(demand, load, block);
    candidates.push(c);
    verdicts.set(load.capacity.name, c.fit);
  }
  const open = candidates.filter((c) => !c.avoided);
  const pool = open.length > 0 ? open : candidates;
  for (const c of candidates) if (c.avoided && open.length > 0) verdicts.set(c.load.capacity.name, `avoided (${c.fit})`);
  const best = [...pool].sort((a, b) => rank(a, b, demand.spread === true))[0];
  const considered = [...verdicts].map(([node, verdict]) => ({ node, verdict }));
  if (best === undefined) {
    const reason = loads.size === 0 ? 'the provider reported no nodes' : 'no node fits';
    return { reason, considered };
  }
  const reason = [best.fit, ...qualifiers(best, demand, block)].join(', ');
  const name = best.load.capacity.name;
  return { node: name, reason, considered: considered.map((c) => (c.node === name ? { node: name, verdict: reason } : c)) };
}

/** Why a node cannot take the object at all; undefined when it can. */
function ruledOut(demand: PlacementDemand, load: NodeLoad): string | undefined {
  const cap = load.capacity;
  if (!cap.online) return 'offline';
  const storages = new Set(cap.storages.map((s) => s.id));
  const missing = demand.storages.filter((s) => !storages.has(s));
  if (missing.length > 0) return `lacks storage ${missing.join(', ')}`;
  const need = demand.memoryBytes ?? 0;
  if (need > cap.memoryBytes) return `too little memory (has ${formatBytes(cap.memoryBytes)}, needs ${formatBytes(need)})`;
  if (demand.running && need > freeMemory(load)) {
    return `too little memory (${formatBytes(Math.max(0, freeMemory(load)))} free, needs ${formatBytes(need)})`;
  }
  return undefined;
}

function candidate(demand: PlacementDemand, load: NodeLoad, block: string): Candidate {
  const name = load.capacity.name;
  const freeAfter = freeMemory(load) - (demand.running ? (demand.memoryBytes ?? 0) : 0);
  const preferIndex = demand.prefer?.indexOf(name) ?? -1;
  const fit =
    `${formatBytes(freeAfter)} of ${formatBytes(load.capacity.memoryBytes)} free after this guest, ` +
    `CPU ${formatPercent(load.cpuLoad)} of ${load.capacity.cores} cores`;
  return {
    load,
    freeAfter,
    avoided: demand.avoid?.includes(name) === true,
    preferIndex: preferIndex < 0 ? Number.POSITIVE_INFINITY : preferIndex,
    instances: load.byBlock.get(block) ?? 0,
    fit,
  };
}

function rank(a: Candidate, b: Candidate, spread: boolean): number {
  const aPreferred = Number.isFinite(a.preferIndex) ? 0 : 1;
  const bPreferred = Number.isFinite(b.preferIndex) ? 0 : 1;
  if (aPreferred !== bPreferred) return aPreferred - bPreferred;
  if (spread && a.instances !== b.instances) return a.instances - b.instances;
  if (a.preferIndex !== b.preferIndex) return a.preferIndex < b.preferIndex ? -1 : 1;
  if (a.freeAfter !== b.freeAfter) return b.freeAfter - a.freeAfter;
  if (a.load.cpuLoad !== b.load.cpuLoad) return a.load.cpuLoad - b.load.cpuLoad;
  return compareText(a.load.capacity.name, b.load.capacity.name);
}

function qualifiers(best: Candidate, demand: PlacementDemand, block: string): string[] {
  const q: string[] = [];
  if (Number.isFinite(best.preferIndex)) q.push('preferred');
  if (demand.spread === true) q.push(`${best.instances} other instance${best.instances === 1 ? '' : 's'} of ${block} there`);
  if (best.avoided) q.push('avoided but no other node fits');
  return q;
}
