/**
 * The state file's content (`homelab.state.json`, schema `schemas/state.schema.json`):
 * what hl last knew of every resource it manages.
 */
import type { Attributes, Path, Value } from '../core/value.js';

export const STATE_FORMAT_VERSION = 1;

export interface ResourceState {
  /** Instance address: `proxmox_vm.k3s["pve"]`, `module.k3s_node["pve"].proxmox_vm.this`. */
  address: string;
  /** The module instance path (`module.k3s_node["pve"]`); absent in the root module. */
  module?: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** Instance key (count index or for_each key); null for a single instance. */
  index: string | number | null;
  /** Provider key: `proxmox` or `kuma.fun-bedbug`. */
  provider: string;
  /** The provider's id for the object (e.g. `pve/107`). */
  id: string;
  attributes: Attributes;
  /** Paths inside `attributes` that are sensitive. */
  sensitivePaths: Path[];
  /** Block addresses this instance depended on when last applied (for delete ordering). */
  dependencies: string[];
  /** `tainted`: a create or update failed half way; the next plan replaces it. */
  status: 'ready' | 'tainted';
  /** Kept from the config's lifecycle so that removing the block keeps the protection. */
  preventDestroy?: boolean;
  createBeforeDestroy?: boolean;
  /**
   * Objects this address held before a create-before-destroy replacement whose delete has not
   * happened yet (a crash, or a failed delete): recorded with the new object in the same
   * journal line, so they are never lost; the next plan deletes them.
   */
  deposed?: DeposedObject[];
}

export interface DeposedObject {
  /** 8 hex digits, unique within the address. */
  key: string;
  id: string;
  attributes: Attributes;
  sensitivePaths: Path[];
}

export interface OutputState {
  value: Value;
  sensitive: boolean;
}

export interface State {
  version: number;
  /** Random id given when the state is first created; never changes. */
  lineage: string;
  /** Bumped on every persisted change. */
  serial: number;
  /** hl version that last wrote it. */
  hlVersion: string;
  resources: ResourceState[];
  outputs: Record<string, OutputState>;
}

export function emptyState(lineage: string, hlVersion: string): State {
  return { version: STATE_FORMAT_VERSION, lineage, serial: 0, hlVersion, resources: [], outputs: {} };
}
