/**
 * Placement through one plan, for the planner: `node: auto` for each new instance, the
 * cluster's loads moved by each change as it is made, the refusals (a guest that could never
 * start on its node, a migration to an offline node or away from bound hardware), and at the
 * end the capacity table with its warnings. One ledger per provider instance whose cluster
 * was read (PlanRequest.placement).
 */
import { blockAddress } from '../../core/address.js';
import { error, type Diagnostic } from '../../core/diagnostic.js';
import { UNKNOWN, type Attributes, type Path } from '../../core/value.js';
import type { ResourceBlock } from '../../config/config-types.js';
import type { PlannedInstance } from '../../provider/contract.js';
import type { NodeBinding, PlacementFacts } from '../../provider/placement.js';
import type { ResourceState } from '../../state/state-types.js';
import { findNodeAtPath } from '../../yaml/node-path.js';
import { setPath } from '../path-edit.js';
import type { PlannerProvider } from '../planner-provider.js';
import {
  PLACEMENT_FORMAT_VERSION,
  type PlacementChoice,
  type PlacementThresholds,
  type PlanPlacement,
  type ResourceChange,
} from '../plan-types.js';
import { decideAutoNode } from './auto-node.js';
import { formatBytes } from './byte-size.js';
import { DEFAULT_THRESHOLDS, nodeEffects } from './capacity-table.js';
import { capacityWarnings } from './capacity-warnings.js';
import { boundHardwareRefusals, type MigrationRefusal } from './migration-refusals.js';
import { compareText } from './node-loads.js';
import { knownNode, PlacementLedger, type DemandOf } from './placement-ledger.js';

export interface PlacementInputs {
  /** What each provider instance read of its cluster, by provider key. */
  facts?: ReadonlyMap<string, PlacementFacts>;
  /** Why a provider instance's cluster was not read, by provider key. */
  unread?: ReadonlyMap<string, string>;
  thresholds?: PlacementThresholds;
  providers: ReadonlyMap<string, PlannerProvider>;
  /** Config blocks by block address, for locations. */
  blocks: ReadonlyMap<string, ResourceBlock>;
  /** Instances state holds, with their current attributes (counted for `spread`). */
  existing: readonly { resource: ResourceState; attributes: Attributes | null }[];
  refresh: boolean;
}

/** The config of one instance with its node decided, and what `node: auto` chose. */
export interface PlacedConfig {
  config: Attributes;
  choice?: PlacementChoice;
  diagnostics: Diagnostic[];
}

