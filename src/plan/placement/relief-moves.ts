/**
 * The balance of one cluster and the moves that would relieve its overloaded nodes (pure),
 * for `hl placement`: what each node carries (CPU load of its cores, memory committed and in
 * use, vCPUs), which nodes are over the thresholds, and for each of those the guests hl
 * manages there that could go elsewhere, each with the node chooseNode picks and the config
 * change to make — or why it stays: hardware bound to the node, storage no other node has,
 * no room anywhere, not in the config, stopped (it adds no load), or not listed by the
 * cluster where state says it is.
 *
 * Moves are proposed greedily, the guest that relieves most first, until the node would be
 * under its thresholds; each move is counted on the loads before the next one is chosen, so
 * two moves never fill the same target twice. A move never makes its target overloaded.
 * Estimates move a guest's busy cores (its CPU load × its vCPUs) from one node's cores to
 * the other's; they are estimates, as the plan says (`~55 %`).
 *
 * Storage: a guest's volumes on a shared storage need that storage on the target; volumes on
 * a node-local storage are copied by the migration to a storage of the target that holds the
 * same content (PVE's `targetstorage` / `target-storage`), so any such storage will do.
 */
import type { SourceLocation } from '../../core/diagnostic.js';
import type { NodeBinding, PlacedObject, PlacementDemand, PlacementFacts } from '../../provider/placement.js';
import { chooseNode } from './choose-node.js';
import { addDemand, compareText, copyLoads, nodeLoads, type LoadDemand, type NodeLoad } from './node-loads.js';

/**
 * When `hl placement` counts a node as overloaded, to relieve: CPU load and memory committed,
 * as shares 0..1. Not the plan's capacity thresholds (plan-types.ts PlacementThresholds),
 * which warn when a plan pushes a node past its limits (CPU 80 %).
 */
export interface OverloadThresholds {
  cpu: number;
  memory: number;
}

/** 60 % CPU (the seed review calls fun-bedbug at 61.7 % "running hot"), 90 % memory committed. */
export const DEFAULT_OVERLOAD: OverloadThresholds = { cpu: 0.6, memory: 0.9 };

/** Where config sets a guest's node: the `node` attribute, as written. */
export interface NodeInConfig {
  loc: SourceLocation;
  /** The value as written (`fun-bedbug`, `${var.node}`). */
  written: string;
  /** Whether it is a plain value (else an expression: what it evaluates to must change). */
  literal: boolean;
}

/** A guest hl manages (from state), with what it asks of its node and where config places it. */
export interface ManagedGuest {
  address: string;
  /** The provider's id, as in state and in the facts (`fun-bedbug/112`). */
  id: string;
  demand: PlacementDemand;
  /** Absent when the guest is in state but no longer in the config. */
  nodeInConfig?: NodeInConfig;
}

export interface ReliefInput {
  facts: PlacementFacts;
  guests: ManagedGuest[];
  bindings: NodeBinding[];
  thresholds: OverloadThresholds;
}

export interface NodeBalance {
  node: string;
  online: boolean;
  cores: number;
  cpuLoad: number;
  memoryBytes: number;
  memoryUsedBytes: number;
  memoryCommittedBytes: number;
  vcpusCommitted: number;
  /** Guests on it, running or not. */
  guests: number;
  /** Why it is overloaded (`CPU 61.7 % is above 60 %`); empty when it is not. */
  overloaded: string[];
}

/** A node's CPU load and memory committed, before or after a move. */
export interface NodeFigures {
  node: string;
  cpuLoad: number;
  memoryCommittedBytes: number;
}

export interface ReliefMove {
  address: string;
  id: string;
  nodeInConfig: NodeInConfig;
  from: { before: NodeFigures; after: NodeFigures };
  to: { before: NodeFigures; after: NodeFigures };
  /** Why that target (chooseNode's reason). */
  reason: string;
}

export interface GuestStays {
  address: string;
  id: string;
  why: string;
}

export interface NodeRelief {
  node: string;
  overloaded: string[];
  moves: ReliefMove[];
  stays: GuestStays[];
  /** The node after the moves. */
  after: NodeFigures;
  /** Whether the moves bring it under its thresholds. */
  relieved: boolean;
}

