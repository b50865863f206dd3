/**
 * The plan: plain data saying what apply will do, resource by resource. It is versioned
 * JSON (see plan-codec.ts) and carries everything apply needs: the config it was made
 * from, the variables (sensitive ones omitted), the state it was made against, and the
 * changes with their dependencies.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { Attributes, Path, Value } from '../core/value.js';
import type { PlannedMigration } from '../provider/placement.js';
import type { ConfigFile } from '../config/config-types.js';
import type { PolicyResult } from './policy-result.js';
import type { ConditionResult } from './condition-results.js';

export const PLAN_FORMAT_VERSION = 1;

export type Action =
  | 'no-op'
  | 'create'
  | 'read'
  | 'update'
  | 'delete'
  | 'delete-create'
  | 'create-delete'
  /** Dropped from state, the object left alone (a `removed` block with `destroy: false`). */
  | 'forget';

export type ActionReason =
  | 'replace_because_tainted'
  | 'replace_by_request'
  | 'replace_by_triggers'
  | 'replace_because_cannot_update'
  | 'delete_because_no_resource_config'
  | 'delete_because_count_index'
  | 'delete_because_each_key'
  | 'delete_because_destroy'
  /** An object a create-before-destroy replacement left (see DeposedDelete). */
  | 'delete_because_deposed'
  | 'create_because_gone'
  | 'read_because_config_unknown';

export interface ResourceChange {
  /** Instance address: `proxmox_vm.k3s["pve"]`. */
  address: string;
  /** Block address: `proxmox_vm.k3s`. */
  block: string;
  /** The module instance path (`module.k3s_node["pve"]`); absent in the root module. */
  module?: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index: string | number | null;
  /** Provider key: `proxmox`, `kuma.fun-bedbug`. */
  provider: string;
  action: Action;
  reason?: ActionReason;
  /** The provider id before the change (null for creates). */
  id: string | null;
  /** Refreshed attributes before the change; null for a create. */
  before: Attributes | null;
  /** Planned attributes; may contain UNKNOWN; null for a delete. */
  after: Attributes | null;
  beforeSensitive: Path[];
  afterSensitive: Path[];
  /** Attributes forcing a replacement, each with the reason. */
  replacePaths: { path: Path; reason: string }[];
  /** Provider notes, e.g. that a change needs a reboot. */
  notes: string[];
  /** Block addresses this instance depends on (recorded in state). */
  dependencies: string[];
  /**
   * Block addresses the object depended on when last applied (from state). A delete of one
   * of them waits for this change: an update that stops using a disk runs before the disk goes.
   */
  priorDependencies?: string[];
  createBeforeDestroy: boolean;
  preventDestroy: boolean;
  /** Where state held the object before a `moved` block (Terraform's `previous_address`); apply renames it first. */
  previousAddress?: string;
  /** Set when an `import` block adopts the object: apply records it in state, then makes the change. */
  importing?: { id: string };
  /**
   * The object's id as the refresh found it, when it is no longer the one state holds (a
   * guest migrated outside hl): apply records it. `id` stays the one state holds.
   */
  newId?: string;
  /** An update that moves the object to another node in place (a migration), with how. */
  migration?: PlannedMigration;
  /** The node `node: auto` chose for a new object, and why. */
  placement?: PlacementChoice;
}

/** What `node: auto` chose for one new object: the node, why, and the verdict on every node. */
export interface PlacementChoice {
  node: string;
  reason: string;
  considered: { node: string; verdict: string }[];
}

export const PLACEMENT_FORMAT_VERSION = 1;

/** When a node counts as pushed too far (defaults, or the placement policy rules). */
export interface PlacementThresholds {
  /** Memory committed, percent of the node's memory. */
  memoryPercent: number;
  /** vCPUs committed per core. */
  vcpusPerCore: number;
  /** CPU load, percent. */
  cpuLoadPercent: number;
}

export type PlacementLimit = 'memory' | 'vcpus' | 'cpu-load';

