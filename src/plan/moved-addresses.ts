/**
 * `moved` blocks against state (pure): where each state entry is once the moves are followed.
 * A block move carries every instance of the block with its key, an instance move one
 * instance; chains are followed (a → b, b → c puts a's objects at c), instance moves before
 * block moves at each step. A move whose `from` is not in state does nothing (the block stays
 * as history). Two objects ending at one address, or an object moved onto an address state
 * still holds, is an error at the moved block. Cycles, type changes and duplicates are the
 * config's to refuse (config/decode-refactoring-blocks.ts).
 */
import { formatAddress, parseAddress, type ResourceAddress } from '../core/address.js';
import { error, type Diagnostic } from '../core/diagnostic.js';
import { moveFrom, movedTarget } from '../config/decode-refactoring-blocks.js';
import type { MovedBlock } from '../config/refactoring-types.js';
import type { ResourceState } from '../state/state-types.js';

export interface ResolvedMoves {
  /** State entries at their addresses after the moves, in state order. */
  resources: ResourceState[];
  /** Previous address by new address, for each entry that moved. */
  previous: Map<string, string>;
  diagnostics: Diagnostic[];
}

export function resolveMoves(moved: readonly MovedBlock[], resources: readonly ResourceState[]): ResolvedMoves {
  const previous = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  if (moved.length === 0) return { resources: [...resources], previous, diagnostics };
  const targets = new Map<ResourceState, { to: ResourceAddress; by: MovedBlock }>();
  const next = moveFrom(moved);
  for (const r of resources) {
    if (r.mode !== 'managed') continue;
    const start = parseAddress(r.address);
    if (!start) continue;
    let cur = start;
    let by: MovedBlock | undefined;
    for (let step = 0; step <= moved.length; step++) {
      const m = next(cur);
      if (!m) break;
      cur = movedTarget(m, cur);
      by = m;
    }
    if (by && formatAddress(cur) !== r.address) targets.set(r, { to: cur, by });
  }
  if (targets.size === 0) return { resources: [...resources], previous, diagnostics };

  const staying = new Set(resources.filter((r) => !targets.has(r)).map((r) => r.address));
  const landed = new Map<string, ResourceState>();
  const out: ResourceState[] = [];
  for (const r of resources) {
    const t = targets.get(r);
    if (!t) {
      out.push(r);
      continue;
    }
    const to = formatAddress(t.to);
    if (staying.has(to)) {
      diagnostics.push(
        error(
          `Cannot move ${r.address} to ${to}: state already holds an object at ${to}`,
          t.by.loc,
          `Both ${r.address} and ${to} are in state. If ${to} is the object you mean to keep, remove this moved block and let the plan destroy ${r.address} (or "hl state rm" it); otherwise "hl state rm" ${to} first.`,
        ),
      );
      out.push(r);
      continue;
    }
    const first = landed.get(to);
    if (first) {
      diagnostics.push(error(`Cannot move ${r.address} to ${to}: ${first.address} is moved there too`, t.by.loc));
      out.push(r);
      continue;
    }
    const moved = relocated(r, t.to);
    landed.set(to, r);
    previous.set(to, r.address);
    out.push(moved);
  }
  return { resources: out, previous, diagnostics };
}

/** The state entry at another address of the same type (as the state store's move writes it). */
export function relocated(r: ResourceState, to: ResourceAddress): ResourceState {
  const { module: _from, ...rest } = r;
  const out: ResourceState = { ...rest, address: formatAddress(to), name: to.name, index: to.key };
  if (to.module) out.module = to.module;
  return out;
}

/** A map keyed by state address, its keys renamed by the moves (`previous`: old by new). */
export function renamedKeys<T>(map: ReadonlyMap<string, T> | undefined, previous: ReadonlyMap<string, string>): Map<string, T> | undefined {
  if (!map || previous.size === 0) return map ? new Map(map) : undefined;
  const out = new Map(map);
  const movedAway = new Set(previous.values());
  for (const old of movedAway) out.delete(old);
  for (const [to, from] of previous) if (map.has(from)) out.set(to, map.get(from)!);
  return out;
}