export interface PlacementReport {
  thresholds: OverloadThresholds;
  nodes: NodeBalance[];
  relief: NodeRelief[];
}

/** The report of one provider instance's cluster. */
export interface ClusterPlacement {
  provider: string;
  report: PlacementReport;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

function wholePct(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}

function figures(load: NodeLoad): NodeFigures {
  return { node: load.capacity.name, cpuLoad: load.cpuLoad, memoryCommittedBytes: load.memoryCommittedBytes };
}

/** Why a node is over the thresholds; empty when it is not (an offline node never is). */
export function overloadReasons(load: NodeLoad, t: OverloadThresholds): string[] {
  const cap = load.capacity;
  if (!cap.online) return [];
  const out: string[] = [];
  if (load.cpuLoad > t.cpu) out.push(`CPU ${pct(load.cpuLoad)} is above ${wholePct(t.cpu)}`);
  if (cap.memoryBytes > 0 && load.memoryCommittedBytes / cap.memoryBytes > t.memory) {
    out.push(`memory committed ${pct(load.memoryCommittedBytes / cap.memoryBytes)} is above ${wholePct(t.memory)}`);
  }
  return out;
}

/** What a guest moved from one node to another takes along, from the facts where they have it. */
function loadDemandOf(g: ManagedGuest, placed: PlacedObject | undefined): LoadDemand {
  return {
    memoryBytes: placed?.memoryBytes ?? g.demand.memoryBytes ?? 0,
    vcpus: placed?.vcpus ?? g.demand.vcpus ?? 0,
    cpuShare: placed?.cpuLoad ?? 0,
    running: placed ? placed.running : g.demand.running,
  };
}

/** Busy cores of the guest: what leaving takes off its node's load. */
function busyCores(d: LoadDemand): number {
  return (d.cpuShare ?? 0) * d.vcpus;
}

/**
 * The storages a target must have by name (shared ones), and for each node-local one the
 * content a storage of the target must allow to take its volumes; a storage the source does
 * not list is needed by name.
 */
function storageNeeds(storages: readonly string[], source: NodeLoad): { byName: string[]; byContent: { id: string; content: string[] }[] } {
  const byName: string[] = [];
  const byContent: { id: string; content: string[] }[] = [];
  for (const id of storages) {
    const s = source.capacity.storages.find((x) => x.id === id);
    const content = s?.content.filter((c) => c === 'images' || c === 'rootdir') ?? [];
    if (!s || s.shared || content.length === 0) byName.push(id);
    else byContent.push({ id, content });
  }
  return { byName, byContent };
}

/** Why a target cannot take the guest's node-local volumes; undefined when it can. */
function lacksLocalStorage(target: NodeLoad, byContent: { id: string; content: string[] }[]): string | undefined {
  for (const need of byContent) {
    const fits = target.capacity.storages.some((s) => need.content.every((c) => s.content.includes(c)));
    if (!fits) return `no storage for the volumes on ${need.id} (${need.content.join(', ')})`;
  }
  return undefined;
}

/** The report for one cluster. */
export function reliefMoves(input: ReliefInput): PlacementReport {
  const { facts, thresholds } = input;
  const loads = nodeLoads(facts);
  const nodes: NodeBalance[] = [...loads.values()].map((l) => ({
    node: l.capacity.name,
    online: l.capacity.online,
    cores: l.capacity.cores,
    cpuLoad: l.cpuLoad,
    memoryBytes: l.capacity.memoryBytes,
    memoryUsedBytes: l.capacity.memoryUsedBytes,
    memoryCommittedBytes: l.memoryCommittedBytes,
    vcpusCommitted: l.vcpusCommitted,
    guests: l.objects,
    overloaded: overloadReasons(l, thresholds),
  }));
  const placed = new Map(facts.objects.map((o) => [o.id, o]));
  const bound = new Map<string, NodeBinding>();
  for (const b of input.bindings) if (!bound.has(b.objectId)) bound.set(b.objectId, b);
  // One simulation for the whole cluster: a move made for one node is seen by the next.
  const sim = copyLoads(loads);
  const relief: NodeRelief[] = [];
  for (const balance of nodes) {
    if (balance.overloaded.length === 0) continue;
    relief.push(relieve(balance, input.guests, placed, bound, sim, thresholds));
  }
  return { thresholds, nodes, relief };
}

function relieve(
  balance: NodeBalance,
  guests: readonly ManagedGuest[],
  placed: ReadonlyMap<string, PlacedObject>,
  bound: ReadonlyMap<string, NodeBinding>,
  sim: Map<string, NodeLoad>,
  thresholds: OverloadThresholds,
): NodeRelief {
  const name = balance.node;
  const source = sim.get(name)!;
  const here = guests
    .filter((g) => (placed.get(g.id)?.node ?? g.demand.node) === name)
    .map((g) => ({ g, d: loadDemandOf(g, placed.get(g.id)) }))
    // the guest that relieves most first: busy cores, then memory, then address
    .sort((a, b) => busyCores(b.d) - busyCores(a.d) || b.d.memoryBytes - a.d.memoryBytes || compareText(a.g.address, b.g.address));
  const moves: ReliefMove[] = [];
  const stays: GuestStays[] = [];
  for (const { g, d } of here) {
    if (!placed.has(g.id)) {
      stays.push({
        address: g.address,
        id: g.id,
        why: `the cluster does not list ${g.id} (gone, or moved outside hl): hl plan reads it again`,
      });
      continue;
    }
    const binding = bound.get(g.id);
    if (binding) {
      stays.push({ address: g.address, id: g.id, why: `${binding.what} is on ${binding.node}` });
      continue;
    }
    if (d.running === false) {
      stays.push({ address: g.address, id: g.id, why: 'it is stopped, so it adds no load' });
      continue;
    }
    if (!g.nodeInConfig) {
      stays.push({ address: g.address, id: g.id, why: 'it is no longer in the config' });
      continue;
    }
    // once the moves so far relieve the node, the other guests need not move
    if (overloadReasons(source, thresholds).length === 0) continue;
    const move = moveOf(g, g.nodeInConfig, d, source, sim, thresholds);
    if ('why' in move) stays.push({ address: g.address, id: g.id, why: move.why });
    else moves.push(move);
  }
  return {
    node: name,
    overloaded: balance.overloaded,
    moves,
    stays,
    after: figures(source),
    relieved: overloadReasons(source, thresholds).length === 0,
  };
}

/** The move of one guest off `source`, counted on `sim`; or why it stays. */
function moveOf(
  g: ManagedGuest,
  nodeInConfig: NodeInConfig,
  d: LoadDemand,
  source: NodeLoad,
  sim: Map<string, NodeLoad>,
  thresholds: OverloadThresholds,
): ReliefMove | { why: string } {
  const needs = storageNeeds(g.demand.storages, source);
  const targets = new Map<string, NodeLoad>();
  const refused: string[] = [];
  for (const [n, load] of sim) {
    if (n === source.capacity.name || !load.capacity.online) continue;
    const lacks = lacksLocalStorage(load, needs.byContent);
    if (lacks) {
      refused.push(`${n}: ${lacks}`);
      continue;
    }
    const trial = copyLoads(new Map([[n, load]]));
    addDemand(trial, n, d, 1);
    const over = overloadReasons(trial.get(n)!, thresholds);
    if (over.length > 0) {
      refused.push(`${n}: would be overloaded (${over.join('; ')})`);
      continue;
    }
    targets.set(n, load);
  }
  const demand: PlacementDemand = { ...g.demand, memoryBytes: d.memoryBytes, vcpus: d.vcpus, running: true, storages: needs.byName };
  const choice = chooseNode(demand, targets, g.address);
  if (choice.node === undefined) {
    const verdicts = [...refused, ...choice.considered.map((c) => `${c.node}: ${c.verdict}`)].sort(compareText);
    if (targets.size === 0 && refused.length === 0) return { why: 'there is no other online node' };
    return { why: `no other node can take it (${verdicts.join('; ')})` };
  }
  const to = sim.get(choice.node)!;
  const before = { from: figures(source), to: figures(to) };
  addDemand(sim, source.capacity.name, d, -1);
  addDemand(sim, choice.node, d, 1);
  return {
    address: g.address,
    id: g.id,
    nodeInConfig,
    from: { before: before.from, after: figures(source) },
    to: { before: before.to, after: figures(to) },
    reason: choice.reason,
  };
}