/** The plan's effect on one node: committed memory and vCPUs before and after the plan. */
export interface NodeEffect {
  node: string;
  online: boolean;
  cores: number;
  memoryBytes: number;
  memoryBefore: number;
  memoryAfter: number;
  vcpusBefore: number;
  vcpusAfter: number;
  /** CPU load as read, 0..1. */
  cpuLoad: number;
  /** CPU load with the busy vCPUs of objects moved in or out, 0..1. */
  cpuLoadAfter: number;
  /** The thresholds the node is past after the plan. */
  over: PlacementLimit[];
}

/** The capacity table: per provider instance that read its cluster, each node's effect. */
export interface PlanPlacement {
  version: number;
  thresholds: PlacementThresholds;
  providers: { provider: string; nodes: NodeEffect[] }[];
}

/**
 * The delete of an object an address held before a create-before-destroy replacement, left
 * in state by a run that ended before deleting it (see `ResourceState.deposed`).
 */
export interface DeposedDelete {
  /** Instance address the object belonged to. */
  address: string;
  /** Its deposed key (8 hex digits). */
  key: string;
  type: string;
  provider: string;
  id: string;
  before: Attributes;
  beforeSensitive: Path[];
}

export interface DataSourceRead {
  /** Instance address: `data.maas_subnet.lan`. */
  address: string;
  block: string;
  index: string | number | null;
  attributes: Attributes;
  sensitivePaths: Path[];
}

export interface OutputChange {
  name: string;
  action: 'no-op' | 'create' | 'update' | 'delete';
  before: Value | null;
  after: Value | null;
  sensitive: boolean;
}

export interface PlanVariable {
  /** Omitted for sensitive variables: they are asked for again at apply. */
  value?: Value;
  sensitive: boolean;
}

export interface PlanSummary {
  add: number;
  change: number;
  replace: number;
  destroy: number;
  read: number;
  /** Objects a `moved` block renames, imports and forgets (absent in plans made before them). */
  move?: number;
  import?: number;
  forget?: number;
}

export interface Plan {
  formatVersion: number;
  hlVersion: string;
  /**
   * When the plan was made (RFC 3339, UTC), as the engine's clock said: `hl show --json`
   * prints it as `timestamp`. Absent in plans saved before it was recorded.
   */
  createdAt?: string;
  mode: 'normal' | 'destroy' | 'refresh-only';
  /** The state the plan was made against: apply refuses it when these differ. */
  state: { lineage: string; serial: number };
  /** sha256 of the config files, in order. */
  configHash: string;
  configuration: { files: ConfigFile[]; root: string };
  variables: Record<string, PlanVariable>;
  options: { targets: string[]; replace: string[]; refresh: boolean };
  /** Every resource instance, no-ops included, in dependency order. */
  changes: ResourceChange[];
  /** Differences between the last applied state and the live read (outside hl). */
  drift: ResourceChange[];
  /** Objects left over from earlier create-before-destroy replacements, to delete. */
  deposed: DeposedDelete[];
  /** Data sources read while planning: apply evaluates config with these same values. */
  data: DataSourceRead[];
  outputChanges: OutputChange[];
  diagnostics: Diagnostic[];
  summary: PlanSummary;
  /** True when there is anything to apply (changes or accepted drift). */
  hasChanges: boolean;
  /**
   * What the policy rules found when the plan was made (absent when there were no rules).
   * Apply refuses a plan with a failed rule of severity error.
   */
  policyResults?: PolicyResult[];
  /**
   * Custom conditions (lifecycle pre/postconditions, check blocks) and what they gave at plan:
   * pass, fail (checks only: a failed resource condition stops the plan), unknown until apply.
   * Absent when the config has none. Apply evaluates them again from the configuration.
   */
  checks?: ConditionResult[];
  /** The plan's effect on each node (absent when no provider read its cluster's capacity). */
  placement?: PlanPlacement;
}
