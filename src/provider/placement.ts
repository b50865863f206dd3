/**
 * Placement in the provider contract: what a provider tells the engine about where its
 * objects run (nodes with their capacity and load, the objects on them), what one planned
 * object asks of its node, and what binds an object to one node (hardware passed through).
 * The planner uses these to choose a node for `node: auto`, to print the plan's effect on
 * each node, to refuse a guest that cannot start where it is planned, and to refuse a
 * migration that would leave bound hardware behind. Types only.
 */
import type { Attributes, Path } from '../core/value.js';
import type { PlannedInstance } from './contract.js';

/** One node of a cluster: what it can hold and how busy it is, as the provider read it. */
export interface NodeCapacity {
  name: string;
  online: boolean;
  /** CPU threads (PVE's `maxcpu`). */
  cores: number;
  /** Share of the cores busy now, 0..1 (PVE's `cpu`). */
  cpuLoad: number;
  /** The node's memory (PVE's `maxmem`). */
  memoryBytes: number;
  /** Memory in use on the node, host and guests (PVE's `mem`). */
  memoryUsedBytes: number;
  /** Storages of the node that are enabled and active, with the content they allow. */
  storages: { id: string; content: string[]; shared: boolean }[];
}

/** One object placed on a node: every guest of the cluster, hl's or not (templates left out). */
export interface PlacedObject {
  /** The provider's id of the object (a guest: `node/vmid`). */
  id: string;
  /** Resource type it would have in hl (`proxmox_vm`, `proxmox_lxc`). */
  type: string;
  node: string;
  name?: string;
  /** Memory it is given (a guest's configured memory). */
  memoryBytes: number;
  vcpus: number;
  /** Share of its own vCPUs busy now, 0..1. */
  cpuLoad: number;
  running: boolean;
}

/** What a provider read of one cluster for placement. */
export interface PlacementFacts {
  nodes: NodeCapacity[];
  objects: PlacedObject[];
}

export interface PlacementDemandRequest {
  type: string;
  /** Config (for `node: auto`), planned or prior attributes; may contain unknowns. */
  attributes: Attributes;
}

/** What one object asks of the node it runs on. */
export interface PlacementDemand {
  /** Its node; `auto` when config asks hl to choose one; undefined when not known yet. */
  node: string | undefined;
  /** Where the node is in the resource's config (`['node']`), set when hl chooses it. */
  nodePath: Path;
  /** Memory it is given; undefined when not known yet. */
  memoryBytes?: number;
  vcpus?: number;
  /** Whether it is meant to run (a stopped guest commits no memory to start). */
  running: boolean;
  /** Storages it needs on its node (its volumes'). */
  storages: string[];
  /** `node: auto` preferences from config: nodes to prefer (in order), to avoid, and spread instances of one block. */
  prefer?: string[];
  avoid?: string[];
  spread?: boolean;
}

/** A planned or recorded instance that binds another object to one node (hardware passed through to a guest). */
export interface NodeBinding {
  /** The id of the bound object (a guest: `node/vmid`). */
  objectId: string;
  /** The node the hardware is on. */
  node: string;
  /** Address of the instance that binds it (`coral_passthrough.frigate`). */
  address: string;
  /** What binds it, for messages: `the USB Coral TPU on port 2-1`. */
  what: string;
}

export interface NodeBindingsRequest {
  resources: PlannedInstance[];
}

/** How a change moves an object to another node in place (a migration), shown beside the attribute. */
export interface PlannedMigration {
  /** The attribute that changes (`['node']`). */
  path: Path;
  from: string;
  to: string;
  /** How, for the plan: `online migration, local disks copied to local-zfs`. */
  how: string;
}
