/**
 * `node: auto` for one instance: an existing object keeps the node it is on (auto never
 * moves a guest by itself); a new one gets the node chooseNode picks from the loads as
 * planned so far; without the cluster's capacity, or without a node that fits, it is refused.
 */
import type { Attributes } from '../../core/value.js';
import type { PlacementDemand } from '../../provider/placement.js';
import { setPath } from '../path-edit.js';
import type { PlacementChoice, ResourceChange } from '../plan-types.js';
import { chooseNode } from './choose-node.js';
import type { NodeLoad } from './node-loads.js';

export interface AutoNodeRequest {
  address: string;
  /** Block address, for `spread`. */
  block: string;
  demand: PlacementDemand;
  /** The node the existing object is on; undefined for a new object. */
  priorNode: string | undefined;
  /** The provider's cluster as planned so far; undefined when it was not read. */
  loads: ReadonlyMap<string, NodeLoad> | undefined;
  /** Why the cluster was not read (refresh off, the read failed). */
  unread: string;
}

export type AutoNodeOutcome =
  | { kind: 'kept'; node: string }
  | { kind: 'chosen'; choice: PlacementChoice }
  | { kind: 'refused'; summary: string; detail: string };

export function decideAutoNode(req: AutoNodeRequest): AutoNodeOutcome {
  if (req.priorNode !== undefined) return { kind: 'kept', node: req.priorNode };
  if (req.loads === undefined) {
    return {
      kind: 'refused',
      summary: `${req.address}: node: auto needs the cluster's capacity, and this plan has none: ${req.unread}`,
      detail: 'Plan with refresh on and the provider reachable, or name the node.',
    };
  }
  const c = chooseNode(req.demand, req.loads, req.block);
  if (c.node === undefined) {
    return {
      kind: 'refused',
      summary: `${req.address}: node: auto found no node that fits: ${c.reason}`,
      detail: c.considered.map((x) => `${x.node}: ${x.verdict}`).join('\n'),
    };
  }
  return { kind: 'chosen', choice: { node: c.node, reason: c.reason, considered: c.considered } };
}

/**
 * A config with `node: auto` as apply must see it: the node the plan chose for a new object
 * (`change.placement`) or the one the existing object is on, so apply plans the same value
 * the plan showed. `demandOf` is the provider's placementDemand for the change's type.
 */
export function configWithAutoNode(
  config: Attributes,
  change: Pick<ResourceChange, 'placement' | 'before'>,
  demandOf: (attributes: Attributes) => PlacementDemand | undefined,
): Attributes {
  const demand = demandOf(config);
  if (demand?.node !== 'auto') return config;
  const prior = change.before !== null ? demandOf(change.before)?.node : undefined;
  const node = change.placement?.node ?? (prior !== undefined && prior !== 'auto' ? prior : undefined);
  return node === undefined ? config : (setPath(config, demand.nodePath, node) as Attributes);
}
