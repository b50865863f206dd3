/**
 * One provider instance's cluster through the plan: the loads as read, and the loads as
 * planned so far, moved by each change as the planner makes it (the object a change takes
 * away from its node, the one it plans on a node). `node: auto` chooses from the loads as
 * planned so far, so two new guests in one plan do not both see the same free memory.
 */
import type { Attributes } from '../../core/value.js';
import type { PlacedObject, PlacementDemand, PlacementFacts } from '../../provider/placement.js';
import type { ResourceChange } from '../plan-types.js';
import { addDemand, copyLoads, countInstance, nodeLoads, type NodeLoad } from './node-loads.js';

/** What one object asks of its node, from its attributes (the provider's placementDemand). */
export type DemandOf = (attributes: Attributes) => PlacementDemand | undefined;

/** Where a change puts its object, as recorded. */
export interface PlannedPlacement {
  node: string;
  demand: PlacementDemand;
}

export class PlacementLedger {
  readonly before: ReadonlyMap<string, NodeLoad>;
  readonly loads: Map<string, NodeLoad>;
  /** Instance addresses the plan puts on each node (created, moved in or changed there). */
  readonly placedOn = new Map<string, string[]>();
  private readonly objectsById = new Map<string, PlacedObject>();

  constructor(readonly facts: PlacementFacts) {
    this.before = nodeLoads(facts);
    this.loads = copyLoads(this.before);
    for (const o of facts.objects) this.objectsById.set(o.id, o);
  }

  /** An instance state holds, counted on its node for `spread` before the walk. */
  countExisting(block: string, attributes: Attributes, demandOf: DemandOf): void {
    const node = knownNode(demandOf(attributes));
    if (node !== undefined) countInstance(this.loads, node, block, 1);
  }

  /**
   * Moves the loads by one change: takes away the object it had (as the facts saw it),
   * adds the one it plans. Returns where the planned object goes; undefined when it goes
   * nowhere (a delete, a forget, a no-op, a node not known yet).
   */
  record(change: ResourceChange, demandOf: DemandOf): PlannedPlacement | undefined {
    if (change.mode !== 'managed' || change.action === 'no-op' || change.action === 'read' || change.action === 'forget') return undefined;
    const object = change.id !== null ? this.objectsById.get(change.id) : undefined;
    if (change.before !== null && change.action !== 'create') {
      if (object) {
        addDemand(
          this.loads,
          object.node,
          { memoryBytes: object.memoryBytes, vcpus: object.vcpus, cpuShare: object.cpuLoad, running: object.running },
          -1,
        );
      }
      const node = knownNode(demandOf(change.before));
      if (node !== undefined) countInstance(this.loads, node, change.block, -1);
    }
    if (change.after === null || change.action === 'delete') return undefined;
    const demand = demandOf(change.after);
    const node = knownNode(demand);
    if (demand === undefined || node === undefined) return undefined;
    // an update keeps the object: what the facts saw of it fills in what config leaves unknown
    const same = change.action === 'update' ? object : undefined;
    addDemand(
      this.loads,
      node,
      {
        memoryBytes: demand.memoryBytes ?? same?.memoryBytes ?? 0,
        vcpus: demand.vcpus ?? same?.vcpus ?? 0,
        ...(same ? { cpuShare: same.cpuLoad } : {}),
        running: demand.running,
        block: change.block,
      },
      1,
    );
    const list = this.placedOn.get(node) ?? [];
    list.push(change.address);
    this.placedOn.set(node, list);
    return { node, demand };
  }
}

/** The demand's node when it is a node name (not `auto`, not unknown). */
export function knownNode(d: PlacementDemand | undefined): string | undefined {
  const n = d?.node;
  return typeof n === 'string' && n !== '' && n !== 'auto' ? n : undefined;
}