export class PlacementPlanning {
  private readonly ledgers = new Map<string, PlacementLedger>();
  private readonly thresholds: PlacementThresholds;
  private readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly inputs: PlacementInputs) {
    this.thresholds = inputs.thresholds ?? DEFAULT_THRESHOLDS;
    for (const [key, facts] of inputs.facts ?? []) if (inputs.providers.has(key)) this.ledgers.set(key, new PlacementLedger(facts));
    for (const { resource: r, attributes } of inputs.existing) {
      const ledger = this.ledgers.get(r.provider);
      if (ledger && r.mode === 'managed' && attributes !== null)
        ledger.countExisting(blockAddress(r), attributes, this.demandOf(r.provider, r.type));
    }
  }

  /**
   * `node: auto` in an instance's config: the node the existing object is on, or the one
   * chosen for a new object, written at the demand's node path. Other configs are as given.
   */
  placeNode(block: ResourceBlock, address: string, config: Attributes, before: Attributes | null): PlacedConfig {
    const demandOf = this.demandOf(block.provider, block.type);
    const demand = demandOf(config);
    if (demand?.node !== 'auto') return { config, diagnostics: [] };
    const outcome = decideAutoNode({
      address,
      block: block.address,
      demand,
      priorNode: before !== null ? knownNode(demandOf(before)) : undefined,
      loads: this.ledgers.get(block.provider)?.loads,
      unread: this.inputs.unread?.get(block.provider) ?? (this.inputs.refresh ? 'the provider does not report it' : 'refresh is off'),
    });
    const at = (node: string | typeof UNKNOWN): Attributes => setPath(config, demand.nodePath, node) as Attributes;
    switch (outcome.kind) {
      case 'kept':
        return { config: at(outcome.node), diagnostics: [] };
      case 'chosen':
        return { config: at(outcome.choice.node), choice: outcome.choice, diagnostics: [] };
      case 'refused':
        return {
          config: at(UNKNOWN),
          diagnostics: [located(error(outcome.summary, undefined, outcome.detail), block, demand.nodePath, address)],
        };
    }
  }

  /**
   * Moves the cluster's loads by one change, refusing a guest that could never start where it
   * is planned (checked when it is created, replaced, moved or its memory changes).
   */
  record(change: ResourceChange): void {
    const ledger = this.ledgers.get(change.provider);
    if (!ledger) return;
    const demandOf = this.demandOf(change.provider, change.type);
    const placed = ledger.record(change, demandOf);
    if (!placed) return;
    if (change.action === 'update' && change.migration === undefined && change.before !== null) {
      const was = demandOf(change.before);
      if (knownNode(was) === placed.node && was?.memoryBytes === placed.demand.memoryBytes) return;
    }
    const block = this.inputs.blocks.get(change.block);
    const target = ledger.loads.get(placed.node);
    const memory = placed.demand.memoryBytes;
    if (target && memory !== undefined && memory > target.capacity.memoryBytes) {
      this.diagnostics.push(
        located(
          error(
            `${change.address}: memory ${formatBytes(memory)} is more than ${placed.node} has (${formatBytes(target.capacity.memoryBytes)}); it could never start there`,
            undefined,
            'Give it less memory, or put it on a node with more (node: auto chooses one that fits).',
          ),
          block,
          ['memory'],
          change.address,
        ),
      );
    } else if (target && !target.capacity.online && change.migration === undefined && change.action !== 'update') {
      this.diagnostics.push(
        located(
          error(`${change.address}: node ${placed.node} is offline; it cannot be created there`),
          block,
          placed.demand.nodePath,
          change.address,
        ),
      );
    }
  }

  /**
   * After the walk: migrations refused for hardware bound to the node they leave, the
   * capacity table (undefined when no cluster was read) and its warnings.
   */
  finish(changes: readonly ResourceChange[]): { placement?: PlanPlacement; diagnostics: Diagnostic[] } {
    if (changes.some((c) => c.migration !== undefined)) {
      for (const r of boundHardwareRefusals(changes, this.bindings(changes))) this.refuse(r, this.inputs.blocks.get(r.change.block));
    }
    if (this.ledgers.size === 0) return { diagnostics: this.diagnostics };
    const placement: PlanPlacement = { version: PLACEMENT_FORMAT_VERSION, thresholds: this.thresholds, providers: [] };
    for (const [provider, ledger] of [...this.ledgers].sort(([a], [b]) => compareText(a, b))) {
      if (ledger.before.size === 0) continue;
      const nodes = nodeEffects(ledger.before, ledger.loads, this.thresholds);
      placement.providers.push({ provider, nodes });
      this.diagnostics.push(...capacityWarnings(provider, nodes, this.thresholds, ledger.placedOn));
    }
    return placement.providers.length > 0 ? { placement, diagnostics: this.diagnostics } : { diagnostics: this.diagnostics };
  }

  /** Every provider's bindings over the planned instances and those state holds that the plan does not touch. */
  private bindings(changes: readonly ResourceChange[]): NodeBinding[] {
    const byProvider = new Map<string, PlannedInstance[]>();
    const add = (provider: string, instance: PlannedInstance): void => {
      const list = byProvider.get(provider) ?? [];
      list.push(instance);
      byProvider.set(provider, list);
    };
    const planned = new Set<string>();
    for (const c of changes) {
      const attributes = c.after ?? c.before;
      if (c.mode !== 'managed' || attributes === null) continue;
      planned.add(c.address);
      add(c.provider, { address: c.address, type: c.type, attributes });
    }
    for (const { resource: r, attributes } of this.inputs.existing) {
      if (r.mode === 'managed' && attributes !== null && !planned.has(r.address))
        add(r.provider, { address: r.address, type: r.type, attributes });
    }
    const out: NodeBinding[] = [];
    for (const [key, resources] of byProvider) out.push(...(this.inputs.providers.get(key)?.nodeBindings?.({ resources }) ?? []));
    return out;
  }

  private refuse(r: MigrationRefusal, block: ResourceBlock | undefined): void {
    this.diagnostics.push(located(error(r.summary, undefined, r.detail), block, r.change.migration?.path ?? ['node'], r.change.address));
  }

  private demandOf(provider: string, type: string): DemandOf {
    const hook = this.inputs.providers.get(provider)?.placementDemand;
    return (attributes) => hook?.({ type, attributes });
  }
}

/** The diagnostic at the attribute `path` of the block (the block itself when it does not set it), about `address`. */
function located(d: Diagnostic, block: ResourceBlock | undefined, path: Path, address: string): Diagnostic {
  const loc = block ? findNodeAtPath(block.body, path).node.loc : undefined;
  return { ...d, ...(loc ? { location: loc } : {}), address };
}
